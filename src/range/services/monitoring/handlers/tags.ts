import type {
  ListTagsForResourceInput,
  ListTagsForResourceOutput,
  Tag,
  TagResourceInput,
  UntagResourceInput,
} from '@aws-sdk/client-cloudwatch';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { monitoringState, type StoredAlarm } from '../store.js';
import { invalidValue } from '../validate.js';

const ALARM_ARN = /^arn:aws[\w-]*:cloudwatch:([a-z0-9-]+):(\d{12}):alarm:(.+)$/;

/** Up to 50 tags; keys 1-128 characters not starting with `aws:`, values up to 256. */
export function checkTags(tags: readonly Tag[] | undefined): void {
  if (!tags) return;
  if (tags.length > 50) throw invalidValue('The collection Tags must not have a size greater than 50.');
  for (const t of tags) {
    const key = t.Key ?? '';
    if (key.length < 1 || key.length > 128)
      throw invalidValue(`The value ${key} for parameter Tags.member.Key is invalid.`);
    if (key.toLowerCase().startsWith('aws:'))
      throw invalidValue(`Tag keys starting with 'aws:' are reserved: ${key}.`);
    if ((t.Value ?? '').length > 256)
      throw invalidValue(`The value for tag ${key} is longer than 256 characters.`);
  }
}

function alarmOf(ctx: CallContext, arn: string | undefined): StoredAlarm {
  const m = ALARM_ARN.exec(arn ?? '');
  if (!m) throw invalidValue(`Invalid ARN: ${arn ?? ''}`);
  const [, region, accountId, name = ''] = m;
  const stored =
    region === ctx.region && accountId === ctx.accountId
      ? ctx.state(monitoringState).alarms[name]
      : undefined;
  if (!stored) throw new ServiceError('ResourceNotFoundException', `The alarm ${name} does not exist.`, 404);
  return stored;
}

export function tagResource(ctx: CallContext, input: TagResourceInput): Record<string, never> {
  const stored = alarmOf(ctx, input.ResourceARN);
  checkTags(input.Tags);
  const merged = new Map(stored.tags.map((t) => [t.Key ?? '', t.Value ?? '']));
  for (const t of input.Tags ?? []) merged.set(t.Key ?? '', t.Value ?? '');
  if (merged.size > 50) throw invalidValue('An alarm can have at most 50 tags.');
  stored.tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
  return {};
}

export function untagResource(ctx: CallContext, input: UntagResourceInput): Record<string, never> {
  const stored = alarmOf(ctx, input.ResourceARN);
  const remove = new Set(input.TagKeys ?? []);
  stored.tags = stored.tags.filter((t) => !remove.has(t.Key ?? ''));
  return {};
}

export function listTagsForResource(
  ctx: CallContext,
  input: ListTagsForResourceInput,
): ListTagsForResourceOutput {
  return { Tags: alarmOf(ctx, input.ResourceARN).tags.map((t) => ({ ...t })) };
}
