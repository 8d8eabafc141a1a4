import type { PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import type { CallContext } from '../../context.js';
import { ServiceError, isServiceError } from '../../errors.js';
import { identityState, rootPrincipal, type Credential } from '../../identity.js';
import { requestContext } from '../../authz/request-context.js';
import { denialMessage } from '../../policy/message.js';
import { evaluate } from '../../policy/evaluate.js';
import { parsePolicy } from '../../policy/parse.js';
import type {
  ContextValue,
  Decision,
  EvaluationRequest,
  PolicyDocument,
  RequestContext,
  RequestPrincipal,
  SourcedPolicy,
} from '../../policy/types.js';
import { principalPolicies } from '../iam/effective.js';
import { aclPermissionFor, isAclPublic, onlyOwnerFullControl } from './acl.js';
import { isPolicyPublic } from './policy.js';
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

/** The caller as the policy evaluator sees it: a bucket policy's Principal element and aws:Principal* keys. */
export function requestPrincipal(ctx: CallContext): RequestPrincipal {
  const p = ctx.principal;
  switch (p.type) {
    case 'AWSAccount':
      return { arn: '', accountId: '', type: 'Anonymous' };
    case 'Root':
      return { arn: p.arn, accountId: p.accountId, type: 'Root', canonicalUserId: canonicalId(p.accountId) };
    case 'IAMUser':
      return {
        arn: p.arn,
        accountId: p.accountId,
        type: 'IAMUser',
        canonicalUserId: canonicalId(p.accountId),
      };
    case 'AssumedRole':
      return {
        arn: p.arn,
        accountId: p.accountId,
        type: 'AssumedRole',
        roleArn: p.session?.roleArn,
        canonicalUserId: canonicalId(p.accountId),
      };
    default:
      return { arn: p.arn, accountId: p.accountId, type: 'Service', service: p.arn };
  }
}

/** The bucket policy as the evaluator takes it (parsed once per text), or undefined. */
export function bucketPolicy(bucket: Bucket): SourcedPolicy | undefined {
  if (bucket.policy === undefined) return undefined;
  try {
    return { id: BUCKET_POLICY_ID, kind: 'resource', document: parsePolicy(bucket.policy) };
  } catch {
    return undefined;
  }
}

/** The SourcePolicyId the simulator and the decisions name a bucket policy by. */
export const BUCKET_POLICY_ID = 'bucket-policy';

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

/** An identity-based policy standing for an unrestricted principal (root, the range's administrator). */
const UNRESTRICTED: SourcedPolicy = {
  id: 'unrestricted',
  kind: 'identity',
  document: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

/**
 * May the caller perform `action` on the bucket (or one of its objects)? As "How Amazon S3 authorizes a
 * request" (S3 User Guide) describes, on the shared evaluator:
 * - an explicit Deny in the caller's policies (identity, boundary, session) or the bucket policy wins;
 * - user context: the caller's own account must allow it: its identity-based policies (within its
 *   boundary and session policies), or, within the bucket owner's account, the bucket policy; the
 *   account root and the range's administrator are unrestricted; anonymous callers have no user context;
 * - bucket context: a caller from another account (or anonymous) also needs the bucket policy (ignored
 *   for public policies under RestrictPublicBuckets) or an ACL grant (ignored under
 *   BucketOwnerEnforced, and for public grants under IgnorePublicAcls);
 * - object context: an object another account wrote (ObjectWriter) is reached only through its ACL.
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
  const anonymous = who.type === 'Anonymous';
  const sameAccount = !anonymous && who.accountId === bucket.owner;
  const policy = bucketPolicy(bucket);
  // Allow statements apply only to objects the bucket owner owns; an object another account wrote
  // (ObjectWriter) is readable by the bucket owner only through the object's ACL.
  const ownedByBucketOwner =
    !req.object || req.object.owner === bucket.owner || bucket.ownership === 'BucketOwnerEnforced';
  const objectAclDecides = !ownedByBucketOwner && aclPermissionFor(action, true) !== undefined;
  const block = sameAccount && !objectAclDecides ? undefined : await effectiveBlock(ctx, bucket);
  const policyGrants =
    !objectAclDecides &&
    !(!sameAccount && block?.RestrictPublicBuckets && policy && isPolicyPublic(policy.document));
  const request: EvaluationRequest = {
    principal: who,
    action,
    resource,
    resourceAccountId: bucket.owner,
    context: conditionContext(ctx, req.context),
  };
  const mine = anonymous ? undefined : callerPolicies(ctx);
  const decision = evaluate({
    request,
    identity: mine ? mine.identity : [],
    boundary: mine?.boundary,
    session: mine?.session,
    resource: policy && (policyGrants ? policy : denialsOnly(policy)),
  });
  if (decision.unknownKeys.length)
    ctx.unknownConditionKeys(decision.unknownKeys, [
      ...(mine ? policiesOf(mine) : []),
      ...(policy ? [policy] : []),
    ]);
  if (decision.decision === 'explicitDeny') {
    if (sameAccount && ctx.principal.type === 'Root' && rootAlwaysAllowed.has(action)) return;
    throw denied(ctx, request, decision, sameAccount);
  }
  if (decision.decision === 'allowed' && !objectAclDecides) return;
  // Anonymous callers have no account of their own: the bucket policy's allow is all they can have.
  const bucketPolicyAllows = decision.matched.some((m) => m.kind === 'resource' && m.effect === 'Allow');
  if (anonymous && bucketPolicyAllows && !objectAclDecides) return;
  if (sameAccount && !objectAclDecides) throw denied(ctx, request, decision, true);
  // What is left is an ACL's grant, which never stands in for the caller's own account (user context).
  const userContext = anonymous || identityAllows(request, mine);
  if (userContext && aclAllows(bucket, req, action, who, block)) return;
  throw decision.decision === 'allowed'
    ? accessDenied(ctx, action, resource)
    : denied(ctx, request, decision, sameAccount);
}

/**
 * An action on the account's buckets as a whole (CreateBucket, ListBuckets): only the caller's own
 * policies decide; anonymous callers are refused.
 */
export function authorizeAccountAction(ctx: CallContext, action: string, resource: string): void {
  const who = requestPrincipal(ctx);
  if (who.type === 'Anonymous') throw new ServiceError('AccessDenied', 'Access Denied', 403);
  const request: EvaluationRequest = { principal: who, action, resource, context: conditionContext(ctx) };
  const mine = callerPolicies(ctx);
  const decision = evaluate({
    request,
    identity: mine.identity,
    boundary: mine.boundary,
    session: mine.session,
  });
  if (decision.unknownKeys.length) ctx.unknownConditionKeys(decision.unknownKeys, policiesOf(mine));
  if (decision.decision !== 'allowed') throw denied(ctx, request, decision, true);
}

type CallerPolicies = { identity: SourcedPolicy[]; boundary?: SourcedPolicy; session?: SourcedPolicy[] };

function policiesOf(p: CallerPolicies): SourcedPolicy[] {
  return [...p.identity, ...(p.boundary ? [p.boundary] : []), ...(p.session ?? [])];
}

function callerPolicies(ctx: CallContext): CallerPolicies {
  const found = principalPolicies(ctx, ctx.principal, credentialOf(ctx));
  return found.unrestricted ? { identity: [UNRESTRICTED] } : found;
}

/** Whether the caller's own account allows the request (identity, boundary and session policies). */
function identityAllows(request: EvaluationRequest, mine: CallerPolicies | undefined): boolean {
  if (!mine) return false;
  const own = { ...request, resourceAccountId: request.principal.accountId };
  return (
    evaluate({ request: own, identity: mine.identity, boundary: mine.boundary, session: mine.session })
      .decision === 'allowed'
  );
}

/** A bucket policy whose allows do not count here (RestrictPublicBuckets, objects of other accounts). */
function denialsOnly(policy: SourcedPolicy): SourcedPolicy {
  // Kept per parsed document, so the evaluator compiles the reduced policy once, as it does the whole.
  let document = denialsOf.get(policy.document);
  if (!document) {
    document = {
      ...policy.document,
      Statement: policy.document.Statement.filter((s) => s.Effect === 'Deny'),
    };
    denialsOf.set(policy.document, document);
  }
  return { ...policy, document };
}

const denialsOf = new WeakMap<PolicyDocument, PolicyDocument>();

/** S3's AccessDenied: AWS's reason inside the bucket owner's account, a bare "Access Denied" otherwise. */
function denied(
  ctx: CallContext,
  request: EvaluationRequest,
  decision: Decision,
  sameAccount: boolean,
): ServiceError {
  if (!sameAccount || ctx.principal.type === 'AWSAccount')
    return new ServiceError('AccessDenied', 'Access Denied', 403);
  // S3 quotes the resource in its messages.
  const message = denialMessage(request, decision).replace(
    `on resource: ${request.resource} `,
    `on resource: "${request.resource}" `,
  );
  return new ServiceError('AccessDenied', message, 403);
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
  block: EffectiveBlock | undefined,
): boolean {
  if (bucket.ownership === 'BucketOwnerEnforced') return false;
  const onObject = req.key !== undefined && req.object !== undefined;
  const needed = aclPermissionFor(action, onObject);
  if (!needed) return false;
  const grants = onObject ? req.object!.acl : bucket.acl;
  return grants.some((g) => {
    if (g.permission !== needed && g.permission !== 'FULL_CONTROL') return false;
    const anonymous = who.type === 'Anonymous';
    if (g.grantee.type === 'CanonicalUser') return !anonymous && g.grantee.id === canonicalId(who.accountId);
    if (block?.IgnorePublicAcls) return false;
    if (g.grantee.uri === ALL_USERS) return true;
    return g.grantee.uri === AUTHENTICATED_USERS && !anonymous;
  });
}

/**
 * The condition keys of an S3 request: the range's request context (who, when, from where, session
 * facts such as aws:TokenIssueTime, so "revoke older sessions" denies reach S3 too), S3's own keys
 * (s3:prefix, s3:x-amz-acl, ...) and aws:Referer. Anonymous callers have only the request's keys.
 */
function conditionContext(ctx: CallContext, extra: Record<string, string | undefined> = {}): RequestContext {
  const p = ctx.principal;
  const headers = ctx.http?.headers ?? {};
  const out: Record<string, ContextValue | undefined> =
    p.type === 'AWSAccount'
      ? {
          'aws:SourceIp': ctx.sourceIp,
          'aws:CurrentTime': ctx.now.toISOString(),
          'aws:EpochTime': String(Math.floor(ctx.now.getTime() / 1000)),
          'aws:PrincipalType': 'Anonymous',
          'aws:UserAgent': ctx.userAgent,
        }
      : requestContext({
          ctx,
          principal: p,
          credential: credentialOf(ctx),
          input: {},
          calledVia: ctx.invokedBy ? [ctx.invokedBy] : [],
        });
  // The range is plain HTTP on loopback standing in for S3's HTTPS endpoints; "deny insecure transport"
  // bucket policies are common and must not lock everyone out.
  out['aws:SecureTransport'] = 'true';
  out['aws:Referer'] = headers['referer'];
  for (const [k, v] of Object.entries(extra)) out[k.toLowerCase()] = v;
  return out;
}

function credentialOf(ctx: CallContext): Credential | undefined {
  const creds = ctx.state(identityState).credentials;
  return ctx.accessKeyId !== undefined && Object.hasOwn(creds, ctx.accessKeyId)
    ? creds[ctx.accessKeyId]
    : undefined;
}
