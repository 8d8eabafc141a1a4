import { BlockList, isIP } from 'node:net';

/**
 * Bucket policies: parsing with S3's validation messages, "is this policy public?" by the rules of
 * "The meaning of public" in the S3 User Guide, and the evaluation of a request against a policy.
 * Pure functions of data, so the rules can be tested exhaustively without a range.
 */

type Values = string | string[];
export type PrincipalBlock = '*' | Record<string, Values>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: PrincipalBlock;
  NotPrincipal?: PrincipalBlock;
  Action?: Values;
  NotAction?: Values;
  Resource?: Values;
  NotResource?: Values;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

/** A policy S3 refuses, with the message S3 gives (error code MalformedPolicy). */
export class PolicyError extends Error {}

const list = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

/** Parse and validate a bucket policy the way PutBucketPolicy does. */
export function parseBucketPolicy(text: string, bucket: string): PolicyDocument {
  if (!text.trimStart().startsWith('{'))
    throw new PolicyError("Policies must be valid JSON and the first byte must be '{'");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PolicyError('This policy contains invalid Json');
  }
  const doc = raw as Record<string, unknown>;
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') {
    throw new PolicyError('The policy must contain a valid version string');
  }
  if (doc.Statement === undefined || doc.Statement === null)
    throw new PolicyError('Missing required field Statement');
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as unknown[];
  if (statements.length === 0) throw new PolicyError('Could not parse the policy: Statement is empty!');
  for (const s of statements) validateStatement(s, bucket);
  return { ...(doc as object), Statement: statements } as PolicyDocument;
}

function validateStatement(raw: unknown, bucket: string): void {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new PolicyError('This policy contains invalid Json');
  const s = raw as Record<string, unknown>;
  if (s.Effect === undefined) throw new PolicyError('Missing required field Effect');
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
    throw new PolicyError(`Invalid effect: ${String(s.Effect)}`);
  if (s.Principal === undefined && s.NotPrincipal === undefined)
    throw new PolicyError('Missing required field Principal');
  for (const p of [s.Principal, s.NotPrincipal])
    if (p !== undefined && !validPrincipal(p)) throw new PolicyError('Invalid principal in policy');
  const actions = list(s.Action ?? s.NotAction);
  if (!actions.length) throw new PolicyError('Missing required field Action');
  if (actions.some((a) => a !== '*' && !/^s3:[A-Za-z*?]+$/.test(a)))
    throw new PolicyError('Policy has invalid action');
  const resources = list(s.Resource ?? s.NotResource);
  if (!resources.length) throw new PolicyError('Missing required field Resource');
  if (resources.some((r) => !validResource(r, bucket))) throw new PolicyError('Policy has invalid resource');
  if (s.Action !== undefined && s.Resource !== undefined && !actionsFitResources(actions, resources)) {
    throw new PolicyError('Action does not apply to any resource(s) in statement');
  }
}

function validPrincipal(p: unknown): boolean {
  if (p === '*') return true;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return false;
  for (const [kind, values] of Object.entries(p as Record<string, unknown>)) {
    if (!['AWS', 'Service', 'CanonicalUser', 'Federated'].includes(kind)) return false;
    for (const v of list(values)) {
      if (kind !== 'AWS' || v === '*') continue;
      if (
        !/^(\d{12}|arn:aws:iam::\d{12}:(root|user\/.+|role\/.+)|arn:aws:sts::\d{12}:assumed-role\/.+)$/.test(
          v,
        )
      )
        return false;
    }
  }
  return true;
}

function validResource(r: string, bucket: string): boolean {
  if (r === '*') return true;
  const m = /^arn:aws:s3:::([^/]+)(\/.*)?$/.exec(r);
  return m !== null && glob(m[1] as string, bucket, false);
}

/** An object-only action (s3:GetObject) on bucket ARNs only can never apply, and S3 says so. */
function actionsFitResources(actions: string[], resources: string[]): boolean {
  const objectAction = (a: string) =>
    /Object|MultipartUploadPart|AbortMultipartUpload/.test(a) && !/[*?]/.test(a);
  const bucketResource = (r: string) => r !== '*' && !r.includes('/') && !r.endsWith('*');
  return !(actions.every(objectAction) && resources.every(bucketResource));
}

/** `*` and `?` wildcards, as IAM matches actions (case-insensitive) and resources (case-sensitive). */
export function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'is' : 's').test(value);
}

