/**
 * S3's CloudTrail requestParameters: request bodies under their XML element names with the S3
 * namespace (`PublicAccessBlockConfiguration.RestrictPublicBuckets`), the bucket policy as a JSON
 * object (`bucketPolicy.Statement`), the sub-resource the request named (`"acl": ""`) and headers
 * under their names (`x-amz-acl`): the paths detection rules and metric filters look at.
 */

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** The generic conversion's names (lowerCamelCase) of request bodies, and their XML element names. */
const bodies: Record<string, string> = {
  publicAccessBlockConfiguration: 'PublicAccessBlockConfiguration',
  versioningConfiguration: 'VersioningConfiguration',
  serverSideEncryptionConfiguration: 'ServerSideEncryptionConfiguration',
  tagging: 'Tagging',
  ownershipControls: 'OwnershipControls',
  accessControlPolicy: 'AccessControlPolicy',
  createBucketConfiguration: 'CreateBucketConfiguration',
  delete: 'Delete',
  multipartUpload: 'CompleteMultipartUpload',
  bucketLoggingStatus: 'BucketLoggingStatus',
  cORSConfiguration: 'CORSConfiguration',
  lifecycleConfiguration: 'LifecycleConfiguration',
  websiteConfiguration: 'WebsiteConfiguration',
  accelerateConfiguration: 'AccelerateConfiguration',
};

/** Headers S3 logs by name (the generic conversion lowercases the first letter of the member name). */
const headers: Record<string, string> = {
  aCL: 'x-amz-acl',
  objectOwnership: 'x-amz-object-ownership',
  serverSideEncryption: 'x-amz-server-side-encryption',
  sSEKMSKeyId: 'x-amz-server-side-encryption-aws-kms-key-id',
  copySource: 'x-amz-copy-source',
  grantRead: 'x-amz-grant-read',
  grantWrite: 'x-amz-grant-write',
  grantReadACP: 'x-amz-grant-read-acp',
  grantWriteACP: 'x-amz-grant-write-acp',
  grantFullControl: 'x-amz-grant-full-control',
};

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * An AccessControlPolicy body as S3 logs it: the XML document's shape, `AccessControlList.Grant` (one object
 * for one grant, a list for more) with each grantee's type as the `xsi:type` attribute, as in the PutBucketAcl
 * record of the S3 user guide's CloudTrail examples.
 */
function accessControlPolicy(policy: Record<string, unknown>): Record<string, unknown> {
  const grants = (Array.isArray(policy.Grants) ? policy.Grants : []).map((raw: unknown) => {
    const grant = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const grantee = (grant.Grantee && typeof grant.Grantee === 'object' ? grant.Grantee : {}) as Record<
      string,
      unknown
    >;
    const { Type, ...rest } = grantee;
    const out: Record<string, unknown> = {};
    if (Object.keys(grantee).length) out.Grantee = { 'xsi:type': Type, 'xmlns:xsi': XSI, ...rest };
    if (grant.Permission !== undefined) out.Permission = grant.Permission;
    return out;
  });
  const out: Record<string, unknown> = {};
  if (grants.length) out.AccessControlList = { Grant: grants.length === 1 ? grants[0] : grants };
  out.xmlns = S3_NS;
  if (policy.Owner !== undefined) out.Owner = policy.Owner;
  return out;
}

