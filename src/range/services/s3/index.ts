import type { ServiceDefinition } from '../../context.js';
import {
  deleteBucketOwnershipControls,
  getBucketAcl,
  getBucketOwnershipControls,
  getObjectAcl,
  putBucketAcl,
  putBucketOwnershipControls,
  putObjectAcl,
} from './handlers/acls.js';
import {
  createBucket,
  deleteBucket,
  getBucketLocation,
  headBucket,
  listBuckets,
} from './handlers/buckets.js';
import { deleteObject, deleteObjects } from './handlers/deletes.js';
import { listObjects, listObjectsV2, listObjectVersions } from './handlers/listing.js';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listParts,
  uploadPart,
} from './handlers/multipart.js';
import { copyObject, getObject, headObject, putObject } from './handlers/objects.js';
import {
  deleteBucketPolicy,
  deletePublicAccessBlock,
  getBucketPolicy,
  getBucketPolicyStatus,
  getPublicAccessBlock,
  putBucketPolicy,
  putPublicAccessBlock,
} from './handlers/policy.js';
import {
  deleteBucketEncryption,
  deleteBucketTagging,
  deleteObjectTagging,
  getBucketEncryption,
  getBucketTagging,
  getBucketVersioning,
  getObjectTagging,
  putBucketEncryption,
  putBucketTagging,
  putBucketVersioning,
  putObjectTagging,
} from './handlers/settings.js';
import { s3TrailParameters } from './trail.js';

/** Object-level operations: CloudTrail data events, as in AWS (bucket-level calls are management events). */
const dataEvents = new Set([
  'GetObject',
  'HeadObject',
  'PutObject',
  'CopyObject',
  'DeleteObject',
  'DeleteObjects',
  'GetObjectAcl',
  'PutObjectAcl',
  'GetObjectTagging',
  'PutObjectTagging',
  'DeleteObjectTagging',
  'ListObjects',
  'ListObjectsV2',
  'ListObjectVersions',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
]);

export const s3Service: ServiceDefinition = {
  name: 's3',
  eventSource: 's3.amazonaws.com',
  // S3 evaluates bucket policies, ACLs and the caller's IAM policies itself (access.ts).
  authorizesItself: true,
  handlers: {
    CreateBucket: createBucket,
    DeleteBucket: deleteBucket,
    ListBuckets: listBuckets,
    HeadBucket: headBucket,
    GetBucketLocation: getBucketLocation,
    PutObject: putObject,
    GetObject: getObject,
    HeadObject: headObject,
    CopyObject: copyObject,
    DeleteObject: deleteObject,
    DeleteObjects: deleteObjects,
    CreateMultipartUpload: createMultipartUpload,
    UploadPart: uploadPart,
    CompleteMultipartUpload: completeMultipartUpload,
    AbortMultipartUpload: abortMultipartUpload,
    ListParts: listParts,
    ListObjects: listObjects,
    ListObjectsV2: listObjectsV2,
    ListObjectVersions: listObjectVersions,
    GetBucketPolicy: getBucketPolicy,
    PutBucketPolicy: putBucketPolicy,
    DeleteBucketPolicy: deleteBucketPolicy,
    GetBucketPolicyStatus: getBucketPolicyStatus,
    GetPublicAccessBlock: getPublicAccessBlock,
    PutPublicAccessBlock: putPublicAccessBlock,
    DeletePublicAccessBlock: deletePublicAccessBlock,
    GetBucketAcl: getBucketAcl,
    PutBucketAcl: putBucketAcl,
    GetObjectAcl: getObjectAcl,
    PutObjectAcl: putObjectAcl,
    GetBucketOwnershipControls: getBucketOwnershipControls,
    PutBucketOwnershipControls: putBucketOwnershipControls,
    DeleteBucketOwnershipControls: deleteBucketOwnershipControls,
    GetBucketEncryption: getBucketEncryption,
    PutBucketEncryption: putBucketEncryption,
    DeleteBucketEncryption: deleteBucketEncryption,
    GetBucketVersioning: getBucketVersioning,
    PutBucketVersioning: putBucketVersioning,
    GetBucketTagging: getBucketTagging,
    PutBucketTagging: putBucketTagging,
    DeleteBucketTagging: deleteBucketTagging,
    GetObjectTagging: getObjectTagging,
    PutObjectTagging: putObjectTagging,
    DeleteObjectTagging: deleteObjectTagging,
  },
  dataEvents,
  // CloudTrail names the bucket-level Block Public Access calls after their IAM actions.
  eventNames: {
    GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
    PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
    DeletePublicAccessBlock: 'DeleteBucketPublicAccessBlock',
  },
  trailParameters: s3TrailParameters,
  resources: (_operation, input) =>
    typeof input.Bucket === 'string' && input.Bucket
      ? [{ ResourceType: 'AWS::S3::Bucket', ResourceName: input.Bucket }]
      : [],
};
