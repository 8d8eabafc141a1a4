import type {
  DeleteBucketOwnershipControlsRequest,
  GetBucketAclOutput,
  GetBucketAclRequest,
  GetBucketOwnershipControlsOutput,
  GetBucketOwnershipControlsRequest,
  GetObjectAclOutput,
  GetObjectAclRequest,
  PutBucketAclRequest,
  PutBucketOwnershipControlsRequest,
  PutObjectAclOutput,
  PutObjectAclRequest,
} from '@aws-sdk/client-s3';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { cannedAcl, headerGrants, onlyOwnerFullControl, policyGrants, toSdkGrants } from '../acl.js';
import { authorize, checkAclWrite } from '../access.js';
import { findVersion, getBucket, malformedXml, noSuchKey, versionIdHeader } from '../common.js';
import { canonicalId, type StoredGrant } from '../store.js';

type AclRequest = Pick<
  PutBucketAclRequest,
  'AccessControlPolicy' | 'GrantFullControl' | 'GrantRead' | 'GrantReadACP' | 'GrantWrite' | 'GrantWriteACP'
> & {
  ACL?: string;
};

/** The grants an ACL request sets: a canned ACL, grant headers, or an AccessControlPolicy body (exactly one). */
function requestedGrants(input: AclRequest, owner: string, bucketOwner: string): StoredGrant[] {
  const fromHeaders = headerGrants(input);
  const ways = [
    input.ACL !== undefined,
    fromHeaders !== undefined,
    input.AccessControlPolicy !== undefined,
  ].filter(Boolean).length;
  if (ways === 0)
    throw new ServiceError('MissingSecurityHeader', 'Your request was missing a required header', 400, {
      fields: { MissingHeaderName: 'x-amz-acl' },
    });
  if (ways > 1) throw new ServiceError('UnexpectedContent', 'This request does not support content', 400);
  if (input.ACL !== undefined) return cannedAcl(input.ACL, owner, bucketOwner);
  return fromHeaders ?? policyGrants(input.AccessControlPolicy ?? {});
}

export async function getBucketAcl(
  ctx: CallContext,
  input: GetBucketAclRequest,
): Promise<GetBucketAclOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketAcl');
  return { Owner: { ID: canonicalId(bucket.owner) }, Grants: toSdkGrants(bucket.acl) };
}

export async function putBucketAcl(ctx: CallContext, input: PutBucketAclRequest): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketAcl');
  const grants = requestedGrants(input, bucket.owner, bucket.owner);
  await checkAclWrite(ctx, bucket, grants, 's3:PutBucketAcl');
  bucket.acl = grants;
}

export async function getObjectAcl(
  ctx: CallContext,
  input: GetObjectAclRequest,
): Promise<GetObjectAclOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  const version = findVersion(bucket, key, input.VersionId);
  await authorize(ctx, bucket, 's3:GetObjectAcl', { key, object: version });
  if (!version || version.deleteMarker) throw noSuchKey(key);
  return { Owner: { ID: canonicalId(version.owner) }, Grants: toSdkGrants(version.acl) };
}

export async function putObjectAcl(
  ctx: CallContext,
  input: PutObjectAclRequest,
): Promise<PutObjectAclOutput & { VersionId?: string }> {
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  const version = findVersion(bucket, key, input.VersionId);
  await authorize(ctx, bucket, 's3:PutObjectAcl', {
    key,
    object: version,
    context: { 's3:x-amz-acl': input.ACL },
  });
  if (!version || version.deleteMarker) throw noSuchKey(key);
  const grants = requestedGrants(input, version.owner, bucket.owner);
  await checkAclWrite(ctx, bucket, grants, 's3:PutObjectAcl', key);
  version.acl = grants;
  return { VersionId: versionIdHeader(bucket, version.versionId) };
}

export async function getBucketOwnershipControls(
  ctx: CallContext,
  input: GetBucketOwnershipControlsRequest,
): Promise<GetBucketOwnershipControlsOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketOwnershipControls');
  if (!bucket.ownership) {
    throw new ServiceError(
      'OwnershipControlsNotFoundError',
      'The bucket ownership controls were not found',
      404,
      { fields: { BucketName: bucket.name } },
    );
  }
  return { OwnershipControls: { Rules: [{ ObjectOwnership: bucket.ownership }] } };
}

export async function putBucketOwnershipControls(
  ctx: CallContext,
  input: PutBucketOwnershipControlsRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketOwnershipControls');
  const rules = input.OwnershipControls?.Rules ?? [];
  const ownership = rules[0]?.ObjectOwnership;
  if (
    rules.length !== 1 ||
    !ownership ||
    !['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'].includes(ownership)
  ) {
    throw malformedXml();
  }
  // Disabling ACLs requires a bucket ACL that grants nothing beyond the owner's full control.
  if (ownership === 'BucketOwnerEnforced' && !onlyOwnerFullControl(bucket.acl, bucket.owner)) {
    throw new ServiceError(
      'InvalidBucketAclWithObjectOwnership',
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
      400,
    );
  }
  bucket.ownership = ownership;
}

export async function deleteBucketOwnershipControls(
  ctx: CallContext,
  input: DeleteBucketOwnershipControlsRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketOwnershipControls');
  delete bucket.ownership;
}
