import type {
  FilterLogEventsRequest,
  FilterLogEventsResponse,
  FilteredLogEvent,
  GetLogEventsRequest,
  GetLogEventsResponse,
  PutLogEventsRequest,
  PutLogEventsResponse,
  RejectedLogEventsInfo,
} from '@aws-sdk/client-cloudwatch-logs';
import { createHash } from 'node:crypto';
import type { CallContext } from '../../../context.js';
import {
  checkGroupName,
  checkLimit,
  checkStreamName,
  constraintError,
  filterPatternOf,
  groupFromInput,
  invalidParameter,
  requireGroup,
  requireStream,
} from '../common.js';
import { matches } from '../filter-pattern.js';
import type { StoredLogEvent, StoredLogStream } from '../store.js';
import { emitMetrics } from './metric-filters.js';
import { sequenceToken } from './streams.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_BATCH_BYTES = 1_048_576;
/** PutLogEvents counts 26 bytes of overhead per event towards the batch size. */
const EVENT_OVERHEAD = 26;
const MAX_PAGE_BYTES = 1_048_576;

export async function putLogEvents(
  ctx: CallContext,
  input: PutLogEventsRequest,
): Promise<PutLogEventsResponse> {
  checkGroupName(input.logGroupName as string);
  checkStreamName(input.logStreamName as string);
  const events = input.logEvents ?? [];
  if (events.length < 1)
    throw constraintError('logEvents', '[]', 'Member must have length greater than or equal to 1');
  if (events.length > 10_000) {
    throw constraintError(
      'logEvents',
      `[${events.length} events]`,
      'Member must have length less than or equal to 10000',
    );
  }
  const group = requireGroup(ctx, input.logGroupName as string);
  const stream = requireStream(group, input.logStreamName as string);
  let bytes = 0;
  events.forEach((e, i) => {
    if (!e.message)
      throw constraintError(
        `logEvents.${i + 1}.member.message`,
        '',
        'Member must have length greater than or equal to 1',
      );
    if (i > 0 && (e.timestamp ?? 0) < (events[i - 1]?.timestamp ?? 0)) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
    bytes += Buffer.byteLength(e.message) + EVENT_OVERHEAD;
  });
  if (bytes > MAX_BATCH_BYTES)
    throw invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);

  // Events too far in the past, beyond the retention period or too far in the future are rejected
  // while the rest of the batch is accepted; the batch is sorted, so each kind is a run at one end.
  const now = ctx.now.getTime();
  const tooOldCutoff = now - 14 * DAY;
  const expiredCutoff = group.retentionInDays ? now - group.retentionInDays * DAY : -Infinity;
  const ts = (i: number) => events[i]?.timestamp ?? 0;
  let tooOldEnd = 0;
  while (tooOldEnd < events.length && ts(tooOldEnd) < tooOldCutoff) tooOldEnd++;
  let expiredEnd = 0;
  while (expiredEnd < events.length && ts(expiredEnd) < expiredCutoff) expiredEnd++;
  let tooNewStart = events.length;
  while (tooNewStart > 0 && ts(tooNewStart - 1) > now + 2 * HOUR) tooNewStart--;
  const first = Math.min(Math.max(tooOldEnd, expiredEnd), tooNewStart);
  if (tooNewStart > first && ts(tooNewStart - 1) - ts(first) > DAY) {
    throw invalidParameter(
      'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
    );
  }

  const stored: StoredLogEvent[] = [];
  for (let i = first; i < tooNewStart; i++) {
    const e = events[i] as { timestamp: number; message: string };
    const event: StoredLogEvent = {
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: now,
      seq: group.nextSeq++,
    };
    insertSorted(stream, event);
    group.storedBytes += Buffer.byteLength(e.message);
    stored.push(event);
  }
  if (stored.length) stream.lastIngestionTime = now;

  const rejected: RejectedLogEventsInfo = {};
  if (tooNewStart < events.length) rejected.tooNewLogEventStartIndex = tooNewStart;
  if (tooOldEnd > 0) rejected.tooOldLogEventEndIndex = tooOldEnd;
  if (expiredEnd > tooOldEnd) rejected.expiredLogEventEndIndex = expiredEnd;

  await emitMetrics(ctx, group, stored);
  return {
    nextSequenceToken: sequenceToken(stream),
    rejectedLogEventsInfo: Object.keys(rejected).length ? rejected : undefined,
  };
}

/** Keep a stream's events sorted by timestamp (events of one batch arrive sorted; batches may not). */
function insertSorted(stream: StoredLogStream, event: StoredLogEvent): void {
  const list = stream.events;
  const last = list[list.length - 1];
  if (!last || last.timestamp <= event.timestamp) list.push(event);
  else list.splice(upperBound(list, event.timestamp), 0, event);
  stream.firstEventTimestamp = list[0]?.timestamp;
  stream.lastEventTimestamp = list[list.length - 1]?.timestamp;
}

