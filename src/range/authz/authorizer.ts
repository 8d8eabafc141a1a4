/**
 * The engine's authorization step: is this principal allowed this request? Every request (and every
 * call a service makes on a principal's behalf, e.g. CloudFormation creating a stack's resources) of
 * an IAM user or role session is evaluated with the principal's identity policies, permissions
 * boundary, session policies and the resource's policy (IAM User Guide, "Policy evaluation logic").
 * Root, the built-in administrator and services acting for the range are not restricted.
 */
import type { CallContext, ServiceDefinition } from '../context.js';
import { identityState, type Credential, type Principal } from '../identity.js';
import { evaluate } from '../policy/evaluate.js';
import { denialMessage } from '../policy/message.js';
import type { EvaluationRequest, RequestPrincipal, SourcedPolicy } from '../policy/types.js';
import { principalPolicies } from '../services/iam/effective.js';
import { actionsOf } from './actions.js';
import { denialError } from './denials.js';
import { passedRoles } from './passed-roles.js';
import { requestContext, resourceTags } from './request-context.js';
import { resourceArns } from './resources.js';

export interface AuthorizeRequest {
  ctx: CallContext;
  service: ServiceDefinition;
  operation: string;
  input: Record<string, unknown>;
}

/**
 * Operations AWS answers for any authenticated caller, whatever its policies say: GetCallerIdentity,
 * and GetSessionToken ("No permissions are required for a user to get a session token ... You cannot
 * use policies to control authentication operations", IAM User Guide, "Permissions for GetSessionToken").
 */
const ALWAYS_ALLOWED = new Set(['sts:GetCallerIdentity', 'sts:GetSessionToken']);

export class Authorizer {
  /** `key|policy|statement` already logged: an unknown condition key is named once, not per request. */
  private readonly logged = new Set<string>();

  constructor(private readonly log: (message: string) => void) {}

  /** Throws the service's access-denied error when the request is not allowed. */
  async authorize(req: AuthorizeRequest): Promise<void> {
    const { ctx, service, operation, input } = req;
    const p = ctx.principal;
    if (service.authorizesItself) return;
    if (p.type !== 'IAMUser' && p.type !== 'AssumedRole') return;
    if (ALWAYS_ALLOWED.has(`${service.name}:${operation}`)) return;
    const credential = credentialOf(ctx);
    const policies = principalPolicies(ctx, p, credential);
    if (policies.unrestricted) return;
    const principal = requestPrincipal(p);
    const calledVia = ctx.invokedBy ? [ctx.invokedBy] : [];
    const context = requestContext({ ctx, principal: p, credential, input, calledVia });
    for (const action of actionsOf(service.name, operation)) {
      for (const resource of await resourceArns(ctx, action, input)) {
        const resourcePolicy =
          resource !== '*' && service.resourcePolicy
            ? await service.resourcePolicy(ctx, action, resource)
            : undefined;
        const tags = resource === '*' ? undefined : this.tagKeys(ctx, service, resource);
        const request: EvaluationRequest = {
          principal,
          action,
          resource,
          ...(resourcePolicy ? { resourceAccountId: accountOfArn(resource) ?? ctx.accountId } : {}),
          context: {
            ...context,
            ...tags,
            // The account that owns the resource (data-perimeter policies); the caller's for `*`.
            'aws:ResourceAccount': accountOfArn(resource) ?? ctx.accountId,
          },
        };
        const decision = evaluate({
          request,
          identity: policies.identity,
          ...(policies.boundary ? { boundary: policies.boundary } : {}),
          ...(policies.session ? { session: policies.session } : {}),
          ...(resourcePolicy ? { resource: resourcePolicy } : {}),
          // KMS key policies must allow the account before identity policies count.
          ...(service.name === 'kms' && resourcePolicy ? { resourcePolicyRequired: true } : {}),
        });
        if (decision.unknownKeys.length) {
          const all = [
            ...policies.identity,
            ...(policies.boundary ? [policies.boundary] : []),
            ...(policies.session ?? []),
            ...(resourcePolicy ? [resourcePolicy] : []),
          ];
          this.logUnknown(decision.unknownKeys, all);
        }
        if (decision.decision !== 'allowed') {
          throw denialError(service.name, denialMessage(request, decision));
        }
      }
    }
    // A role the request hands to a service needs iam:PassRole on it as well (no resource policy applies).
    for (const passed of passedRoles(ctx, service.name, operation, input)) {
      const request: EvaluationRequest = {
        principal,
        action: 'iam:PassRole',
        resource: passed.arn,
        context: {
          ...context,
          ...(passed.service ? { 'iam:PassedToService': passed.service } : {}),
          'aws:ResourceAccount': accountOfArn(passed.arn) ?? ctx.accountId,
        },
      };
      const decision = evaluate({
        request,
        identity: policies.identity,
        ...(policies.boundary ? { boundary: policies.boundary } : {}),
        ...(policies.session ? { session: policies.session } : {}),
      });
      if (decision.decision !== 'allowed') {
        throw denialError(service.name, denialMessage(request, decision));
      }
    }
  }

  /** aws:ResourceTag/<key> (and the service's own `<prefix>:ResourceTag/<key>`) of the resource. */
  private tagKeys(
    ctx: CallContext,
    service: ServiceDefinition,
    resource: string,
  ): Record<string, string> | undefined {
    const own = service.resourceTags?.(ctx, resource);
    if (!own) return resourceTags(ctx, resource);
    const prefix = resource.split(':')[2] ?? '';
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(own)) {
      out[`aws:ResourceTag/${k}`] = v;
      out[`${prefix}:ResourceTag/${k}`] = v;
    }
    return out;
  }

  /** Name each unknown condition key once per policy statement that uses it. */
  logUnknown(keys: readonly string[], policies: readonly SourcedPolicy[]): void {
    for (const key of keys) {
      const lower = key.toLowerCase();
      for (const policy of policies) {
        policy.document.Statement.forEach((st, index) => {
          const uses = Object.values(st.Condition ?? {}).some((block) =>
            Object.keys(block ?? {}).some((k) => k.toLowerCase() === lower),
          );
          if (!uses) return;
          const id = `${lower}|${policy.id}|${index}`;
          if (this.logged.has(id)) return;
          this.logged.add(id);
          const statement = st.Sid ? `statement '${st.Sid}'` : `statement ${index}`;
          this.log(
            `range: condition key ${key} in ${statement} of ${policy.kind} policy ${policy.id} is not one the range supplies: the condition does not match`,
          );
        });
      }
    }
  }
}

function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

function requestPrincipal(p: Principal): RequestPrincipal {
  return {
    arn: p.arn,
    accountId: p.accountId,
    type: p.type === 'AssumedRole' ? 'AssumedRole' : 'IAMUser',
    ...(p.session ? { roleArn: p.session.roleArn } : {}),
  };
}

/**
 * The credential the call was signed with. A call a service makes for a role session (CloudFormation
 * acting as the stack's creator) carries the session principal only: its credential is the one
 * issued to that session.
 */
function credentialOf(ctx: CallContext): Credential | undefined {
  const creds = ctx.state(identityState).credentials;
  if (ctx.accessKeyId !== undefined && Object.hasOwn(creds, ctx.accessKeyId)) return creds[ctx.accessKeyId];
  const session = ctx.principal.session;
  if (!session) return undefined;
  const issued = new Date(session.createdAt).getTime();
  for (const cred of Object.values(creds)) {
    const s = cred.principal.session;
    if (cred.principal.arn === ctx.principal.arn && s && new Date(s.createdAt).getTime() === issued)
      return cred;
  }
  return undefined;
}
