import type {
  DeleteMarkerEntry,
  ListObjectsOutput,
  ListObjectsRequest,
  ListObjectsV2Output,
  ListObjectsV2Request,
  ListObjectVersionsOutput,
  ListObjectVersionsRequest,
  ObjectVersion as SdkObjectVersion,
  _Object as SdkObject,
} from '@aws-sdk/client-s3';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { authorize } from '../access.js';
import { getBucket } from '../common.js';
import { canonicalId, type Bucket, type ObjectVersion } from '../store.js';

interface Listed {
  contents: ObjectVersion[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned (the next marker). */
  last?: string;
}

/** The common prefix of a key under a delimiter (the prefix plus everything up to the delimiter). */
function commonPrefix(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const i = key.indexOf(delimiter, prefix.length);
  return i === -1 ? undefined : key.slice(0, i + delimiter.length);
}

/** S3 orders keys by their UTF-8 bytes. */
const compareKeys = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function sortedKeys(bucket: Bucket, prefix: string): string[] {
  return Object.keys(bucket.objects)
    .filter((k) => k.startsWith(prefix))
    .sort(compareKeys);
}

/** Current objects after `after`, rolled up into common prefixes; each key or prefix counts against max. */
function listCurrent(
  bucket: Bucket,
  prefix: string,
  delimiter: string | undefined,
  after: string,
  max: number,
): Listed {
  const out: Listed = { contents: [], prefixes: [], truncated: false };
  if (max === 0) return out;
  for (const key of sortedKeys(bucket, prefix)) {
    const current = bucket.objects[key]?.[0];
    if (!current || current.deleteMarker || compareKeys(key, after) <= 0) continue;
    const cp = commonPrefix(key, prefix, delimiter);
    // A marker that is a common prefix already returned skips everything under it.
    if (cp !== undefined && (cp === out.prefixes.at(-1) || cp === after)) continue;
    if (out.contents.length + out.prefixes.length >= max) {
      out.truncated = true;
      break;
    }
    if (cp !== undefined) out.prefixes.push(cp);
    else out.contents.push(current);
    out.last = cp ?? key;
  }
  return out;
}

function maxKeys(value: number | undefined): number {
  if (value === undefined) return 1000;
  if (value < 0) {
    throw new ServiceError(
      'InvalidArgument',
      'Provided max-keys not an integer or within integer range',
      400,
      {
        fields: { ArgumentName: 'max-keys', ArgumentValue: String(value) },
      },
    );
  }
  return Math.min(value, 1000);
}

/** `EncodingType: url` percent-encodes key names in the answer (slashes stay readable). */
function encoder(encodingType: string | undefined): (s: string | undefined) => string | undefined {
  if (encodingType === undefined) return (s) => s;
  if (encodingType !== 'url') {
    throw new ServiceError('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, {
      fields: { ArgumentName: 'encoding-type', ArgumentValue: encodingType },
    });
  }
  return (s) => (s === undefined ? undefined : encodeURIComponent(s).replace(/%2F/g, '/'));
}

function entry(v: ObjectVersion, fetchOwner: boolean, enc: (s: string) => string | undefined): SdkObject {
  return {
    Key: enc(v.key),
    LastModified: v.lastModified,
    ETag: v.etag,
    Size: v.body.length,
    StorageClass: v.storageClass as SdkObject['StorageClass'],
    ChecksumAlgorithm: v.checksum ? [v.checksum.algorithm] : undefined,
    Owner: fetchOwner ? { ID: canonicalId(v.owner) } : undefined,
  };
}

const listContext = (i: { Prefix?: string; Delimiter?: string; MaxKeys?: number }) => ({
  's3:prefix': i.Prefix,
  's3:delimiter': i.Delimiter,
  's3:max-keys': i.MaxKeys === undefined ? undefined : String(i.MaxKeys),
});

export async function listObjectsV2(
  ctx: CallContext,
  input: ListObjectsV2Request,
): Promise<ListObjectsV2Output> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:ListBucket', { context: listContext(input) });
  const enc = encoder(input.EncodingType);
  let after = input.StartAfter ?? '';
  if (input.ContinuationToken !== undefined) {
    const decoded = Buffer.from(input.ContinuationToken, 'base64').toString('utf8');
    if (!decoded.startsWith('1:')) {
      throw new ServiceError('InvalidArgument', 'The continuation token provided is incorrect', 400, {
        fields: { ArgumentName: 'continuation-token', ArgumentValue: input.ContinuationToken },
      });
    }
    after = decoded.slice(2);
  }
  const max = maxKeys(input.MaxKeys);
  const prefix = input.Prefix ?? '';
  const listed = listCurrent(bucket, prefix, input.Delimiter, after, max);
  return {
    Name: bucket.name,
    Prefix: enc(prefix),
    Delimiter: enc(input.Delimiter),
    MaxKeys: max,
    EncodingType: input.EncodingType as ListObjectsV2Output['EncodingType'],
    KeyCount: listed.contents.length + listed.prefixes.length,
    IsTruncated: listed.truncated,
    Contents: listed.contents.length
      ? listed.contents.map((v) => entry(v, input.FetchOwner === true, enc))
      : undefined,
    CommonPrefixes: listed.prefixes.length ? listed.prefixes.map((p) => ({ Prefix: enc(p) })) : undefined,
    ContinuationToken: input.ContinuationToken,
    NextContinuationToken:
      listed.truncated && listed.last !== undefined
        ? Buffer.from(`1:${listed.last}`).toString('base64')
        : undefined,
    StartAfter: enc(input.StartAfter),
  };
}