/** Index of the first event with a timestamp after `t`. */
function upperBound(list: readonly StoredLogEvent[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as StoredLogEvent).timestamp <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** GetLogEvents tokens look like AWS's: `f/<56 digits>/s` forward, `b/<56 digits>/s` backward. */
function positionToken(direction: 'f' | 'b', position: number): string {
  return `${direction}/${String(position).padStart(56, '0')}/s`;
}

function parsePositionToken(token: string): { direction: 'f' | 'b'; position: number } {
  const m = /^([fb])\/(\d{56})\/s$/.exec(token);
  if (!m) throw invalidParameter('The specified nextToken is invalid.');
  return { direction: m[1] as 'f' | 'b', position: Number(m[2]) };
}

export function getLogEvents(ctx: CallContext, input: GetLogEventsRequest): GetLogEventsResponse {
  checkStreamName(input.logStreamName as string);
  checkLimit(input.limit, 10_000);
  const group = groupFromInput(ctx, input);
  const stream = requireStream(group, input.logStreamName as string);
  // startTime is inclusive, endTime exclusive.
  const events = stream.events.filter(
    (e) =>
      (input.startTime === undefined || e.timestamp >= input.startTime) &&
      (input.endTime === undefined || e.timestamp < input.endTime),
  );
  const limit = input.limit ?? 10_000;
  const token = input.nextToken === undefined ? undefined : parsePositionToken(input.nextToken);
  const forward = token ? token.direction === 'f' : input.startFromHead === true;
  let start: number;
  let end: number;
  if (forward) {
    start = Math.min(token ? token.position : 0, events.length);
    end = start;
    let bytes = 0;
    while (end < events.length && end - start < limit && bytes + size(events[end]) <= MAX_PAGE_BYTES)
      bytes += size(events[end++]);
  } else {
    end = Math.min(token ? token.position : events.length, events.length);
    start = end;
    let bytes = 0;
    while (start > 0 && end - start < limit && bytes + size(events[start - 1]) <= MAX_PAGE_BYTES)
      bytes += size(events[--start]);
  }
  const page = events.slice(start, end);
  // At either end of the stream the token passed in comes back unchanged.
  const nextForwardToken =
    page.length === 0 && token?.direction === 'f' ? (input.nextToken as string) : positionToken('f', end);
  const nextBackwardToken =
    page.length === 0 && token?.direction === 'b' ? (input.nextToken as string) : positionToken('b', start);
  return {
    events: page.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken,
    nextBackwardToken,
  };
}

function size(e: StoredLogEvent | undefined): number {
  return e ? Buffer.byteLength(e.message) + EVENT_OVERHEAD : 0;
}

/** FilterLogEvents' eventId: 56 digits, unique within the log group. */
function eventId(e: StoredLogEvent): string {
  return String(e.timestamp).padStart(20, '0') + String(e.seq).padStart(36, '0');
}

interface FilterToken {
  t: number;
  s: number;
  q: string;
}

function encodeFilterToken(t: FilterToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeFilterToken(token: string, query: string): FilterToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<FilterToken>;
    if (typeof t.t === 'number' && typeof t.s === 'number' && t.q === query) return t as FilterToken;
  } catch {
    // fall through
  }
  throw invalidParameter('The specified nextToken is invalid.');
}

export function filterLogEvents(ctx: CallContext, input: FilterLogEventsRequest): FilterLogEventsResponse {
  const group = groupFromInput(ctx, input);
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
    throw invalidParameter('Cannot specify both logStreamNames and logStreamNamePrefix.');
  }
  checkLimit(input.limit, 10_000);
  const pattern = filterPatternOf(input.filterPattern);
  // A token is only good for the query that produced it.
  const query = createHash('sha256')
    .update(
      JSON.stringify([
        group.logGroupName,
        input.logStreamNames,
        input.logStreamNamePrefix,
        input.startTime,
        input.endTime,
        input.filterPattern ?? '',
      ]),
    )
    .digest('base64url')
    .slice(0, 16);
  const after = input.nextToken === undefined ? undefined : decodeFilterToken(input.nextToken, query);
  const streams = Object.values(group.streams).filter(
    (s) =>
      (input.logStreamNames === undefined || input.logStreamNames.includes(s.logStreamName)) &&
      (input.logStreamNamePrefix === undefined || s.logStreamName.startsWith(input.logStreamNamePrefix)),
  );
  const candidates: Array<{ stream: string; event: StoredLogEvent }> = [];
  for (const s of streams) {
    for (const e of s.events) {
      if (input.startTime !== undefined && e.timestamp < input.startTime) continue;
      if (input.endTime !== undefined && e.timestamp > input.endTime) continue;
      if (after && (e.timestamp < after.t || (e.timestamp === after.t && e.seq <= after.s))) continue;
      candidates.push({ stream: s.logStreamName, event: e });
    }
  }
  // Streams interleave: one timeline ordered by timestamp, then by arrival.
  candidates.sort((a, b) => a.event.timestamp - b.event.timestamp || a.event.seq - b.event.seq);
  const limit = input.limit ?? 10_000;
  const out: FilteredLogEvent[] = [];
  let bytes = 0;
  let last: StoredLogEvent | undefined;
  let more = false;
  for (const c of candidates) {
    if (!matches(pattern, c.event.message)) continue;
    if (out.length >= limit || bytes + size(c.event) > MAX_PAGE_BYTES) {
      more = true;
      break;
    }
    bytes += size(c.event);
    last = c.event;
    out.push({
      logStreamName: c.stream,
      timestamp: c.event.timestamp,
      message: c.event.message,
      ingestionTime: c.event.ingestionTime,
      eventId: eventId(c.event),
    });
  }
  return {
    events: out,
    searchedLogStreams: [],
    nextToken: more && last ? encodeFilterToken({ t: last.timestamp, s: last.seq, q: query }) : undefined,
  };
}
