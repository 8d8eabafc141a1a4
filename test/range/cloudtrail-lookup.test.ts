import { expect } from 'chai';
import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ManualClock } from '../../src/range/clock.js';
import type { CloudTrailRecord } from '../../src/range/history.js';
import { failure, startTestRange, type TestRange } from './harness.js';

interface CliLookup {
  Events: Array<{ EventName: string; EventId: string; Username?: string; CloudTrailEvent: string }>;
}

describe('range: CloudTrail LookupEvents', function () {
  this.timeout(60_000);
  let range: TestRange;
  /** The AWS CLI against the range: the words of `command`, then further arguments as they are. */
  const aws = (command: string, ...args: string[]) => range.aws([...command.split(' '), ...args]);
  const awsFails = (command: string, ...args: string[]) => range.awsFails([...command.split(' '), ...args]);
  let ct: CloudTrailClient;
  const lookup = (input: LookupEventsCommandInput) => ct.send(new LookupEventsCommand(input));
  const byName = (name: string) => [{ AttributeKey: 'EventName' as const, AttributeValue: name }];

  before(async () => {
    range = await startTestRange();
    ct = new CloudTrailClient(range.clientConfig());
    const logs = new CloudWatchLogsClient(range.clientConfig());
    for (const name of ['g1', 'g2', 'g3']) await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    await logs.send(new DescribeLogGroupsCommand({}));
    // STS is global: its events land in us-east-1 whatever region was called.
    await new STSClient(range.clientConfig({ region: 'us-west-2' })).send(new GetCallerIdentityCommand({}));
    await new CloudWatchLogsClient(range.clientConfig({ region: 'us-west-2' })).send(
      new CreateLogGroupCommand({ logGroupName: 'west' }),
    );
  });
  after(() => range.stop());

  it('returns events newest first, with the fields and the CloudTrail record of each', async () => {
    const out = await lookup({ LookupAttributes: byName('CreateLogGroup') });
    expect(out.Events?.map((e) => e.Resources?.[0]?.ResourceName)).to.deep.equal(['g3', 'g2', 'g1']);
    const e = out.Events?.[0];
    expect(e).to.deep.include({
      EventName: 'CreateLogGroup',
      ReadOnly: 'false',
      AccessKeyId: range.credentials.accessKeyId,
      EventSource: 'logs.amazonaws.com',
      Username: range.adminUserName,
      Resources: [{ ResourceType: 'AWS::Logs::LogGroup', ResourceName: 'g3' }],
    });
    expect(e?.EventTime).to.be.instanceOf(Date);
    const record = JSON.parse(e?.CloudTrailEvent as string) as CloudTrailRecord;
    expect(record.eventID).to.equal(e?.EventId);
    expect(record.requestParameters).to.deep.equal({ logGroupName: 'g3' });
    expect(out.NextToken).to.equal(undefined);
  });

  it('looks up by each attribute, in the caller region only (global services in us-east-1)', async () => {
    const first = (await lookup({ LookupAttributes: byName('CreateLogGroup') })).Events?.[0];
    const cases: Array<[string, string, (names: string[]) => void]> = [
      ['EventId', first?.EventId as string, (n) => expect(n).to.deep.equal(['CreateLogGroup'])],
      [
        'ReadOnly',
        'true',
        (n) =>
          expect(n)
            .to.include.members(['DescribeLogGroups', 'GetCallerIdentity'])
            .and.not.include('CreateLogGroup'),
      ],
      ['Username', range.adminUserName, (n) => expect(n).to.include('CreateLogGroup')],
      [
        'ResourceType',
        'AWS::Logs::LogGroup',
        (n) => expect(n).to.deep.equal(['CreateLogGroup', 'CreateLogGroup', 'CreateLogGroup']),
      ],
      ['ResourceName', 'g2', (n) => expect(n).to.deep.equal(['CreateLogGroup'])],
      ['EventSource', 'sts.amazonaws.com', (n) => expect(n).to.deep.equal(['GetCallerIdentity'])],
      ['AccessKeyId', range.credentials.accessKeyId, (n) => expect(n.length).to.be.greaterThanOrEqual(6)],
    ];
    for (const [key, value, check] of cases) {
      const out = await lookup({
        LookupAttributes: [{ AttributeKey: key as 'EventId', AttributeValue: value }],
      });
      check(out.Events?.map((e) => e.EventName as string) ?? []);
    }
    const west = new CloudTrailClient(range.clientConfig({ region: 'us-west-2' }));
    const westEvents = await west.send(
      new LookupEventsCommand({ LookupAttributes: byName('CreateLogGroup') }),
    );
    expect(westEvents.Events?.map((e) => e.Resources?.[0]?.ResourceName)).to.deep.equal(['west']);
    expect(
      (await west.send(new LookupEventsCommand({ LookupAttributes: byName('GetCallerIdentity') }))).Events,
    ).to.deep.equal([]);
    const cli = (await aws(
      'cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=GetCallerIdentity',
    )) as CliLookup;
    expect(cli.Events.map((e) => e.EventName)).to.deep.equal(['GetCallerIdentity']);
    expect(JSON.parse(cli.Events[0]?.CloudTrailEvent as string)).to.deep.include({
      awsRegion: 'us-east-1',
      eventSource: 'sts.amazonaws.com',
    });
  });

  it('pages with MaxResults and NextToken, and the CLI follows the pages', async () => {
    const p1 = await lookup({ LookupAttributes: byName('CreateLogGroup'), MaxResults: 2 });
    expect(p1.Events?.map((e) => e.Resources?.[0]?.ResourceName)).to.deep.equal(['g3', 'g2']);
    const p2 = await lookup({
      LookupAttributes: byName('CreateLogGroup'),
      MaxResults: 2,
      NextToken: p1.NextToken,
    });
    expect(p2.Events?.map((e) => e.Resources?.[0]?.ResourceName)).to.deep.equal(['g1']);
    expect(p2.NextToken).to.equal(undefined);
    const other = await failure(
      lookup({ LookupAttributes: byName('DescribeLogGroups'), NextToken: p1.NextToken }),
    );
    expect(other.name).to.equal('InvalidNextTokenException');
    expect((await failure(lookup({ NextToken: 'garbage' }))).name).to.equal('InvalidNextTokenException');
    const cli = (await aws(
      'cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=CreateLogGroup --page-size 1',
    )) as CliLookup;
    expect(cli.Events).to.have.length(3);
  });

  it('filters by time range', async () => {
    const events = (await lookup({ LookupAttributes: byName('CreateLogGroup') })).Events ?? [];
    const newest = events[0]?.EventTime as Date;
    const inRange = await lookup({
      LookupAttributes: byName('CreateLogGroup'),
      StartTime: new Date(newest.getTime() - 60_000),
      EndTime: newest,
    });
    expect(inRange.Events).to.have.length(3);
    const future = await lookup({ StartTime: new Date(Date.now() + 60_000) });
    expect(future.Events).to.deep.equal([]);
    const past = (await aws('cloudtrail lookup-events --end-time 2001-01-01T00:00:00Z')) as CliLookup;
    expect(past.Events).to.deep.equal([]);
  });

  it('refuses invalid lookups with the documented exceptions, and records LookupEvents itself', async () => {
    const backwards = await failure(lookup({ StartTime: new Date(), EndTime: new Date(Date.now() - 1000) }));
    expect(backwards.name).to.equal('InvalidTimeRangeException');
    expect((await failure(lookup({ MaxResults: 0 }))).name).to.equal('InvalidMaxResultsException');
    expect((await failure(lookup({ MaxResults: 51 }))).name).to.equal('InvalidMaxResultsException');
    const two = await failure(
      lookup({
        LookupAttributes: [
          ...byName('CreateLogGroup'),
          { AttributeKey: 'ReadOnly', AttributeValue: 'false' },
        ],
      }),
    );
    expect(two.name).to.equal('InvalidLookupAttributesException');
    const cli = await awsFails('cloudtrail lookup-events --max-results 51');
    expect(cli.stderr).to.contain('InvalidMaxResultsException');
    expect((await lookup({ EventCategory: 'insight' })).Events).to.deep.equal([]);
    const recorded = range.events('LookupEvents');
    expect(recorded.length).to.be.greaterThan(10);
    expect(recorded.every((e) => e.readOnly && e.eventSource === 'cloudtrail.amazonaws.com')).to.equal(true);
    expect(recorded.map((e) => e.errorCode).filter(Boolean)).to.include.members([
      'InvalidTimeRangeException',
      'InvalidMaxResultsException',
      'InvalidLookupAttributesException',
    ]);
  });
});

