import type {
  Datapoint,
  GetMetricStatisticsInput,
  GetMetricStatisticsOutput,
  ListMetricsInput,
  ListMetricsOutput,
  MetricDatum,
  PutMetricDataInput,
  StandardUnit,
} from '@aws-sdk/client-cloudwatch';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { paginate } from '../../../paginate.js';
import { ensureArmed, evaluateStoredAlarm } from '../alarm-runtime.js';
import { bucketize, isPercentile, isStatistic, pointOf, statisticOf } from '../metrics.js';
import { metricKey, monitoringState, type MetricPoint, type StoredMetric } from '../store.js';
import {
  Problems,
  checkDimensions,
  checkMetricName,
  checkNamespace,
  checkUnit,
  invalidCombination,
  invalidValue,
  missingParameter,
  validPeriod,
} from '../validate.js';

const DAY = 24 * 3600 * 1000;
/** CloudWatch accepts timestamps up to two weeks back and two hours ahead. */
const OLDEST = 14 * DAY;
const NEWEST = 2 * 3600 * 1000;
/** The range keeps raw points for 15 days, the retention of one-minute data. */
const RETENTION = 15 * DAY;
const LIMIT = 2 ** 360;

export const invalidNextToken = () =>
  new ServiceError('InvalidNextToken', 'The service returned an invalid NextToken.');

export async function putMetricData(
  ctx: CallContext,
  input: PutMetricDataInput,
): Promise<Record<string, never>> {
  ensureArmed(ctx);
  // AWS/ namespaces are written only by the range's own services (EventBridge's AWS/Events), never over HTTP.
  checkNamespace(input.Namespace, 'Namespace', { write: ctx.http !== undefined });
  const data = input.MetricData ?? [];
  if (data.length === 0) throw missingParameter('MetricData');
  if (data.length > 1000)
    throw invalidValue('The collection MetricData must not have a size greater than 1000.');
  const now = ctx.now.getTime();
  const problems = new Problems();
  data.forEach((d, i) => checkDatum(d, `MetricData.member.${i + 1}`, now, problems));
  problems.throwIfAny();

  const s = ctx.state(monitoringState);
  const namespace = input.Namespace as string;
  const touched = new Set<string>();
  for (const d of data) {
    const key = metricKey(namespace, d.MetricName as string, d.Dimensions);
    let metric = s.metrics[key];
    if (!metric) {
      metric = {
        Namespace: namespace,
        MetricName: d.MetricName as string,
        Dimensions: d.Dimensions ?? [],
        lastPublished: ctx.now,
        points: [],
      };
      s.metrics[key] = metric;
    }
    metric.lastPublished = ctx.now;
    insertPoint(metric, pointOf(d.Timestamp?.getTime() ?? now, d.Unit ?? 'None', d), now);
    touched.add(key);
  }
  // Alarms on these metrics see the new data at once, not only at the end of their period.
  for (const [name, stored] of Object.entries(s.alarms)) {
    const a = stored.alarm;
    if (touched.has(metricKey(a.Namespace ?? '', a.MetricName ?? '', a.Dimensions)))
      await evaluateStoredAlarm(ctx, name, ctx.now);
  }
  return {};
}

