import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  Tag,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-sns';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { invalidParameter } from '../errors.js';
import { parseTopicArn, snsState, type StoredTopic } from '../store.js';

const TAG_LIMIT = 50;

/** Keys of 1-128 characters, values up to 256, no duplicate keys, no `aws:` prefix. */
export function checkTags(tags: readonly Tag[] | undefined): void {
  const seen = new Set<string>();
  for (const t of tags ?? []) {
    const key = t.Key ?? '';
    if (key.length < 1 || key.length > 128)
      throw invalidParameter('Tags Reason: Tag keys must be between 1 and 128 characters long');
    if ((t.Value ?? '').length > 256)
      throw invalidParameter('Tags Reason: Tag values must be at most 256 characters long');
    if (key.toLowerCase().startsWith('aws:'))
      throw invalidParameter('Tags Reason: Tag keys must not start with aws:');
    if (seen.has(key)) throw invalidParameter('Duplicated keys are not allowed.');
    seen.add(key);
  }
  if (seen.size > TAG_LIMIT) throw tagLimit();
}

function tagLimit(): ServiceError {
  return new ServiceError(
    'TagLimitExceeded',
    'Could not complete request: tag quota of per resource exceeded',
    400,
  );
}

function resourceOf(ctx: CallContext, arn: string | undefined): StoredTopic {
  const parts = parseTopicArn(arn);
  if (!parts) throw invalidParameter('ResourceArn');
  const topic =
    parts.region === ctx.region
      ? ctx.state(snsState, { accountId: parts.accountId }).topics[arn as string]
      : undefined;
  if (!topic) throw new ServiceError('ResourceNotFound', 'Resource does not exist', 404);
  return topic;
}

export function tagResource(ctx: CallContext, input: TagResourceRequest): Record<string, never> {
  const topic = resourceOf(ctx, input.ResourceArn);
  checkTags(input.Tags);
  const merged = new Map(topic.Tags.map((t) => [t.Key, t.Value]));
  for (const t of input.Tags ?? []) merged.set(t.Key, t.Value);
  if (merged.size > TAG_LIMIT) throw tagLimit();
  topic.Tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
  return {};
}

export function untagResource(ctx: CallContext, input: UntagResourceRequest): Record<string, never> {
  const topic = resourceOf(ctx, input.ResourceArn);
  const remove = new Set(input.TagKeys ?? []);
  topic.Tags = topic.Tags.filter((t) => !remove.has(t.Key as string));
  return {};
}

export function listTagsForResource(
  ctx: CallContext,
  input: ListTagsForResourceRequest,
): ListTagsForResourceResponse {
  return { Tags: resourceOf(ctx, input.ResourceArn).Tags.map((t) => ({ ...t })) };
}
