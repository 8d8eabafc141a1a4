import { expect } from 'chai';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteMetricFilterCommand,
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  PutLogEventsCommand,
  PutMetricFilterCommand,
  TestMetricFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { failure, startTestRange, type TestRange } from './harness.js';
import type { ServiceDefinition } from '../../src/range/context.js';
import { iamService } from '../../src/range/services/iam/index.js';
import { logsService } from '../../src/range/services/logs/index.js';
import { stsService } from '../../src/range/services/sts/index.js';

const apache = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534';

describe('range: CloudWatch Logs metric filters', function () {
  this.timeout(60_000);
  let range: TestRange;
  /** The AWS CLI against the range: the words of `command`, then further arguments as they are. */
  const aws = (command: string, ...args: string[]) => range.aws([...command.split(' '), ...args]);
  const awsFails = (command: string, ...args: string[]) => range.awsFails([...command.split(' '), ...args]);
  let logs: CloudWatchLogsClient;

  before(async () => {
    range = await startTestRange();
    logs = new CloudWatchLogsClient(range.clientConfig());
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'trail' }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'web' }));
  });
  after(() => range.stop());

  it('puts, lists (by log group, name prefix or metric) and deletes metric filters', async () => {
    await logs.send(
      new PutMetricFilterCommand({
        logGroupName: 'trail',
        filterName: 'stop-logging',
        filterPattern: '{ $.eventName = "StopLogging" }',
        metricTransformations: [
          { metricName: 'StopLogging', metricNamespace: 'CISBenchmark', metricValue: '1', defaultValue: 0 },
        ],
      }),
    );
    await aws(
      'logs put-metric-filter --log-group-name trail --filter-name root-usage --filter-pattern',
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
      '--metric-transformations',
      'metricName=RootUsage,metricNamespace=CISBenchmark,metricValue=1',
    );
    await logs.send(
      new PutMetricFilterCommand({
        logGroupName: 'web',
        filterName: 'bytes',
        filterPattern: '[ip, user, username, timestamp, request, status_code, bytes]',
        metricTransformations: [
          {
            metricName: 'Bytes',
            metricNamespace: 'Web',
            metricValue: '$bytes',
            unit: 'Bytes',
            dimensions: { Status: '$status_code' },
          },
        ],
      }),
    );
    const trail = await logs.send(new DescribeMetricFiltersCommand({ logGroupName: 'trail' }));
    expect(trail.metricFilters?.map((f) => f.filterName)).to.deep.equal(['root-usage', 'stop-logging']);
    expect(trail.metricFilters?.[1]).to.deep.include({
      logGroupName: 'trail',
      filterPattern: '{ $.eventName = "StopLogging" }',
      metricTransformations: [
        { metricName: 'StopLogging', metricNamespace: 'CISBenchmark', metricValue: '1', defaultValue: 0 },
      ],
    });
    const prefix = await logs.send(
      new DescribeMetricFiltersCommand({ logGroupName: 'trail', filterNamePrefix: 'stop' }),
    );
    expect(prefix.metricFilters?.map((f) => f.filterName)).to.deep.equal(['stop-logging']);
    const byMetric = (await aws(
      'logs describe-metric-filters --metric-name Bytes --metric-namespace Web',
    )) as { metricFilters: Array<{ filterName: string; logGroupName: string }> };
    expect(byMetric.metricFilters.map((f) => [f.logGroupName, f.filterName])).to.deep.equal([
      ['web', 'bytes'],
    ]);
    const half = await failure(logs.send(new DescribeMetricFiltersCommand({ metricName: 'Bytes' })));
    expect(half.name).to.equal('InvalidParameterException');
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'trail' }));
    expect(groups.logGroups?.[0]?.metricFilterCount).to.equal(2);

    await aws('logs delete-metric-filter --log-group-name trail --filter-name root-usage');
    const gone = await failure(
      logs.send(new DeleteMetricFilterCommand({ logGroupName: 'trail', filterName: 'root-usage' })),
    );
    expect(gone.name).to.equal('ResourceNotFoundException');
    expect(range.events('PutMetricFilter').map((e) => e.requestParameters?.filterName)).to.deep.equal([
      'stop-logging',
      'root-usage',
      'bytes',
    ]);
    expect(range.events('DeleteMetricFilter').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'ok',
      'ResourceNotFoundException',
    ]);
  });

  it('refuses bad patterns, values and transformations as CloudWatch Logs does', async () => {
    const put = (
      over: Partial<{
        filterPattern: string;
        metricValue: string;
        dimensions: Record<string, string>;
        defaultValue: number;
        logGroupName: string;
      }>,
    ) =>
      failure(
        logs.send(
          new PutMetricFilterCommand({
            logGroupName: over.logGroupName ?? 'trail',
            filterName: 'bad',
            filterPattern: over.filterPattern ?? '{ $.latency > 1 }',
            metricTransformations: [
              {
                metricName: 'M',
                metricNamespace: 'N',
                metricValue: over.metricValue ?? '1',
                dimensions: over.dimensions,
                defaultValue: over.defaultValue,
              },
            ],
          }),
        ),
      );
    const pattern = await put({ filterPattern: '{ $.latency > }' });
    expect([pattern.name, pattern.message]).to.deep.equal([
      'InvalidParameterException',
      'Invalid metric filter pattern',
    ]);
    expect((await put({ metricValue: 'lots' })).name).to.equal('InvalidParameterException');
    expect((await put({ filterPattern: 'ERROR', metricValue: '$.latency' })).name).to.equal(
      'InvalidParameterException',
    );
    expect((await put({ dimensions: { Who: '$.user' }, defaultValue: 0 })).name).to.equal(
      'InvalidParameterException',
    );
    expect((await put({ logGroupName: 'nope' })).name).to.equal('ResourceNotFoundException');
    const cli = await awsFails(
      'logs put-metric-filter --log-group-name trail --filter-name x --filter-pattern a:b --metric-transformations metricName=M,metricNamespace=N,metricValue=1',
    );
    expect(cli.stderr).to.contain('InvalidParameterException').and.contain('Invalid metric filter pattern');
    // Five metric filters of a log group may use regular expressions, not six.
    for (let i = 0; i < 6; i++) {
      const put = logs.send(
        new PutMetricFilterCommand({
          logGroupName: 'web',
          filterName: `regex-${i}`,
          filterPattern: `%ERROR-${i}%`,
          metricTransformations: [{ metricName: 'M', metricNamespace: 'N', metricValue: '1' }],
        }),
      );
      if (i < 5) await put;
      else expect((await failure(put)).name).to.equal('LimitExceededException');
    }
  });

  it('tests a pattern against sample messages, with the values a space-delimited pattern extracts', async () => {
    const out = await logs.send(
      new TestMetricFilterCommand({
        filterPattern: '[..., request=*.html*, status_code=4*,]',
        logEventMessages: [apache, apache.replace('404', '200'), 'not apache'],
      }),
    );
    expect(out.matches).to.deep.equal([
      {
        eventNumber: 1,
        eventMessage: apache,
        extractedValues: {
          $1: '127.0.0.1',
          $2: '-',
          $3: 'frank',
          $4: '10/Oct/2000:13:25:15 -0700',
          $request: 'GET /index.html HTTP/1.0',
          $status_code: '404',
          $7: '1534',
        },
      },
    ]);
    const cli = (await aws(
      'logs test-metric-filter --filter-pattern',
      '{ $.eventName = "StopLogging" }',
      '--log-event-messages',
      '{"eventName":"StopLogging"}',
      '{"eventName":"StartLogging"}',
      'plain',
    )) as { matches: Array<{ eventNumber: number; extractedValues: Record<string, string> }> };
    expect(cli.matches).to.deep.equal([
      { eventNumber: 1, eventMessage: '{"eventName":"StopLogging"}', extractedValues: {} },
    ]);
    const bad = await awsFails('logs test-metric-filter --filter-pattern [a --log-event-messages x');
    expect(bad.stderr).to.contain('InvalidParameterException');
    expect(range.events('TestMetricFilter').length).to.be.greaterThanOrEqual(3);
  });

  it('publishes the metric to CloudWatch when matching events arrive', async () => {
    await logs.send(new CreateLogStreamCommand({ logGroupName: 'web', logStreamName: 'access' }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: 'web',
        logStreamName: 'access',
        logEvents: [{ timestamp: Date.now(), message: apache }],
      }),
    );
    const cw = new CloudWatchClient(range.clientConfig());
    const metrics = await cw.send(new ListMetricsCommand({ Namespace: 'Web' }));
    expect(metrics.Metrics?.map((m) => [m.MetricName, m.Dimensions])).to.deep.equal([
      ['Bytes', [{ Name: 'Status', Value: '404' }]],
    ]);
  });
});