function checkDatum(d: MetricDatum, at: string, now: number, problems: Problems): void {
  checkMetricName(d.MetricName, `${at}.MetricName`);
  const given = (['Value', 'Values', 'StatisticValues'] as const).filter(
    (k) => d[k] !== undefined && !(k === 'Values' && d.Values?.length === 0),
  );
  if (given.length > 1) {
    throw invalidCombination(
      `The parameters ${at}.${given[0]} and ${at}.${given[1]} are mutually exclusive and you have specified both.`,
    );
  }
  if (given.length === 0) {
    throw invalidCombination(
      `At least one of the parameters ${at}.Value, ${at}.Values or ${at}.StatisticValues must be specified.`,
    );
  }
  const checkNumber = (v: number | undefined, param: string) => {
    if (v !== undefined && (!Number.isFinite(v) || Math.abs(v) > LIMIT))
      problems.add(`The value ${v} for parameter ${param} is invalid.`);
  };
  checkNumber(d.Value, `${at}.Value`);
  d.Values?.forEach((v, i) => checkNumber(v, `${at}.Values.member.${i + 1}`));
  d.Counts?.forEach((c, i) => {
    if (!Number.isFinite(c) || c < 0)
      problems.add(`The value ${c} for parameter ${at}.Counts.member.${i + 1} is invalid.`);
  });
  if ((d.Values?.length ?? 0) > 150)
    problems.add(`The collection ${at}.Values must not have a size greater than 150.`);
  if (d.Counts !== undefined && d.Counts.length !== (d.Values?.length ?? 0)) {
    problems.add(`The parameters ${at}.Values and ${at}.Counts must be of the same size.`);
  }
  const set = d.StatisticValues;
  if (set) {
    for (const k of ['SampleCount', 'Sum', 'Minimum', 'Maximum'] as const) {
      if (set[k] === undefined) throw missingParameter(`${at}.StatisticValues.${k}`);
      checkNumber(set[k], `${at}.StatisticValues.${k}`);
    }
    if ((set.SampleCount ?? 0) <= 0)
      problems.add(
        `The value ${set.SampleCount} for parameter ${at}.StatisticValues.SampleCount is invalid.`,
      );
    if ((set.Minimum ?? 0) > (set.Maximum ?? 0)) {
      problems.add(
        `The parameter ${at}.StatisticValues.Minimum must not be greater than ${at}.StatisticValues.Maximum.`,
      );
    }
  }
  checkDimensions(d.Dimensions, `${at}.Dimensions`, problems);
  checkUnit(d.Unit, `${at}.Unit`, problems);
  if (d.StorageResolution !== undefined && d.StorageResolution !== 1 && d.StorageResolution !== 60) {
    problems.add(`The value ${d.StorageResolution} for parameter ${at}.StorageResolution is invalid.`);
  }
  const t = d.Timestamp?.getTime();
  if (t !== undefined && t < now - OLDEST)
    problems.add(`The parameter ${at}.Timestamp must specify a time within the past two weeks.`);
  if (t !== undefined && t > now + NEWEST) {
    problems.add(`The parameter ${at}.Timestamp must specify a time no more than two hours in the future.`);
  }
}

/** Keep points sorted by time and forget those past retention. */
function insertPoint(metric: StoredMetric, point: MetricPoint, now: number): void {
  const points = metric.points;
  let i = points.length;
  while (i > 0 && (points[i - 1] as MetricPoint).t > point.t) i--;
  points.splice(i, 0, point);
  let expired = 0;
  while (expired < points.length && (points[expired] as MetricPoint).t < now - RETENTION) expired++;
  if (expired > 0) points.splice(0, expired);
}

export function listMetrics(ctx: CallContext, input: ListMetricsInput): ListMetricsOutput {
  ensureArmed(ctx);
  const problems = new Problems();
  if (input.Dimensions && input.Dimensions.length > 10)
    problems.add('The collection Dimensions must not have a size greater than 10.');
  if (input.RecentlyActive !== undefined && input.RecentlyActive !== 'PT3H') {
    problems.add(`The value ${input.RecentlyActive} for parameter RecentlyActive is invalid.`);
  }
  problems.throwIfAny();
  const now = ctx.now.getTime();
  const since = input.RecentlyActive ? now - 3 * 3600 * 1000 : now - OLDEST;
  const metrics = Object.values(ctx.state(monitoringState).metrics)
    .filter((m) => m.lastPublished.getTime() >= since)
    .filter((m) => input.Namespace === undefined || m.Namespace === input.Namespace)
    .filter((m) => input.MetricName === undefined || m.MetricName === input.MetricName)
    .filter((m) =>
      (input.Dimensions ?? []).every((f) =>
        m.Dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)),
      ),
    )
    .sort((a, b) =>
      metricKey(a.Namespace, a.MetricName, a.Dimensions).localeCompare(
        metricKey(b.Namespace, b.MetricName, b.Dimensions),
      ),
    );
  const { NextToken: token, ...query } = input;
  const { page, nextToken } = paginate(metrics, {
    token,
    defaultMax: 500,
    query,
    invalidToken: invalidNextToken,
  });
  return {
    Metrics: page.map((m) => ({
      Namespace: m.Namespace,
      MetricName: m.MetricName,
      Dimensions: m.Dimensions,
    })),
    NextToken: nextToken,
  };
}