describe('range: CloudTrail LookupEvents rate limit', function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
  let range: TestRange;
  /** The AWS CLI against the range: the words of `command`, then further arguments as they are. */
  const awsFails = (command: string, ...args: string[]) => range.awsFails([...command.split(' '), ...args]);
  before(async () => {
    range = await startTestRange({ clock, lookupEventsPerSecond: 2 });
  });
  after(() => range.stop());

  it('answers ThrottlingException "Rate exceeded" beyond the rate, per account and region', async () => {
    const ct = new CloudTrailClient(range.clientConfig());
    await ct.send(new LookupEventsCommand({}));
    await ct.send(new LookupEventsCommand({}));
    const err = await failure(ct.send(new LookupEventsCommand({})));
    expect([err.name, err.message, err.$metadata?.httpStatusCode]).to.deep.equal([
      'ThrottlingException',
      'Rate exceeded',
      400,
    ]);
    const cli = await awsFails('cloudtrail lookup-events --max-results 1');
    expect(cli.stderr).to.contain('ThrottlingException').and.contain('Rate exceeded');
    // Another region has its own allowance.
    await new CloudTrailClient(range.clientConfig({ region: 'eu-west-1' })).send(new LookupEventsCommand({}));
    clock.advance(1000);
    await ct.send(new LookupEventsCommand({}));
    expect(range.events('LookupEvents').filter((e) => e.errorCode === 'ThrottlingException')).to.have.length(
      2,
    );
  });
});

