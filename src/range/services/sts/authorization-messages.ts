import type {
  DecodeAuthorizationMessageRequest,
  DecodeAuthorizationMessageResponse,
} from '@aws-sdk/client-sts';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import type { CloudTrailRecord } from '../../history.js';
import { identityState, type Credential, type Principal } from '../../identity.js';
import { requestContext } from '../../authz/request-context.js';
import { evaluate } from '../../policy/evaluate.js';
import type { ContextValue, EvaluationRequest, SourcedPolicy, Statement } from '../../policy/types.js';
import { has, record } from '../../records.js';
import { defineState } from '../../state.js';
import { principalPolicies } from '../iam/effective.js';

/**
 * sts:DecodeAuthorizationMessage. A denied EC2 call carries an opaque "encoded authorization failure
 * message" (authz/denials.ts). AWS encrypts the details into it; the range instead remembers, per
 * account, the decoded document of each message it handed out, as the denial's CloudTrail record
 * passes by (`onEvent`), and answers it to a caller allowed sts:DecodeAuthorizationMessage.
 */

/** The most messages an account keeps; the oldest are forgotten first (AWS's messages expire too). */
export const KEPT_MESSAGES = 200;

export interface StsState {
  /** The decoded document (JSON text) of each encoded message, by the encoded message. */
  authorizationMessages: Record<string, string>;
  /** The encoded messages, oldest first. */
  messageOrder: string[];
}

export const stsState = defineState<StsState>('sts', 'account', () => ({
  authorizationMessages: record(),
  messageOrder: [],
}));

const ENCODED = /Encoded authorization failure message: ([A-Za-z0-9_-]+)$/;
const DENIAL =
  /User: (\S+) is not authorized to perform: (\S+?)(?: on resource: (\S+))? (?:because no|with an explicit deny)/;

export function decodeAuthorizationMessage(
  ctx: CallContext,
  input: DecodeAuthorizationMessageRequest,
): DecodeAuthorizationMessageResponse {
  const encoded = input.EncodedMessage ?? '';
  if (encoded.length < 1 || encoded.length > 10240) {
    throw new ServiceError(
      'ValidationError',
      `1 validation error detected: Value at 'encodedMessage' failed to satisfy constraint: Member must have length ${encoded.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 10240'}`,
    );
  }
  const messages = ctx.state(stsState).authorizationMessages;
  if (!has(messages, encoded)) {
    throw new ServiceError(
      'InvalidAuthorizationMessageException',
      'The encoded authorization message is invalid or has expired.',
    );
  }
  return { DecodedMessage: messages[encoded] };
}

/** Remember what a denial's encoded message stands for (called for every CloudTrail record). */
export function rememberDenial(ctx: CallContext, event: CloudTrailRecord): void {
  const encoded = ENCODED.exec(event.errorMessage ?? '')?.[1];
  const denial = DENIAL.exec(event.errorMessage ?? '');
  if (!encoded || !denial) return;
  const [, principalArn = '', action = '', resource = '*'] = denial;
  const credential = credentialOf(ctx, event);
  const principal = credential?.principal;
  const at = new Date(event.eventTime);
  const service = action.split(':')[0] ?? '';
  const callCtx: CallContext = {
    ...ctx,
    service,
    region: event.awsRegion,
    now: Number.isNaN(at.getTime()) ? ctx.now : at,
    sourceIp: event.sourceIPAddress,
    userAgent: event.userAgent,
  };
  const identity = event.userIdentity as { principalId?: unknown; invokedBy?: unknown };
  const invokedBy = typeof identity.invokedBy === 'string' ? [identity.invokedBy] : [];
  const conditions = principal
    ? requestContext({
        ctx: callCtx,
        principal,
        input: {},
        calledVia: invokedBy,
        ...(credential ? { credential } : {}),
      })
    : {};
  const explicitDeny = /with an explicit deny/.test(event.errorMessage ?? '');
  const document = {
    allowed: false,
    explicitDeny,
    matchedStatements: {
      items:
        explicitDeny && principal
          ? denyingStatements(callCtx, principal, credential, action, resource, conditions)
          : [],
    },
    failures: { items: [] },
    context: {
      principal: {
        id: typeof identity.principalId === 'string' ? identity.principalId : (principal?.principalId ?? ''),
        ...(principal?.type === 'IAMUser' && principal.userName ? { name: principal.userName } : {}),
        arn: principalArn,
      },
      action,
      resource,
      conditions: { items: conditionItems(conditions) },
    },
  };
  const state = ctx.state(stsState);
  if (!has(state.authorizationMessages, encoded)) state.messageOrder = [...state.messageOrder, encoded];
  state.authorizationMessages[encoded] = JSON.stringify(document);
  while (state.messageOrder.length > KEPT_MESSAGES) {
    const oldest = state.messageOrder[0] as string;
    state.messageOrder = state.messageOrder.slice(1);
    delete state.authorizationMessages[oldest];
  }
}

