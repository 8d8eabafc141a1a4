import type { PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import type { CallContext } from '../../context.js';
import { ServiceError, isServiceError } from '../../errors.js';
import { rootPrincipal } from '../../identity.js';
import { aclPermissionFor, isAclPublic, onlyOwnerFullControl } from './acl.js';
import {
  evaluatePolicy,
  isPolicyPublic,
  parseBucketPolicy,
  type PolicyDocument,
  type RequestPrincipal,
} from './policy.js';
import {
  ALL_USERS,
  AUTHENTICATED_USERS,
  bucketArn,
  canonicalId,
  type Bucket,
  type ObjectVersion,
  type StoredGrant,
} from './store.js';

export type EffectiveBlock = Required<{ [K in keyof PublicAccessBlockConfiguration]: boolean }>;

/**
 * Block Public Access in force for a bucket: the bucket's settings OR its owner's account settings
 * (S3 applies the most restrictive combination). The account settings live in S3 Control and are
 * read through dispatch, as one service reads another.
 */
export async function effectiveBlock(ctx: CallContext, bucket: Bucket): Promise<EffectiveBlock> {
  const own = bucket.publicAccessBlock ?? {};
  let account: PublicAccessBlockConfiguration = {};
  try {
    const out = (await ctx.dispatch(
      's3control',
      'GetPublicAccessBlock',
      { AccountId: bucket.owner },
      { principal: rootPrincipal(bucket.owner), accountId: bucket.owner, record: false },
    )) as { PublicAccessBlockConfiguration?: PublicAccessBlockConfiguration };
    account = out.PublicAccessBlockConfiguration ?? {};
  } catch (err) {
    if (!isServiceError(err) || err.code !== 'NoSuchPublicAccessBlockConfiguration') throw err;
  }
  return {
    BlockPublicAcls: own.BlockPublicAcls === true || account.BlockPublicAcls === true,
    IgnorePublicAcls: own.IgnorePublicAcls === true || account.IgnorePublicAcls === true,
    BlockPublicPolicy: own.BlockPublicPolicy === true || account.BlockPublicPolicy === true,
    RestrictPublicBuckets: own.RestrictPublicBuckets === true || account.RestrictPublicBuckets === true,
  };
}

export function requestPrincipal(ctx: CallContext): RequestPrincipal {
  const p = ctx.principal;
  if (p.type === 'AWSAccount') return { anonymous: true };
  return {
    accountId: p.accountId,
    arn: p.arn,
    canonicalId: canonicalId(p.accountId),
    roleArn: p.session?.roleArn,
  };
}

export function bucketPolicy(bucket: Bucket): PolicyDocument | undefined {
  return bucket.policy === undefined ? undefined : parseBucketPolicy(bucket.policy, bucket.name);
}

/** The AccessDenied S3 answers: with the reason inside the owner's account, a bare one otherwise. */
export function accessDenied(
  ctx: CallContext,
  action: string,
  resource: string,
  reason?: string,
): ServiceError {
  if (ctx.principal.type === 'AWSAccount' || !reason)
    return new ServiceError('AccessDenied', 'Access Denied', 403);
  return new ServiceError(
    'AccessDenied',
    `User: ${ctx.principal.arn} is not authorized to perform: ${action} on resource: "${resource}" ${reason}`,
    403,
  );
}

// The account root can always manage the bucket policy, so a bad policy cannot lock the owner out.
const rootAlwaysAllowed = new Set(['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy']);

export interface AccessRequest {
  key?: string;
  object?: ObjectVersion;
  /** Extra condition keys of the request (s3:prefix, s3:x-amz-acl, ...). */
  context?: Record<string, string | undefined>;
}

/**
 * May the caller perform `action` on the bucket (or one of its objects)? Explicit denies in the
 * bucket policy apply to everyone. Principals of the owning account are otherwise allowed: the range
 * does not evaluate the IAM policies of the owner's own users and roles. Anyone else (other accounts,
 * anonymous callers) needs a bucket policy grant (ignored for public policies under
 * RestrictPublicBuckets) or an ACL grant (ignored under BucketOwnerEnforced, and for public grants
 * under IgnorePublicAcls).
 */
export async function authorize(
  ctx: CallContext,
  bucket: Bucket,
  action: string,
  req: AccessRequest = {},
): Promise<void> {
  const who = requestPrincipal(ctx);
  const resource = bucketArn(bucket.name, req.key);
  // `x-amz-expected-bucket-owner` guards callers against writing to a bucket someone else took over.
  const expectedOwner = ctx.http?.headers['x-amz-expected-bucket-owner'];
  if (expectedOwner !== undefined && expectedOwner !== bucket.owner)
    throw accessDenied(ctx, action, resource);
  const sameAccount = !who.anonymous && who.accountId === bucket.owner;
  const doc = bucketPolicy(bucket);
  const decision = doc
    ? evaluatePolicy(doc, { principal: who, action, resource, context: conditionContext(ctx, req.context) })
    : 'None';
  if (
    decision === 'Deny' &&
    !(sameAccount && ctx.principal.type === 'Root' && rootAlwaysAllowed.has(action))
  ) {
    throw accessDenied(
      ctx,
      action,
      resource,
      sameAccount ? 'with an explicit deny in a resource-based policy' : undefined,
    );
  }
  // Allow statements apply only to objects the bucket owner owns; an object another account wrote
  // (ObjectWriter) is readable by the bucket owner only through the object's ACL.
  const ownedByBucketOwner =
    !req.object || req.object.owner === bucket.owner || bucket.ownership === 'BucketOwnerEnforced';
  if (sameAccount && (ownedByBucketOwner || !aclPermissionFor(action, true))) return;
  const block = await effectiveBlock(ctx, bucket);
  if (
    decision === 'Allow' &&
    ownedByBucketOwner &&
    !(block.RestrictPublicBuckets && doc && isPolicyPublic(doc))
  )
    return;
  if (aclAllows(bucket, req, action, who, block)) return;
  throw accessDenied(ctx, action, resource);
}

/**
 * Setting an ACL (PutObject/CopyObject with an ACL, PutObjectAcl, PutBucketAcl): BucketOwnerEnforced
 * accepts only "the bucket owner has full control", and BlockPublicAcls refuses public grants.
 */
export async function checkAclWrite(
  ctx: CallContext,
  bucket: Bucket,
  grants: StoredGrant[],
  action: string,
  key?: string,
): Promise<void> {
  if (bucket.ownership === 'BucketOwnerEnforced' && !onlyOwnerFullControl(grants, bucket.owner)) {
    throw new ServiceError('AccessControlListNotSupported', 'The bucket does not allow ACLs', 400);
  }
  if (isAclPublic(grants) && (await effectiveBlock(ctx, bucket)).BlockPublicAcls) {
    throw accessDenied(
      ctx,
      action,
      bucketArn(bucket.name, key),
      'because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.',
    );
  }
}

function aclAllows(
  bucket: Bucket,
  req: AccessRequest,
  action: string,
  who: RequestPrincipal,
  block: EffectiveBlock,
): boolean {
  if (bucket.ownership === 'BucketOwnerEnforced') return false;
  const onObject = req.key !== undefined && req.object !== undefined;
  const needed = aclPermissionFor(action, onObject);
  if (!needed) return false;
  const grants = onObject ? req.object!.acl : bucket.acl;
  return grants.some((g) => {
    if (g.permission !== needed && g.permission !== 'FULL_CONTROL') return false;
    if (g.grantee.type === 'CanonicalUser') return !who.anonymous && g.grantee.id === who.canonicalId;
    if (block.IgnorePublicAcls) return false;
    if (g.grantee.uri === ALL_USERS) return true;
    return g.grantee.uri === AUTHENTICATED_USERS && !who.anonymous;
  });
}

/** Global condition keys of a request, in lower case as the policy evaluator looks them up. */
function conditionContext(
  ctx: CallContext,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const p = ctx.principal;
  const headers = ctx.http?.headers ?? {};
  const out: Record<string, string | undefined> = {
    'aws:sourceip': ctx.sourceIp,
    // The range is plain HTTP on loopback standing in for AWS's HTTPS endpoints; "deny insecure
    // transport" policies are common and must not lock everyone out.
    'aws:securetransport': 'true',
    'aws:currenttime': ctx.now.toISOString(),
    'aws:epochtime': String(Math.floor(ctx.now.getTime() / 1000)),
    'aws:useragent': ctx.userAgent,
    'aws:referer': headers['referer'],
    'aws:principaltype':
      p.type === 'AWSAccount'
        ? 'Anonymous'
        : p.type === 'Root'
          ? 'Account'
          : p.type === 'IAMUser'
            ? 'User'
            : 'AssumedRole',
  };
  if (p.type !== 'AWSAccount') {
    out['aws:principalaccount'] = p.accountId;
    out['aws:principalarn'] = p.session?.roleArn ?? p.arn;
    out['aws:userid'] = p.principalId;
    if (p.userName) out['aws:username'] = p.userName;
  }
  for (const [k, v] of Object.entries(extra)) out[k.toLowerCase()] = v;
  return out;
}