describe('range: CloudTrail LookupEvents over 100,000 recorded events', function () {
  this.timeout(60_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  it('answers from the index, newest first, however large the history', async () => {
    const history = range.engine.history;
    const base = Date.now() - 3_600_000;
    const names = ['DescribeInstances', 'AuthorizeSecurityGroupIngress', 'GetObject', 'StopLogging'];
    for (let i = 0; i < 100_000; i++) {
      const name = names[i % 50_000 === 0 ? 3 : i % 3] as string;
      const time = base + Math.floor(i / 50) * 1000;
      history.add({
        accountId: range.accountId,
        region: range.region,
        time,
        username: 'bench',
        accessKeyId: 'AKIABENCH',
        resources: [{ ResourceType: 'AWS::EC2::SecurityGroup', ResourceName: `sg-${i % 1000}` }],
        record: {
          eventVersion: '1.09',
          userIdentity: { type: 'IAMUser', userName: 'bench' },
          eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          eventSource: 'ec2.amazonaws.com',
          eventName: name,
          awsRegion: range.region,
          sourceIPAddress: '127.0.0.1',
          userAgent: 'bench',
          requestParameters: null,
          responseElements: null,
          requestID: `r${i}`,
          eventID: `e${i}`,
          readOnly: name.startsWith('Describe') || name.startsWith('Get'),
          eventType: 'AwsApiCall',
          managementEvent: true,
          recipientAccountId: range.accountId,
          eventCategory: 'Management',
        },
      });
    }
    const ct = new CloudTrailClient(range.clientConfig());
    const rare = await ct.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StopLogging' }],
      }),
    );
    expect(rare.Events?.map((e) => e.EventId)).to.deep.equal(['e50000', 'e0']);
    // The synthetic history ends before the lookups this test makes.
    const end = new Date(base + 2000 * 1000);
    const page = await ct.send(new LookupEventsCommand({ MaxResults: 50, EndTime: end }));
    expect(page.Events?.[0]?.EventId).to.equal('e99999');
    const next = await ct.send(
      new LookupEventsCommand({ MaxResults: 50, EndTime: end, NextToken: page.NextToken }),
    );
    expect(next.Events?.[0]?.EventId).to.equal('e99949');
    const window = await ct.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'sg-7' }],
        StartTime: new Date(base + 1000 * 1000),
        EndTime: new Date(base + 1999 * 1000),
      }),
    );
    expect(window.Events).to.have.length(50);
  });
});
