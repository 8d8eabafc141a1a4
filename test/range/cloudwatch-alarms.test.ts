import { expect } from 'chai';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  DescribeAlarmsForMetricCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type MetricAlarm,
  type PutMetricAlarmInput,
} from '@aws-sdk/client-cloudwatch';
import { ManualClock } from '../../src/range/clock.js';
import { publishedMessages } from '../../src/range/services/sns/index.js';
import { failure, startTestRange, type TestRange } from './harness.js';

const MIN = 60_000;

/** A raw query-protocol POST (CloudWatch's oldest protocol). */
async function queryPost(
  range: TestRange,
  params: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const res = await range.signedFetch('/', {
    service: 'monitoring',
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, text: await res.text() };
}

interface Notification {
  AlarmName: string;
  NewStateValue: string;
  OldStateValue: string;
  NewStateReason: string;
  Region: string;
  AlarmArn: string;
  AWSAccountId: string;
  Trigger: Record<string, unknown>;
}

describe('range: CloudWatch alarms', function () {
  this.timeout(90_000);
  const T0 = Date.parse('2026-03-01T12:00:10Z');
  const clock = new ManualClock(T0);
  let range: TestRange;
  let cw: CloudWatchClient;
  let topic: string;

  const alarm = async (name: string): Promise<MetricAlarm> => {
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
    return out.MetricAlarms?.[0] ?? {};
  };
  const notifications = () =>
    publishedMessages(range.engine.state, topic).map((m) => ({
      ...m,
      body: JSON.parse(m.Message) as Notification,
    }));
  const history = async (name: string, type?: 'StateUpdate' | 'ConfigurationUpdate' | 'Action') =>
    (await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: name, HistoryItemType: type })))
      .AlarmHistoryItems ?? [];
  /** The start of the current minute on the range clock. */
  const minute = () => Math.floor(clock.now().getTime() / MIN) * MIN;

  before(async () => {
    range = await startTestRange({ clock });
    cw = new CloudWatchClient(range.clientConfig());
  });
  after(() => range.stop());

  it('a StopLogging alarm with an SNS action fires as soon as the breaching datapoint arrives (AWS CLI end to end)', async () => {
    topic = ((await range.aws(['sns', 'create-topic', '--name', 'security-alerts'])) as { TopicArn: string })
      .TopicArn;
    await range.aws([
      'cloudwatch',
      'put-metric-alarm',
      '--alarm-name',
      'stop-logging',
      '--alarm-description',
      'A trail stopped logging',
      '--namespace',
      'CloudTrailMetrics',
      '--metric-name',
      'StopLoggingEventCount',
      '--statistic',
      'Sum',
      '--period',
      '300',
      '--evaluation-periods',
      '1',
      '--threshold',
      '1',
      '--comparison-operator',
      'GreaterThanOrEqualToThreshold',
      '--treat-missing-data',
      'notBreaching',
      '--alarm-actions',
      topic,
      '--ok-actions',
      topic,
      '--tags',
      'Key=team,Value=blue',
    ]);
    // Evaluated at once: no data, treated as not breaching.
    const created = (await range.aws(['cloudwatch', 'describe-alarms', '--alarm-names', 'stop-logging'])) as {
      MetricAlarms: MetricAlarm[];
    };
    expect(created.MetricAlarms[0]).to.include({
      StateValue: 'OK',
      StateReason:
        'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
      AlarmArn: `arn:aws:cloudwatch:us-east-1:${range.accountId}:alarm:stop-logging`,
      ActionsEnabled: true,
      TreatMissingData: 'notBreaching',
    });

    await range.aws([
      'cloudwatch',
      'put-metric-data',
      '--namespace',
      'CloudTrailMetrics',
      '--metric-name',
      'StopLoggingEventCount',
      '--value',
      '1',
      '--unit',
      'Count',
    ]);
    const fired = (await range.aws(['cloudwatch', 'describe-alarms', '--alarm-names', 'stop-logging'])) as {
      MetricAlarms: MetricAlarm[];
    };
    expect(fired.MetricAlarms[0]?.StateValue).to.equal('ALARM');
    expect(fired.MetricAlarms[0]?.StateReason).to.equal(
      'Threshold Crossed: 1 out of the last 1 datapoints [1.0 (01/03/26 12:00:00)] was greater than or equal to the threshold (1.0) ' +
        '(minimum 1 datapoint for OK -> ALARM transition).',
    );
    expect(JSON.parse(fired.MetricAlarms[0]?.StateReasonData ?? '{}')).to.deep.include({
      statistic: 'Sum',
      period: 300,
      recentDatapoints: [1],
      threshold: 1,
    });

    const states = (await range.aws([
      'cloudwatch',
      'describe-alarm-history',
      '--alarm-name',
      'stop-logging',
      '--history-item-type',
      'StateUpdate',
    ])) as {
      AlarmHistoryItems: Array<{ HistorySummary: string; HistoryData: string; AlarmType: string }>;
    };
    expect(states.AlarmHistoryItems.map((h) => h.HistorySummary)).to.deep.equal([
      'Alarm updated from OK to ALARM',
      'Alarm updated from INSUFFICIENT_DATA to OK',
    ]);
    const data = JSON.parse(states.AlarmHistoryItems[0]?.HistoryData ?? '{}') as {
      oldState: { stateValue: string };
      newState: { stateValue: string; stateReason: string };
    };
    expect(data.oldState.stateValue).to.equal('OK');
    expect(data.newState).to.include({
      stateValue: 'ALARM',
      stateReason: fired.MetricAlarms[0]?.StateReason,
    });

    // The topic received AWS's alarm notification, once per transition.
    const sent = notifications();
    expect(sent.map((m) => m.Subject)).to.deep.equal([
      'OK: "stop-logging" in US East (N. Virginia)',
      'ALARM: "stop-logging" in US East (N. Virginia)',
    ]);
    expect(sent[1]?.body).to.deep.include({
      AlarmName: 'stop-logging',
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      NewStateReason: fired.MetricAlarms[0]?.StateReason,
      Region: 'US East (N. Virginia)',
      AWSAccountId: range.accountId,
    });
    expect(sent[1]?.body.Trigger).to.deep.include({
      MetricName: 'StopLoggingEventCount',
      Namespace: 'CloudTrailMetrics',
      StatisticType: 'Statistic',
      Statistic: 'SUM',
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    const actions = await history('stop-logging', 'Action');
    expect(actions.map((h) => h.HistorySummary)).to.deep.equal([
      `Successfully executed action ${topic}`,
      `Successfully executed action ${topic}`,
    ]);
    expect(JSON.parse(actions[0]?.HistoryData ?? '{}')).to.deep.include({
      actionState: 'Succeeded',
      notificationResource: topic,
    });

    const event = range.events('PutMetricAlarm').at(-1);
    expect(event?.eventSource).to.equal('monitoring.amazonaws.com');
    expect(event?.userAgent).to.match(/^aws-cli\//);
    expect(event?.requestParameters).to.deep.include({
      alarmName: 'stop-logging',
      threshold: 1,
      alarmActions: [topic],
    });
    expect(
      range.events('Publish'),
      "the alarm's own SNS publication is not a CloudTrail management event",
    ).to.deep.equal([]);

    // 12:05: the period with the datapoint has ended and still breaches; 12:10: an empty period is not breaching.
    clock.advance(5 * MIN);
    expect((await alarm('stop-logging')).StateValue).to.equal('ALARM');
    clock.advance(5 * MIN);
    const back = await alarm('stop-logging');
    expect(back.StateValue).to.equal('OK');
    expect(back.StateUpdatedTimestamp?.toISOString()).to.equal('2026-03-01T12:10:00.000Z');
    expect(notifications().at(-1)?.body).to.include({ NewStateValue: 'OK', OldStateValue: 'ALARM' });
  });

  it('set-alarm-state changes the state (and notifies) until the next evaluation puts it back', async () => {
    const before = notifications().length;
    await range.aws([
      'cloudwatch',
      'set-alarm-state',
      '--alarm-name',
      'stop-logging',
      '--state-value',
      'ALARM',
      '--state-reason',
      'Testing the pager',
      '--state-reason-data',
      '{"source":"drill"}',
    ]);
    const set = await alarm('stop-logging');
    expect(set).to.include({
      StateValue: 'ALARM',
      StateReason: 'Testing the pager',
      StateReasonData: '{"source":"drill"}',
    });
    expect(notifications()).to.have.length(before + 1);
    expect(notifications().at(-1)?.body).to.include({
      NewStateValue: 'ALARM',
      NewStateReason: 'Testing the pager',
    });
    const [latest] = await history('stop-logging', 'StateUpdate');
    expect(JSON.parse(latest?.HistoryData ?? '{}').newState).to.deep.equal({
      stateValue: 'ALARM',
      stateReason: 'Testing the pager',
      stateReasonData: { source: 'drill' },
    });
    const event = range.events('SetAlarmState').at(-1);
    expect(event).to.deep.include({ readOnly: false, eventSource: 'monitoring.amazonaws.com' });
    expect(event?.requestParameters).to.deep.equal({
      alarmName: 'stop-logging',
      stateValue: 'ALARM',
      stateReason: 'Testing the pager',
      stateReasonData: '{"source":"drill"}',
    });

    clock.advance(5 * MIN);
    const after = await alarm('stop-logging');
    expect(after.StateValue).to.equal('OK');
    expect(after.StateReason).to.match(/^Threshold Crossed: no datapoints were received/);
  });

  it('answers AWS error codes over JSON (SDK), CBOR (CLI) and query', async () => {
    const sdk = await failure(
      cw.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' })),
    );
    expect(sdk.name).to.equal('ResourceNotFound');
    expect(sdk.message).to.equal('Alarm nope not found');
    expect(sdk.$metadata.httpStatusCode).to.equal(404);
    const cli = await range.awsFails([
      'cloudwatch',
      'set-alarm-state',
      '--alarm-name',
      'nope',
      '--state-value',
      'OK',
      '--state-reason',
      'x',
    ]);
    expect(cli.stderr).to.contain('(ResourceNotFound)').and.contain('Alarm nope not found');
    const query = await queryPost(range, {
      Action: 'SetAlarmState',
      Version: '2010-08-01',
      AlarmName: 'nope',
      StateValue: 'OK',
      StateReason: 'x',
    });
    expect(query.status).to.equal(404);
    expect(query.text)
      .to.contain('<Code>ResourceNotFound</Code>')
      .and.contain('<Message>Alarm nope not found</Message>');
    expect(range.events('SetAlarmState').filter((e) => e.errorCode === 'ResourceNotFound')).to.have.length(3);

    const base: PutMetricAlarmInput = {
      AlarmName: 'bad',
      Namespace: 'Sirs/App',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
    };
    const math = await failure(
      cw.send(
        new PutMetricAlarmCommand({
          ...base,
          Namespace: undefined,
          MetricName: undefined,
          Statistic: undefined,
          Period: undefined,
          Metrics: [{ Id: 'e1', Expression: 'm1 * 2', ReturnData: true }],
        }),
      ),
    );
    expect(math.Code).to.equal('ValidationError');
    expect(math.message).to.contain('metric math');
    const band = await failure(
      cw.send(
        new PutMetricAlarmCommand({
          ...base,
          ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
        }),
      ),
    );
    expect(band.Code).to.equal('ValidationError');
    const missing = await failure(
      cw.send(new PutMetricAlarmCommand({ ...base, TreatMissingData: 'sometimes' })),
    );
    expect(missing.Code).to.equal('InvalidParameterValue');
    const region = await failure(
      cw.send(
        new PutMetricAlarmCommand({ ...base, AlarmActions: [`arn:aws:sns:eu-west-1:${range.accountId}:x`] }),
      ),
    );
    expect(region.message).to.equal('Invalid region eu-west-1 specified. Only us-east-1 is supported.');
    const both = await range.awsFails([
      'cloudwatch',
      'put-metric-alarm',
      '--alarm-name',
      'bad',
      '--namespace',
      'Sirs/App',
      '--metric-name',
      'Errors',
      '--statistic',
      'Sum',
      '--extended-statistic',
      'p90',
      '--period',
      '60',
      '--evaluation-periods',
      '1',
      '--threshold',
      '1',
      '--comparison-operator',
      'GreaterThanThreshold',
    ]);
    expect(both.stderr).to.contain('(InvalidParameterCombination)');
    expect((await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['bad'] }))).MetricAlarms).to.deep.equal(
      [],
    );
  });

  it('evaluates M out of N periods and each TreatMissingData on the range clock (SDK)', async () => {
    const p = minute();
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'Sirs/App',
        MetricData: [1, 9, 1].map((v, i) => ({
          MetricName: 'Errors',
          Value: v,
          Timestamp: new Date(p - (3 - i) * MIN + 1000),
        })),
      }),
    );
    const twoOfThree: PutMetricAlarmInput = {
      AlarmName: 'errors-2-of-3',
      Namespace: 'Sirs/App',
      MetricName: 'Errors',
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
    };
    await cw.send(new PutMetricAlarmCommand(twoOfThree));
    expect((await alarm('errors-2-of-3')).StateValue, '1, 9, 1: one breaching datapoint of three').to.equal(
      'OK',
    );
    await cw.send(
      new PutMetricDataCommand({ Namespace: 'Sirs/App', MetricData: [{ MetricName: 'Errors', Value: 9 }] }),
    );
    const fired = await alarm('errors-2-of-3');
    expect(fired.StateValue, '9, 1, 9').to.equal('ALARM');
    expect(fired.StateReason).to.match(
      /^Threshold Crossed: 2 out of the last 3 datapoints \[9\.0 \(.{17}\), 1\.0 \(.{17}\), 9\.0 \(.{17}\)\] were greater than the threshold \(5\.0\) \(minimum 2 datapoints for OK -> ALARM transition\)\.$/,
    );
    clock.advance(p + MIN - clock.now().getTime());
    expect((await alarm('errors-2-of-3')).StateValue, 'still 9, 1, 9 at the end of the period').to.equal(
      'ALARM',
    );
    clock.advance(MIN);
    expect(
      (await alarm('errors-2-of-3')).StateValue,
      '1, 9, (missing): one breaching of two datapoints',
    ).to.equal('OK');

    // Breaching: a heartbeat that stops is an alarm; one that beats is OK at once.
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'heartbeat',
        Namespace: 'Sirs/App',
        MetricName: 'Heartbeat',
        Statistic: 'SampleCount',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      }),
    );
    expect((await alarm('heartbeat')).StateReason).to.equal(
      'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching].',
    );
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'Sirs/App',
        MetricData: [{ MetricName: 'Heartbeat', Value: 1 }],
      }),
    );
    expect((await alarm('heartbeat')).StateValue).to.equal('OK');

    // Ignore: without data the alarm keeps whatever state it is in.
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'quiet',
        Namespace: 'Sirs/App',
        MetricName: 'Quiet',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'ignore',
      }),
    );
    expect((await alarm('quiet')).StateValue).to.equal('INSUFFICIENT_DATA');
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: 'quiet', StateValue: 'ALARM', StateReason: 'by hand' }),
    );
    clock.advance(3 * MIN);
    expect((await alarm('quiet')).StateValue).to.equal('ALARM');

    // Percentiles: p90 of the latency values.
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'Sirs/App',
        MetricData: [{ MetricName: 'Latency', Values: [10, 20, 300], Counts: [5, 4, 1] }],
      }),
    );
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'latency-p90',
        Namespace: 'Sirs/App',
        MetricName: 'Latency',
        ExtendedStatistic: 'p90',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 100,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    const p90 = await alarm('latency-p90');
    expect(p90.StateValue).to.equal('OK');
    expect(p90.StateReason).to.contain('[20.0 (');
  });

  it('describes alarms by names, prefix, state, action prefix and type, with pagination (SDK and CLI)', async () => {
    const names = (out: { MetricAlarms?: MetricAlarm[] }) => out.MetricAlarms?.map((a) => a.AlarmName);
    expect(names(await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'stop' })))).to.deep.equal([
      'stop-logging',
    ]);
    // The heartbeat stopped beating three minutes ago (missing data is breaching); quiet was set by hand.
    expect(names(await cw.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' })))).to.deep.equal([
      'heartbeat',
      'quiet',
    ]);
    expect(
      names(await cw.send(new DescribeAlarmsCommand({ ActionPrefix: topic.slice(0, -7) }))),
    ).to.deep.equal(['stop-logging']);
    const composite = await cw.send(new DescribeAlarmsCommand({ AlarmTypes: ['CompositeAlarm'] }));
    expect([composite.MetricAlarms, composite.CompositeAlarms]).to.deep.equal([[], []]);
    const first = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 3 }));
    expect(names(first)).to.deep.equal(['errors-2-of-3', 'heartbeat', 'latency-p90']);
    const second = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 3, NextToken: first.NextToken }));
    expect(names(second)).to.deep.equal(['quiet', 'stop-logging']);
    expect(second.NextToken).to.equal(undefined);
    const bad = await failure(
      cw.send(new DescribeAlarmsCommand({ AlarmNames: ['quiet'], AlarmNamePrefix: 'q' })),
    );
    expect(bad.Code).to.equal('InvalidParameterCombination');
    const cli = (await range.aws(['cloudwatch', 'describe-alarms', '--state-value', 'ALARM'])) as {
      MetricAlarms: MetricAlarm[];
      CompositeAlarms: unknown[];
    };
    expect(cli.MetricAlarms.map((a) => a.AlarmName)).to.deep.equal(['heartbeat', 'quiet']);
    expect(cli.CompositeAlarms).to.deep.equal([]);
    const forMetric = await cw.send(
      new DescribeAlarmsForMetricCommand({
        Namespace: 'CloudTrailMetrics',
        MetricName: 'StopLoggingEventCount',
      }),
    );
    expect(names(forMetric)).to.deep.equal(['stop-logging']);
    const otherPeriod = await cw.send(
      new DescribeAlarmsForMetricCommand({
        Namespace: 'CloudTrailMetrics',
        MetricName: 'StopLoggingEventCount',
        Period: 60,
      }),
    );
    expect(otherPeriod.MetricAlarms).to.deep.equal([]);
    const cliForMetric = (await range.aws([
      'cloudwatch',
      'describe-alarms-for-metric',
      '--namespace',
      'Sirs/App',
      '--metric-name',
      'Errors',
      '--statistic',
      'Maximum',
    ])) as { MetricAlarms: MetricAlarm[] };
    expect(cliForMetric.MetricAlarms.map((a) => a.AlarmName)).to.deep.equal(['errors-2-of-3']);
    expect(range.events('DescribeAlarms').at(-1)).to.include({ readOnly: true });
  });

  it('disabled actions do not notify; enabled again, they do (CLI and SDK)', async () => {
    await range.aws(['cloudwatch', 'disable-alarm-actions', '--alarm-names', 'stop-logging']);
    expect((await alarm('stop-logging')).ActionsEnabled).to.equal(false);
    const count = notifications().length;
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: 'stop-logging', StateValue: 'ALARM', StateReason: 'silent' }),
    );
    expect(notifications()).to.have.length(count);
    const [config] = await history('stop-logging', 'ConfigurationUpdate');
    expect(config?.HistorySummary).to.equal('Alarm "stop-logging" updated');
    await range.aws(['cloudwatch', 'enable-alarm-actions', '--alarm-names', 'stop-logging']);
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: 'stop-logging', StateValue: 'OK', StateReason: 'loud' }),
    );
    expect(notifications()).to.have.length(count + 1);
    expect(range.events('DisableAlarmActions').at(-1)?.requestParameters).to.deep.equal({
      alarmNames: ['stop-logging'],
    });
    await cw.send(new DisableAlarmActionsCommand({ AlarmNames: ['heartbeat', 'no-such-alarm'] }));
    expect((await alarm('heartbeat')).ActionsEnabled).to.equal(false);
    await cw.send(new EnableAlarmActionsCommand({ AlarmNames: ['heartbeat'] }));
    expect((await alarm('heartbeat')).ActionsEnabled).to.equal(true);
    expect(range.events('EnableAlarmActions').map((e) => e.userAgent.startsWith('aws-cli/'))).to.deep.equal([
      true,
      false,
    ]);
  });

  it('updates an alarm in place (state kept, tags only at creation) and tags alarms (SDK and CLI)', async () => {
    const arn = `arn:aws:cloudwatch:us-east-1:${range.accountId}:alarm:stop-logging`;
    const stateBefore = await alarm('stop-logging');
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'stop-logging',
        Namespace: 'CloudTrailMetrics',
        MetricName: 'StopLoggingEventCount',
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 3,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
        OKActions: [topic],
        AlarmDescription: 'A trail stopped logging',
        Tags: [{ Key: 'ignored', Value: 'on update' }],
      }),
    );
    const updated = await alarm('stop-logging');
    expect(updated.Threshold).to.equal(3);
    expect(updated.StateValue).to.equal(stateBefore.StateValue);
    expect(updated.StateUpdatedTimestamp?.getTime()).to.equal(stateBefore.StateUpdatedTimestamp?.getTime());
    const [config] = await history('stop-logging', 'ConfigurationUpdate');
    expect(JSON.parse(config?.HistoryData ?? '{}')).to.deep.include({
      type: 'Update',
      originalUpdatedFields: { threshold: 1 },
    });

    const tags = (await range.aws(['cloudwatch', 'list-tags-for-resource', '--resource-arn', arn])) as {
      Tags: unknown[];
    };
    expect(tags.Tags).to.deep.equal([{ Key: 'team', Value: 'blue' }]);
    await range.aws(['cloudwatch', 'tag-resource', '--resource-arn', arn, '--tags', 'Key=env,Value=drill']);
    await cw.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'owner', Value: 'soc' }] }));
    await cw.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['team'] }));
    await range.aws(['cloudwatch', 'untag-resource', '--resource-arn', arn, '--tag-keys', 'owner']);
    expect((await cw.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).to.deep.equal([
      { Key: 'env', Value: 'drill' },
    ]);
    const unknown = await failure(
      cw.send(new ListTagsForResourceCommand({ ResourceARN: arn.replace('stop-logging', 'nope') })),
    );
    expect(unknown.name).to.equal('ResourceNotFoundException');
    expect(unknown.$metadata.httpStatusCode).to.equal(404);
    expect(range.events('TagResource')[0]?.requestParameters).to.deep.equal({
      resourceARN: arn,
      tags: [{ key: 'env', value: 'drill' }],
    });
  });

  it('records a failed action when the topic does not exist, or the action is not a notification', async () => {
    const missing = `arn:aws:sns:us-east-1:${range.accountId}:no-such-topic`;
    const stop = 'arn:aws:automate:us-east-1:ec2:stop';
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'orphan',
        Namespace: 'Sirs/App',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1000,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [missing, stop],
      }),
    );
    await cw.send(
      new SetAlarmStateCommand({ AlarmName: 'orphan', StateValue: 'ALARM', StateReason: 'test' }),
    );
    const [ec2, sns] = await history('orphan', 'Action');
    expect(sns?.HistorySummary).to.equal(
      `Failed to execute action ${missing}. Received error: "Topic does not exist"`,
    );
    expect(JSON.parse(sns?.HistoryData ?? '{}')).to.include({
      actionState: 'Failed',
      notificationResource: missing,
    });
    expect(ec2?.HistorySummary).to.equal(
      `Failed to execute action ${stop}. Received error: "The range performs SNS notification actions only"`,
    );
  });

  it('deletes alarms (unknown names are fine) and keeps their history, filtered by type, dates and order (CLI and SDK)', async () => {
    await range.aws(['cloudwatch', 'delete-alarms', '--alarm-names', 'quiet', 'orphan', 'never-existed']);
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ['latency-p90'] }));
    expect(
      (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['quiet', 'orphan', 'latency-p90'] })))
        .MetricAlarms,
    ).to.deep.equal([]);
    const newest = await history('quiet');
    expect(newest.map((h) => h.HistorySummary)).to.deep.equal([
      'Alarm "quiet" deleted',
      'Alarm updated from INSUFFICIENT_DATA to ALARM',
      'Alarm "quiet" created',
    ]);
    const oldest = await cw.send(
      new DescribeAlarmHistoryCommand({ AlarmName: 'quiet', ScanBy: 'TimestampAscending', MaxRecords: 1 }),
    );
    expect(oldest.AlarmHistoryItems?.map((h) => h.HistorySummary)).to.deep.equal(['Alarm "quiet" created']);
    const next = await cw.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: 'quiet',
        ScanBy: 'TimestampAscending',
        MaxRecords: 1,
        NextToken: oldest.NextToken,
      }),
    );
    expect(next.AlarmHistoryItems?.[0]?.HistoryItemType).to.equal('StateUpdate');
    const window = await cw.send(
      new DescribeAlarmHistoryCommand({
        StartDate: new Date(T0),
        EndDate: new Date(T0 + 1000),
        HistoryItemType: 'ConfigurationUpdate',
      }),
    );
    expect(window.AlarmHistoryItems?.map((h) => [h.AlarmName, h.HistorySummary])).to.deep.equal([
      ['stop-logging', 'Alarm "stop-logging" created'],
    ]);
    expect(range.events('DeleteAlarms').map((e) => e.requestParameters)).to.deep.equal([
      { alarmNames: ['quiet', 'orphan', 'never-existed'] },
      { alarmNames: ['latency-p90'] },
    ]);
  });
});
