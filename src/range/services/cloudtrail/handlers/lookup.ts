import type { LookupEventsRequest, LookupEventsResponse } from '@aws-sdk/client-cloudtrail';
import { createHash } from 'node:crypto';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import type { LookupAttributeKey } from '../../../history.js';
import { cloudTrailState } from '../store.js';

const KEYS: readonly LookupAttributeKey[] = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
];
/** Event history keeps 90 days. */
const HISTORY_MS = 90 * 24 * 3_600_000;

function invalidAttributes(message: string): ServiceError {
  return new ServiceError('InvalidLookupAttributesException', message, 400);
}

/**
 * LookupEvents is limited per account and region (2 requests/s in AWS; `lookupEventsPerSecond` on
 * the range, 0 for no limit): a token bucket on the range clock that holds one second of requests.
 */
function throttle(ctx: CallContext): void {
  const rate = ctx.range.lookupEventsPerSecond;
  if (!rate) return;
  const state = ctx.state(cloudTrailState);
  const now = ctx.now.getTime();
  const bucket = state.lookupBucket ?? { tokens: rate, at: now };
  bucket.tokens = Math.min(rate, bucket.tokens + (Math.max(0, now - bucket.at) * rate) / 1000);
  bucket.at = now;
  state.lookupBucket = bucket;
  if (bucket.tokens < 1) throw new ServiceError('ThrottlingException', 'Rate exceeded', 400);
  bucket.tokens -= 1;
}

function encodeToken(before: number, query: string): string {
  return Buffer.from(JSON.stringify({ b: before, q: query })).toString('base64url');
}

function decodeToken(token: string, query: string): number {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { b?: unknown; q?: unknown };
    if (typeof t.b === 'number' && Number.isInteger(t.b) && t.b >= 0 && t.q === query) return t.b;
  } catch {
    // fall through
  }
  throw new ServiceError(
    'InvalidNextTokenException',
    'Invalid NextToken. The token is not valid for this request.',
    400,
  );
}

export function lookupEvents(ctx: CallContext, input: LookupEventsRequest): LookupEventsResponse {
  throttle(ctx);
  const attributes = input.LookupAttributes ?? [];
  if (attributes.length > 1) throw invalidAttributes('You cannot specify more than one lookup attribute.');
  const attr = attributes[0];
  if (attr) {
    if (!KEYS.includes(attr.AttributeKey as LookupAttributeKey)) {
      throw invalidAttributes(`Lookup attribute key ${attr.AttributeKey} is not valid.`);
    }
    if (!attr.AttributeValue) throw invalidAttributes('A lookup attribute needs a value.');
    if (
      attr.AttributeKey === 'ReadOnly' &&
      attr.AttributeValue !== 'true' &&
      attr.AttributeValue !== 'false'
    ) {
      throw invalidAttributes('The value of the ReadOnly lookup attribute must be true or false.');
    }
  }
  if (input.EventCategory !== undefined && input.EventCategory !== 'insight') {
    throw new ServiceError(
      'InvalidEventCategoryException',
      `Event category ${input.EventCategory} is not valid.`,
      400,
    );
  }
  const max = input.MaxResults ?? 50;
  if (!Number.isInteger(max) || max < 1 || max > 50) {
    throw new ServiceError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.', 400);
  }
  const start = input.StartTime?.getTime();
  const end = input.EndTime?.getTime();
  if (start !== undefined && end !== undefined && end < start) {
    throw new ServiceError(
      'InvalidTimeRangeException',
      'The start time must be earlier than the end time.',
      400,
    );
  }
  const query = createHash('sha256')
    .update(JSON.stringify([attr?.AttributeKey, attr?.AttributeValue, start, end, input.EventCategory]))
    .digest('base64url')
    .slice(0, 16);
  const before = input.NextToken === undefined ? undefined : decodeToken(input.NextToken, query);
  // Insights events are not emulated: an insight lookup finds nothing.
  if (input.EventCategory === 'insight') return { Events: [] };

  const oldest = ctx.now.getTime() - HISTORY_MS;
  const { events, more } = ctx.history.lookup({
    accountId: ctx.accountId,
    region: ctx.region,
    attribute: attr
      ? { key: attr.AttributeKey as LookupAttributeKey, value: attr.AttributeValue as string }
      : undefined,
    start: Math.max(start ?? oldest, oldest),
    end,
    before,
    limit: max,
  });
  const last = events.at(-1);
  return {
    Events: events.map((e) => ({
      EventId: e.record.eventID,
      EventName: e.record.eventName,
      ReadOnly: String(e.record.readOnly),
      AccessKeyId: e.accessKeyId || undefined,
      EventTime: new Date(e.time),
      EventSource: e.record.eventSource,
      Username: e.username || undefined,
      Resources: e.resources.map((r) => ({ ResourceType: r.ResourceType, ResourceName: r.ResourceName })),
      CloudTrailEvent: JSON.stringify(e.record),
    })),
    NextToken: more && last ? encodeToken(last.seq, query) : undefined,
  };
}
