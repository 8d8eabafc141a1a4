import { expect } from 'chai';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  UntagLogGroupCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { startTestRange, type TestRange } from './harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The error a call fails with (a call that succeeds fails the test). */
async function failure(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

interface CliEvents {
  events: Array<{ message: string; timestamp: number; logStreamName?: string }>;
  nextForwardToken?: string;
  nextBackwardToken?: string;
}

describe('range: CloudWatch Logs', function () {
  this.timeout(60_000);
  let range: TestRange;
  let logs: CloudWatchLogsClient;

  before(async () => {
    range = await startTestRange();
    logs = new CloudWatchLogsClient(range.clientConfig());
  });
  after(() => range.stop());

  describe('log groups', () => {
    it('creates log groups with the SDK and the CLI, refuses duplicates and bad names, and records the calls', async () => {
      await logs.send(new CreateLogGroupCommand({ logGroupName: '/app/web', tags: { team: 'blue' } }));
      await range.aws(['logs', 'create-log-group', '--log-group-name', '/app/worker']);
      const dup = await failure(logs.send(new CreateLogGroupCommand({ logGroupName: '/app/web' })));
      expect(dup.name).to.equal('ResourceAlreadyExistsException');
      expect(dup.message).to.equal('The specified log group already exists');
      const cli = await range.awsFails(['logs', 'create-log-group', '--log-group-name', '/app/worker']);
      expect(cli.stderr).to.contain('ResourceAlreadyExistsException');
      const bad = await failure(logs.send(new CreateLogGroupCommand({ logGroupName: 'has space' })));
      expect(bad.name).to.equal('InvalidParameterException');
      expect(bad.message).to.contain('Member must satisfy regular expression pattern');
      const created = range.events('CreateLogGroup');
      expect(created.map((e) => e.requestParameters?.logGroupName)).to.include.members([
        '/app/web',
        '/app/worker',
      ]);
      expect(created.find((e) => e.errorCode)?.errorCode).to.equal('ResourceAlreadyExistsException');
      expect(created[0]?.eventSource).to.equal('logs.amazonaws.com');
    });

    it('describes log groups by prefix and by pattern, a page at a time, in ASCII order', async () => {
      await logs.send(new CreateLogGroupCommand({ logGroupName: '/other/Data' }));
      const byPrefix = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/' }));
      expect(byPrefix.logGroups?.map((g) => g.logGroupName)).to.deep.equal(['/app/web', '/app/worker']);
      const web = byPrefix.logGroups?.[0];
      expect(web?.arn).to.equal(`arn:aws:logs:${range.region}:${range.accountId}:log-group:/app/web:*`);
      expect(web?.logGroupArn).to.equal(`arn:aws:logs:${range.region}:${range.accountId}:log-group:/app/web`);
      expect(web).to.include({ storedBytes: 0, metricFilterCount: 0, logGroupClass: 'STANDARD' });
      const first = await logs.send(new DescribeLogGroupsCommand({ limit: 1 }));
      expect(first.logGroups?.map((g) => g.logGroupName)).to.deep.equal(['/app/web']);
      const second = await logs.send(new DescribeLogGroupsCommand({ limit: 1, nextToken: first.nextToken }));
      expect(second.logGroups?.map((g) => g.logGroupName)).to.deep.equal(['/app/worker']);
      const byPattern = (await range.aws([
        'logs',
        'describe-log-groups',
        '--log-group-name-pattern',
        'Data',
      ])) as {
        logGroups: Array<Record<string, unknown>>;
      };
      expect(byPattern.logGroups.map((g) => g.logGroupName)).to.deep.equal(['/other/Data']);
      // With a pattern AWS answers only the name, the ARN and the creation time.
      expect(Object.keys(byPattern.logGroups[0] ?? {}).sort()).to.deep.equal([
        'arn',
        'creationTime',
        'logGroupName',
      ]);
      const both = await failure(
        logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/a', logGroupNamePattern: 'a' })),
      );
      expect(both.name).to.equal('InvalidParameterException');
      // The CLI follows nextToken through every page.
      const all = (await range.aws(['logs', 'describe-log-groups', '--page-size', '1'])) as {
        logGroups: unknown[];
      };
      expect(all.logGroups).to.have.length(3);
    });

    it('sets retention to documented day counts only, and removes it', async () => {
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/app/web', retentionInDays: 30 }));
      await range.aws([
        'logs',
        'put-retention-policy',
        '--log-group-name',
        '/app/worker',
        '--retention-in-days',
        '365',
      ]);
      const bad = await failure(
        logs.send(new PutRetentionPolicyCommand({ logGroupName: '/app/web', retentionInDays: 2 })),
      );
      expect(bad.name).to.equal('InvalidParameterException');
      expect(bad.message).to.contain('Member must satisfy enum value set: [1, 3, 5, 7, 14, 30');
      const missing = await range.awsFails([
        'logs',
        'put-retention-policy',
        '--log-group-name',
        '/nope',
        '--retention-in-days',
        '1',
      ]);
      expect(missing.stderr)
        .to.contain('ResourceNotFoundException')
        .and.contain('The specified log group does not exist.');
      let groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/' }));
      expect(groups.logGroups?.map((g) => g.retentionInDays)).to.deep.equal([30, 365]);
      await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: '/app/worker' }));
      groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/worker' }));
      expect(groups.logGroups?.[0]?.retentionInDays).to.equal(undefined);
      expect(range.events('PutRetentionPolicy')).to.have.length(4);
    });

    it('tags log groups through both the log-group and the resource-ARN APIs', async () => {
      const arn = `arn:aws:logs:${range.region}:${range.accountId}:log-group:/app/web`;
      await logs.send(new TagLogGroupCommand({ logGroupName: '/app/web', tags: { env: 'prod' } }));
      await range.aws(['logs', 'tag-resource', '--resource-arn', arn, '--tags', 'owner=sec,cost=1']);
      expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName: '/app/web' }))).tags).to.deep.equal(
        {
          team: 'blue',
          env: 'prod',
          owner: 'sec',
          cost: '1',
        },
      );
      await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['cost'] }));
      await logs.send(new UntagLogGroupCommand({ logGroupName: '/app/web', tags: ['team'] }));
      const cli = (await range.aws(['logs', 'list-tags-for-resource', '--resource-arn', arn])) as {
        tags: Record<string, string>;
      };
      expect(cli.tags).to.deep.equal({ env: 'prod', owner: 'sec' });
      const missing = await failure(
        logs.send(
          new TagResourceCommand({
            resourceArn: `arn:aws:logs:${range.region}:${range.accountId}:log-group:/nope`,
            tags: { a: 'b' },
          }),
        ),
      );
      expect(missing.name).to.equal('ResourceNotFoundException');
      const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
      expect(
        (await failure(logs.send(new TagResourceCommand({ resourceArn: arn, tags: tooMany })))).name,
      ).to.equal('TooManyTagsException');
      expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).to.have.keys(
        'env',
        'owner',
      );
    });

    it('deletes log groups; a missing one is ResourceNotFoundException', async () => {
      await range.aws(['logs', 'delete-log-group', '--log-group-name', '/other/Data']);
      const again = await failure(logs.send(new DeleteLogGroupCommand({ logGroupName: '/other/Data' })));
      expect(again.name).to.equal('ResourceNotFoundException');
      expect(again.$metadata?.httpStatusCode).to.equal(400);
      expect(range.events('DeleteLogGroup').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
        'ok',
        'ResourceNotFoundException',
      ]);
    });
  });

  describe('log streams and events', () => {
    const now = Date.now();

    before(async () => {
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'events' }));
    });

    it('creates, lists (by name or last event time, either direction) and deletes streams', async () => {
      await logs.send(new CreateLogStreamCommand({ logGroupName: 'events', logStreamName: 'b-stream' }));
      await range.aws([
        'logs',
        'create-log-stream',
        '--log-group-name',
        'events',
        '--log-stream-name',
        'a-stream',
      ]);
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
      const latest = (await range.aws([
        'logs',
        'describe-log-streams',
        '--log-group-name',
        'events',
        '--order-by',
        'LastEventTime',
        '--descending',
      ])) as { logStreams: Array<{ logStreamName: string; lastEventTimestamp?: number }> };
      expect(latest.logStreams.map((s) => s.logStreamName)).to.deep.equal([
        'b-stream',
        'c-stream',
        'a-stream',
      ]);
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
      const gone = await range.awsFails([
        'logs',
        'delete-log-stream',
        '--log-group-name',
        'events',
        '--log-stream-name',
        'a-stream',
      ]);
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
      const out = (await range.aws([
        'logs',
        'put-log-events',
        '--log-group-name',
        'events',
        '--log-stream-name',
        'app',
        '--log-events',
        JSON.stringify([
          { timestamp: now - 15 * DAY, message: 'ancient' },
          { timestamp: now - 3000, message: 'ERROR first failure' },
          { timestamp: now - 2000, message: '{"level":"warn","latency":120,"user":{"name":"bob"}}' },
          { timestamp: now - 1000, message: 'INFO all good' },
          { timestamp: now + 3 * HOUR, message: 'from the future' },
        ]),
      ])) as { rejectedLogEventsInfo: Record<string, number>; nextSequenceToken?: string };
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
      const head = (await range.aws([
        'logs',
        'get-log-events',
        '--log-group-name',
        'events',
        '--log-stream-name',
        'app',
        '--start-from-head',
        '--limit',
        '3',
      ])) as CliEvents;
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
        logs.send(
          new GetLogEventsCommand({ logGroupName: 'events', logStreamName: 'app', nextToken: 'nope' }),
        ),
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
      const json = (await range.aws([
        'logs',
        'filter-log-events',
        '--log-group-name',
        'events',
        '--filter-pattern',
        '{ $.latency > 100 && $.user.name = "bob" }',
      ])) as CliEvents;
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
      const cli = await range.awsFails([
        'logs',
        'filter-log-events',
        '--log-group-name',
        'events',
        '--filter-pattern',
        'user@example.com',
      ]);
      expect(cli.stderr).to.contain('InvalidParameterException').and.contain('Invalid filter pattern');
      // The CLI pages through everything by itself.
      const paged = (await range.aws([
        'logs',
        'filter-log-events',
        '--log-group-name',
        'events',
        '--page-size',
        '2',
      ])) as CliEvents;
      expect(paged.events).to.have.length(7);
      expect(range.events('FilterLogEvents')).to.have.length(0);
    });
  });
});