// ---------------------------------------------------------------------------------------------
// "Is this policy public?"

/**
 * Condition keys that, with fixed values, make a statement granting to `*` non-public ("The meaning
 * of public"). Principal-identifying keys (aws:PrincipalOrgID, ...) count as a fixed principal.
 */
const restrictingKeys = new Set(
  [
    'aws:SourceIp',
    'aws:SourceArn',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceOwner',
    'aws:SourceAccount',
    'aws:userid',
    'aws:PrincipalOrgID',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    's3:x-amz-server-side-encryption-aws-kms-key-id',
    's3:DataAccessPointArn',
    's3:DataAccessPointAccount',
  ].map((k) => k.toLowerCase()),
);

const matchingOperators = new Set([
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
  'ipaddress',
]);

function isFixed(key: string, value: string): boolean {
  if (key === 'aws:userid' && /^AROA[A-Z0-9]+:\*$/.test(value)) return true;
  return !/[*?]|\$\{/.test(value);
}

/** A CIDR broader than /8 (IPv4) or /32 (IPv6), such as 0.0.0.0/1, still counts as public. */
function isNarrowCidr(value: string): boolean {
  const [addr = '', bits] = value.split('/');
  const version = isIP(addr);
  if (!version) return false;
  const prefix = bits === undefined ? (version === 4 ? 32 : 128) : Number(bits);
  return version === 4 ? prefix >= 8 : prefix >= 32;
}

function restricts(condition: Record<string, Record<string, unknown>> | undefined): boolean {
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    const op = operator.toLowerCase();
    if (!matchingOperators.has(op)) continue;
    for (const [rawKey, rawValues] of Object.entries(keys ?? {})) {
      const key = rawKey.toLowerCase();
      if (!restrictingKeys.has(key)) continue;
      const values = list(rawValues);
      if (!values.length || !values.every((v) => isFixed(key, v))) continue;
      if (key === 'aws:sourceip' && (op !== 'ipaddress' || !values.every(isNarrowCidr))) continue;
      return true;
    }
  }
  return false;
}

function principalIsPublic(p: PrincipalBlock | undefined): boolean {
  if (p === undefined) return false;
  if (p === '*') return true;
  return Object.values(p).some((v) => list(v).some((x) => /[*?]/.test(x)));
}

/** One statement that grants to everyone without a condition that pins down who or where. */
export function isStatementPublic(s: PolicyStatement): boolean {
  if (s.Effect !== 'Allow') return false;
  const toEveryone = s.NotPrincipal !== undefined || principalIsPublic(s.Principal);
  return toEveryone && !restricts(s.Condition);
}

export function isPolicyPublic(doc: PolicyDocument): boolean {
  return doc.Statement.some(isStatementPublic);
}

// ---------------------------------------------------------------------------------------------
// Evaluation of one request

export type RequestPrincipal =
  | { anonymous: true }
  | { anonymous?: false; accountId: string; arn: string; canonicalId: string; roleArn?: string };

export interface PolicyRequest {
  principal: RequestPrincipal;
  action: string;
  resource: string;
  /** Condition context, keys in lower case (aws:sourceip, aws:securetransport, s3:prefix, ...). */
  context: Record<string, string | string[] | undefined>;
}

export type PolicyDecision = 'Allow' | 'Deny' | 'None';

/** Explicit deny wins over allow; with neither, the policy says nothing (`None`). */
export function evaluatePolicy(doc: PolicyDocument, req: PolicyRequest): PolicyDecision {
  let allowed = false;
  for (const s of doc.Statement) {
    if (!statementApplies(s, req)) continue;
    if (s.Effect === 'Deny') return 'Deny';
    allowed = true;
  }
  return allowed ? 'Allow' : 'None';
}

/** The Allow statements that apply to a request (to tell public grants from others). */
export function allowingStatements(doc: PolicyDocument, req: PolicyRequest): PolicyStatement[] {
  return doc.Statement.filter((s) => s.Effect === 'Allow' && statementApplies(s, req));
}

function statementApplies(s: PolicyStatement, req: PolicyRequest): boolean {
  const principalOk =
    s.Principal !== undefined
      ? principalMatches(s.Principal, req.principal)
      : !principalMatches(s.NotPrincipal!, req.principal);
  if (!principalOk) return false;
  const actionOk =
    s.Action !== undefined
      ? list(s.Action).some((a) => glob(a, req.action, true))
      : !list(s.NotAction).some((a) => glob(a, req.action, true));
  if (!actionOk) return false;
  const resourceOk =
    s.Resource !== undefined
      ? list(s.Resource).some((r) => glob(r, req.resource, false))
      : !list(s.NotResource).some((r) => glob(r, req.resource, false));
  return resourceOk && conditionsHold(s.Condition, req.context);
}

