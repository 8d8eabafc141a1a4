import { createHash } from 'node:crypto';
import type {
  CopyObjectOutput,
  CopyObjectRequest,
  GetObjectOutput,
  GetObjectRequest,
  HeadObjectOutput,
  HeadObjectRequest,
  PutObjectOutput,
  PutObjectRequest,
} from '@aws-sdk/client-s3';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { accessDenied, authorize } from '../access.js';
import { checksumMember, uploadChecksum } from '../checksums.js';
import {
  checkNewKey,
  etagMatches,
  findVersion,
  getBucket,
  nextVersionId,
  noSuchKey,
  putVersion,
  quoteEtag,
  versionIdHeader,
} from '../common.js';
import { bucketArn, type Bucket, type ObjectVersion } from '../store.js';
import {
  newObjectAcl,
  newObjectFields,
  objectOwner,
  parseTaggingHeader,
  resolveSse,
  sseOutput,
} from '../writes.js';

type PutObjectInput = Omit<PutObjectRequest, 'Body'> & { Body?: Buffer };
type GetObjectResult = Omit<GetObjectOutput, 'Body'> & { Body?: Buffer };

export async function putObject(ctx: CallContext, input: PutObjectInput): Promise<PutObjectOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  checkNewKey(key);
  await authorize(ctx, bucket, 's3:PutObject', {
    key,
    context: { 's3:x-amz-acl': input.ACL, 's3:x-amz-server-side-encryption': input.ServerSideEncryption },
  });
  const body = input.Body ?? Buffer.alloc(0);
  const checksum = uploadChecksum(input, ctx.http?.headers, body);
  const fields = await newObjectFields(ctx, bucket, key, input);
  if (input.IfNoneMatch === '*' && findVersion(bucket, key, undefined)?.deleteMarker === false) {
    throw new ServiceError(
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
      412,
      { fields: { Condition: 'If-None-Match' } },
    );
  }
  const version: ObjectVersion = {
    ...fields,
    versionId: nextVersionId(bucket),
    deleteMarker: false,
    body,
    etag: quoteEtag(createHash('md5').update(body).digest('hex')),
    lastModified: ctx.now,
    checksum,
  };
  putVersion(bucket, version);
  return {
    ETag: version.etag,
    VersionId: versionIdHeader(bucket, version.versionId),
    ...sseOutput(version.sse),
    ...checksumMember(checksum),
  };
}

type Conditions = Pick<GetObjectRequest, 'IfMatch' | 'IfNoneMatch' | 'IfModifiedSince' | 'IfUnmodifiedSince'>;

function checkConditions(input: Conditions, v: ObjectVersion): void {
  const modified = Math.floor(v.lastModified.getTime() / 1000);
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
  const failed = (condition: string) =>
    new ServiceError(
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
      412,
      { fields: { Condition: condition } },
    );
  if (input.IfMatch !== undefined) {
    if (!etagMatches(input.IfMatch, v.etag)) throw failed('If-Match');
  } else if (input.IfUnmodifiedSince && modified > seconds(input.IfUnmodifiedSince))
    throw failed('If-Unmodified-Since');
  const notModified = new ServiceError('NotModified', 'Not Modified', 304);
  if (input.IfNoneMatch !== undefined) {
    if (etagMatches(input.IfNoneMatch, v.etag)) throw notModified;
  } else if (input.IfModifiedSince && modified <= seconds(input.IfModifiedSince)) throw notModified;
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; a header S3 cannot parse is ignored (the whole object). */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const unsatisfiable = () =>
    new ServiceError('InvalidRange', 'The requested range is not satisfiable', 416, {
      fields: { RangeRequested: header ?? '', ActualObjectSize: String(size) },
    });
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) throw unsatisfiable();
  return end < start ? undefined : { start, end };
}

/** The version a read sees, after access checks: NoSuchKey only for callers allowed to list the bucket. */
async function readableVersion(
  ctx: CallContext,
  bucket: Bucket,
  key: string,
  versionId: string | undefined,
): Promise<ObjectVersion> {
  const version = findVersion(bucket, key, versionId);
  if (!version || (version.deleteMarker && versionId === undefined)) {
    await authorize(ctx, bucket, 's3:ListBucket').catch(() => {
      throw accessDenied(ctx, 's3:GetObject', bucketArn(bucket.name, key));
    });
    if (versionId !== undefined && !version) {
      throw new ServiceError('NoSuchVersion', 'The specified version does not exist.', 404, {
        fields: { Key: key, VersionId: versionId },
      });
    }
    throw noSuchKey(key);
  }
  await authorize(ctx, bucket, versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion', {
    key,
    object: version,
  });
  if (version.deleteMarker) {
    throw new ServiceError(
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      405,
      {
        fields: { Method: ctx.operation === 'HeadObject' ? 'HEAD' : 'GET', ResourceType: 'DeleteMarker' },
      },
    );
  }
  return version;
}