function credentialOf(ctx: CallContext, event: CloudTrailRecord): Credential | undefined {
  const key = (event.userIdentity as { accessKeyId?: unknown }).accessKeyId;
  const creds = ctx.state(identityState).credentials;
  return typeof key === 'string' && has(creds, key) ? creds[key] : undefined;
}

/** `{ items: [{ key, values: { items: [{ value }] } }] }`, as the decoded message lists condition keys. */
function conditionItems(context: Record<string, ContextValue | undefined>) {
  return Object.entries(context)
    .filter((e): e is [string, ContextValue] => e[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({
      key,
      values: { items: (typeof value === 'string' ? [value] : [...value]).map((v) => ({ value: v })) },
    }));
}

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

/** The Deny statements that decided an explicit denial, evaluated again with the policies of the moment. */
function denyingStatements(
  ctx: CallContext,
  principal: Principal,
  credential: Credential | undefined,
  action: string,
  resource: string,
  context: Record<string, ContextValue>,
) {
  const policies = principalPolicies(ctx, principal, credential);
  if (policies.unrestricted) return [];
  const request: EvaluationRequest = {
    principal: {
      arn: principal.arn,
      accountId: principal.accountId,
      type: principal.type === 'AssumedRole' ? 'AssumedRole' : 'IAMUser',
      ...(principal.session ? { roleArn: principal.session.roleArn } : {}),
    },
    action,
    resource,
    context: { ...context, 'aws:ResourceAccount': resource.split(':')[4] || principal.accountId },
  };
  const all: SourcedPolicy[] = [
    ...policies.identity,
    ...(policies.boundary ? [policies.boundary] : []),
    ...(policies.session ?? []),
  ];
  const decision = evaluate({
    request,
    identity: policies.identity,
    ...(policies.boundary ? { boundary: policies.boundary } : {}),
    ...(policies.session ? { session: policies.session } : {}),
  });
  const owner = principal.session ? principal.session.roleId : principal.principalId;
  return decision.matched
    .filter((m) => m.effect === 'Deny')
    .map((m) => {
      const st: Statement | undefined = all.find((p) => p.id === m.policyId)?.document.Statement[m.index];
      return {
        statementId: m.sid ?? '',
        effect: 'DENY',
        principals: { items: [{ value: owner }] },
        principalGroups: { items: [] },
        actions: { items: list(st?.Action ?? st?.NotAction).map((value) => ({ value })) },
        resources: { items: list(st?.Resource ?? st?.NotResource).map((value) => ({ value })) },
        conditions: {
          items: Object.entries(st?.Condition ?? {}).flatMap(([operator, block]) =>
            Object.entries(block ?? {}).map(([key, value]) => ({
              key: `${operator}:${key}`,
              values: {
                items: (Array.isArray(value) ? value : [value]).map((v) => ({ value: String(v) })),
              },
            })),
          ),
        },
      };
    });
}
