import { expect } from 'chai';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { failure, startTestRange, type TestRange } from './harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The error a call fails with (a call that succeeds fails the test). */

interface CliEvents {
  events: Array<{ message: string; timestamp: number; logStreamName?: string }>;
  nextForwardToken?: string;
  nextBackwardToken?: string;
}

describe('range: CloudWatch Logs streams and events', function () {
  this.timeout(60_000);
  let range: TestRange;
  /** The AWS CLI against the range: the words of `command`, then further arguments as they are. */
  const aws = (command: string, ...args: string[]) => range.aws([...command.split(' '), ...args]);
  const awsFails = (command: string, ...args: string[]) => range.awsFails([...command.split(' '), ...args]);
  let logs: CloudWatchLogsClient;

  before(async () => {
    range = await startTestRange();
    logs = new CloudWatchLogsClient(range.clientConfig());
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'events' }));
  });
  after(() => range.stop());

  const now = Date.now();

  it('creates, lists (by name or last event time, either direction) and deletes streams', async () => {
    await logs.send(new CreateLogStreamCommand({ logGroupName: 'events', logStreamName: 'b-stream' }));
    await aws('logs create-log-stream --log-group-name events --log-stream-name a-stream');
    await logs.send(new CreateLogStreamCommand({ logGroupName: 'events', logStreamName: 'c-stream' }));
    const dup = await failure(
      logs.send(new CreateLogStreamCommand({ logGroupName: 'events', logStreamName: 'a-stream' })),
    );
    expect(dup.name).to.equal('ResourceAlreadyExistsException');
    const noGroup = await failure(
      logs.send(new CreateLogStreamCommand({ logGroupName: 'nope', logStreamName: 'x' })),
    );
    expect(noGroup.name).to.equal('ResourceNotFoundException');
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: 'events',
        logStreamName: 'c-stream',
        logEvents: [{ timestamp: now - 5000, message: 'c1' }],
      }),
    );
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: 'events',
        logStreamName: 'b-stream',
        logEvents: [{ timestamp: now - 1000, message: 'b1' }],
      }),
    );
    const byName = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'events' }));
    expect(byName.logStreams?.map((s) => s.logStreamName)).to.deep.equal([
      'a-stream',
      'b-stream',
      'c-stream',
    ]);
    expect(byName.logStreams?.[0]?.arn).to.equal(
      `arn:aws:logs:${range.region}:${range.accountId}:log-group:events:log-stream:a-stream`,
    );
    const latest = (await aws(
      'logs describe-log-streams --log-group-name events --order-by LastEventTime --descending',
    )) as { logStreams: Array<{ logStreamName: string; lastEventTimestamp?: number }> };
    expect(latest.logStreams.map((s) => s.logStreamName)).to.deep.equal(['b-stream', 'c-stream', 'a-stream']);
    expect(latest.logStreams[0]?.lastEventTimestamp).to.equal(now - 1000);
    const conflict = await failure(
      logs.send(
        new DescribeLogStreamsCommand({
          logGroupName: 'events',
          orderBy: 'LastEventTime',
          logStreamNamePrefix: 'a',
        }),
      ),
    );
    expect(conflict.message).to.equal('Cannot order by LastEventTime with a logStreamNamePrefix.');
    const byArn = await logs.send(
      new DescribeLogStreamsCommand({
        logGroupIdentifier: `arn:aws:logs:${range.region}:${range.accountId}:log-group:events`,
        logStreamNamePrefix: 'b',
      }),
    );
    expect(byArn.logStreams?.map((s) => s.logStreamName)).to.deep.equal(['b-stream']);
    await logs.send(new DeleteLogStreamCommand({ logGroupName: 'events', logStreamName: 'a-stream' }));
    const gone = await awsFails('logs delete-log-stream --log-group-name events --log-stream-name a-stream');
    expect(gone.stderr).to.contain('The specified log stream does not exist.');
  });

  it('takes events in chronological batches, rejecting too old, expired and too new ones as AWS does', async () => {
    await logs.send(new CreateLogStreamCommand({ logGroupName: 'events', logStreamName: 'app' }));
    const unsorted = await failure(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: 'events',
          logStreamName: 'app',
          logEvents: [
            { timestamp: now, message: 'late' },
            { timestamp: now - 1, message: 'early' },
          ],
        }),
      ),
    );
    expect(unsorted.name).to.equal('InvalidParameterException');
    expect(unsorted.message).to.equal(
      'Log events in a single PutLogEvents request must be in chronological order.',
    );
    const out = (await aws(
      'logs put-log-events --log-group-name events --log-stream-name app --log-events',
      JSON.stringify([
        { timestamp: now - 15 * DAY, message: 'ancient' },
        { timestamp: now - 3000, message: 'ERROR first failure' },
        { timestamp: now - 2000, message: '{"level":"warn","latency":120,"user":{"name":"bob"}}' },
        { timestamp: now - 1000, message: 'INFO all good' },
        { timestamp: now + 3 * HOUR, message: 'from the future' },
      ]),
    )) as { rejectedLogEventsInfo: Record<string, number>; nextSequenceToken?: string };
    expect(out.rejectedLogEventsInfo).to.deep.equal({
      tooOldLogEventEndIndex: 1,
      tooNewLogEventStartIndex: 4,
    });
    // Sequence tokens are ignored now; a wrong one does not matter.
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: 'events',
        logStreamName: 'app',
        sequenceToken: 'bogus',
        logEvents: [{ timestamp: now, message: 'ERROR second failure' }],
      }),
    );
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'events', retentionInDays: 1 }));
    const expired = await logs.send(
      new PutLogEventsCommand({
        logGroupName: 'events',
        logStreamName: 'c-stream',
        logEvents: [
          { timestamp: now - 2 * DAY, message: 'x' },
          { timestamp: now - 10, message: 'kept' },
        ],
      }),
    );
    expect(expired.rejectedLogEventsInfo).to.deep.equal({ expiredLogEventEndIndex: 1 });
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: 'events' }));
    const noStream = await failure(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: 'events',
          logStreamName: 'nope',
          logEvents: [{ timestamp: now, message: 'x' }],
        }),
      ),
    );
    expect(noStream.message).to.equal('The specified log stream does not exist.');
    // Reading and writing log events is not recorded by CloudTrail.
    expect(range.events('PutLogEvents')).to.have.length(0);
  });

  it('reads a stream newest page first, or from the head, with forward and backward tokens', async () => {
    const tail = await logs.send(
      new GetLogEventsCommand({ logGroupName: 'events', logStreamName: 'app', limit: 2 }),
    );
    expect(tail.events?.map((e) => e.message)).to.deep.equal(['INFO all good', 'ERROR second failure']);
    const back = await logs.send(
      new GetLogEventsCommand({
        logGroupName: 'events',
        logStreamName: 'app',
        limit: 2,
        nextToken: tail.nextBackwardToken,
      }),
    );
    expect(back.events?.map((e) => e.message)).to.deep.equal([
      'ERROR first failure',
      '{"level":"warn","latency":120,"user":{"name":"bob"}}',
    ]);
    const start = await logs.send(
      new GetLogEventsCommand({
        logGroupName: 'events',
        logStreamName: 'app',
        nextToken: back.nextBackwardToken,
      }),
    );
    expect(start.events).to.deep.equal([]);
    // At the start of the stream the same token comes back.
    expect(start.nextBackwardToken).to.equal(back.nextBackwardToken);
    const head = (await aws(
      'logs get-log-events --log-group-name events --log-stream-name app --start-from-head --limit 3',
    )) as CliEvents;
    expect(head.events.map((e) => e.message)).to.deep.equal([
      'ERROR first failure',
      '{"level":"warn","latency":120,"user":{"name":"bob"}}',
      'INFO all good',
    ]);
    expect(head.nextForwardToken).to.match(/^f\/\d{56}\/s$/);
    const next = await logs.send(
      new GetLogEventsCommand({
        logGroupName: 'events',
        logStreamName: 'app',
        startFromHead: true,
        nextToken: head.nextForwardToken,
      }),
    );
    expect(next.events?.map((e) => e.message)).to.deep.equal(['ERROR second failure']);
    const end = await logs.send(
      new GetLogEventsCommand({
        logGroupName: 'events',
        logStreamName: 'app',
        startFromHead: true,
        nextToken: next.nextForwardToken,
      }),
    );
    expect(end.events).to.deep.equal([]);
    expect(end.nextForwardToken).to.equal(next.nextForwardToken);
    const window = await logs.send(
      new GetLogEventsCommand({
        logGroupName: 'events',
        logStreamName: 'app',
        startTime: now - 2000,
        endTime: now,
        startFromHead: true,
      }),
    );
    expect(window.events?.map((e) => e.timestamp)).to.deep.equal([now - 2000, now - 1000]);
    const bad = await failure(
      logs.send(new GetLogEventsCommand({ logGroupName: 'events', logStreamName: 'app', nextToken: 'nope' })),
    );
    expect(bad.name).to.equal('InvalidParameterException');
  });

  it('filters events across streams with every pattern kind, interleaved by time, a page at a time', async () => {
    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: 'events' }));
    expect(all.events?.map((e) => e.message)).to.deep.equal([
      'c1',
      'ERROR first failure',
      '{"level":"warn","latency":120,"user":{"name":"bob"}}',
      'b1',
      'INFO all good',
      'kept',
      'ERROR second failure',
    ]);
    expect(all.events?.[0]).to.include({ logStreamName: 'c-stream', timestamp: now - 5000 });
    expect(all.events?.[0]?.eventId).to.match(/^\d{56}$/);
    const errors = await logs.send(
      new FilterLogEventsCommand({ logGroupName: 'events', filterPattern: 'ERROR -second' }),
    );
    expect(errors.events?.map((e) => e.message)).to.deep.equal(['ERROR first failure']);
    const json = (await aws(
      'logs filter-log-events --log-group-name events --filter-pattern',
      '{ $.latency > 100 && $.user.name = "bob" }',
    )) as CliEvents;
    expect(json.events.map((e) => e.logStreamName)).to.deep.equal(['app']);
    const spaced = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: 'events',
        filterPattern: '[level=INFO || level=ERROR, ...]',
      }),
    );
    expect(spaced.events).to.have.length(3);
    const streams = await logs.send(
      new FilterLogEventsCommand({ logGroupName: 'events', logStreamNames: ['b-stream', 'c-stream'] }),
    );
    expect(streams.events?.map((e) => e.message)).to.deep.equal(['c1', 'b1', 'kept']);
    const window = await logs.send(
      new FilterLogEventsCommand({ logGroupName: 'events', startTime: now - 3000, endTime: now - 1000 }),
    );
    expect(window.events).to.have.length(4);
    const page1 = await logs.send(
      new FilterLogEventsCommand({ logGroupName: 'events', filterPattern: '?ERROR ?INFO', limit: 2 }),
    );
    expect(page1.events?.map((e) => e.message)).to.deep.equal(['ERROR first failure', 'INFO all good']);
    const page2 = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: 'events',
        filterPattern: '?ERROR ?INFO',
        limit: 2,
        nextToken: page1.nextToken,
      }),
    );
    expect(page2.events?.map((e) => e.message)).to.deep.equal(['ERROR second failure']);
    expect(page2.nextToken).to.equal(undefined);
    const replay = await failure(
      logs.send(new FilterLogEventsCommand({ logGroupName: 'events', nextToken: page1.nextToken })),
    );
    expect(replay.name).to.equal('InvalidParameterException');
    const invalid = await failure(
      logs.send(new FilterLogEventsCommand({ logGroupName: 'events', filterPattern: '{ $.a = ' })),
    );
    expect(invalid.name).to.equal('InvalidParameterException');
    expect(invalid.message).to.equal('Invalid filter pattern');
    const cli = await awsFails(
      'logs filter-log-events --log-group-name events --filter-pattern user@example.com',
    );
    expect(cli.stderr).to.contain('InvalidParameterException').and.contain('Invalid filter pattern');
    // The CLI pages through everything by itself.
    const paged = (await aws('logs filter-log-events --log-group-name events --page-size 2')) as CliEvents;
    expect(paged.events).to.have.length(7);
    expect(range.events('FilterLogEvents')).to.have.length(0);
  });
});
