import type { Principal } from '../../identity.js';
import { statementsOf, stringsOf, type Statement } from './documents.js';

/** What STS knows about an AssumeRole call, for the trust policy's conditions. */
export interface AssumeRequest {
  caller: Principal;
  sessionName: string;
  externalId?: string;
  /** The call carried an MFA serial number and token code. */
  mfa: boolean;
}

/**
 * Does a role's trust policy let the caller assume it? Explicit Deny wins over Allow, as in IAM.
 * Principals: `*`, an account (id or `:root` ARN: anyone in it), a user ARN, a role ARN (role
 * chaining) or an assumed-role session ARN. Conditions are evaluated for the keys a trust policy
 * uses on the range; a condition the range cannot evaluate does not hold, so it never grants more
 * than AWS would.
 */
export function trustAllows(trustPolicy: string, req: AssumeRequest): boolean {
  let statements: Statement[];
  try {
    statements = statementsOf(trustPolicy);
  } catch {
    return false;
  }
  let allowed = false;
  for (const s of statements) {
    if (!actionMatches(s) || !principalMatches(s, req.caller) || !conditionsHold(s.Condition, req)) continue;
    if (s.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}

function actionMatches(s: Statement): boolean {
  const test = (pattern: string) => wildcard(pattern.toLowerCase()).test('sts:assumerole');
  if (s.Action !== undefined) return stringsOf(s.Action).some(test);
  return !stringsOf(s.NotAction).some(test);
}

function principalMatches(s: Statement, caller: Principal): boolean {
  if (s.Principal !== undefined) return principalListed(s.Principal, caller);
  return !principalListed(s.NotPrincipal, caller);
}

function principalListed(principal: unknown, caller: Principal): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  // A service principal (lambda.amazonaws.com assuming an execution role) is listed under Service only.
  if (caller.type === 'AWSService') {
    const services = (principal as Record<string, unknown>).Service;
    return services !== undefined && stringsOf(services).includes(caller.service ?? '');
  }
  const aws = (principal as Record<string, unknown>).AWS;
  if (aws === undefined) return false;
  return stringsOf(aws).some((p) => {
    if (p === '*') return true;
    if (p === caller.accountId || p === `arn:aws:iam::${caller.accountId}:root`) return true;
    if (p === caller.arn) return true;
    return caller.session !== undefined && p === caller.session.roleArn;
  });
}

const KNOWN_KEYS = new Set([
  'sts:externalid',
  'sts:rolesessionname',
  'aws:multifactorauthpresent',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principaltype',
  'aws:username',
]);

function contextValue(key: string, req: AssumeRequest): string | undefined {
  switch (key) {
    case 'sts:externalid':
      return req.externalId;
    case 'sts:rolesessionname':
      return req.sessionName;
    case 'aws:multifactorauthpresent':
      return String(req.mfa || req.caller.session?.mfaAuthenticated === true);
    case 'aws:principalaccount':
      return req.caller.accountId;
    case 'aws:principalarn':
      return req.caller.session?.roleArn ?? req.caller.arn;
    case 'aws:principaltype':
      return req.caller.type === 'IAMUser' ? 'User' : req.caller.type === 'Root' ? 'Account' : 'AssumedRole';
    case 'aws:username':
      return req.caller.userName;
    default:
      return undefined;
  }
}

function conditionsHold(condition: unknown, req: AssumeRequest): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== 'object' || condition === null) return false;
  for (const [rawOp, block] of Object.entries(condition as Record<string, unknown>)) {
    if (typeof block !== 'object' || block === null) return false;
    const ifExists = rawOp.endsWith('IfExists');
    const op = ifExists ? rawOp.slice(0, -'IfExists'.length) : rawOp;
    for (const [rawKey, expected] of Object.entries(block as Record<string, unknown>)) {
      const key = rawKey.toLowerCase();
      if (!KNOWN_KEYS.has(key)) return false;
      const actual = contextValue(key, req);
      const values = (Array.isArray(expected) ? expected : [expected]).map(String);
      if (op === 'Null') {
        if (!values.includes(actual === undefined ? 'true' : 'false')) return false;
        continue;
      }
      // A missing key satisfies ...IfExists and the negated operators, and nothing else.
      if (actual === undefined) {
        if (ifExists || /Not/.test(op)) continue;
        return false;
      }
      if (!operatorHolds(op, actual, values)) return false;
    }
  }
  return true;
}

function operatorHolds(op: string, actual: string, values: string[]): boolean {
  switch (op) {
    case 'StringEquals':
    case 'ArnEquals':
      return values.includes(actual);
    case 'StringNotEquals':
    case 'ArnNotEquals':
      return !values.includes(actual);
    case 'StringEqualsIgnoreCase':
      return values.some((v) => v.toLowerCase() === actual.toLowerCase());
    case 'StringLike':
    case 'ArnLike':
      return values.some((v) => wildcard(v).test(actual));
    case 'StringNotLike':
    case 'ArnNotLike':
      return !values.some((v) => wildcard(v).test(actual));
    case 'Bool':
      return values.some((v) => v.toLowerCase() === actual.toLowerCase());
    default:
      return false;
  }
}

function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