describe('range: metric filters feeding CloudWatch through dispatch', function () {
  this.timeout(60_000);
  const received: Array<{ Namespace: string; MetricData: Array<Record<string, unknown>> }> = [];
  const echoMonitoring: ServiceDefinition = {
    name: 'monitoring',
    eventSource: 'monitoring.amazonaws.com',
    handlers: {
      PutMetricData: (_ctx, input: { Namespace: string; MetricData: Array<Record<string, unknown>> }) => {
        received.push(input);
        return {};
      },
    },
  };

  async function rangeWith(
    services: ServiceDefinition[],
  ): Promise<{ range: TestRange; logs: CloudWatchLogsClient }> {
    const range = await startTestRange({ services: [stsService, iamService, logsService, ...services] });
    const logs = new CloudWatchLogsClient(range.clientConfig());
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'app' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: 'app', logStreamName: 's' }));
    return { range, logs };
  }

  it('sends the metric value or field, the default value, unit and dimensions, unrecorded', async () => {
    const { range, logs } = await rangeWith([echoMonitoring]);
    try {
      await logs.send(
        new PutMetricFilterCommand({
          logGroupName: 'app',
          filterName: 'latency',
          filterPattern: '{ $.latency = * }',
          metricTransformations: [
            {
              metricName: 'Latency',
              metricNamespace: 'App',
              metricValue: '$.latency',
              unit: 'Milliseconds',
              dimensions: { Route: '$.route' },
            },
          ],
        }),
      );
      await logs.send(
        new PutMetricFilterCommand({
          logGroupName: 'app',
          filterName: 'errors',
          filterPattern: 'ERROR',
          metricTransformations: [
            { metricName: 'Errors', metricNamespace: 'App', metricValue: '1', defaultValue: 0 },
          ],
        }),
      );
      const t = Date.now();
      await range.aws([
        'logs',
        'put-log-events',
        '--log-group-name',
        'app',
        '--log-stream-name',
        's',
        '--log-events',
        JSON.stringify([
          { timestamp: t - 2, message: '{"latency": 250, "route": "/login"}' },
          { timestamp: t - 1, message: 'ERROR boom' },
          { timestamp: t, message: '{"latency": 12}' },
        ]),
      ]);
      const latency = received.find((r) => r.MetricData[0]?.MetricName === 'Latency');
      expect(latency?.Namespace).to.equal('App');
      // The event without the dimension's field yields no datum.
      expect(latency?.MetricData).to.deep.equal([
        {
          MetricName: 'Latency',
          Value: 250,
          Unit: 'Milliseconds',
          Timestamp: new Date(t - 2),
          Dimensions: [{ Name: 'Route', Value: '/login' }],
        },
      ]);
      const errors = received.find((r) => r.MetricData[0]?.MetricName === 'Errors');
      expect(errors?.MetricData.map((d) => d.Value)).to.deep.equal([0, 1, 0]);
      expect(range.events('PutMetricData')).to.have.length(0);
    } finally {
      await range.stop();
    }
  });

  it('still stores events when the range has no CloudWatch service', async () => {
    const { range, logs } = await rangeWith([]);
    try {
      await logs.send(
        new PutMetricFilterCommand({
          logGroupName: 'app',
          filterName: 'all',
          filterPattern: '',
          metricTransformations: [{ metricName: 'Count', metricNamespace: 'App', metricValue: '1' }],
        }),
      );
      const out = await logs.send(
        new PutLogEventsCommand({
          logGroupName: 'app',
          logStreamName: 's',
          logEvents: [{ timestamp: Date.now(), message: 'hello' }],
        }),
      );
      expect(out.rejectedLogEventsInfo).to.equal(undefined);
      const cli = (await range.aws(['logs', 'filter-log-events', '--log-group-name', 'app'])) as {
        events: Array<{ message: string }>;
      };
      expect(cli.events.map((e) => e.message)).to.deep.equal(['hello']);
    } finally {
      await range.stop();
    }
  });
});
