/**
 * CloudWatch Logs Insights: StartQuery runs a query over the events of up to 50 log groups between
 * startTime and endTime (epoch seconds, both inclusive, on the range clock's data), GetQueryResults
 * gives its rows, StopQuery, DescribeQueries and GetLogRecord (the event behind a row's `@ptr`).
 * A query runs to completion inside StartQuery, scanning in chunks that yield to the event loop, so
 * the first GetQueryResults already answers `Complete`; a StopQuery that arrives meanwhile cancels it.
 */
import type {
  DescribeQueriesRequest,
  DescribeQueriesResponse,
  GetLogRecordRequest,
  GetLogRecordResponse,
  GetQueryResultsRequest,
  GetQueryResultsResponse,
  StartQueryRequest,
  StartQueryResponse,
  StopQueryRequest,
  StopQueryResponse,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { uuid } from '../../../ids.js';
import { paginate } from '../../../paginate.js';
import { record } from '../../../records.js';
import {
  checkGroupName,
  checkLimit,
  constraintError,
  groupNotFound,
  invalidParameter,
  parseGroupArn,
} from '../common.js';
import { logsState, type StoredLogGroup, type StoredQuery } from '../store.js';
import { discoverFields, type ScannedEvent } from '../insights/fields.js';
import { toText } from '../insights/functions.js';
import { parsePointer, QueryCancelled, runQuery } from '../insights/evaluate.js';
import { QueryCompileError } from '../insights/lexer.js';
import { parseQuery } from '../insights/parser.js';

/** "You can include up to 50 log groups" (StartQuery's logGroupNames and logGroupIdentifiers). */
const MAX_LOG_GROUPS = 50;
/** "Query results are available for 7 days." Older queries are forgotten when a new one starts. */
const RESULTS_KEPT_MS = 7 * 24 * 3_600_000;
const STATUSES = ['Scheduled', 'Running', 'Complete', 'Failed', 'Cancelled', 'Timeout', 'Unknown'];

function queriesOf(ctx: CallContext): Record<string, StoredQuery> {
  const state = ctx.state(logsState);
  state.queries ??= record();
  return state.queries;
}

function queryNotFound(): ServiceError {
  return new ServiceError('ResourceNotFoundException', 'The specified query does not exist.', 400);
}

/** MalformedQueryException carries where the query stopped making sense (QueryCompileError). */
function malformed(query: string, err: QueryCompileError): ServiceError {
  const error = new ServiceError(
    'MalformedQueryException',
    `${err.message} at ${position(query, err.start)}`,
    400,
  );
  // The JSON codec spreads `fields` into the error body; queryCompileError is a structure there.
  const compileError = {
    location: { startCharOffset: err.start, endCharOffset: err.end },
    message: err.message,
  };
  Object.assign(error.fields, { queryCompileError: compileError });
  return error;
}

function position(query: string, offset: number): string {
  const before = query.slice(0, offset).split('\n');
  return `line ${before.length} and position ${(before[before.length - 1] ?? '').length + 1}`;
}

function groupsOf(ctx: CallContext, input: StartQueryRequest): StoredLogGroup[] {
  const given = [input.logGroupName, input.logGroupNames, input.logGroupIdentifiers].filter(
    (x) => x !== undefined,
  );
  if (given.length !== 1) {
    throw invalidParameter(
      'A StartQuery operation must include exactly one of logGroupName, logGroupNames, or logGroupIdentifiers.',
    );
  }
  const names: string[] = [];
  if (input.logGroupName !== undefined) {
    checkGroupName(input.logGroupName);
    names.push(input.logGroupName);
  }
  for (const name of input.logGroupNames ?? []) {
    checkGroupName(name, 'logGroupNames');
    names.push(name);
  }
  for (const id of input.logGroupIdentifiers ?? []) {
    if (!id.startsWith('arn:')) {
      names.push(id);
      continue;
    }
    const arn = parseGroupArn(id);
    if (!arn || id.endsWith(':*')) throw invalidParameter(`Invalid log group identifier: ${id}`);
    if (arn.accountId !== ctx.accountId || arn.region !== ctx.region) throw missingGroup(ctx, arn.name);
    names.push(arn.name);
  }
  if (names.length === 0) throw invalidParameter('At least one log group must be specified.');
  if (names.length > MAX_LOG_GROUPS)
    throw invalidParameter(`A query can include up to ${MAX_LOG_GROUPS} log groups.`);
  const groups = ctx.state(logsState).groups;
  return [...new Set(names)].map((name) => {
    const group = groups[name];
    if (!group) throw missingGroup(ctx, name);
    return group;
  });
}

function missingGroup(ctx: CallContext, name: string): ServiceError {
  return new ServiceError(
    'ResourceNotFoundException',
    `Log group '${name}' does not exist for account ID '${ctx.accountId}'`,
    400,
  );
}

/** Events copied per turn of the event loop while a scan collects them. */
const SCAN_CHUNK = 5000;

/** The events of the groups in [from, to] (milliseconds, inclusive), newest first. */
async function scan(
  ctx: CallContext,
  groups: StoredLogGroup[],
  from: number,
  to: number,
): Promise<ScannedEvent[]> {
  const out: ScannedEvent[] = [];
  let seen = 0;
  for (const group of groups) {
    for (const stream of Object.values(group.streams)) {
      for (const e of stream.events) {
        if (++seen % SCAN_CHUNK === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (e.timestamp < from || e.timestamp > to) continue;
        out.push({
          accountId: ctx.accountId,
          logGroupName: group.logGroupName,
          logStreamName: stream.logStreamName,
          timestamp: e.timestamp,
          ingestionTime: e.ingestionTime,
          message: e.message,
          seq: e.seq,
        });
      }
    }
  }
  return out.sort((a, b) => b.timestamp - a.timestamp || b.seq - a.seq);
}

export async function startQuery(ctx: CallContext, input: StartQueryRequest): Promise<StartQueryResponse> {
  const text = input.queryString as string;
  if (text.length > 10_000)
    throw constraintError('queryString', text, 'Member must have length less than or equal to 10000');
  checkLimit(input.limit, 100_000);
  const startTime = input.startTime as number;
  const endTime = input.endTime as number;
  if (startTime < 0)
    throw constraintError('startTime', startTime, 'Member must have value greater than or equal to 0');
  if (endTime < 0)
    throw constraintError('endTime', endTime, 'Member must have value greater than or equal to 0');
  const groups = groupsOf(ctx, input);
  if (endTime < startTime)
    throw invalidParameter('The end time of the query must not be before its start time.');
  let query;
  try {
    query = parseQuery(text);
  } catch (err) {
    if (err instanceof QueryCompileError) throw malformed(text, err);
    throw err;
  }
  const stored: StoredQuery = {
    queryId: uuid(),
    queryString: text,
    status: 'Running',
    createTime: ctx.now.getTime(),
    logGroupNames: groups.map((g) => g.logGroupName),
    userIdentity: ctx.principal.arn,
    results: [],
    statistics: { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 },
  };
  const queries = queriesOf(ctx);
  for (const [id, q] of Object.entries(queries))
    if (q.createTime < stored.createTime - RESULTS_KEPT_MS) delete queries[id];
  queries[stored.queryId] = stored;
  // endTime is inclusive to the second: every event up to the last millisecond of it.
  const events = await scan(ctx, groups, startTime * 1000, endTime * 1000 + 999);
  try {
    const out = await runQuery(query, events, {
      limit: input.limit,
      cancelled: () => stored.status === 'Cancelled',
    });
    stored.results = out.rows;
    stored.statistics = {
      recordsMatched: out.recordsMatched,
      recordsScanned: out.recordsScanned,
      bytesScanned: out.bytesScanned,
    };
    stored.status = 'Complete';
  } catch (err) {
    if (!(err instanceof QueryCancelled)) {
      stored.status = 'Failed';
      throw err;
    }
  }
  return { queryId: stored.queryId };
}

function findQuery(ctx: CallContext, id: string): StoredQuery {
  const queries = queriesOf(ctx);
  const q = Object.hasOwn(queries, id) ? queries[id] : undefined;
  if (!q) throw queryNotFound();
  return q;
}

export function getQueryResults(ctx: CallContext, input: GetQueryResultsRequest): GetQueryResultsResponse {
  const q = findQuery(ctx, input.queryId as string);
  return {
    results: q.results,
    statistics: { ...q.statistics },
    status: q.status,
  };
}

export function stopQuery(ctx: CallContext, input: StopQueryRequest): StopQueryResponse {
  const q = findQuery(ctx, input.queryId as string);
  if (q.status !== 'Running' && q.status !== 'Scheduled')
    throw invalidParameter(`Query ${q.queryId} is not running; its status is ${q.status}.`);
  q.status = 'Cancelled';
  return { success: true };
}

export function describeQueries(ctx: CallContext, input: DescribeQueriesRequest): DescribeQueriesResponse {
  checkLimit(input.maxResults, 1000, 'maxResults');
  if (input.logGroupName !== undefined) {
    checkGroupName(input.logGroupName);
    // DescribeQueries answers ResourceNotFoundException (its model lists it) for a group that is not there.
    if (!Object.hasOwn(ctx.state(logsState).groups, input.logGroupName)) throw groupNotFound();
  }
  if (input.status !== undefined && !STATUSES.includes(input.status)) {
    throw constraintError(
      'status',
      input.status,
      `Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
    );
  }
  const matching = Object.values(queriesOf(ctx))
    .filter(
      (q) =>
        (input.logGroupName === undefined || q.logGroupNames.includes(input.logGroupName)) &&
        (input.status === undefined || q.status === input.status),
    )
    .sort((a, b) => b.createTime - a.createTime);
  const { page, nextToken } = paginate(matching, {
    token: input.nextToken,
    max: input.maxResults,
    defaultMax: 1000,
    query: [input.logGroupName, input.status],
    invalidToken: () => invalidParameter('The specified nextToken is invalid.'),
  });
  return {
    queries: page.map((q) => ({
      queryId: q.queryId,
      queryString: q.queryString,
      status: q.status,
      createTime: q.createTime,
      logGroupName: q.logGroupNames[0],
    })),
    nextToken,
  };
}

export function getLogRecord(ctx: CallContext, input: GetLogRecordRequest): GetLogRecordResponse {
  const ptr = parsePointer(input.logRecordPointer as string);
  if (!ptr) throw invalidParameter('The specified log record pointer is not valid.');
  const group = ptr.accountId === ctx.accountId ? ctx.state(logsState).groups[ptr.logGroupName] : undefined;
  const stream =
    group && Object.hasOwn(group.streams, ptr.logStreamName) ? group.streams[ptr.logStreamName] : undefined;
  const event = stream?.events.find((e) => e.seq === ptr.seq);
  if (!group || !event)
    throw new ServiceError('ResourceNotFoundException', 'The specified log record does not exist.', 400);
  const logRecord = record<string>();
  for (const [name, value] of discoverFields(event.message)) logRecord[name] = toText(value) as string;
  // System fields as GetLogRecord gives them: times in epoch milliseconds.
  logRecord['@timestamp'] = String(event.timestamp);
  logRecord['@ingestionTime'] = String(event.ingestionTime);
  logRecord['@logStream'] = ptr.logStreamName;
  logRecord['@log'] = `${ctx.accountId}:${group.logGroupName}`;
  logRecord['@message'] = event.message;
  return { logRecord };
}