/** The start of the first period: the start time rounded down to the minute (to the period below a minute). */
export function alignedStart(start: number, period: number): number {
  const step = period >= 60 ? 60_000 : period * 1000;
  return Math.floor(start / step) * step;
}

export function getMetricStatistics(
  ctx: CallContext,
  input: GetMetricStatisticsInput,
): GetMetricStatisticsOutput {
  ensureArmed(ctx);
  checkNamespace(input.Namespace, 'Namespace', { write: false });
  checkMetricName(input.MetricName, 'MetricName');
  const statistics = input.Statistics ?? [];
  const extended = input.ExtendedStatistics ?? [];
  if (statistics.length === 0 && extended.length === 0) {
    throw invalidCombination(
      'At least one of the parameters Statistics and ExtendedStatistics must be specified.',
    );
  }
  const problems = new Problems();
  statistics.forEach((s, i) => {
    if (!isStatistic(s))
      problems.add(
        `The parameter Statistics.member.${i + 1} must be a value in the set [Sum, Maximum, Minimum, SampleCount, Average].`,
      );
  });
  extended.forEach((s, i) => {
    if (!isPercentile(s))
      problems.add(`The value ${s} for parameter ExtendedStatistics.member.${i + 1} is invalid.`);
  });
  const period = input.Period ?? 0;
  if (!validPeriod(period, { query: true })) problems.add('The parameter Period must be a multiple of 60.');
  checkDimensions(input.Dimensions, 'Dimensions', problems);
  checkUnit(input.Unit, 'Unit', problems);
  const startTime = (input.StartTime as Date).getTime();
  const endTime = (input.EndTime as Date).getTime();
  if (startTime >= endTime) problems.add('The parameter StartTime must be less than the parameter EndTime.');
  problems.throwIfAny();
  const start = alignedStart(startTime, period);
  const requested = Math.ceil((endTime - start) / (period * 1000));
  if (requested > 1440) {
    throw invalidCombination(
      `You have requested up to ${requested.toLocaleString('en-US')} datapoints, which exceeds the limit of 1,440. ` +
        'You may reduce the datapoints requested by increasing Period, or decreasing the time range.',
    );
  }
  const metric =
    ctx.state(monitoringState).metrics[
      metricKey(input.Namespace as string, input.MetricName as string, input.Dimensions)
    ];
  const buckets = metric
    ? bucketize(metric.points, {
        start,
        end: endTime,
        periodMs: period * 1000,
        unit: input.Unit,
        byUnit: input.Unit === undefined,
      })
    : [];
  const datapoints: Datapoint[] = buckets.map((b) => {
    const dp: Datapoint = { Timestamp: new Date(b.timestamp), Unit: b.unit as StandardUnit };
    for (const s of statistics) (dp as Record<string, unknown>)[s] = statisticOf(b, s);
    if (extended.length > 0) {
      const values: Record<string, number> = {};
      for (const s of extended) {
        const v = statisticOf(b, s);
        if (v !== undefined) values[s] = v;
      }
      dp.ExtendedStatistics = values;
    }
    return dp;
  });
  return { Label: input.MetricName, Datapoints: datapoints };
}