function principalMatches(p: PrincipalBlock, who: RequestPrincipal): boolean {
  if (p === '*') return true;
  for (const [kind, values] of Object.entries(p)) {
    for (const v of list(values)) {
      if (kind === 'AWS' && v === '*') return true;
      if (who.anonymous) continue;
      if (kind === 'CanonicalUser' && v === who.canonicalId) return true;
      if (kind !== 'AWS') continue;
      if (v === who.accountId || v === `arn:aws:iam::${who.accountId}:root`) return true;
      if (v === who.arn || (who.roleArn !== undefined && v === who.roleArn)) return true;
    }
  }
  return false;
}

function conditionsHold(condition: PolicyStatement['Condition'], context: PolicyRequest['context']): boolean {
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(keys ?? {})) {
      if (!conditionHolds(operator, list(expected), context[key.toLowerCase()])) return false;
    }
  }
  return true;
}

function conditionHolds(
  operator: string,
  expected: string[],
  actual: string | string[] | undefined,
): boolean {
  let op = operator;
  let set: 'any' | 'all' | undefined;
  if (op.startsWith('ForAnyValue:')) [set, op] = ['any', op.slice('ForAnyValue:'.length)];
  else if (op.startsWith('ForAllValues:')) [set, op] = ['all', op.slice('ForAllValues:'.length)];
  const ifExists = op.endsWith('IfExists');
  if (ifExists) op = op.slice(0, -'IfExists'.length);
  const negated = /^(StringNot|ArnNot|NotIpAddress|NumericNot)/.test(op);
  if (op === 'Null') return (expected[0] === 'true') === (actual === undefined);
  if (actual === undefined || (Array.isArray(actual) && actual.length === 0)) {
    if (set === 'all') return true;
    // A missing key fails every operator except the negated ones and ...IfExists.
    return ifExists || negated;
  }
  const values = Array.isArray(actual) ? actual : [actual];
  const test = (v: string) => matchOne(op, expected, v);
  if (set === 'all') return values.every(test);
  return values.some(test);
}

function matchOne(op: string, expected: string[], v: string): boolean {
  switch (op) {
    case 'StringEquals':
    case 'ArnEquals':
      return expected.includes(v);
    case 'StringNotEquals':
    case 'ArnNotEquals':
      return !expected.includes(v);
    case 'StringEqualsIgnoreCase':
      return expected.some((e) => e.toLowerCase() === v.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return !expected.some((e) => e.toLowerCase() === v.toLowerCase());
    case 'StringLike':
    case 'ArnLike':
      return expected.some((e) => glob(e, v, false));
    case 'StringNotLike':
    case 'ArnNotLike':
      return !expected.some((e) => glob(e, v, false));
    case 'Bool':
      return expected.some((e) => e.toLowerCase() === v.toLowerCase());
    case 'IpAddress':
      return expected.some((cidr) => inCidr(v, cidr));
    case 'NotIpAddress':
      return !expected.some((cidr) => inCidr(v, cidr));
    case 'NumericEquals':
      return expected.some((e) => Number(v) === Number(e));
    case 'NumericNotEquals':
      return !expected.some((e) => Number(v) === Number(e));
    case 'NumericLessThan':
      return expected.some((e) => Number(v) < Number(e));
    case 'NumericLessThanEquals':
      return expected.some((e) => Number(v) <= Number(e));
    case 'NumericGreaterThan':
      return expected.some((e) => Number(v) > Number(e));
    case 'NumericGreaterThanEquals':
      return expected.some((e) => Number(v) >= Number(e));
    default:
      // Operators the range does not know never match, so they neither grant nor deny.
      return false;
  }
}

function inCidr(ip: string, cidr: string): boolean {
  const [net = '', bits] = cidr.split('/');
  const version = isIP(net);
  if (!version || isIP(ip) !== version) return false;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const blocks = new BlockList();
  blocks.addSubnet(net, bits === undefined ? (version === 4 ? 32 : 128) : Number(bits), family);
  return blocks.check(ip, family);
}
