import type {
  PutEventsRequest,
  PutEventsRequestEntry,
  PutEventsResponse,
  PutEventsResultEntry,
  TestEventPatternRequest,
  TestEventPatternResponse,
} from '@aws-sdk/client-eventbridge';
import type { CallContext } from '../../../context.js';
import { uuid } from '../../../ids.js';
import { constraint, validation } from '../errors.js';
import { putOnBus } from '../bus.js';
import { compiledPattern } from '../pattern.js';
import { eventTime } from '../runtime.js';
import { DEFAULT_BUS, busArn } from '../store.js';
import type { BusEvent } from '../transform.js';
import { checkPattern } from './rules.js';
import { resolveBus } from './common.js';

type Checked = { event: BusEvent } | { error: PutEventsResultEntry };

const argument = (member: string) => ({
  error: {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${member} is not valid. Reason: ${member} is a required argument.`,
  },
});

/**
 * An entry becomes an event, or the entry's error. `aws.` sources belong to AWS services: a customer's
 * PutEvents may not use them; the range's own services (AWS Config's compliance changes) may, through
 * an internal call.
 */
function checkEntry(ctx: CallContext, entry: PutEventsRequestEntry): Checked {
  if (!entry.Source) return argument('Source');
  if (!entry.DetailType) return argument('DetailType');
  if (entry.Detail === undefined) return argument('Detail');
  const bus = entry.EventBusName;
  if (bus !== undefined && bus !== DEFAULT_BUS && bus !== busArn(ctx.region, ctx.accountId)) {
    return { error: { ErrorCode: 'InvalidArgument', ErrorMessage: `Event bus ${bus} does not exist.` } };
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    detail = undefined;
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    return { error: { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } };
  }
  if (entry.Source.startsWith('aws.') && ctx.http !== undefined) {
    return {
      error: { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
    };
  }
  return {
    event: {
      version: '0',
      id: uuid(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: ctx.accountId,
      time: eventTime(entry.Time instanceof Date ? entry.Time : ctx.now),
      region: ctx.region,
      resources: entry.Resources ?? [],
      detail,
    },
  };
}

export async function putEvents(ctx: CallContext, input: PutEventsRequest): Promise<PutEventsResponse> {
  const entries = input.Entries ?? [];
  if (entries.length < 1 || entries.length > 10) {
    throw constraint(
      undefined,
      'entries',
      entries.length > 10
        ? 'Member must have length less than or equal to 10'
        : 'Member must have length greater than or equal to 1',
    );
  }
  resolveBus(ctx, undefined);
  const results: PutEventsResultEntry[] = [];
  const accepted: BusEvent[] = [];
  for (const entry of entries) {
    const checked = checkEntry(ctx, entry);
    if ('error' in checked) {
      results.push(checked.error);
    } else {
      results.push({ EventId: checked.event.id });
      accepted.push(checked.event);
    }
  }
  const where = { accountId: ctx.accountId, region: ctx.region };
  for (const event of accepted) await putOnBus(ctx, where, event);
  return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
}

const MANDATORY = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

export function testEventPattern(ctx: CallContext, input: TestEventPatternRequest): TestEventPatternResponse {
  checkPattern(input.EventPattern as string);
  let event: unknown;
  try {
    event = JSON.parse(input.Event as string);
  } catch {
    event = undefined;
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw validation('Parameter Event is not valid.');
  }
  const missing = MANDATORY.find((f) => !Object.hasOwn(event as object, f));
  if (missing) {
    throw validation(
      `Parameter Event is not valid. Reason: Provided Event must have mandatory field "${missing}".`,
    );
  }
  void ctx;
  return { Result: compiledPattern(input.EventPattern as string).matches(event) };
}