const subresources: Record<string, string> = {
  GetBucketPolicy: 'policy',
  PutBucketPolicy: 'policy',
  DeleteBucketPolicy: 'policy',
  GetBucketPolicyStatus: 'policyStatus',
  GetPublicAccessBlock: 'publicAccessBlock',
  PutPublicAccessBlock: 'publicAccessBlock',
  DeletePublicAccessBlock: 'publicAccessBlock',
  GetBucketAcl: 'acl',
  PutBucketAcl: 'acl',
  GetObjectAcl: 'acl',
  PutObjectAcl: 'acl',
  GetBucketOwnershipControls: 'ownershipControls',
  PutBucketOwnershipControls: 'ownershipControls',
  DeleteBucketOwnershipControls: 'ownershipControls',
  GetBucketEncryption: 'encryption',
  PutBucketEncryption: 'encryption',
  DeleteBucketEncryption: 'encryption',
  GetBucketVersioning: 'versioning',
  PutBucketVersioning: 'versioning',
  GetBucketTagging: 'tagging',
  PutBucketTagging: 'tagging',
  DeleteBucketTagging: 'tagging',
  GetObjectTagging: 'tagging',
  PutObjectTagging: 'tagging',
  DeleteObjectTagging: 'tagging',
  GetBucketLocation: 'location',
  DeleteObjects: 'delete',
  ListObjectVersions: 'versions',
  CreateMultipartUpload: 'uploads',
  GetBucketLogging: 'logging',
  PutBucketLogging: 'logging',
  GetBucketCors: 'cors',
  PutBucketCors: 'cors',
  DeleteBucketCors: 'cors',
  GetBucketLifecycleConfiguration: 'lifecycle',
  PutBucketLifecycleConfiguration: 'lifecycle',
  DeleteBucketLifecycle: 'lifecycle',
  GetBucketWebsite: 'website',
  PutBucketWebsite: 'website',
  DeleteBucketWebsite: 'website',
  GetBucketReplication: 'replication',
  GetBucketNotificationConfiguration: 'notification',
  GetObjectLockConfiguration: 'object-lock',
  GetBucketRequestPayment: 'requestPayment',
  GetBucketAccelerateConfiguration: 'accelerate',
  PutBucketAccelerateConfiguration: 'accelerate',
};

/**
 * Flattened lists of the bucket-setting bodies, logged under their XML element name: one element is an
 * object, more are a list (a CORS rule is `CORSConfiguration.CORSRule.AllowedMethod`, as in the XML).
 */
const xmlListNames: Record<string, string> = {
  CORSRules: 'CORSRule',
  AllowedMethods: 'AllowedMethod',
  AllowedOrigins: 'AllowedOrigin',
  AllowedHeaders: 'AllowedHeader',
  ExposeHeaders: 'ExposeHeader',
  Rules: 'Rule',
  Transitions: 'Transition',
  NoncurrentVersionTransitions: 'NoncurrentVersionTransition',
};
const settingBodies = new Set(['cORSConfiguration', 'lifecycleConfiguration']);

function xmlLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(xmlLists);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const name = xmlListNames[k];
    if (name && Array.isArray(v)) out[name] = v.length === 1 ? xmlLists(v[0]) : v.map(xmlLists);
    else out[k] = xmlLists(v);
  }
  return out;
}

function pascal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascal);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[k.charAt(0).toUpperCase() + k.slice(1)] = pascal(v);
  return out;
}

export function s3TrailParameters(
  operation: string,
  converted: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(converted)) {
    const body = bodies[k];
    if (k === 'accessControlPolicy' && v && typeof v === 'object')
      out.AccessControlPolicy = accessControlPolicy(pascal(v) as Record<string, unknown>);
    else if (body && v && typeof v === 'object' && settingBodies.has(k))
      out[body] = { xmlns: S3_NS, ...(xmlLists(pascal(v)) as object) };
    else if (body && v && typeof v === 'object') out[body] = { xmlns: S3_NS, ...(pascal(v) as object) };
    else if (headers[k]) out[headers[k]] = v;
    else if (k === 'tagging') out['x-amz-tagging'] = v;
    else if (operation === 'PutBucketPolicy' && k === 'policy' && typeof v === 'string') {
      try {
        out.bucketPolicy = JSON.parse(v);
      } catch {
        // A policy that is not JSON fails the call; the record keeps no bucketPolicy.
      }
    } else out[k] = v;
  }
  const sub = subresources[operation];
  if (sub) out[sub] = '';
  return out;
}