function describe(
  bucket: Bucket,
  v: ObjectVersion,
  checksumMode: string | undefined,
  whole: boolean,
): HeadObjectOutput {
  return {
    AcceptRanges: 'bytes',
    LastModified: v.lastModified,
    ContentLength: v.body.length,
    ETag: v.etag,
    VersionId: versionIdHeader(bucket, v.versionId),
    ContentType: v.contentType ?? 'binary/octet-stream',
    ContentEncoding: v.contentEncoding,
    ContentDisposition: v.contentDisposition,
    ContentLanguage: v.contentLanguage,
    CacheControl: v.cacheControl,
    Expires: v.expires,
    Metadata: v.metadata,
    StorageClass:
      v.storageClass === 'STANDARD' ? undefined : (v.storageClass as HeadObjectOutput['StorageClass']),
    ...sseOutput(v.sse),
    ...(checksumMode === 'ENABLED' && whole ? checksumMember(v.checksum) : {}),
  };
}

export async function getObject(ctx: CallContext, input: GetObjectRequest): Promise<GetObjectResult> {
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  const v = await readableVersion(ctx, bucket, key, input.VersionId);
  checkConditions(input, v);
  const range = byteRange(input.Range, v.body.length);
  const out: GetObjectResult = {
    ...describe(bucket, v, input.ChecksumMode, range === undefined),
    Body: range ? v.body.subarray(range.start, range.end + 1) : v.body,
    TagCount: v.tags.length || undefined,
  };
  if (range) {
    out.ContentLength = range.end - range.start + 1;
    out.ContentRange = `bytes ${range.start}-${range.end}/${v.body.length}`;
  }
  if (input.ResponseContentType) out.ContentType = input.ResponseContentType;
  if (input.ResponseContentDisposition) out.ContentDisposition = input.ResponseContentDisposition;
  if (input.ResponseContentEncoding) out.ContentEncoding = input.ResponseContentEncoding;
  if (input.ResponseContentLanguage) out.ContentLanguage = input.ResponseContentLanguage;
  if (input.ResponseCacheControl) out.CacheControl = input.ResponseCacheControl;
  return out;
}

export async function headObject(ctx: CallContext, input: HeadObjectRequest): Promise<HeadObjectOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  const v = await readableVersion(ctx, bucket, input.Key ?? '', input.VersionId);
  checkConditions(input, v);
  const range = byteRange(input.Range, v.body.length);
  const out = describe(bucket, v, input.ChecksumMode, range === undefined);
  if (range) {
    out.ContentLength = range.end - range.start + 1;
    out.ContentRange = `bytes ${range.start}-${range.end}/${v.body.length}`;
  }
  return out;
}

/** `x-amz-copy-source`: `bucket/key` or `/bucket/key`, URL-encoded, with an optional `?versionId=`. */
function parseCopySource(source: string): { bucket: string; key: string; versionId?: string } {
  const [path = '', query = ''] = source.split('?');
  const decoded = decodeURIComponent(path.replace(/^\//, ''));
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new ServiceError('InvalidArgument', 'Invalid copy source object key', 400, {
      fields: { ArgumentName: 'x-amz-copy-source', ArgumentValue: source },
    });
  }
  const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

export async function copyObject(ctx: CallContext, input: CopyObjectRequest): Promise<CopyObjectOutput> {
  const src = parseCopySource(input.CopySource ?? '');
  const srcBucket = getBucket(ctx, src.bucket);
  const source = await readableVersion(ctx, srcBucket, src.key, src.versionId);
  checkConditions(
    {
      IfMatch: input.CopySourceIfMatch,
      IfNoneMatch: input.CopySourceIfNoneMatch,
      IfModifiedSince: input.CopySourceIfModifiedSince,
      IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
    },
    source,
  );
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  checkNewKey(key);
  await authorize(ctx, bucket, 's3:PutObject', { key, context: { 's3:x-amz-acl': input.ACL } });
  const replace = input.MetadataDirective === 'REPLACE';
  const changesSomething =
    replace || input.StorageClass || input.ServerSideEncryption || input.WebsiteRedirectLocation;
  if (srcBucket === bucket && src.key === key && !changesSomething && src.versionId === undefined) {
    throw new ServiceError(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      400,
    );
  }
  const owner = objectOwner(ctx, bucket, input.ACL);
  const version: ObjectVersion = {
    ...source,
    key,
    versionId: nextVersionId(bucket),
    lastModified: ctx.now,
    owner,
    metadata: replace ? (input.Metadata ?? {}) : source.metadata,
    contentType: replace ? input.ContentType : source.contentType,
    contentEncoding: replace ? input.ContentEncoding : source.contentEncoding,
    contentDisposition: replace ? input.ContentDisposition : source.contentDisposition,
    contentLanguage: replace ? input.ContentLanguage : source.contentLanguage,
    cacheControl: replace ? input.CacheControl : source.cacheControl,
    storageClass: input.StorageClass ?? 'STANDARD',
    sse: resolveSse(bucket, input),
    acl: await newObjectAcl(ctx, bucket, input, owner, key),
    tags: input.TaggingDirective === 'REPLACE' ? parseTaggingHeader(input.Tagging) : source.tags,
  };
  putVersion(bucket, version);
  return {
    CopyObjectResult: {
      ETag: version.etag,
      LastModified: version.lastModified,
      ...checksumMember(version.checksum),
    },
    VersionId: versionIdHeader(bucket, version.versionId),
    CopySourceVersionId: versionIdHeader(srcBucket, source.versionId),
    ...sseOutput(version.sse),
  };
}
