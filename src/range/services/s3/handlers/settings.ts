import type {
  DeleteBucketEncryptionRequest,
  DeleteBucketTaggingRequest,
  DeleteObjectTaggingOutput,
  DeleteObjectTaggingRequest,
  GetBucketEncryptionOutput,
  GetBucketEncryptionRequest,
  GetBucketTaggingOutput,
  GetBucketTaggingRequest,
  GetBucketVersioningOutput,
  GetBucketVersioningRequest,
  GetObjectTaggingOutput,
  GetObjectTaggingRequest,
  PutBucketEncryptionRequest,
  PutBucketTaggingRequest,
  PutBucketVersioningRequest,
  PutObjectTaggingOutput,
  PutObjectTaggingRequest,
  Tag,
} from '@aws-sdk/client-s3';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { authorize } from '../access.js';
import { findVersion, getBucket, malformedXml, noSuchKey, versionIdHeader } from '../common.js';
import { defaultEncryption, type ObjectVersion } from '../store.js';

// ---- Default encryption: every bucket has one (SSE-S3 unless configured otherwise).

export async function getBucketEncryption(
  ctx: CallContext,
  input: GetBucketEncryptionRequest,
): Promise<GetBucketEncryptionOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetEncryptionConfiguration');
  if (!bucket.encryption) {
    throw new ServiceError(
      'ServerSideEncryptionConfigurationNotFoundError',
      'The server side encryption configuration was not found',
      404,
      {
        fields: { BucketName: bucket.name },
      },
    );
  }
  return { ServerSideEncryptionConfiguration: bucket.encryption };
}

export async function putBucketEncryption(
  ctx: CallContext,
  input: PutBucketEncryptionRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutEncryptionConfiguration');
  const rules = input.ServerSideEncryptionConfiguration?.Rules ?? [];
  const sse = rules[0]?.ApplyServerSideEncryptionByDefault;
  if (
    rules.length !== 1 ||
    !sse?.SSEAlgorithm ||
    !['AES256', 'aws:kms', 'aws:kms:dsse'].includes(sse.SSEAlgorithm)
  )
    throw malformedXml();
  if (sse.KMSMasterKeyID && sse.SSEAlgorithm === 'AES256') {
    throw new ServiceError(
      'InvalidArgument',
      'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
      400,
      {
        fields: { ArgumentName: 'ApplyServerSideEncryptionByDefault' },
      },
    );
  }
  bucket.encryption = {
    Rules: [
      {
        ApplyServerSideEncryptionByDefault: { ...sse },
        BucketKeyEnabled: rules[0]?.BucketKeyEnabled ?? false,
      },
    ],
  };
}

/** Deleting the configuration returns the bucket to SSE-S3, as AWS does since January 2023. */
export async function deleteBucketEncryption(
  ctx: CallContext,
  input: DeleteBucketEncryptionRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutEncryptionConfiguration');
  bucket.encryption = defaultEncryption();
}

// ---- Versioning

export async function getBucketVersioning(
  ctx: CallContext,
  input: GetBucketVersioningRequest,
): Promise<GetBucketVersioningOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketVersioning');
  return bucket.versioning ? { Status: bucket.versioning, MFADelete: 'Disabled' } : {};
}

export async function putBucketVersioning(
  ctx: CallContext,
  input: PutBucketVersioningRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketVersioning');
  const status = input.VersioningConfiguration?.Status;
  if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
  bucket.versioning = status;
}

// ---- Tags

function validateTags(tags: Tag[], max: number): void {
  if (tags.length > max)
    throw new ServiceError('BadRequest', `Object tags cannot be greater than ${max}`, 400);
  const keys = new Set<string>();
  for (const t of tags) {
    if (!t.Key || t.Key.length > 128 || (t.Value ?? '').length > 256)
      throw new ServiceError('InvalidTag', 'The TagKey you have provided is invalid', 400);
    if (t.Key.startsWith('aws:'))
      throw new ServiceError('InvalidTag', 'System tags cannot be added/updated by requester', 400);
    if (keys.has(t.Key))
      throw new ServiceError('InvalidTag', 'Cannot provide multiple Tags with the same key', 400);
    keys.add(t.Key);
  }
}

export async function getBucketTagging(
  ctx: CallContext,
  input: GetBucketTaggingRequest,
): Promise<GetBucketTaggingOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:GetBucketTagging');
  if (!bucket.tags)
    throw new ServiceError('NoSuchTagSet', 'The TagSet does not exist', 404, {
      fields: { BucketName: bucket.name },
    });
  return { TagSet: bucket.tags };
}

export async function putBucketTagging(ctx: CallContext, input: PutBucketTaggingRequest): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketTagging');
  const tags = input.Tagging?.TagSet ?? [];
  validateTags(tags, 50);
  bucket.tags = tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
}

export async function deleteBucketTagging(
  ctx: CallContext,
  input: DeleteBucketTaggingRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:PutBucketTagging');
  delete bucket.tags;
}

async function taggedVersion(
  ctx: CallContext,
  input: { Bucket?: string; Key?: string; VersionId?: string },
  action: string,
) {
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  const version: ObjectVersion | undefined = findVersion(bucket, key, input.VersionId);
  await authorize(ctx, bucket, action, { key, object: version });
  if (!version || version.deleteMarker) throw noSuchKey(key);
  return { bucket, version };
}

export async function getObjectTagging(
  ctx: CallContext,
  input: GetObjectTaggingRequest,
): Promise<GetObjectTaggingOutput> {
  const { bucket, version } = await taggedVersion(ctx, input, 's3:GetObjectTagging');
  return { TagSet: version.tags, VersionId: versionIdHeader(bucket, version.versionId) };
}

export async function putObjectTagging(
  ctx: CallContext,
  input: PutObjectTaggingRequest,
): Promise<PutObjectTaggingOutput> {
  const { bucket, version } = await taggedVersion(ctx, input, 's3:PutObjectTagging');
  const tags = input.Tagging?.TagSet ?? [];
  validateTags(tags, 10);
  version.tags = tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
  return { VersionId: versionIdHeader(bucket, version.versionId) };
}

export async function deleteObjectTagging(
  ctx: CallContext,
  input: DeleteObjectTaggingRequest,
): Promise<DeleteObjectTaggingOutput> {
  const { bucket, version } = await taggedVersion(ctx, input, 's3:DeleteObjectTagging');
  version.tags = [];
  return { VersionId: versionIdHeader(bucket, version.versionId) };
}
