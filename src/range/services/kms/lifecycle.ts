import type {
  CancelKeyDeletionRequest,
  CancelKeyDeletionResponse,
  CreateKeyRequest,
  CreateKeyResponse,
  DescribeKeyRequest,
  DescribeKeyResponse,
  DisableKeyRequest,
  EnableKeyRequest,
  ListKeysRequest,
  ListKeysResponse,
  ScheduleKeyDeletionRequest,
  ScheduleKeyDeletionResponse,
  UpdateKeyDescriptionRequest,
} from '@aws-sdk/client-kms';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import {
  algorithmsOf,
  checkLimit,
  defaultKeyPolicy,
  invalidMarker,
  findKey,
  keyMetadata,
  kmsStore,
  newKey,
  requireCustomerManaged,
  requireNotPendingDeletion,
  validation,
} from './keys.js';
import { checkPolicy } from './policies.js';
import { checkTags } from './tags.js';

const DAY_MS = 86_400_000;

export function createKey(ctx: CallContext, input: CreateKeyRequest): CreateKeyResponse {
  if (input.KeySpec && input.CustomerMasterKeySpec) {
    throw validation(
      'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.',
    );
  }
  const keySpec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  const keyUsage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
  if ((input.Origin ?? 'AWS_KMS') !== 'AWS_KMS') {
    throw new ServiceError(
      'UnsupportedOperationException',
      `The range creates keys with Origin AWS_KMS only, not ${input.Origin}.`,
    );
  }
  if (input.MultiRegion) {
    throw new ServiceError('UnsupportedOperationException', 'The range does not emulate multi-Region keys.');
  }
  if (!algorithmsOf(keySpec, keyUsage)) {
    throw validation(`KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}.`);
  }
  if ((input.Description ?? '').length > 8192) {
    throw validation(
      "Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192",
    );
  }
  const policy = input.Policy ?? defaultKeyPolicy(ctx.accountId);
  checkPolicy(policy);
  const tags = input.Tags?.map((t) => ({ TagKey: t.TagKey ?? '', TagValue: t.TagValue ?? '' })) ?? [];
  checkTags(ctx, tags);
  const key = newKey(ctx, {
    description: input.Description ?? '',
    keyUsage,
    keySpec,
    keyManager: 'CUSTOMER',
    policy,
  });
  key.tags = tags;
  return { KeyMetadata: keyMetadata(ctx, key) };
}

export function describeKey(ctx: CallContext, input: DescribeKeyRequest): DescribeKeyResponse {
  return { KeyMetadata: keyMetadata(ctx, findKey(ctx, input.KeyId ?? '', { createManaged: true })) };
}

export function listKeys(ctx: CallContext, input: ListKeysRequest): ListKeysResponse {
  const limit = checkLimit(input.Limit, 1000);
  const keys = Object.values(kmsStore(ctx).keys);
  const { page, nextToken } = paginate(keys, {
    token: input.Marker,
    max: limit,
    defaultMax: 100,
    invalidToken: invalidMarker,
  });
  return {
    Keys: page.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })),
    NextMarker: nextToken,
    Truncated: nextToken !== undefined,
  };
}

export function enableKey(ctx: CallContext, input: EnableKeyRequest): Record<string, never> {
  const key = findKey(ctx, input.KeyId ?? '', { idOrArnOnly: true });
  requireCustomerManaged(ctx, key);
  requireNotPendingDeletion(key);
  key.state = 'Enabled';
  return {};
}

export function disableKey(ctx: CallContext, input: DisableKeyRequest): Record<string, never> {
  const key = findKey(ctx, input.KeyId ?? '', { idOrArnOnly: true });
  requireCustomerManaged(ctx, key);
  requireNotPendingDeletion(key);
  key.state = 'Disabled';
  return {};
}

export function scheduleKeyDeletion(
  ctx: CallContext,
  input: ScheduleKeyDeletionRequest,
): ScheduleKeyDeletionResponse {
  const days = input.PendingWindowInDays ?? 30;
  if (days < 7 || days > 30) {
    throw validation(
      `Value '${days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value ${days < 7 ? 'greater than or equal to 7' : 'less than or equal to 30'}`,
    );
  }
  const key = findKey(ctx, input.KeyId ?? '', { idOrArnOnly: true });
  requireCustomerManaged(ctx, key);
  requireNotPendingDeletion(key);
  key.state = 'PendingDeletion';
  key.pendingWindowInDays = days;
  // The range clock decides when the key is gone: kmsStore() drops it once this date has passed.
  key.deletionDate = new Date(ctx.now.getTime() + days * DAY_MS);
  return {
    KeyId: key.arn,
    DeletionDate: key.deletionDate,
    KeyState: 'PendingDeletion',
    PendingWindowInDays: days,
  };
}

export function cancelKeyDeletion(
  ctx: CallContext,
  input: CancelKeyDeletionRequest,
): CancelKeyDeletionResponse {
  const key = findKey(ctx, input.KeyId ?? '', { idOrArnOnly: true });
  requireCustomerManaged(ctx, key);
  if (key.state !== 'PendingDeletion') {
    throw new ServiceError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
  }
  // A key whose deletion is cancelled comes back disabled, never straight to use.
  key.state = 'Disabled';
  key.deletionDate = undefined;
  key.pendingWindowInDays = undefined;
  return { KeyId: key.arn };
}

export function updateKeyDescription(
  ctx: CallContext,
  input: UpdateKeyDescriptionRequest,
): Record<string, never> {
  const key = findKey(ctx, input.KeyId ?? '', { idOrArnOnly: true });
  requireCustomerManaged(ctx, key);
  requireNotPendingDeletion(key);
  if ((input.Description ?? '').length > 8192) {
    throw validation(
      "Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192",
    );
  }
  key.description = input.Description ?? '';
  return {};
}
