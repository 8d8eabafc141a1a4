import { compilePolicy } from './compile.js';
import type { CompiledStatement } from './compile.js';
import type { ConditionScope } from './conditions.js';
import type { ContextLookup } from './patterns.js';
import type { Grant } from './principal.js';
import type {
  ContextValue,
  DecidedBy,
  Decision,
  EvaluationInput,
  EvaluationRequest,
  MatchedStatement,
  SourcedPolicy,
} from './types.js';

/**
 * The IAM policy evaluator of the range, following "Policy evaluation logic" in the IAM User Guide
 * ("How AWS enforcement code logic evaluates requests to allow or deny access", "Policy evaluation for
 * requests within a single account", "Cross-account policy evaluation logic"): an explicit deny in any
 * applicable policy wins; within the account a resource-based policy's allow or an identity-based allow
 * within every permissions boundary and session policy allows; across accounts both sides must allow.
 */

interface Findings {
  matched: MatchedStatement[];
  /** Condition keys absent from the request context, and those of them the range does not supply. */
  missingKeys: Set<string>;
  unknownKeys: Set<string>;
  /** The first explicit deny's policy kind. */
  deny?: SourcedPolicy['kind'];
  allows: Set<SourcedPolicy['kind']>;
  /** How the resource-based policy's matching Allow statements name the caller. */
  grants: Set<Grant>;
}

export function evaluate(input: EvaluationInput): Decision {
  const { request } = input;
  const findings: Findings = {
    matched: [],
    missingKeys: new Set(),
    unknownKeys: new Set(),
    allows: new Set(),
    grants: new Set(),
  };
  const scope = requestScope(request, findings);
  const action = request.action.toLowerCase();
  const hasBoundary = input.boundary !== undefined;
  const sessions = input.session ?? [];

  const visit = (policy: SourcedPolicy): void => {
    for (const statement of compilePolicy(policy.document).candidates(action)) {
      const grant = applies(statement, policy.kind, request, action, scope, hasBoundary);
      if (grant === undefined) continue;
      const effect = statement.effect!;
      const entry: MatchedStatement = {
        policyId: policy.id,
        kind: policy.kind,
        index: statement.index,
        effect,
      };
      if (statement.sid !== undefined) entry.sid = statement.sid;
      findings.matched.push(entry);
      if (effect === 'Deny') findings.deny ??= policy.kind;
      else {
        findings.allows.add(policy.kind);
        if (policy.kind === 'resource' && grant !== true) findings.grants.add(grant);
      }
    }
  };
  for (const policy of input.identity) visit(policy);
  if (input.boundary) visit(input.boundary);
  for (const policy of sessions) visit(policy);
  if (input.resource) visit(input.resource);

  const keys = { unknownKeys: [...findings.unknownKeys], missingKeys: [...findings.missingKeys] };
  const { matched } = findings;
  if (findings.deny) return { decision: 'explicitDeny', decidedBy: findings.deny, matched, ...keys };
  const missing = missingAllow(input, findings, sessions.length > 0);
  if (missing === undefined) return { decision: 'allowed', matched, ...keys };
  return { decision: 'implicitDeny', decidedBy: missing, matched, ...keys };
}

/**
 * Whether a statement applies to the request: undefined if not; for a resource-based policy, how its
 * Principal names the caller; otherwise true.
 */
function applies(
  s: CompiledStatement,
  kind: SourcedPolicy['kind'],
  request: EvaluationRequest,
  action: string,
  scope: ConditionScope,
  hasBoundary: boolean,
): Grant | true | undefined {
  if (s.effect === undefined || !s.action(action)) return undefined;
  if (s.resource ? !s.resource(request.resource, scope.lookup) : kind !== 'resource') return undefined;
  let grant: Grant | true = true;
  if (kind === 'resource') {
    if (s.principal) {
      const how = s.principal.grant(request.principal);
      if (how === undefined) return undefined;
      grant = how;
    } else if (s.notPrincipal) {
      const spared =
        s.effect === 'Deny'
          ? s.notPrincipal.spares(request.principal, hasBoundary)
          : s.notPrincipal.grant(request.principal) !== undefined;
      if (spared) return undefined;
      grant = 'direct';
    } else return undefined;
  }
  // Every condition runs (no short cut), so each absent key is reported, not only the first.
  let holds = true;
  for (const condition of s.conditions) if (!condition(scope)) holds = false;
  return holds ? grant : undefined;
}

/** The policy kind whose Allow is missing, or undefined when the request is allowed. */
function missingAllow(input: EvaluationInput, f: Findings, hasSession: boolean): DecidedBy | undefined {
  const { principal } = input.request;
  // Only a resource-based policy can let anonymous callers and services in ("Policy types").
  if (principal.type === 'Anonymous' || principal.type === 'Service')
    return f.grants.size > 0 ? undefined : 'resource';

  const root = principal.type === 'Root';
  const identityOk = root || f.allows.has('identity');
  const boundaryOk = root || !input.boundary || f.allows.has('boundary');
  const sessionOk = root || !hasSession || f.allows.has('session');
  const identitySide = (): DecidedBy | undefined =>
    !identityOk ? 'identity' : !boundaryOk ? 'boundary' : !sessionOk ? 'session' : undefined;

  const resourceAccount = input.request.resourceAccountId ?? principal.accountId;
  if (resourceAccount !== principal.accountId) {
    // "Cross-account policy evaluation logic": the identity side and the resource-based policy must both allow.
    return identitySide() ?? (f.grants.size > 0 ? undefined : 'resource');
  }
  if (root) return input.resourcePolicyRequired && f.grants.size === 0 ? 'resource' : undefined;

  // "Resource-based policies" within one account: naming the IAM user or the role session grants even
  // without an identity-based allow (a user's grant still passes its session policy); naming the role
  // grants to its sessions within their permissions boundary and session policies.
  let grantFailure: DecidedBy | undefined;
  if (f.grants.has('direct')) {
    if (principal.type !== 'IAMUser' || sessionOk) return undefined;
    grantFailure = 'session';
  }
  if (f.grants.has('role')) {
    if (boundaryOk && sessionOk) return undefined;
    grantFailure ??= !boundaryOk ? 'boundary' : 'session';
  }
  // Key policies and trust policies must allow the principal or the account themselves before
  // identity-based policies count ("How AWS enforcement code logic evaluates requests", KMS key policies).
  if (input.resourcePolicyRequired && !f.grants.has('account')) return grantFailure ?? 'resource';
  const viaIdentity = identitySide();
  return viaIdentity === undefined ? undefined : (grantFailure ?? viaIdentity);
}

function requestScope(request: EvaluationRequest, findings: Findings): ConditionScope {
  let lowered: Map<string, ContextValue> | undefined;
  const lookup: ContextLookup = (key) => {
    if (!lowered) {
      lowered = new Map();
      for (const [k, v] of Object.entries(request.context))
        if (v !== undefined) lowered.set(k.toLowerCase(), v);
    }
    return lowered.get(key);
  };
  return {
    lookup,
    absent(key, known) {
      findings.missingKeys.add(key);
      if (!known) findings.unknownKeys.add(key);
    },
  };
}
