import type { Principal } from '../../identity.js';
import { evaluate } from '../../policy/evaluate.js';
import { parsePolicy } from '../../policy/parse.js';
import type { Decision, RequestContext, RequestPrincipal } from '../../policy/types.js';

/** What STS knows about an AssumeRole call, for the trust policy's conditions. */
export interface AssumeRequest {
  caller: Principal;
  sessionName: string;
  externalId?: string;
  /** The call carried an MFA serial number and token code. */
  mfa: boolean;
  /** The role's ARN (the trust policy's resource); `*` when not given. */
  roleArn?: string;
  /** The request's other condition keys (aws:SourceIp, aws:PrincipalTag/..., ...), when the caller has them. */
  context?: RequestContext;
}

/**
 * Does a role's trust policy let the caller assume it? The trust policy is the role's resource-based
 * policy, evaluated by the range's one evaluator: an Allow statement must name the caller (`*`, its
 * account, its user ARN, its role or session ARN, or its service) under conditions that hold, and no Deny
 * may apply. "Role trust policies ... must explicitly allow access for principals" (IAM User Guide,
 * "Policy evaluation logic"): the caller's own identity-based policies are the engine's part (the STS
 * service's `resourcePolicy` hook), this is the trust side alone. A condition on a key the range does
 * not know does not hold, so it never grants more than AWS would.
 */
export function trustAllows(trustPolicy: string, req: AssumeRequest): boolean {
  const decision = trustDecision(trustPolicy, req);
  return (
    decision !== undefined &&
    decision.decision !== 'explicitDeny' &&
    decision.matched.some((m) => m.kind === 'resource' && m.effect === 'Allow')
  );
}

/** The evaluator's decision on the trust policy alone, or undefined when it is not a policy document. */
export function trustDecision(trustPolicy: string, req: AssumeRequest): Decision | undefined {
  let document;
  try {
    document = parsePolicy(trustPolicy);
  } catch {
    return undefined;
  }
  const principal = trustPrincipal(req.caller);
  return evaluate({
    request: {
      principal,
      action: 'sts:AssumeRole',
      resource: req.roleArn ?? '*',
      context: assumeContext(req, principal),
    },
    identity: [],
    resource: { id: 'trust-policy', kind: 'resource', document },
  });
}

function trustPrincipal(caller: Principal): RequestPrincipal {
  switch (caller.type) {
    case 'AWSService':
      return { arn: caller.arn, accountId: caller.accountId, type: 'Service', service: caller.service };
    case 'AssumedRole':
      return {
        arn: caller.arn,
        accountId: caller.accountId,
        type: 'AssumedRole',
        roleArn: caller.session?.roleArn,
      };
    case 'Root':
      return { arn: caller.arn, accountId: caller.accountId, type: 'Root' };
    case 'IAMUser':
      return { arn: caller.arn, accountId: caller.accountId, type: 'IAMUser' };
    default:
      return { arn: '', accountId: '', type: 'Anonymous' };
  }
}

/** The keys a trust policy's conditions use: STS's own, and who the caller is. */
function assumeContext(req: AssumeRequest, principal: RequestPrincipal): RequestContext {
  const given = req.context ?? {};
  const givenMfa = Object.entries(given).find(([k]) => k.toLowerCase() === 'aws:multifactorauthpresent')?.[1];
  const caller = req.caller;
  const mfa = req.mfa || caller.session?.mfaAuthenticated === true || givenMfa === 'true';
  // Long-term access keys carry no aws:MultiFactorAuthPresent at all; temporary credentials say false.
  const temporary = givenMfa !== undefined || caller.type === 'AssumedRole';
  const type: Record<RequestPrincipal['type'], string> = {
    IAMUser: 'User',
    AssumedRole: 'AssumedRole',
    Root: 'Account',
    Service: 'AWSService',
    Anonymous: 'Anonymous',
  };
  return {
    ...(principal.type === 'Service' ? {} : { 'aws:PrincipalAccount': caller.accountId }),
    'aws:PrincipalArn': caller.session?.roleArn ?? caller.arn,
    'aws:PrincipalType': type[principal.type],
    'aws:userid': caller.type === 'Root' ? caller.accountId : caller.principalId,
    ...(caller.userName ? { 'aws:username': caller.userName } : {}),
    'aws:PrincipalIsAWSService': String(principal.type === 'Service'),
    ...given,
    ...(mfa || temporary ? { 'aws:MultiFactorAuthPresent': String(mfa) } : {}),
    'sts:RoleSessionName': req.sessionName,
    ...(req.externalId !== undefined ? { 'sts:ExternalId': req.externalId } : {}),
  };
}