export async function listObjects(ctx: CallContext, input: ListObjectsRequest): Promise<ListObjectsOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:ListBucket', { context: listContext(input) });
  const enc = encoder(input.EncodingType);
  const max = maxKeys(input.MaxKeys);
  const prefix = input.Prefix ?? '';
  const listed = listCurrent(bucket, prefix, input.Delimiter, input.Marker ?? '', max);
  return {
    Name: bucket.name,
    Prefix: enc(prefix),
    Delimiter: enc(input.Delimiter),
    Marker: enc(input.Marker ?? ''),
    MaxKeys: max,
    EncodingType: input.EncodingType as ListObjectsOutput['EncodingType'],
    IsTruncated: listed.truncated,
    // S3 gives NextMarker only with a delimiter; without one, clients continue from the last key.
    NextMarker: listed.truncated && input.Delimiter ? enc(listed.last) : undefined,
    Contents: listed.contents.length ? listed.contents.map((v) => entry(v, true, enc)) : undefined,
    CommonPrefixes: listed.prefixes.length ? listed.prefixes.map((p) => ({ Prefix: enc(p) })) : undefined,
  };
}

export async function listObjectVersions(
  ctx: CallContext,
  input: ListObjectVersionsRequest,
): Promise<ListObjectVersionsOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  await authorize(ctx, bucket, 's3:ListBucketVersions', { context: listContext(input) });
  const enc = encoder(input.EncodingType);
  const max = maxKeys(input.MaxKeys);
  const prefix = input.Prefix ?? '';
  const versions: SdkObjectVersion[] = [];
  const markers: DeleteMarkerEntry[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let next: { key: string; versionId?: string } | undefined;
  let skipping = input.VersionIdMarker !== undefined && input.KeyMarker !== undefined;
  outer: for (const key of sortedKeys(bucket, prefix)) {
    if (input.KeyMarker && compareKeys(key, input.KeyMarker) < 0) continue;
    if (input.KeyMarker && key === input.KeyMarker && !skipping) continue;
    const cp = commonPrefix(key, prefix, input.Delimiter);
    if (cp !== undefined) {
      if (cp === prefixes.at(-1) || cp === input.KeyMarker) continue;
      if (versions.length + markers.length + prefixes.length >= max) {
        truncated = true;
        break;
      }
      prefixes.push(cp);
      next = { key: cp };
      continue;
    }
    for (const [i, v] of (bucket.objects[key] ?? []).entries()) {
      if (skipping && key === input.KeyMarker) {
        if (v.versionId === input.VersionIdMarker) skipping = false;
        continue;
      }
      if (versions.length + markers.length + prefixes.length >= max) {
        truncated = true;
        break outer;
      }
      const common = {
        Key: enc(v.key),
        VersionId: v.versionId,
        IsLatest: i === 0,
        LastModified: v.lastModified,
        Owner: { ID: canonicalId(v.owner) },
      };
      if (v.deleteMarker) markers.push(common);
      else versions.push({ ...common, ETag: v.etag, Size: v.body.length, StorageClass: 'STANDARD' });
      next = { key: v.key, versionId: v.versionId };
    }
    skipping = false;
  }
  return {
    Name: bucket.name,
    Prefix: enc(prefix),
    Delimiter: enc(input.Delimiter),
    KeyMarker: enc(input.KeyMarker ?? ''),
    VersionIdMarker: input.VersionIdMarker ?? '',
    MaxKeys: max,
    EncodingType: input.EncodingType as ListObjectVersionsOutput['EncodingType'],
    IsTruncated: truncated,
    NextKeyMarker: truncated ? enc(next?.key) : undefined,
    NextVersionIdMarker: truncated ? next?.versionId : undefined,
    Versions: versions.length ? versions : undefined,
    DeleteMarkers: markers.length ? markers : undefined,
    CommonPrefixes: prefixes.length ? prefixes.map((p) => ({ Prefix: enc(p) })) : undefined,
  };
}
