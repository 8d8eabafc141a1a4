import type {
  AddPermissionRequest,
  AddPermissionResponse,
  GetPolicyRequest,
  GetPolicyResponse,
  RemovePermissionRequest,
} from '@aws-sdk/client-lambda';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { uuid } from '../../ids.js';
import { findFunction, lambdaState, type LambdaFunction, type PolicyStatement } from './store.js';
import type { SourcedPolicy, Statement } from '../../policy/types.js';

/**
 * A function's resource-based policy: AddPermission adds a statement, RemovePermission takes one out,
 * GetPolicy answers the document as JSON text, the way Lambda writes it.
 */

function checkRevision(fn: LambdaFunction, revisionId: string | undefined): void {
  if (revisionId !== undefined && revisionId !== fn.revisionId) {
    throw new ServiceError(
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id',
      412,
    );
  }
}

/** `events.amazonaws.com` → Service; an account id → its root; an ARN → AWS; `*` stays `*`. */
function principalOf(principal: string): PolicyStatement['Principal'] {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(principal)) return { Service: principal };
  throw new ServiceError(
    'InvalidParameterValueException',
    `The provided principal was invalid. Please check the principal and try again.`,
  );
}

export function addPermission(ctx: CallContext, input: AddPermissionRequest): AddPermissionResponse {
  const fn = findFunction(ctx, input.FunctionName ?? '', input.Qualifier);
  checkRevision(fn, input.RevisionId);
  const sid = input.StatementId ?? '';
  if (!/^([a-zA-Z0-9-_.]+)$/.test(sid) || sid.length > 100) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${sid.slice(0, 200)}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)`,
    );
  }
  const action = input.Action ?? '';
  if (!/^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/.test(action)) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${action.slice(0, 200)}' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])`,
    );
  }
  if (fn.policy.some((s) => s.Sid === sid)) {
    throw new ServiceError(
      'ResourceConflictException',
      'The statement id (sid) provided already exists. Please choose another statement id.',
      409,
    );
  }
  const condition: Record<string, Record<string, string>> = {};
  if (input.SourceAccount) (condition.StringEquals ??= {})['AWS:SourceAccount'] = input.SourceAccount;
  if (input.PrincipalOrgID) (condition.StringEquals ??= {})['aws:PrincipalOrgID'] = input.PrincipalOrgID;
  if (input.EventSourceToken)
    (condition.StringEquals ??= {})['lambda:EventSourceToken'] = input.EventSourceToken;
  if (input.FunctionUrlAuthType)
    (condition.StringEquals ??= {})['lambda:FunctionUrlAuthType'] = input.FunctionUrlAuthType;
  if (input.SourceArn) (condition.ArnLike ??= {})['AWS:SourceArn'] = input.SourceArn;
  const statement: PolicyStatement = {
    Sid: sid,
    Effect: 'Allow',
    Principal: principalOf(input.Principal ?? ''),
    Action: action,
    Resource: fn.arn,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
  fn.policy = [...fn.policy, statement];
  fn.revisionId = uuid();
  return { Statement: JSON.stringify(statement) };
}

export function removePermission(ctx: CallContext, input: RemovePermissionRequest): Record<string, never> {
  const fn = findFunction(ctx, input.FunctionName ?? '', input.Qualifier);
  checkRevision(fn, input.RevisionId);
  if (!fn.policy.some((s) => s.Sid === input.StatementId)) {
    throw new ServiceError(
      'ResourceNotFoundException',
      `Statement ${input.StatementId ?? ''} is not found in resource policy.`,
      404,
    );
  }
  fn.policy = fn.policy.filter((s) => s.Sid !== input.StatementId);
  fn.revisionId = uuid();
  return {};
}

export function getPolicy(ctx: CallContext, input: GetPolicyRequest): GetPolicyResponse {
  const fn = findFunction(ctx, input.FunctionName ?? '', input.Qualifier);
  if (!fn.policy.length) {
    throw new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
  }
  const document = { Version: '2012-10-17', Id: 'default', Statement: fn.policy };
  return { Policy: JSON.stringify(document), RevisionId: fn.revisionId };
}

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:([^:]+):(\d{12}):function:([^:]+)/;

/**
 * The function's resource-based policy for the range's authorizer: what AddPermission granted counts
 * for IAM principals as it does for services (a statement naming a user or another account).
 */
export function functionPolicy(
  ctx: CallContext,
  _action: string,
  resourceArn: string,
): SourcedPolicy | undefined {
  const m = FUNCTION_ARN.exec(resourceArn);
  if (!m) return undefined;
  const [, region, accountId, name] = m as unknown as [string, string, string, string];
  const functions = ctx.state(lambdaState, { accountId, region }).functions;
  const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
  if (!fn) return undefined;
  return {
    id: `${resourceArn}/policy`,
    kind: 'resource',
    document: { Version: '2012-10-17', Statement: fn.policy as Statement[] },
  };
}
