import type {
  DisableKeyRotationRequest,
  EnableKeyRotationRequest,
  GetKeyPolicyRequest,
  GetKeyPolicyResponse,
  GetKeyRotationStatusRequest,
  GetKeyRotationStatusResponse,
  ListKeyPoliciesRequest,
  ListKeyPoliciesResponse,
  PutKeyPolicyRequest,
} from '@aws-sdk/client-kms';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { findKey, requireCustomerManaged, requireUsable, validation } from './keys.js';
import type { StoredKey } from './store.js';

const DAY_MS = 86_400_000;

/** A key has exactly one policy, named `default`. */
function checkPolicyName(name: string | undefined): void {
  if (name !== undefined && name !== 'default')
    throw new ServiceError('NotFoundException', `Policy '${name}' does not exist`);
}

export function checkPolicy(policy: string): void {
  if (policy.length > 32768) {
    throw validation(
      "Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to 32768",
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    throw new ServiceError('MalformedPolicyDocumentException', 'The key policy is not valid JSON.');
  }
  if (!doc || typeof doc !== 'object' || !('Statement' in doc)) {
    throw new ServiceError('MalformedPolicyDocumentException', 'The key policy must contain a Statement.');
  }
}

export function getKeyPolicy(ctx: CallContext, input: GetKeyPolicyRequest): GetKeyPolicyResponse {
  const key = findKey(ctx, input.KeyId ?? '');
  checkPolicyName(input.PolicyName);
  return { Policy: key.policy, PolicyName: 'default' };
}

export function putKeyPolicy(ctx: CallContext, input: PutKeyPolicyRequest): Record<string, never> {
  const key = findKey(ctx, input.KeyId ?? '');
  checkPolicyName(input.PolicyName);
  requireCustomerManaged(ctx, key);
  checkPolicy(input.Policy ?? '');
  key.policy = input.Policy ?? '';
  return {};
}

export function listKeyPolicies(ctx: CallContext, input: ListKeyPoliciesRequest): ListKeyPoliciesResponse {
  findKey(ctx, input.KeyId ?? '');
  return { PolicyNames: ['default'], Truncated: false };
}

/** Automatic rotation exists for symmetric encryption keys only. */
function requireRotatable(key: StoredKey): void {
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new ServiceError(
      'UnsupportedOperationException',
      `${key.arn} key spec ${key.keySpec} is not valid for this operation.`,
    );
  }
}

export function getKeyRotationStatus(
  ctx: CallContext,
  input: GetKeyRotationStatusRequest,
): GetKeyRotationStatusResponse {
  const key = findKey(ctx, input.KeyId ?? '');
  requireRotatable(key);
  return {
    KeyId: key.arn,
    KeyRotationEnabled: key.rotation !== undefined,
    RotationPeriodInDays: key.rotation?.periodInDays,
    NextRotationDate: key.rotation?.nextRotationDate,
  };
}

export function enableKeyRotation(ctx: CallContext, input: EnableKeyRotationRequest): Record<string, never> {
  const period = input.RotationPeriodInDays ?? 365;
  if (period < 90 || period > 2560) {
    throw validation(
      `Value '${period}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value ${period < 90 ? 'greater than or equal to 90' : 'less than or equal to 2560'}`,
    );
  }
  const key = findKey(ctx, input.KeyId ?? '');
  requireCustomerManaged(ctx, key);
  requireUsable(key);
  requireRotatable(key);
  key.rotation = { periodInDays: period, nextRotationDate: new Date(ctx.now.getTime() + period * DAY_MS) };
  return {};
}

export function disableKeyRotation(
  ctx: CallContext,
  input: DisableKeyRotationRequest,
): Record<string, never> {
  const key = findKey(ctx, input.KeyId ?? '');
  requireCustomerManaged(ctx, key);
  requireUsable(key);
  requireRotatable(key);
  key.rotation = undefined;
  return {};
}
