/** S3 reads: each bucket's access settings once a tick, account-level Block Public Access once a tick. */
import type { Grant, PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import { Absent, type Reader } from '../reader.js';

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
