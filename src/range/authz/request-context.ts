/**
 * The request context a policy's conditions are evaluated against (IAM User Guide, "AWS global
 * condition context keys"), plus the few service keys the shipped scenarios need. Keys AWS leaves out
 * of a request's context are left out here too (aws:username for a role session, aws:TokenIssueTime
 * and aws:MultiFactorAuthPresent for long-term access keys), so `...IfExists` and `Null` behave as on AWS.
 */
import type { CallContext } from '../context.js';
import type { Credential, Principal } from '../identity.js';
import type { ContextValue } from '../policy/types.js';
import { iamOf, keyOf, type IamTag } from '../services/iam/store.js';

type Input = Record<string, unknown>;

/** `aws:PrincipalType` as AWS names it. */
function principalType(p: Principal): string {
  switch (p.type) {
    case 'Root':
      return 'Account';
    case 'IAMUser':
      return 'User';
    case 'AssumedRole':
      return 'AssumedRole';
    default:
      return 'Anonymous';
  }
}

/** The ARN aws:PrincipalArn holds: the role's ARN for a role session. */
export function principalArnOf(p: Principal): string {
  return p.session ? p.session.roleArn : p.arn;
}

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) is 127.0.0.1 to IAM. */
function sourceIpOf(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

function principalTags(ctx: CallContext, p: Principal): IamTag[] {
  const iam = iamOf(ctx, p.accountId);
  if (p.type === 'IAMUser' && p.userName) return iam.users[keyOf(p.userName)]?.Tags ?? [];
  if (p.session) return iam.roles[keyOf(p.session.roleName)]?.Tags ?? [];
  return [];
}

/** Tags a request asks to set: EC2's TagSpecifications, IAM's and most services' Tags list, or a tags map. */
function requestTags(input: Input): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const fromList = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const t of list) {
      const tag = t as { Key?: unknown; Value?: unknown; key?: unknown; value?: unknown };
      const key = tag.Key ?? tag.key;
      const value = tag.Value ?? tag.value;
      if (typeof key === 'string') out.push([key, typeof value === 'string' ? value : '']);
    }
  };
  fromList(input.Tags);
  if (Array.isArray(input.TagSpecifications)) {
    for (const spec of input.TagSpecifications) fromList((spec as { Tags?: unknown }).Tags);
  }
  for (const name of ['tags', 'Tags']) {
    const map = input[name];
    if (map && typeof map === 'object' && !Array.isArray(map)) {
      for (const [k, v] of Object.entries(map)) if (typeof v === 'string') out.push([k, v]);
    }
  }
  return out;
}

export interface ContextFacts {
  ctx: CallContext;
  principal: Principal;
  credential?: Credential;
  input: Input;
  /** The services that made the call on the principal's behalf, first to last (aws:CalledVia). */
  calledVia: readonly string[];
}

/** The context keys of one request (the same for each of its resources but aws:ResourceTag/*). */
export function requestContext(facts: ContextFacts): Record<string, ContextValue> {
  const { ctx, principal: p, credential, input, calledVia } = facts;
  const now = ctx.now;
  const c: Record<string, ContextValue> = {
    'aws:SourceIp': sourceIpOf(ctx.sourceIp),
    // The range is plain HTTP on loopback standing in for AWS's HTTPS endpoints: "deny unless TLS"
    // statements, common in teams' policies, must not lock everyone out (S3 says the same).
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:RequestedRegion': ctx.region,
    'aws:PrincipalArn': principalArnOf(p),
    'aws:PrincipalAccount': p.accountId,
    'aws:PrincipalType': principalType(p),
    'aws:PrincipalIsAWSService': 'false',
    'aws:userid': p.type === 'Root' ? p.accountId : p.principalId,
    'aws:ViaAWSService': calledVia.length ? 'true' : 'false',
  };
  if (ctx.userAgent) c['aws:UserAgent'] = ctx.userAgent;
  if (p.type === 'IAMUser' && p.userName) c['aws:username'] = p.userName;
  for (const tag of principalTags(ctx, p)) c[`aws:PrincipalTag/${tag.Key}`] = tag.Value;
  // Temporary credentials (a role session, GetSessionToken) carry their issue time and MFA facts.
  const temporary = p.type === 'AssumedRole' || credential?.sessionToken !== undefined;
  if (temporary) {
    const issued = p.session?.createdAt ?? credential?.createdAt;
    if (issued) c['aws:TokenIssueTime'] = new Date(issued).toISOString();
    const mfa = p.session?.mfaAuthenticated === true || credential?.mfaAuthenticated === true;
    c['aws:MultiFactorAuthPresent'] = mfa ? 'true' : 'false';
    if (mfa && issued)
      c['aws:MultiFactorAuthAge'] = String(
        Math.max(0, Math.floor((now.getTime() - new Date(issued).getTime()) / 1000)),
      );
  }
  if (calledVia.length) {
    c['aws:CalledVia'] = [...calledVia];
    c['aws:CalledViaFirst'] = calledVia[0] as string;
    c['aws:CalledViaLast'] = calledVia[calledVia.length - 1] as string;
  }
  const tags = requestTags(input);
  if (tags.length) {
    for (const [k, v] of tags) c[`aws:RequestTag/${k}`] = v;
    c['aws:TagKeys'] = [...new Set(tags.map(([k]) => k))];
  } else if (Array.isArray(input.TagKeys)) {
    // UntagResource / UntagUser name the keys to remove.
    c['aws:TagKeys'] = input.TagKeys.filter((k): k is string => typeof k === 'string');
  }
  // IAM's own keys the incident scenarios use: which policy is attached, which boundary is set.
  if (ctx.service === 'iam') {
    if (typeof input.PolicyArn === 'string') c['iam:PolicyARN'] = input.PolicyArn;
    if (typeof input.PermissionsBoundary === 'string')
      c['iam:PermissionsBoundary'] = input.PermissionsBoundary;
  }
  // AssumeRole: what the role's trust policy may test (an MFA code sent with the call counts as MFA).
  if (ctx.service === 'sts') {
    if (typeof input.ExternalId === 'string') c['sts:ExternalId'] = input.ExternalId;
    if (typeof input.RoleSessionName === 'string') c['sts:RoleSessionName'] = input.RoleSessionName;
    if (typeof input.SerialNumber === 'string' && typeof input.TokenCode === 'string') {
      c['aws:MultiFactorAuthPresent'] = 'true';
      c['aws:MultiFactorAuthAge'] = '0';
    }
  }
  const via = calledVia[calledVia.length - 1];
  // kms:ViaService names the service endpoint, e.g. ssm.us-east-1.amazonaws.com.
  if (ctx.service === 'kms' && via)
    c['kms:ViaService'] = `${via.replace(/\.amazonaws\.com$/, '')}.${ctx.region}.amazonaws.com`;
  return c;
}

/** aws:ResourceTag/* for an IAM user or role the request is on (EC2 and others: not known here). */
export function resourceTags(ctx: CallContext, resourceArn: string): Record<string, string> | undefined {
  const m = /^arn:aws:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/]+)$/.exec(resourceArn);
  if (!m) return undefined;
  const iam = iamOf(ctx, m[1]);
  const entity = m[2] === 'user' ? iam.users[keyOf(m[3] as string)] : iam.roles[keyOf(m[3] as string)];
  if (!entity || entity.Tags.length === 0) return undefined;
  return Object.fromEntries(entity.Tags.map((t) => [`aws:ResourceTag/${t.Key}`, t.Value]));
}
