import { expect } from 'chai';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
  type MetricDatum,
} from '@aws-sdk/client-cloudwatch';
import { ManualClock } from '../../src/range/clock.js';
import { failure, startTestRange, type TestRange } from './harness.js';

const MIN = 60_000;

/** A raw query-protocol POST (CloudWatch's oldest protocol: no X-Amz-Target, no CBOR path). */
async function queryPost(
  range: TestRange,
  service: string,
  params: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const res = await range.signedFetch('/', {
    service: service,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, text: await res.text() };
}

describe('range: CloudWatch metrics', function () {
  this.timeout(60_000);
  const T0 = Date.parse('2026-03-01T10:00:30Z');
  const at = (offsetMs: number) => new Date(T0 + offsetMs);
  const clock = new ManualClock(T0);
  let range: TestRange;
  let cw: CloudWatchClient;

  before(async () => {
    range = await startTestRange({ clock });
    cw = new CloudWatchClient(range.clientConfig());
  });
  after(() => range.stop());

  it('aggregates Value, Values/Counts and StatisticValues per period and unit (SDK), recording only data events', async () => {
    const api = [{ Name: 'Service', Value: 'api' }];
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'Sirs/App',
        MetricData: [
          {
            MetricName: 'Latency',
            Dimensions: api,
            Value: 10,
            Unit: 'Milliseconds',
            Timestamp: at(-20_000),
            StorageResolution: 1,
          },
          {
            MetricName: 'Latency',
            Dimensions: api,
            Values: [1, 2, 3],
            Counts: [1, 1, 2],
            Unit: 'Milliseconds',
            Timestamp: at(-10_000),
          },
          {
            MetricName: 'Latency',
            Dimensions: api,
            StatisticValues: { SampleCount: 4, Sum: 40, Minimum: 5, Maximum: 20 },
            Unit: 'Milliseconds',
            Timestamp: at(35_000),
          },
          { MetricName: 'Latency', Dimensions: api, Value: 99, Unit: 'Count', Timestamp: at(-5_000) },
        ],
      }),
    );
    const stats = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Sirs/App',
        MetricName: 'Latency',
        Dimensions: api,
        StartTime: at(-MIN),
        EndTime: at(2 * MIN),
        Period: 60,
        Unit: 'Milliseconds',
        Statistics: ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'],
        ExtendedStatistics: ['p50'],
      }),
    );
    expect(stats.Label).to.equal('Latency');
    const points = [...(stats.Datapoints ?? [])].sort(
      (a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime(),
    );
    expect(
      points.map((p) => [
        p.Timestamp?.toISOString(),
        p.SampleCount,
        p.Sum,
        p.Average,
        p.Minimum,
        p.Maximum,
        p.Unit,
      ]),
    ).to.deep.equal([
      ['2026-03-01T10:00:00.000Z', 5, 19, 3.8, 1, 10, 'Milliseconds'],
      ['2026-03-01T10:01:00.000Z', 4, 40, 10, 5, 20, 'Milliseconds'],
    ]);
    // Percentiles need raw values: the statistic set (Minimum != Maximum) has none.
    expect(points.map((p) => p.ExtendedStatistics)).to.deep.equal([{ p50: 3 }, {}]);

    const anyUnit = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Sirs/App',
        MetricName: 'Latency',
        Dimensions: api,
        StartTime: at(-MIN),
        EndTime: at(30_000),
        Period: 60,
        Statistics: ['Sum'],
      }),
    );
    expect(anyUnit.Datapoints?.map((p) => [p.Unit, p.Sum])).to.have.deep.members([
      ['Count', 99],
      ['Milliseconds', 19],
    ]);
    const otherDimensions = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Sirs/App',
        MetricName: 'Latency',
        StartTime: at(-MIN),
        EndTime: at(MIN),
        Period: 60,
        Statistics: ['Sum'],
      }),
    );
    expect(otherDimensions.Datapoints, 'a metric is its exact set of dimensions').to.deep.equal([]);
    // CloudTrail logs metric reads and writes as data events: never in LookupEvents.
    expect(range.events('PutMetricData')).to.deep.equal([]);
    expect(range.events('GetMetricStatistics')).to.deep.equal([]);
  });

  it('works with the AWS CLI (RPC v2 CBOR): put-metric-data, get-metric-statistics with percentiles, list-metrics', async () => {
    await range.aws([
      'cloudwatch',
      'put-metric-data',
      '--namespace',
      'Sirs/Web',
      '--metric-data',
      JSON.stringify([
        {
          MetricName: 'Errors',
          Dimensions: [{ Name: 'Service', Value: 'web' }],
          Value: 3,
          Unit: 'Count',
          Timestamp: at(-5_000).toISOString(),
        },
        {
          MetricName: 'Errors',
          Dimensions: [{ Name: 'Service', Value: 'web' }],
          Values: [1, 4],
          Counts: [2, 1],
          Unit: 'Count',
        },
      ]),
    ]);
    const stats = (await range.aws([
      'cloudwatch',
      'get-metric-statistics',
      '--namespace',
      'Sirs/Web',
      '--metric-name',
      'Errors',
      '--dimensions',
      'Name=Service,Value=web',
      '--start-time',
      at(-MIN).toISOString(),
      '--end-time',
      at(MIN).toISOString(),
      '--period',
      '60',
      '--extended-statistics',
      'p90',
      'p50',
    ])) as { Datapoints: Array<{ ExtendedStatistics: Record<string, number>; Unit: string }> };
    expect(stats.Datapoints).to.have.length(1);
    expect(stats.Datapoints[0]?.ExtendedStatistics).to.deep.equal({ p90: 4, p50: 1 });
    expect(stats.Datapoints[0]?.Unit).to.equal('Count');
    const listed = (await range.aws(['cloudwatch', 'list-metrics', '--namespace', 'Sirs/Web'])) as {
      Metrics: unknown[];
    };
    expect(listed.Metrics).to.deep.equal([
      { Namespace: 'Sirs/Web', MetricName: 'Errors', Dimensions: [{ Name: 'Service', Value: 'web' }] },
    ]);
  });

  it('speaks the query protocol: a form POST stores data and reads it back as XML, errors as XML', async () => {
    const put = await queryPost(range, 'monitoring', {
      Action: 'PutMetricData',
      Version: '2010-08-01',
      Namespace: 'Sirs/Query',
      'MetricData.member.1.MetricName': 'Hits',
      'MetricData.member.1.Value': '2',
      'MetricData.member.1.Dimensions.member.1.Name': 'Path',
      'MetricData.member.1.Dimensions.member.1.Value': '/login',
    });
    expect(put.status).to.equal(200);
    expect(put.text).to.contain('<PutMetricDataResponse');
    const get = await queryPost(range, 'monitoring', {
      Action: 'GetMetricStatistics',
      Version: '2010-08-01',
      Namespace: 'Sirs/Query',
      MetricName: 'Hits',
      'Dimensions.member.1.Name': 'Path',
      'Dimensions.member.1.Value': '/login',
      StartTime: at(-MIN).toISOString(),
      EndTime: at(MIN).toISOString(),
      Period: '60',
      'Statistics.member.1': 'Sum',
    });
    expect(get.status).to.equal(200);
    expect(get.text).to.match(/<Datapoints><member>.*<Sum>2(\.0)?<\/Sum>.*<\/member><\/Datapoints>/s);
    // Request compression (core): a gzip-encoded body is read as its content.
    const { gzipSync } = await import('node:zlib');
    const gz = await range.signedFetch('/', {
      service: 'monitoring',
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'content-encoding': 'gzip',
      },
      body: gzipSync(
        'Action=PutMetricData&Version=2010-08-01&Namespace=Sirs%2FQuery&MetricData.member.1.MetricName=Gzipped&MetricData.member.1.Value=7',
      ),
    });
    expect(gz.status).to.equal(200);
    const listed = await cw.send(new ListMetricsCommand({ Namespace: 'Sirs/Query', MetricName: 'Gzipped' }));
    expect(listed.Metrics).to.have.length(1);
    const bad = await queryPost(range, 'monitoring', {
      Action: 'PutMetricData',
      Version: '2010-08-01',
      Namespace: 'AWS/EC2',
      'MetricData.member.1.MetricName': 'CPUUtilization',
      'MetricData.member.1.Value': '1',
    });
    expect(bad.status).to.equal(400);
    expect(bad.text)
      .to.contain('<Code>InvalidParameterValue</Code>')
      .and.contain('The value AWS/EC2 for parameter Namespace is invalid.');
  });

  it('refuses invalid data with CloudWatch codes and messages (SDK and CLI)', async () => {
    const reserved = await failure(
      cw.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/EC2',
          MetricData: [{ MetricName: 'CPUUtilization', Value: 1 }],
        }),
      ),
    );
    expect(reserved.Code).to.equal('InvalidParameterValue');
    expect(reserved.$metadata.httpStatusCode).to.equal(400);
    expect(reserved.message).to.equal('The value AWS/EC2 for parameter Namespace is invalid.');

    const both = await failure(
      cw.send(
        new PutMetricDataCommand({
          Namespace: 'Sirs/App',
          MetricData: [
            {
              MetricName: 'X',
              Value: 1,
              StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 },
            },
          ],
        }),
      ),
    );
    expect(both.Code).to.equal('InvalidParameterCombination');
    expect(both.message).to.equal(
      'The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues are mutually exclusive and you have specified both.',
    );

    const several = await failure(
      cw.send(
        new PutMetricDataCommand({
          Namespace: 'Sirs/App',
          MetricData: [
            { MetricName: 'X', Value: 1, Timestamp: at(-15 * 24 * 60 * MIN) },
            { MetricName: 'Y', Values: [1, 2], Counts: [1] },
          ],
        }),
      ),
    );
    expect(several.Code).to.equal('InvalidParameterValue');
    expect(several.message.split('\n')).to.deep.equal([
      'The parameter MetricData.member.1.Timestamp must specify a time within the past two weeks.',
      'The parameters MetricData.member.2.Values and MetricData.member.2.Counts must be of the same size.',
    ]);
    const missingName = await failure(
      cw.send(new PutMetricDataCommand({ Namespace: 'Sirs/App', MetricData: [{ Value: 1 } as MetricDatum] })),
    );
    expect(missingName.Code).to.equal('MissingParameter');

    const cli = await range.awsFails([
      'cloudwatch',
      'put-metric-data',
      '--namespace',
      'AWS/Lambda',
      '--metric-name',
      'Errors',
      '--value',
      '1',
    ]);
    expect(cli.stderr)
      .to.contain('(InvalidParameterValue)')
      .and.contain('The value AWS/Lambda for parameter Namespace is invalid.');
  });

  it('GetMetricStatistics refuses more than 1,440 datapoints, inverted ranges and missing statistics', async () => {
    const base = { Namespace: 'Sirs/App', MetricName: 'Latency', Period: 60 };
    const many = await failure(
      cw.send(
        new GetMetricStatisticsCommand({
          ...base,
          StartTime: at(-30_000 - 2 * 24 * 60 * MIN),
          EndTime: at(-30_000),
          Statistics: ['Sum'],
        }),
      ),
    );
    expect(many.Code).to.equal('InvalidParameterCombination');
    expect(many.message).to.contain(
      'You have requested up to 2,880 datapoints, which exceeds the limit of 1,440.',
    );
    const inverted = await failure(
      cw.send(
        new GetMetricStatisticsCommand({ ...base, StartTime: at(0), EndTime: at(-MIN), Statistics: ['Sum'] }),
      ),
    );
    expect(inverted.Code).to.equal('InvalidParameterValue');
    expect(inverted.message).to.equal('The parameter StartTime must be less than the parameter EndTime.');
    const none = await failure(
      cw.send(new GetMetricStatisticsCommand({ ...base, StartTime: at(-MIN), EndTime: at(0) })),
    );
    expect(none.Code).to.equal('InvalidParameterCombination');
    const period = await failure(
      cw.send(
        new GetMetricStatisticsCommand({
          ...base,
          Period: 45,
          StartTime: at(-MIN),
          EndTime: at(0),
          Statistics: ['Sum'],
        }),
      ),
    );
    expect(period.Code).to.equal('InvalidParameterValue');
  });

  describe('GetMetricData', () => {
    const start = at(-10 * MIN - 30_000); // 09:50:00
    before(async () => {
      const data: MetricDatum[] = [];
      [1, 2, 0, 5, 4].forEach((errors, i) => {
        data.push({
          MetricName: 'Requests',
          Value: 10,
          Timestamp: new Date(start.getTime() + i * MIN + 1000),
        });
        data.push({
          MetricName: 'Requests',
          Value: 10,
          Timestamp: new Date(start.getTime() + i * MIN + 2000),
        });
        data.push({
          MetricName: 'Errors',
          Value: errors,
          Timestamp: new Date(start.getTime() + i * MIN + 3000),
        });
      });
      await cw.send(new PutMetricDataCommand({ Namespace: 'Sirs/Api', MetricData: data }));
    });
    const queries = [
      {
        Id: 'r',
        MetricStat: { Metric: { Namespace: 'Sirs/Api', MetricName: 'Requests' }, Period: 60, Stat: 'Sum' },
        ReturnData: false,
      },
      {
        Id: 'e',
        MetricStat: { Metric: { Namespace: 'Sirs/Api', MetricName: 'Errors' }, Period: 60, Stat: 'Sum' },
      },
      { Id: 'rate', Expression: 'e / r * 100', Label: 'Error rate (%)' },
      { Id: 'filled', Expression: 'FILL(e, 0)' },
    ];
    const end = new Date(start.getTime() + 5 * MIN);

    it('returns MetricStat series newest first, arithmetic expressions, and says which expressions it cannot evaluate (SDK)', async () => {
      const out = await cw.send(
        new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end }),
      );
      const byId = Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, r]));
      expect(Object.keys(byId), 'ReturnData false hides r').to.deep.equal(['e', 'rate', 'filled']);
      expect(byId.e?.Label).to.equal('Errors');
      expect(byId.e?.Values).to.deep.equal([4, 5, 0, 2, 1]);
      expect(byId.e?.Timestamps?.[0]?.toISOString()).to.equal('2026-03-01T09:54:00.000Z');
      expect(byId.e?.StatusCode).to.equal('Complete');
      expect(byId.rate?.Label).to.equal('Error rate (%)');
      expect(byId.rate?.Values).to.deep.equal([20, 25, 0, 10, 5]);
      expect(byId.filled?.StatusCode).to.equal('InternalError');
      expect(byId.filled?.Messages?.[0]?.Value).to.contain("'FILL' is not supported");
      expect(range.events('GetMetricData')).to.deep.equal([]);
    });

    it('pages by MaxDatapoints and orders by ScanBy', async () => {
      const input = {
        MetricDataQueries: queries.slice(0, 3),
        StartTime: start,
        EndTime: end,
        ScanBy: 'TimestampAscending' as const,
        MaxDatapoints: 7,
      };
      const first = await cw.send(new GetMetricDataCommand(input));
      expect(first.NextToken).to.be.a('string');
      expect(first.MetricDataResults?.map((r) => [r.Id, r.Values, r.StatusCode])).to.deep.equal([
        ['e', [1, 2, 0, 5, 4], 'Complete'],
        ['rate', [5, 10], 'PartialData'],
      ]);
      const second = await cw.send(new GetMetricDataCommand({ ...input, NextToken: first.NextToken }));
      expect(second.NextToken).to.equal(undefined);
      expect(second.MetricDataResults?.map((r) => [r.Id, r.Values, r.StatusCode])).to.deep.equal([
        ['e', [], 'Complete'],
        ['rate', [0, 25, 20], 'Complete'],
      ]);
      const bad = await failure(cw.send(new GetMetricDataCommand({ ...input, NextToken: 'bm9wZQ' })));
      expect(bad.Code ?? bad.name).to.equal('InvalidNextToken');
    });

    it('works with the AWS CLI, and refuses a query with both MetricStat and Expression', async () => {
      const out = (await range.aws([
        'cloudwatch',
        'get-metric-data',
        '--metric-data-queries',
        JSON.stringify(queries.slice(0, 3)),
        '--start-time',
        start.toISOString(),
        '--end-time',
        end.toISOString(),
        '--scan-by',
        'TimestampAscending',
      ])) as { MetricDataResults: Array<{ Id: string; Values: number[] }> };
      expect(out.MetricDataResults.map((r) => [r.Id, r.Values])).to.deep.equal([
        ['e', [1, 2, 0, 5, 4]],
        ['rate', [5, 10, 0, 25, 20]],
      ]);
      const both = await failure(
        cw.send(
          new GetMetricDataCommand({
            MetricDataQueries: [{ ...queries[1]!, Expression: 'r' }],
            StartTime: start,
            EndTime: end,
          }),
        ),
      );
      expect(both.Code ?? both.name).to.equal('ValidationError');
      expect(both.message).to.equal(
        'The parameters MetricDataQuery Expression and MetricStat are mutually exclusive and you have specified both.',
      );
    });
  });

  it('accepts PutMetricData from inside the range (metric filters), unrecorded', async () => {
    await range.engine.dispatch(undefined, 'monitoring', 'PutMetricData', {
      Namespace: 'CloudTrailMetrics',
      MetricData: [{ MetricName: 'StopLoggingEventCount', Value: 1, Unit: 'Count' }],
    });
    const stats = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'CloudTrailMetrics',
        MetricName: 'StopLoggingEventCount',
        StartTime: at(-MIN),
        EndTime: at(MIN),
        Period: 60,
        Statistics: ['Sum'],
      }),
    );
    expect(stats.Datapoints?.map((d) => d.Sum)).to.deep.equal([1]);
  });

  // Last: it moves the clock four hours on.
  describe('ListMetrics', () => {
    it('lists metrics by namespace, name and dimensions, 500 a page, and only recently active ones with PT3H (SDK)', async () => {
      const fleet: MetricDatum[] = Array.from({ length: 600 }, (_, i) => ({
        MetricName: 'Heartbeat',
        Dimensions: [
          { Name: 'Host', Value: `h${String(i).padStart(3, '0')}` },
          { Name: 'Fleet', Value: 'blue' },
        ],
        Value: 1,
      }));
      // The SDK gzips a body this large (PutMetricData has the requestCompression trait).
      await cw.send(new PutMetricDataCommand({ Namespace: 'Sirs/Fleet', MetricData: fleet }));
      const first = await cw.send(new ListMetricsCommand({ Namespace: 'Sirs/Fleet' }));
      expect(first.Metrics).to.have.length(500);
      const second = await cw.send(
        new ListMetricsCommand({ Namespace: 'Sirs/Fleet', NextToken: first.NextToken }),
      );
      expect(second.Metrics).to.have.length(100);
      expect(second.NextToken).to.equal(undefined);
      const one = await cw.send(new ListMetricsCommand({ Dimensions: [{ Name: 'Host', Value: 'h007' }] }));
      expect(one.Metrics).to.deep.equal([
        {
          Namespace: 'Sirs/Fleet',
          MetricName: 'Heartbeat',
          Dimensions: [
            { Name: 'Host', Value: 'h007' },
            { Name: 'Fleet', Value: 'blue' },
          ],
        },
      ]);
      const byName = await cw.send(new ListMetricsCommand({ MetricName: 'Latency' }));
      expect(byName.Metrics?.map((m) => m.Namespace)).to.deep.equal(['Sirs/App']);
      const bad = await failure(
        cw.send(new ListMetricsCommand({ Namespace: 'Sirs/App', NextToken: first.NextToken })),
      );
      expect(bad.Code ?? bad.name).to.equal('InvalidNextToken');

      clock.advance(4 * 60 * MIN);
      await cw.send(
        new PutMetricDataCommand({ Namespace: 'Sirs/Fresh', MetricData: [{ MetricName: 'Now', Value: 1 }] }),
      );
      const recent = await cw.send(new ListMetricsCommand({ RecentlyActive: 'PT3H' }));
      expect(recent.Metrics?.map((m) => `${m.Namespace}:${m.MetricName}`)).to.deep.equal(['Sirs/Fresh:Now']);
      const all = await cw.send(new ListMetricsCommand({ Namespace: 'Sirs/App' }));
      expect(all.Metrics?.length, 'older metrics are still listed without RecentlyActive').to.equal(1);
    });
  });
});
