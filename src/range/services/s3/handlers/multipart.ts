import { createHash, randomBytes } from 'node:crypto';
import type {
  AbortMultipartUploadRequest,
  CompleteMultipartUploadOutput,
  CompleteMultipartUploadRequest,
  CreateMultipartUploadOutput,
  CreateMultipartUploadRequest,
  ListPartsOutput,
  ListPartsRequest,
  UploadPartOutput,
  UploadPartRequest,
} from '@aws-sdk/client-s3';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { authorize } from '../access.js';
import { checksumMember, uploadChecksum, type ChecksumAlgorithm } from '../checksums.js';
import {
  checkNewKey,
  getBucket,
  malformedXml,
  nextVersionId,
  putVersion,
  quoteEtag,
  versionIdHeader,
} from '../common.js';
import { canonicalId, type Bucket, type MultipartUpload } from '../store.js';
import { newObjectFields, sseOutput } from '../writes.js';
import { record } from '../../../records.js';

type UploadPartInput = Omit<UploadPartRequest, 'Body'> & { Body?: Buffer };

const MIN_PART_SIZE = 5 * 1024 * 1024;

function findUpload(bucket: Bucket, key: string, uploadId: string | undefined): MultipartUpload {
  const upload = bucket.uploads?.[uploadId ?? ''];
  if (!upload || upload.key !== key) {
    throw new ServiceError(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      404,
      { fields: { UploadId: uploadId ?? '' } },
    );
  }
  return upload;
}

export async function createMultipartUpload(
  ctx: CallContext,
  input: CreateMultipartUploadRequest,
): Promise<CreateMultipartUploadOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  checkNewKey(key);
  await authorize(ctx, bucket, 's3:PutObject', { key, context: { 's3:x-amz-acl': input.ACL } });
  const upload: MultipartUpload = {
    uploadId: randomBytes(48).toString('base64url'),
    key,
    initiated: ctx.now,
    initiator: ctx.principal.type === 'AWSAccount' ? bucket.owner : ctx.accountId,
    object: await newObjectFields(ctx, bucket, key, input),
    checksumAlgorithm: input.ChecksumAlgorithm as ChecksumAlgorithm | undefined,
    parts: record(),
  };
  bucket.uploads ??= record();
  bucket.uploads[upload.uploadId] = upload;
  return {
    Bucket: bucket.name,
    Key: key,
    UploadId: upload.uploadId,
    ChecksumAlgorithm: input.ChecksumAlgorithm,
    ...sseOutput(upload.object.sse),
  };
}

export async function uploadPart(ctx: CallContext, input: UploadPartInput): Promise<UploadPartOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  await authorize(ctx, bucket, 's3:PutObject', { key });
  const upload = findUpload(bucket, key, input.UploadId);
  const partNumber = input.PartNumber ?? 0;
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
    throw new ServiceError(
      'InvalidArgument',
      'Part number must be an integer between 1 and 10000, inclusive',
      400,
      {
        fields: { ArgumentName: 'partNumber', ArgumentValue: String(partNumber) },
      },
    );
  }
  const body = input.Body ?? Buffer.alloc(0);
  const checksum = uploadChecksum(input, ctx.http?.headers, body);
  const etag = quoteEtag(createHash('md5').update(body).digest('hex'));
  upload.parts[String(partNumber)] = { partNumber, body, etag, lastModified: ctx.now, checksum };
  return { ETag: etag, ...checksumMember(checksum), ...sseOutput(upload.object.sse) };
}

export async function completeMultipartUpload(
  ctx: CallContext,
  input: CompleteMultipartUploadRequest,
): Promise<CompleteMultipartUploadOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  await authorize(ctx, bucket, 's3:PutObject', { key });
  const upload = findUpload(bucket, key, input.UploadId);
  const requested = input.MultipartUpload?.Parts ?? [];
  if (requested.length === 0) {
    throw malformedXml();
  }
  const parts = requested.map((p, i) => {
    const part = upload.parts[String(p.PartNumber)];
    if (i > 0 && (p.PartNumber ?? 0) <= (requested[i - 1]?.PartNumber ?? 0)) {
      throw new ServiceError(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
        400,
      );
    }
    if (!part || (p.ETag !== undefined && p.ETag.replace(/"/g, '') !== part.etag.replace(/"/g, ''))) {
      throw new ServiceError(
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
        { fields: { UploadId: upload.uploadId, PartNumber: String(p.PartNumber), ETag: p.ETag ?? '' } },
      );
    }
    return part;
  });
  parts.slice(0, -1).forEach((part) => {
    if (part.body.length < MIN_PART_SIZE) {
      throw new ServiceError(
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed size',
        400,
        {
          fields: { ProposedSize: String(part.body.length), MinSizeAllowed: String(MIN_PART_SIZE) },
        },
      );
    }
  });
  // A multipart ETag is the MD5 of the parts' MD5s, then a dash and the number of parts.
  const digests = Buffer.concat(parts.map((p) => Buffer.from(p.etag.replace(/"/g, ''), 'hex')));
  const etag = quoteEtag(`${createHash('md5').update(digests).digest('hex')}-${parts.length}`);
  const version = {
    ...upload.object,
    versionId: nextVersionId(bucket),
    deleteMarker: false,
    body: Buffer.concat(parts.map((p) => p.body)),
    etag,
    lastModified: ctx.now,
  };
  putVersion(bucket, version);
  delete bucket.uploads?.[upload.uploadId];
  return {
    Location: `${ctx.range.endpoint}/${bucket.name}/${key}`,
    Bucket: bucket.name,
    Key: key,
    ETag: etag,
    VersionId: versionIdHeader(bucket, version.versionId),
    ...sseOutput(version.sse),
  };
}

export async function abortMultipartUpload(
  ctx: CallContext,
  input: AbortMultipartUploadRequest,
): Promise<void> {
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  await authorize(ctx, bucket, 's3:AbortMultipartUpload', { key });
  const upload = findUpload(bucket, key, input.UploadId);
  delete bucket.uploads?.[upload.uploadId];
}

export async function listParts(ctx: CallContext, input: ListPartsRequest): Promise<ListPartsOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  await authorize(ctx, bucket, 's3:ListMultipartUploadParts', { key });
  const upload = findUpload(bucket, key, input.UploadId);
  const max = Math.min(input.MaxParts ?? 1000, 1000);
  const after = Number(input.PartNumberMarker ?? 0);
  const all = Object.values(upload.parts)
    .filter((p) => p.partNumber > after)
    .sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  return {
    Bucket: bucket.name,
    Key: key,
    UploadId: upload.uploadId,
    PartNumberMarker: input.PartNumberMarker,
    NextPartNumberMarker: truncated ? page.at(-1)?.partNumber.toString() : undefined,
    MaxParts: max,
    IsTruncated: truncated,
    Parts: page.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: p.lastModified,
      ETag: p.etag,
      Size: p.body.length,
      ...checksumMember(p.checksum),
    })),
    Initiator: { ID: canonicalId(upload.initiator) },
    Owner: { ID: canonicalId(upload.object.owner) },
    StorageClass: upload.object.storageClass as ListPartsOutput['StorageClass'],
    ChecksumAlgorithm: upload.checksumAlgorithm,
  };
}
