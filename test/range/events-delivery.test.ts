import { expect } from 'chai';
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CloudWatchClient,
  GetMetricStatisticsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  GetLogEventsCommand,
  DescribeLogStreamsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { publishedMessages } from '../../src/range/services/sns/index.js';
import { failure, startTestRange, type TestRange } from './harness.js';
import { topicForEvents } from './events-fixtures.js';

// CloudTrail → default bus → rule → target, end to end. Shapes follow "AWS service events delivered
// via AWS CloudTrail" (detail-type "AWS API Call via CloudTrail", source aws.<service>, detail = the
// CloudTrail record), "Amazon EventBridge input transformation" and "Monitoring Amazon EventBridge"
// (AWS/Events metrics MatchedEvents, TriggeredRules, Invocations, FailedInvocations by RuleName).

describe('range: EventBridge delivery (CloudTrail to rules to targets)', function () {
  this.timeout(60_000);
  let range: TestRange;
  let events: EventBridgeClient;
  let ec2: EC2Client;
  let logs: CloudWatchLogsClient;
  let cloudwatch: CloudWatchClient;
  let alerts: string;
  let group: string;
  const logGroup = '/aws/events/sg-changes';

  const openToWorld = {
    source: ['aws.ec2'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['ec2.amazonaws.com'],
      eventName: ['AuthorizeSecurityGroupIngress'],
      requestParameters: { ipPermissions: { items: { ipRanges: { items: { cidrIp: ['0.0.0.0/0'] } } } } },
    },
  };

  async function metric(rule: string, name: string): Promise<number | undefined> {
    const now = Date.now();
    const out = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/Events',
        MetricName: name,
        Dimensions: [{ Name: 'RuleName', Value: rule }],
        StartTime: new Date(now - 3_600_000),
        EndTime: new Date(now + 60_000),
        Period: 3600,
        Statistics: ['Sum'],
      }),
    );
    const points = out.Datapoints ?? [];
    return points.length ? points.reduce((n, p) => n + (p.Sum ?? 0), 0) : undefined;
  }

  before(async () => {
    range = await startTestRange();
    events = new EventBridgeClient(range.clientConfig());
    ec2 = new EC2Client(range.clientConfig());
    logs = new CloudWatchLogsClient(range.clientConfig());
    cloudwatch = new CloudWatchClient(range.clientConfig());
    alerts = await topicForEvents(range, 'sg-alerts');
    await logs.send(new CreateLogGroupCommand({ logGroupName: logGroup }));
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId;
    group = (
      await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpc }))
    ).GroupId as string;
  });
  after(() => range.stop());

  it('delivers a CloudTrail API call to the matching rule: SNS through an input transformer, Logs as the whole event', async () => {
    await range.aws([
      'events',
      'put-rule',
      '--name',
      'ssh-open',
      '--event-pattern',
      JSON.stringify(openToWorld),
    ]);
    await range.aws([
      'events',
      'put-targets',
      '--rule',
      'ssh-open',
      '--targets',
      JSON.stringify([
        {
          Id: 'page',
          Arn: alerts,
          InputTransformer: {
            InputPathsMap: { group: '$.detail.requestParameters.groupId', who: '$.detail.userIdentity.arn' },
            InputTemplate:
              '"Security group <group> was opened to the world by <who> (rule <aws.events.rule-name>)"',
          },
        },
        { Id: 'record', Arn: `arn:aws:logs:us-east-1:${range.accountId}:log-group:${logGroup}:*` },
      ]),
    ]);

    // Not to the world: no match.
    await range.aws([
      'ec2',
      'authorize-security-group-ingress',
      '--group-id',
      group,
      '--protocol',
      'tcp',
      '--port',
      '443',
      '--cidr',
      '10.0.0.0/8',
    ]);
    expect(publishedMessages(range.engine.state, alerts)).to.deep.equal([]);
    expect(await metric('ssh-open', 'MatchedEvents')).to.equal(undefined);

    await range.aws([
      'ec2',
      'authorize-security-group-ingress',
      '--group-id',
      group,
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--cidr',
      '0.0.0.0/0',
    ]);
    const record = range.events('AuthorizeSecurityGroupIngress').at(-1);
    const admin = record?.userIdentity.arn as string;
    expect(publishedMessages(range.engine.state, alerts).map((m) => m.Message)).to.deep.equal([
      `"Security group ${group} was opened to the world by ${admin} (rule ssh-open)"`,
    ]);

    const streams =
      (await logs.send(new DescribeLogStreamsCommand({ logGroupName: logGroup }))).logStreams ?? [];
    expect(streams).to.have.length(1);
    const logged = await logs.send(
      new GetLogEventsCommand({ logGroupName: logGroup, logStreamName: streams[0]?.logStreamName }),
    );
    const event = JSON.parse(logged.events?.[0]?.message ?? '{}') as Record<string, unknown>;
    expect(event).to.include({
      version: '0',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ec2',
      account: range.accountId,
      region: 'us-east-1',
      time: record?.eventTime,
    });
    expect(streams[0]?.logStreamName).to.equal(event.id);
    expect(event.detail).to.deep.equal(record);

    expect(await metric('ssh-open', 'MatchedEvents')).to.equal(1);
    expect(await metric('ssh-open', 'TriggeredRules')).to.equal(1);
    expect(await metric('ssh-open', 'Invocations')).to.equal(2);
    expect(await metric('ssh-open', 'FailedInvocations')).to.equal(undefined);
  });

  it('delivers read-only calls only to rules that opt in with ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', async () => {
    const topic = await topicForEvents(range, 'reads');
    const pattern = JSON.stringify({
      source: ['aws.ec2'],
      detail: { eventName: ['DescribeSecurityGroups'] },
    });
    await events.send(new PutRuleCommand({ Name: 'reads', EventPattern: pattern }));
    await events.send(new PutTargetsCommand({ Rule: 'reads', Targets: [{ Id: 't', Arn: topic }] }));
    await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group] }));
    expect(publishedMessages(range.engine.state, topic)).to.have.length(0);

    await events.send(
      new PutRuleCommand({
        Name: 'reads',
        EventPattern: pattern,
        State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      }),
    );
    await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group] }));
    const got = publishedMessages(range.engine.state, topic).map(
      (m) => JSON.parse(m.Message) as { detail: { eventName: string; readOnly: boolean } },
    );
    expect(got.map((e) => [e.detail.eventName, e.detail.readOnly])).to.deep.equal([
      ['DescribeSecurityGroups', true],
    ]);
  });

  it("does not publish to a topic whose access policy does not let EventBridge in (SNS's default policy)", async () => {
    const plain = (
      await new SNSClient(range.clientConfig()).send(new CreateTopicCommand({ Name: 'default-policy' }))
    ).TopicArn as string;
    await events.send(
      new PutRuleCommand({ Name: 'to-plain', EventPattern: JSON.stringify({ source: ['app.plain'] }) }),
    );
    await events.send(new PutTargetsCommand({ Rule: 'to-plain', Targets: [{ Id: 't', Arn: plain }] }));
    await events.send(
      new PutEventsCommand({ Entries: [{ Source: 'app.plain', DetailType: 'Test', Detail: '{}' }] }),
    );
    expect(publishedMessages(range.engine.state, plain)).to.deep.equal([]);
    expect(await metric('to-plain', 'MatchedEvents')).to.equal(1);
    expect(await metric('to-plain', 'FailedInvocations')).to.equal(1);
  });

  it('counts a target that fails as FailedInvocations, so "never matched" and "target failed" read apart', async () => {
    await events.send(
      new PutRuleCommand({ Name: 'broken', EventPattern: JSON.stringify({ source: ['app.test'] }) }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'broken',
        Targets: [
          { Id: 'gone', Arn: `arn:aws:lambda:us-east-1:${range.accountId}:function:does-not-exist` },
          { Id: 'ok', Arn: alerts, Input: '{"fixed":true}' },
        ],
      }),
    );
    await events.send(
      new PutEventsCommand({ Entries: [{ Source: 'app.test', DetailType: 'Test', Detail: '{}' }] }),
    );
    expect(await metric('broken', 'MatchedEvents')).to.equal(1);
    expect(await metric('broken', 'Invocations')).to.equal(2);
    expect(await metric('broken', 'FailedInvocations')).to.equal(1);
    expect(publishedMessages(range.engine.state, alerts).at(-1)?.Message).to.equal('{"fixed":true}');
    expect(await metric('never', 'MatchedEvents')).to.equal(undefined);

    // AWS/ namespaces stay AWS's own: a customer cannot write them.
    const refused = await failure(
      cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/Events',
          MetricData: [{ MetricName: 'MatchedEvents', Value: 1 }],
        }),
      ),
    );
    expect(refused.name).to.match(/^InvalidParameterValue/);
  });
});
