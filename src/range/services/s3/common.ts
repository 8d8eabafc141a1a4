import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { newVersionId, s3State, type Bucket, type ObjectVersion } from './store.js';

export function noSuchBucket(name: string): ServiceError {
  return new ServiceError('NoSuchBucket', 'The specified bucket does not exist', 404, {
    fields: { BucketName: name },
  });
}

/** S3's answer to a request body it cannot use (not well formed, or outside the schema's limits). */
export function malformedXml(): ServiceError {
  return new ServiceError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );
}

export function noSuchKey(key: string): ServiceError {
  return new ServiceError('NoSuchKey', 'The specified key does not exist.', 404, { fields: { Key: key } });
}

/** S3 keys are at most 1,024 bytes of UTF-8 (S3 User Guide, "Naming Amazon S3 objects"); longer ones fail with KeyTooLongError. */
export const MAX_KEY_BYTES = 1024;

export function checkNewKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new ServiceError('KeyTooLongError', 'Your key is too long', 400, {
      fields: { Size: String(Buffer.byteLength(key, 'utf8')), MaxSizeAllowed: String(MAX_KEY_BYTES) },
    });
  }
}

export function findBucket(ctx: CallContext, name: string): Bucket | undefined {
  return ctx.state(s3State).buckets[name];
}

export function getBucket(ctx: CallContext, name: string | undefined): Bucket {
  const bucket = findBucket(ctx, name ?? '');
  if (!bucket) throw noSuchBucket(name ?? '');
  return bucket;
}

/** The version a request names, or the current one; undefined when there is none. */
export function findVersion(
  bucket: Bucket,
  key: string,
  versionId: string | undefined,
): ObjectVersion | undefined {
  const versions = bucket.objects[key];
  if (!versions) return undefined;
  if (versionId === undefined) return versions[0];
  const found = versions.find((v) => v.versionId === versionId);
  if (!found && versionId !== 'null' && !/^[A-Za-z0-9._-]{1,1024}$/.test(versionId)) {
    throw new ServiceError('InvalidArgument', 'Invalid version id specified', 400, {
      fields: { ArgumentName: 'versionId', ArgumentValue: versionId },
    });
  }
  return found;
}

/** The version id a new write gets: a fresh id when versioning is on, `null` otherwise. */
export function nextVersionId(bucket: Bucket): string {
  return bucket.versioning === 'Enabled' ? newVersionId() : 'null';
}

/**
 * Store a new current version. Unversioned and suspended buckets replace the `null` version;
 * versioned buckets keep every version, newest first.
 */
export function putVersion(bucket: Bucket, version: ObjectVersion): void {
  const versions = bucket.objects[version.key] ?? [];
  const kept = version.versionId === 'null' ? versions.filter((v) => v.versionId !== 'null') : versions;
  bucket.objects[version.key] = [version, ...kept];
}

/** The version id header S3 returns: only for buckets that have ever had versioning turned on. */
export function versionIdHeader(bucket: Bucket, versionId: string): string | undefined {
  return bucket.versioning ? versionId : undefined;
}

export function quoteEtag(hex: string): string {
  return `"${hex}"`;
}

/** ETag comparison for If-Match / If-None-Match (quotes optional, `*` matches anything). */
export function etagMatches(header: string, etag: string): boolean {
  return header.split(',').some((h) => {
    const v = h.trim().replace(/^W\//, '');
    return v === '*' || v === etag || `"${v}"` === etag;
  });
}
