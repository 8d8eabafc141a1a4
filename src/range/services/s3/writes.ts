import type { PutObjectRequest, Tag } from '@aws-sdk/client-s3';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { cannedAcl, headerGrants } from './acl.js';
import { checkAclWrite } from './access.js';
import { ownerGrant, type Bucket, type ObjectVersion, type StoredGrant } from './store.js';

// What PutObject, CopyObject and CreateMultipartUpload decide about a new object before its bytes.

const sseAlgorithms = ['AES256', 'aws:kms', 'aws:kms:dsse'];

/** Who owns a new object: the bucket owner under BucketOwnerEnforced (and Preferred with the canned ACL), else the writer. */
export function objectOwner(ctx: CallContext, bucket: Bucket, acl: string | undefined): string {
  if (ctx.principal.type === 'AWSAccount') return bucket.owner;
  if (bucket.ownership === 'BucketOwnerEnforced') return bucket.owner;
  if (bucket.ownership === 'BucketOwnerPreferred' && acl === 'bucket-owner-full-control') return bucket.owner;
  return ctx.accountId;
}

type AclInput = Pick<
  PutObjectRequest,
  'ACL' | 'GrantFullControl' | 'GrantRead' | 'GrantReadACP' | 'GrantWriteACP'
>;

export async function newObjectAcl(
  ctx: CallContext,
  bucket: Bucket,
  input: AclInput,
  owner: string,
  key: string,
): Promise<StoredGrant[]> {
  const grants = input.ACL ? cannedAcl(input.ACL, owner, bucket.owner) : headerGrants(input);
  if (!grants) return [ownerGrant(owner)];
  await checkAclWrite(ctx, bucket, grants, 's3:PutObject', key);
  return grants;
}

export function resolveSse(
  bucket: Bucket,
  input: Pick<PutObjectRequest, 'ServerSideEncryption' | 'SSEKMSKeyId' | 'BucketKeyEnabled'>,
): ObjectVersion['sse'] {
  const rule = bucket.encryption?.Rules?.[0];
  const algorithm =
    input.ServerSideEncryption ?? rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? 'AES256';
  if (!sseAlgorithms.includes(algorithm)) {
    throw new ServiceError('InvalidArgument', 'The encryption method specified is not supported', 400, {
      fields: { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: algorithm },
    });
  }
  if (!algorithm.startsWith('aws:kms')) return { algorithm };
  const kmsKeyId =
    input.SSEKMSKeyId ??
    rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID ??
    `arn:aws:kms:${bucket.region}:${bucket.owner}:alias/aws/s3`;
  return { algorithm, kmsKeyId, bucketKeyEnabled: input.BucketKeyEnabled ?? rule?.BucketKeyEnabled ?? false };
}

export function sseOutput(sse: ObjectVersion['sse']) {
  return {
    ServerSideEncryption: sse?.algorithm as 'AES256' | undefined,
    SSEKMSKeyId: sse?.kmsKeyId,
    BucketKeyEnabled: sse?.bucketKeyEnabled || undefined,
  };
}

/** The `x-amz-tagging` header: a URL query string of tags. */
export function parseTaggingHeader(header: string | undefined): Tag[] {
  if (!header) return [];
  const tags = [...new URLSearchParams(header)].map(([Key, Value]) => ({ Key, Value }));
  if (tags.length > 10) throw new ServiceError('BadRequest', 'Object tags cannot be greater than 10', 400);
  return tags;
}

type NewObjectInput = AclInput &
  Pick<
    PutObjectRequest,
    | 'ContentType'
    | 'ContentEncoding'
    | 'ContentDisposition'
    | 'ContentLanguage'
    | 'CacheControl'
    | 'Expires'
    | 'Metadata'
    | 'StorageClass'
    | 'ServerSideEncryption'
    | 'SSEKMSKeyId'
    | 'BucketKeyEnabled'
    | 'Tagging'
  >;

/** The settings of a new object from the request headers (ACL checks included), without its bytes. */
export async function newObjectFields(ctx: CallContext, bucket: Bucket, key: string, input: NewObjectInput) {
  const owner = objectOwner(ctx, bucket, input.ACL);
  return {
    key,
    owner,
    contentType: input.ContentType,
    // The SDK marks streamed uploads `aws-chunked`; that is transport, not the object's encoding.
    contentEncoding:
      input.ContentEncoding?.replace(/(^|,\s*)aws-chunked/, '').replace(/^,\s*/, '') || undefined,
    contentDisposition: input.ContentDisposition,
    contentLanguage: input.ContentLanguage,
    cacheControl: input.CacheControl,
    expires: input.Expires,
    metadata: input.Metadata ?? {},
    storageClass: input.StorageClass ?? 'STANDARD',
    sse: resolveSse(bucket, input),
    acl: await newObjectAcl(ctx, bucket, input, owner, key),
    tags: parseTaggingHeader(input.Tagging),
  } satisfies Partial<ObjectVersion>;
}
