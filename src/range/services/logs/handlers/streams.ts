import type {
  CreateLogStreamRequest,
  DeleteLogStreamRequest,
  DescribeLogStreamsRequest,
  DescribeLogStreamsResponse,
  LogStream,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { paginate } from '../../../paginate.js';
import {
  checkGroupName,
  checkLimit,
  checkStreamName,
  groupFromInput,
  invalidParameter,
  requireGroup,
  requireStream,
} from '../common.js';
import type { StoredLogGroup, StoredLogStream } from '../store.js';

export function createLogStream(ctx: CallContext, input: CreateLogStreamRequest): Record<string, never> {
  const groupName = input.logGroupName as string;
  const name = input.logStreamName as string;
  checkGroupName(groupName);
  checkStreamName(name);
  const group = requireGroup(ctx, groupName);
  if (group.streams[name])
    throw new ServiceError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400);
  group.streams[name] = { logStreamName: name, creationTime: ctx.now.getTime(), events: [] };
  return {};
}

export function deleteLogStream(ctx: CallContext, input: DeleteLogStreamRequest): Record<string, never> {
  checkGroupName(input.logGroupName as string);
  checkStreamName(input.logStreamName as string);
  const group = requireGroup(ctx, input.logGroupName as string);
  const stream = requireStream(group, input.logStreamName as string);
  for (const e of stream.events) group.storedBytes -= Buffer.byteLength(e.message);
  delete group.streams[stream.logStreamName];
  return {};
}

/** The deprecated sequence token PutLogEvents still reports: a 56-digit number that grows per batch. */
export function sequenceToken(stream: StoredLogStream): string {
  return `49${String(stream.events.length + 1).padStart(54, '0')}`;
}

export function streamArn(ctx: CallContext, group: StoredLogGroup, stream: StoredLogStream): string {
  return `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${group.logGroupName}:log-stream:${stream.logStreamName}`;
}

export function describeLogStreams(
  ctx: CallContext,
  input: DescribeLogStreamsRequest,
): DescribeLogStreamsResponse {
  const group = groupFromInput(ctx, input);
  const orderBy = input.orderBy ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw invalidParameter(
      `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`,
    );
  }
  if (orderBy === 'LastEventTime' && input.logStreamNamePrefix !== undefined) {
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  if (input.logStreamNamePrefix !== undefined)
    checkStreamName(input.logStreamNamePrefix, 'logStreamNamePrefix');
  checkLimit(input.limit, 50);
  // Streams without events sort as the oldest.
  const key = (s: StoredLogStream) => s.lastEventTimestamp ?? 0;
  const streams = Object.values(group.streams)
    .filter(
      (s) => input.logStreamNamePrefix === undefined || s.logStreamName.startsWith(input.logStreamNamePrefix),
    )
    .sort((a, b) =>
      orderBy === 'LastEventTime'
        ? key(a) - key(b) || (a.logStreamName < b.logStreamName ? -1 : 1)
        : a.logStreamName < b.logStreamName
          ? -1
          : a.logStreamName > b.logStreamName
            ? 1
            : 0,
    );
  if (input.descending) streams.reverse();
  const { page, nextToken } = paginate(streams, {
    token: input.nextToken,
    max: input.limit,
    defaultMax: 50,
    query: [
      'DescribeLogStreams',
      group.logGroupName,
      orderBy,
      input.descending ?? false,
      input.logStreamNamePrefix,
    ],
    invalidToken: () => invalidParameter('The specified nextToken is invalid.'),
  });
  return {
    logStreams: page.map((s): LogStream => ({
      logStreamName: s.logStreamName,
      creationTime: s.creationTime,
      firstEventTimestamp: s.firstEventTimestamp,
      lastEventTimestamp: s.lastEventTimestamp,
      lastIngestionTime: s.lastIngestionTime,
      uploadSequenceToken: sequenceToken(s),
      arn: streamArn(ctx, group, s),
      // AWS has reported 0 for log streams since 2019.
      storedBytes: 0,
    })),
    nextToken,
  };
}
