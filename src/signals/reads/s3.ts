/**
 * S3 reads: each bucket's access settings once a tick, account-level Block Public Access once a tick,
 * buckets and objects looked up (HEAD) once a tick, an object's content hashed once per version.
 */
import { createHash } from 'node:crypto';
import type { Grant, PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import { Absent, ReadError, type Reader } from '../reader.js';

export interface BucketFacts {
  exists: boolean;
  /** GetBucketPolicyStatus IsPublic (false without a policy). */
  policyPublic: boolean;
  grants: Grant[];
  /** Bucket-level Block Public Access ({} when none is set). */
  block: PublicAccessBlockConfiguration;
  /** ObjectOwnership, when ownership controls are set. */
  ownership?: string;
}

const NO_BUCKET = 'NoSuchBucket';
/** A HEAD request's errors have no body: the SDK names a 404 `NotFound`. */
const NOT_FOUND = 'NotFound';

/** Whether the bucket exists. A 403 (someone else's bucket, or no permission) is a failed read. */
export function bucketExists(reader: Reader, bucket: string): Promise<boolean> {
  return reader.once(`s3:HeadBucket ${bucket}`, async () => {
    const out = await reader.callOrAbsent('s3:HeadBucket', { Bucket: bucket }, [NOT_FOUND, NO_BUCKET]);
    return !(out instanceof Absent);
  });
}

export interface ObjectHead {
  etag?: string;
  size?: number;
  lastModified?: Date;
  versionId?: string;
}

/**
 * The object's current version, undefined when there is none (no object, a delete marker, or no
 * bucket). S3 answers 403 rather than 404 to a caller without s3:ListBucket: that is a failed read.
 */
export function objectHead(reader: Reader, bucket: string, key: string): Promise<ObjectHead | undefined> {
  return reader.once(`s3:HeadObject ${bucket}/${key}`, async () => {
    const out = await reader.callOrAbsent('s3:HeadObject', { Bucket: bucket, Key: key }, [
      NOT_FOUND,
      'NoSuchKey',
      NO_BUCKET,
    ]);
    if (out instanceof Absent) return undefined;
    return {
      etag: out.ETag as string | undefined,
      size: out.ContentLength as number | undefined,
      lastModified: out.LastModified as Date | undefined,
      versionId: out.VersionId as string | undefined,
    };
  });
}

/**
 * The hex SHA-256 of the object's content as of `head` (GetObject If-Match its ETag, streamed through
 * the hash): read once per exercise for each version, since a version's content never changes.
 */
export function objectSha256(reader: Reader, bucket: string, key: string, head: ObjectHead): Promise<string> {
  const id = `s3:GetObject sha256 ${bucket}/${key} ${head.versionId ?? ''} ${head.etag ?? ''} ${head.lastModified?.getTime() ?? ''}`;
  return reader.once(id, () =>
    reader.lasting(id, async () => {
      const input = { Bucket: bucket, Key: key, ...(head.etag ? { IfMatch: head.etag } : {}) };
      // Changed or deleted since the HEAD (a 412 or a 404): this tick cannot say, the next one will.
      const out = await reader.call('s3:GetObject', input);
      try {
        return await sha256Of(out.Body);
      } catch (err) {
        throw new ReadError(
          's3:GetObject',
          `s3:GetObject: reading s3://${bucket}/${key} failed: ${(err as Error).message}`,
          undefined,
          { cause: err },
        );
      }
    }),
  );
}

async function sha256Of(body: unknown): Promise<string> {
  const hash = createHash('sha256');
  if (typeof body === 'string' || body instanceof Uint8Array) hash.update(body);
  else if (body && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) hash.update(chunk);
  } else if (
    body &&
    typeof (body as { transformToByteArray?: unknown }).transformToByteArray === 'function'
  ) {
    hash.update(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  } else if (body !== undefined && body !== null) {
    throw new Error('the response body cannot be read');
  }
  return hash.digest('hex');
}

export function bucketFacts(reader: Reader, bucket: string): Promise<BucketFacts> {
  return reader.once(`s3 bucket ${bucket}`, async () => {
    const input = { Bucket: bucket };
    const [status, acl, block, owner] = await Promise.all([
      reader.callOrAbsent('s3:GetBucketPolicyStatus', input, ['NoSuchBucketPolicy', NO_BUCKET]),
      reader.callOrAbsent('s3:GetBucketAcl', input, [NO_BUCKET]),
      reader.callOrAbsent('s3:GetPublicAccessBlock', input, [
        'NoSuchPublicAccessBlockConfiguration',
        NO_BUCKET,
      ]),
      reader.callOrAbsent('s3:GetBucketOwnershipControls', input, [
        'OwnershipControlsNotFoundError',
        NO_BUCKET,
      ]),
    ]);
    const answers = [status, acl, block, owner];
    if (answers.some((a) => a instanceof Absent && a.code === NO_BUCKET)) {
      return { exists: false, policyPublic: false, grants: [], block: {} };
    }
    const value = <T>(a: Record<string, unknown> | Absent, key: string): T | undefined =>
      a instanceof Absent ? undefined : (a[key] as T | undefined);
    const rules = value<{ Rules?: Array<{ ObjectOwnership?: string }> }>(owner, 'OwnershipControls')?.Rules;
    return {
      exists: true,
      policyPublic: value<{ IsPublic?: boolean }>(status, 'PolicyStatus')?.IsPublic === true,
      grants: value<Grant[]>(acl, 'Grants') ?? [],
      block: value<PublicAccessBlockConfiguration>(block, 'PublicAccessBlockConfiguration') ?? {},
      ...(rules?.[0]?.ObjectOwnership ? { ownership: rules[0].ObjectOwnership } : {}),
    };
  });
}

/** The account's Block Public Access (S3 Control), {} when none is set. */
export function accountBlock(reader: Reader, accountId: string): Promise<PublicAccessBlockConfiguration> {
  return reader.once('s3control:GetPublicAccessBlock', async () => {
    const out = await reader.callOrAbsent('s3control:GetPublicAccessBlock', { AccountId: accountId }, [
      'NoSuchPublicAccessBlockConfiguration',
    ]);
    if (out instanceof Absent) return {};
    return (out.PublicAccessBlockConfiguration as PublicAccessBlockConfiguration | undefined) ?? {};
  });
}

/** The bucket policy document, if the bucket has one. */
export function bucketPolicy(reader: Reader, bucket: string): Promise<string | undefined> {
  return reader.once(`s3:GetBucketPolicy ${bucket}`, async () => {
    const out = await reader.callOrAbsent('s3:GetBucketPolicy', { Bucket: bucket }, [
      'NoSuchBucketPolicy',
      NO_BUCKET,
    ]);
    return out instanceof Absent ? undefined : (out.Policy as string | undefined);
  });
}

/** The object's ACL grants; undefined when the object (or bucket) does not exist. */
export function objectGrants(reader: Reader, bucket: string, key: string): Promise<Grant[] | undefined> {
  return reader.once(`s3:GetObjectAcl ${bucket}/${key}`, async () => {
    const out = await reader.callOrAbsent('s3:GetObjectAcl', { Bucket: bucket, Key: key }, [
      'NoSuchKey',
      NO_BUCKET,
    ]);
    return out instanceof Absent ? undefined : ((out.Grants as Grant[] | undefined) ?? []);
  });
}

export type AnonymousAnswer = { status: number } | { unreachable: string };

/**
 * An unauthenticated request, as an outsider would make it: on the range `<endpoint>/<bucket>/<key>`,
 * on AWS `https://<bucket>.s3.<region>.amazonaws.com/<key>`. A 5xx is a failed read (503: throttled);
 * no answer at all is `unreachable`, and the API's verdict stands.
 */
export function anonymousRequest(
  reader: Reader,
  where: { endpoint?: string; region: string },
  bucket: string,
  key?: string,
): Promise<AnonymousAnswer> {
  const path =
    key === undefined ? '?list-type=2&max-keys=1' : key.split('/').map(encodeURIComponent).join('/');
  const url = where.endpoint
    ? `${where.endpoint.replace(/\/$/, '')}/${bucket}${key === undefined ? '' : '/'}${path}`
    : `https://${bucket}.s3.${where.region}.amazonaws.com/${path}`;
  return reader.once(`anonymous GET ${url}`, () =>
    reader.run('s3:AnonymousGet', async (): Promise<AnonymousAnswer> => {
      let res: Response;
      try {
        res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      } catch (err) {
        return { unreachable: (err as Error).message };
      }
      await res.body?.cancel();
      if (res.status >= 500) {
        throw Object.assign(new Error(`anonymous GET ${url} answered HTTP ${res.status}`), {
          code: `HTTP ${res.status}`,
          throttle: res.status === 503,
        });
      }
      return { status: res.status };
    }),
  );
}
