import { ServiceError } from '../../errors.js';

/**
 * Policy documents as IAM handles them: accepted as JSON or URL-encoded JSON, validated, stored as
 * submitted, and returned URL-encoded (RFC 3986) in GetUserPolicy, GetPolicyVersion, GetRole, ...
 * The AWS CLI decodes them back into JSON; SDK users call decodeURIComponent, as with AWS.
 */
export function decodeDocument(raw: string): string {
  const text = raw.trim();
  if (!text.startsWith('{') && !text.startsWith('[') && /%[0-9A-Fa-f]{2}/.test(text)) {
    try {
      return decodeURIComponent(text.replace(/\+/g, '%20'));
    } catch {
      return raw;
    }
  }
  return raw;
}

export function encodeDocument(doc: string): string {
  return encodeURIComponent(doc).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** IAM counts policy size in characters, ignoring white space. */
export function policySize(doc: string): number {
  return doc.replace(/\s/g, '').length;
}

export function malformed(message: string): ServiceError {
  return new ServiceError('MalformedPolicyDocument', message);
}

export type Statement = Record<string, unknown>;

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

/** Parse a policy into its statements, checking the grammar every kind of IAM policy shares. */
export function statementsOf(doc: string): Statement[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    throw malformed('Syntax errors in policy.');
  }
  if (!isObject(parsed)) throw malformed('Syntax errors in policy.');
  for (const key of Object.keys(parsed)) if (!TOP_LEVEL.has(key)) throw malformed('Syntax errors in policy.');
  if (parsed.Version !== undefined && parsed.Version !== '2012-10-17' && parsed.Version !== '2008-10-17') {
    throw malformed('The policy failed legacy parsing');
  }
  if (parsed.Statement === undefined) throw malformed('Missing required field Statement');
  const list = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  if (!list.length) throw malformed('Syntax errors in policy.');
  const sids = new Set<string>();
  for (const s of list) {
    if (!isObject(s)) throw malformed('Syntax errors in policy.');
    for (const key of Object.keys(s))
      if (!STATEMENT_KEYS.has(key)) throw malformed('Syntax errors in policy.');
    if (s.Effect === undefined) throw malformed('Missing required field Effect');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed('Syntax errors in policy.');
    if (typeof s.Sid === 'string' && s.Sid) {
      if (sids.has(s.Sid)) throw malformed('Statement IDs (SID) in a single policy must be unique.');
      sids.add(s.Sid);
    }
    if (s.Action === undefined && s.NotAction === undefined)
      throw malformed('Policy statement must contain actions.');
    for (const action of stringsOf(s.Action ?? s.NotAction)) {
      if (action !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]*$/.test(action)) {
        throw malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
      }
    }
    if (s.Condition !== undefined && !isObject(s.Condition)) throw malformed('Syntax errors in policy.');
  }
  return list as Statement[];
}

/** An identity-based policy (inline or managed): no principal, and every statement names resources. */
export function checkIdentityPolicy(doc: string): void {
  for (const s of statementsOf(doc)) {
    if (s.Principal !== undefined || s.NotPrincipal !== undefined)
      throw malformed('Policy document should not specify a principal.');
    if (s.Resource === undefined && s.NotResource === undefined)
      throw malformed('Policy statement must contain resources.');
    for (const r of stringsOf(s.Resource ?? s.NotResource)) {
      if (r !== '*' && !r.startsWith('arn:')) throw malformed(`Resource ${r} must be in ARN format or "*".`);
    }
  }
}

const TRUST_ACTIONS =
  /^sts:(AssumeRole|AssumeRoleWithSAML|AssumeRoleWithWebIdentity|TagSession|SetSourceIdentity|SetContext|\*)$/;

/**
 * A role's trust policy: principals required, resources prohibited, only STS actions. `exists` tells
 * whether a same-account user or role ARN names a real entity: IAM refuses trust in a missing one.
 */
export function checkTrustPolicy(
  doc: string,
  accountId: string,
  exists: (kind: 'user' | 'role', name: string) => boolean,
): void {
  for (const s of statementsOf(doc)) {
    if (s.Resource !== undefined || s.NotResource !== undefined) {
      throw malformed(`Has prohibited field ${s.Resource !== undefined ? 'Resource' : 'NotResource'}`);
    }
    if (s.Principal === undefined && s.NotPrincipal === undefined)
      throw malformed('Missing required field Principal');
    for (const action of stringsOf(s.Action ?? s.NotAction)) {
      if (!TRUST_ACTIONS.test(action))
        throw malformed('AssumeRole policy may only specify STS AssumeRole actions.');
    }
    checkPrincipal(s.Principal ?? s.NotPrincipal, accountId, exists);
  }
}

function checkPrincipal(
  principal: unknown,
  accountId: string,
  exists: (kind: 'user' | 'role', name: string) => boolean,
): void {
  if (principal === '*') return;
  if (!isObject(principal)) throw malformed('Syntax errors in policy.');
  for (const [type, value] of Object.entries(principal)) {
    for (const v of stringsOf(value)) {
      const invalid = () => malformed(`Invalid principal in policy: "${type}":"${v}"`);
      switch (type) {
        case 'AWS': {
          if (v === '*' || /^\d{12}$/.test(v) || /^arn:aws:iam::\d{12}:root$/.test(v)) break;
          const m =
            /^arn:aws:(iam|sts)::(\d{12}):(user|role|assumed-role)\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]+)$/.exec(
              v,
            );
          if (!m) throw invalid();
          const [, svc, account, kind, name = ''] = m;
          if ((svc === 'sts') !== (kind === 'assumed-role')) throw invalid();
          if (account === accountId && (kind === 'user' || kind === 'role') && !exists(kind, name))
            throw invalid();
          break;
        }
        case 'Service':
          if (!/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(v)) throw invalid();
          break;
        case 'Federated':
        case 'CanonicalUser':
          if (!v) throw invalid();
          break;
        default:
          throw malformed('Syntax errors in policy.');
      }
    }
  }
}

export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'string')) throw malformed('Syntax errors in policy.');
    return value as string[];
  }
  if (value === undefined) return [];
  throw malformed('Syntax errors in policy.');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
