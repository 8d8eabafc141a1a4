import type { DecidedBy, Decision, EvaluationRequest } from './types.js';

/**
 * AWS's access-denied message ("Troubleshoot access denied error messages", IAM User Guide):
 * `User: <arn> is not authorized to perform: <action> [on resource: <arn>] because no <type> allows the
 * <action> action` for an implicit deny, `... with an explicit deny in a <type>` for an explicit one.
 */
const POLICY_TYPE: Readonly<Record<DecidedBy, { name: string; article: string }>> = {
  identity: { name: 'identity-based policy', article: 'an' },
  boundary: { name: 'permissions boundary', article: 'a' },
  session: { name: 'session policy', article: 'a' },
  resource: { name: 'resource-based policy', article: 'a' },
};

export function denialMessage(request: EvaluationRequest, decision: Decision): string {
  const who = request.principal.arn === '' ? 'anonymous' : request.principal.arn;
  const on = request.resource === '*' || request.resource === '' ? '' : ` on resource: ${request.resource}`;
  const head = `User: ${who} is not authorized to perform: ${request.action}${on}`;
  const type = POLICY_TYPE[decision.decidedBy ?? 'identity'];
  if (decision.decision === 'explicitDeny')
    return `${head} with an explicit deny in ${type.article} ${type.name}`;
  return `${head} because no ${type.name} allows the ${request.action} action`;
}
