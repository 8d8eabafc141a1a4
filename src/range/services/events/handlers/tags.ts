import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-eventbridge';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { eventsState, type StoredRule } from '../store.js';

/** Tags on rules (the only taggable resource the range's EventBridge has). */
function ruleByArn(ctx: CallContext, arn: string | undefined): StoredRule {
  const rule = Object.values(ctx.state(eventsState).rules).find((r) => r.Arn === arn);
  if (!rule) {
    const name = arn?.slice(arn.lastIndexOf('/') + 1) ?? '';
    throw new ServiceError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus default.`);
  }
  return rule;
}

export function tagResource(ctx: CallContext, input: TagResourceRequest): Record<string, never> {
  const rule = ruleByArn(ctx, input.ResourceARN);
  const keys = new Set([...Object.keys(rule.Tags), ...(input.Tags ?? []).map((t) => t.Key ?? '')]);
  if (keys.size > 50) {
    throw new ServiceError(
      'LimitExceededException',
      'The requested resource exceeds the maximum number allowed.',
    );
  }
  for (const t of input.Tags ?? []) rule.Tags[t.Key ?? ''] = t.Value ?? '';
  return {};
}

export function untagResource(ctx: CallContext, input: UntagResourceRequest): Record<string, never> {
  const rule = ruleByArn(ctx, input.ResourceARN);
  for (const k of input.TagKeys ?? []) delete rule.Tags[k];
  return {};
}

export function listTagsForResource(
  ctx: CallContext,
  input: ListTagsForResourceRequest,
): ListTagsForResourceResponse {
  const rule = ruleByArn(ctx, input.ResourceARN);
  return { Tags: Object.entries(rule.Tags).map(([Key, Value]) => ({ Key, Value })) };
}
