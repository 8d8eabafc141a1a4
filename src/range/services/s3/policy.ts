import { isIP } from 'node:net';

/**
 * Bucket policies: parsing with S3's validation messages, "is this policy public?" by the rules of
 * "The meaning of public" in the S3 User Guide. Requests are evaluated by the range's one policy
 * evaluator (`policy/evaluate.ts`, see access.ts). Pure functions of data, tested without a range.
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
