import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { rootPrincipal } from '../../identity.js';

/**
 * What CreateTrail and UpdateTrail verify in other services before accepting a destination: the
 * bucket exists and its policy lets CloudTrail write, the log group exists, the role exists, the KMS
 * key exists. Each check goes through dispatch (unrecorded, as CloudTrail's own reads are not the
 * caller's) and is skipped when the range has no such service: a missing service is not a verdict.
 */

function errorCode(err: unknown): string | undefined {
  return err instanceof ServiceError ? err.code : undefined;
}

/** The target service is not on this range (or cannot answer this yet). */
function unavailable(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'InvalidAction' || code === 'NotImplemented';
}

async function call(ctx: CallContext, service: string, operation: string, input: object): Promise<unknown> {
  return ctx.dispatch(service, operation, input, { record: false, principal: rootPrincipal(ctx.accountId) });
}

export function checkBucketName(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
    throw new ServiceError('InvalidS3BucketNameException', `Bucket name is not valid: ${bucket}`, 400);
  }
}

export async function checkBucket(
  ctx: CallContext,
  bucket: string,
  prefix: string | undefined,
): Promise<void> {
  checkBucketName(bucket);
  try {
    await call(ctx, 's3', 'HeadBucket', { Bucket: bucket });
  } catch (err) {
    if (unavailable(err)) return;
    if (
      err instanceof ServiceError &&
      (err.code === 'NoSuchBucket' || err.code === 'NotFound' || err.status === 404)
    ) {
      throw new ServiceError('S3BucketDoesNotExistException', `S3 bucket ${bucket} does not exist.`, 400);
    }
    return;
  }
  let policy: unknown;
  try {
    const out = (await call(ctx, 's3', 'GetBucketPolicy', { Bucket: bucket })) as { Policy?: string };
    policy = JSON.parse(out.Policy ?? '{}');
  } catch (err) {
    if (unavailable(err)) return;
    policy = undefined;
  }
  const objectArn = `arn:aws:s3:::${bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/${ctx.accountId}/CloudTrail/x`;
  if (
    !allowsCloudTrail(policy, 's3:GetBucketAcl', `arn:aws:s3:::${bucket}`) ||
    !allowsCloudTrail(policy, 's3:PutObject', objectArn)
  ) {
    throw new ServiceError(
      'InsufficientS3BucketPolicyException',
      `Incorrect S3 bucket policy is detected for bucket: ${bucket}`,
      400,
    );
  }
}

/** Does some Allow statement let the CloudTrail service principal do `action` on `resource`? */
function allowsCloudTrail(policy: unknown, action: string, resource: string): boolean {
  const statements = (policy as { Statement?: unknown } | undefined)?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  return list.some((s: Record<string, unknown>) => {
    if (s.Effect !== 'Allow') return false;
    const principal = s.Principal as unknown;
    const services =
      principal === '*'
        ? ['*']
        : typeof principal === 'object' && principal
          ? [
              ...asList((principal as Record<string, unknown>).Service),
              ...asList((principal as Record<string, unknown>).AWS),
            ]
          : [];
    if (!services.some((p) => p === 'cloudtrail.amazonaws.com' || p === '*')) return false;
    if (!asList(s.Action).some((a) => wildcard(a.toLowerCase(), action.toLowerCase()))) return false;
    return asList(s.Resource).some((r) => wildcard(r, resource));
  });
}

function asList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** IAM-style matching: `*` any run of characters, `?` one character. */
function wildcard(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>:*` (CloudTrail's form), the `:*` being optional. */
export function parseLogGroupArn(
  arn: string,
): { region: string; accountId: string; name: string } | undefined {
  const m = /^arn:aws[\w-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([.\-_/#A-Za-z0-9]+)(:\*)?$/.exec(arn);
  return m ? { region: m[1] as string, accountId: m[2] as string, name: m[3] as string } : undefined;
}

export async function checkLogsDestination(
  ctx: CallContext,
  groupArn: string | undefined,
  roleArn: string | undefined,
): Promise<void> {
  if (groupArn === undefined && roleArn === undefined) return;
  if (!groupArn) {
    throw new ServiceError(
      'InvalidCloudWatchLogsLogGroupArnException',
      'You must specify a log group ARN together with a role ARN.',
      400,
    );
  }
  if (!roleArn) {
    throw new ServiceError(
      'InvalidCloudWatchLogsRoleArnException',
      'You must specify a role ARN together with a log group ARN.',
      400,
    );
  }
  const group = parseLogGroupArn(groupArn);
  // The log group must be in the trail's account and home region.
  if (!group || group.accountId !== ctx.accountId || group.region !== ctx.region) {
    throw new ServiceError(
      'InvalidCloudWatchLogsLogGroupArnException',
      `CloudWatch Logs log group ARN is not valid: ${groupArn}`,
      400,
    );
  }
  const role = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  if (!role || role[1] !== ctx.accountId) {
    throw new ServiceError(
      'InvalidCloudWatchLogsRoleArnException',
      `CloudWatch Logs role ARN is not valid: ${roleArn}`,
      400,
    );
  }
  try {
    const out = (await call(ctx, 'logs', 'DescribeLogGroups', { logGroupIdentifiers: [group.name] })) as {
      logGroups?: Array<{ logGroupName?: string }>;
    };
    if (!out.logGroups?.some((g) => g.logGroupName === group.name)) {
      throw new ServiceError(
        'InvalidCloudWatchLogsLogGroupArnException',
        `Log group ${group.name} does not exist.`,
        400,
      );
    }
  } catch (err) {
    if (!unavailable(err)) throw err;
  }
  try {
    await call(ctx, 'iam', 'GetRole', { RoleName: role[2] });
  } catch (err) {
    if (errorCode(err) === 'NoSuchEntity') {
      throw new ServiceError(
        'InvalidCloudWatchLogsRoleArnException',
        'Access denied. Verify in IAM that the role has adequate permissions.',
        400,
      );
    }
    if (!unavailable(err)) throw err;
  }
}

/** The key ARN CloudTrail stores for a KmsKeyId given as an id, an alias or an ARN. */
export async function resolveKmsKey(ctx: CallContext, keyId: string): Promise<string> {
  const valid =
    /^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(keyId) ||
    /^alias\/[\w/+=,.@-]+$/.test(keyId) ||
    /^(mrk-)?[0-9a-f-]{32,36}$/.test(keyId);
  if (!valid) throw new ServiceError('InvalidKmsKeyIdException', `Invalid KmsKeyId ${keyId}`, 400);
  try {
    const out = (await call(ctx, 'kms', 'DescribeKey', { KeyId: keyId })) as {
      KeyMetadata?: { Arn?: string; KeyState?: string };
    };
    if (out.KeyMetadata?.KeyState === 'PendingDeletion' || out.KeyMetadata?.KeyState === 'Disabled') {
      throw new ServiceError(
        'KmsException',
        `The KMS key ${keyId} is ${out.KeyMetadata.KeyState === 'Disabled' ? 'disabled' : 'pending deletion'}.`,
        400,
      );
    }
    if (out.KeyMetadata?.Arn) return out.KeyMetadata.Arn;
  } catch (err) {
    if (errorCode(err) === 'NotFoundException')
      throw new ServiceError('KmsKeyNotFoundException', `KMS key ${keyId} not found.`, 400);
    if (!unavailable(err)) throw err;
  }
  if (keyId.startsWith('arn:')) return keyId;
  if (keyId.startsWith('alias/')) return `arn:aws:kms:${ctx.region}:${ctx.accountId}:${keyId}`;
  return `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${keyId}`;
}
