import type {
  DeletedObject,
  DeleteObjectOutput,
  DeleteObjectRequest,
  DeleteObjectsOutput,
  DeleteObjectsRequest,
  _Error as DeleteError,
} from '@aws-sdk/client-s3';
import type { CallContext } from '../../../context.js';
import { isServiceError } from '../../../errors.js';
import { authorize } from '../access.js';
import { findVersion, getBucket, malformedXml, nextVersionId, putVersion } from '../common.js';
import type { Bucket, ObjectVersion } from '../store.js';

/**
 * Delete a key as S3 does: a named version is removed for good; otherwise an unversioned bucket
 * forgets the object and a versioned (or suspended) one gets a delete marker on top.
 */
function removeObject(
  ctx: CallContext,
  bucket: Bucket,
  key: string,
  versionId: string | undefined,
): DeleteObjectOutput {
  const versions = bucket.objects[key] ?? [];
  if (versionId !== undefined) {
    const found = versions.find((v) => v.versionId === versionId);
    if (!found) return { VersionId: versionId };
    const rest = versions.filter((v) => v !== found);
    if (rest.length) bucket.objects[key] = rest;
    else delete bucket.objects[key];
    return { VersionId: versionId, DeleteMarker: found.deleteMarker || undefined };
  }
  if (!bucket.versioning) {
    delete bucket.objects[key];
    return {};
  }
  const marker: ObjectVersion = {
    key,
    versionId: nextVersionId(bucket),
    deleteMarker: true,
    body: Buffer.alloc(0),
    etag: '',
    lastModified: ctx.now,
    owner: ctx.principal.type === 'AWSAccount' ? bucket.owner : ctx.accountId,
    metadata: {},
    storageClass: 'STANDARD',
    acl: [],
    tags: [],
  };
  putVersion(bucket, marker);
  return { DeleteMarker: true, VersionId: marker.versionId };
}

export async function deleteObject(
  ctx: CallContext,
  input: DeleteObjectRequest,
): Promise<DeleteObjectOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  const key = input.Key ?? '';
  findVersion(bucket, key, input.VersionId);
  await authorize(ctx, bucket, input.VersionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion', {
    key,
  });
  return removeObject(ctx, bucket, key, input.VersionId);
}

export async function deleteObjects(
  ctx: CallContext,
  input: DeleteObjectsRequest,
): Promise<DeleteObjectsOutput> {
  const bucket = getBucket(ctx, input.Bucket);
  const objects = input.Delete?.Objects ?? [];
  if (objects.length === 0 || objects.length > 1000) {
    throw malformedXml();
  }
  const deleted: DeletedObject[] = [];
  const errors: DeleteError[] = [];
  for (const o of objects) {
    const key = o.Key ?? '';
    try {
      findVersion(bucket, key, o.VersionId);
      await authorize(ctx, bucket, o.VersionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion', {
        key,
      });
      const out = removeObject(ctx, bucket, key, o.VersionId);
      const marker = out.DeleteMarker && o.VersionId === undefined;
      deleted.push({
        Key: key,
        VersionId: o.VersionId,
        DeleteMarker: out.DeleteMarker,
        DeleteMarkerVersionId: marker ? out.VersionId : undefined,
      });
    } catch (err) {
      if (!isServiceError(err)) throw err;
      errors.push({ Key: key, VersionId: o.VersionId, Code: err.code, Message: err.message });
    }
  }
  return { Deleted: input.Delete?.Quiet ? undefined : deleted, Errors: errors.length ? errors : undefined };
}
