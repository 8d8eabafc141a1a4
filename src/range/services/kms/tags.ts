import type {
  ListResourceTagsRequest,
  ListResourceTagsResponse,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-kms';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import {
  checkLimit,
  findKey,
  invalidMarker,
  requireCustomerManaged,
  requireNotPendingDeletion,
} from './keys.js';
import type { StoredTag } from './store.js';

const MAX_TAGS = 50;

/** Tag rules; `aws:` keys are reserved for AWS itself (CloudFormation's aws:cloudformation:* tags). */
export function checkTags(ctx: CallContext, tags: StoredTag[]): void {
  for (const t of tags) {
    if (!t.TagKey || t.TagKey.length > 128)
      throw new ServiceError('TagException', `Tag key '${t.TagKey}' must be 1 to 128 characters long.`);
    if (t.TagValue.length > 256)
      throw new ServiceError(
        'TagException',
        `Tag value of '${t.TagKey}' must be at most 256 characters long.`,
      );
    if (t.TagKey.toLowerCase().startsWith('aws:') && !ctx.invokedBy) {
      throw new ServiceError(
        'TagException',
        `Tag keys beginning with 'aws:' are reserved for AWS use: '${t.TagKey}'.`,
      );
    }
  }
  if (tags.length > MAX_TAGS)
    throw new ServiceError('LimitExceededException', `A KMS key can have at most ${MAX_TAGS} tags.`);
}

export function tagResource(ctx: CallContext, input: TagResourceRequest): Record<string, never> {
  const key = findKey(ctx, input.KeyId ?? '');
  requireCustomerManaged(ctx, key);
  requireNotPendingDeletion(key);
  const incoming = (input.Tags ?? []).map((t) => ({ TagKey: t.TagKey ?? '', TagValue: t.TagValue ?? '' }));
  checkTags(ctx, incoming);
  const merged = new Map(key.tags.map((t) => [t.TagKey, t.TagValue]));
  for (const t of incoming) merged.set(t.TagKey, t.TagValue);
  const tags = [...merged].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
  checkTags(ctx, tags);
  key.tags = tags;
  return {};
}

export function untagResource(ctx: CallContext, input: UntagResourceRequest): Record<string, never> {
  const key = findKey(ctx, input.KeyId ?? '');
  requireCustomerManaged(ctx, key);
  requireNotPendingDeletion(key);
  const drop = new Set(input.TagKeys ?? []);
  key.tags = key.tags.filter((t) => !drop.has(t.TagKey));
  return {};
}

export function listResourceTags(ctx: CallContext, input: ListResourceTagsRequest): ListResourceTagsResponse {
  const key = findKey(ctx, input.KeyId ?? '');
  const { page, nextToken } = paginate(key.tags, {
    token: input.Marker,
    max: checkLimit(input.Limit, 50),
    defaultMax: 50,
    query: key.keyId,
    invalidToken: invalidMarker,
  });
  return { Tags: page, NextMarker: nextToken, Truncated: nextToken !== undefined };
}
