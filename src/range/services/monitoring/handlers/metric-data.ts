import type {
  GetMetricDataInput,
  GetMetricDataOutput,
  MetricDataQuery,
  MetricDataResult,
  MessageData,
} from '@aws-sdk/client-cloudwatch';
import type { CallContext } from '../../../context.js';
import { paginate } from '../../../paginate.js';
import { ensureArmed } from '../alarm-runtime.js';
import { ExpressionError, evaluateExpression, type Series } from '../expression.js';
import { bucketize, isPercentile, isStatistic, statisticOf } from '../metrics.js';
import { metricKey, monitoringState, type MonitoringState } from '../store.js';
import { Problems, checkUnit, invalidValue, validPeriod, validationError } from '../validate.js';
import { alignedStart, invalidNextToken } from './metrics.js';

const ID = /^[a-z][a-zA-Z0-9_]*$/;

interface Computed {
  points: Series;
  messages?: MessageData[];
  failed?: boolean;
}

export function getMetricData(ctx: CallContext, input: GetMetricDataInput): GetMetricDataOutput {
  ensureArmed(ctx);
  const queries = input.MetricDataQueries ?? [];
  validateQueries(queries);
  const startTime = (input.StartTime as Date).getTime();
  const endTime = (input.EndTime as Date).getTime();
  if (startTime >= endTime)
    throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  if (
    input.ScanBy !== undefined &&
    input.ScanBy !== 'TimestampDescending' &&
    input.ScanBy !== 'TimestampAscending'
  ) {
    throw validationError(`The value ${input.ScanBy} for parameter ScanBy is invalid.`);
  }
  if (input.MaxDatapoints !== undefined && input.MaxDatapoints < 1) {
    throw validationError(`The value ${input.MaxDatapoints} for parameter MaxDatapoints is invalid.`);
  }

  const s = ctx.state(monitoringState);
  const byId = new Map(queries.map((q) => [q.Id as string, q]));
  const computed = new Map<string, Computed>();
  const compute = (id: string, visiting: Set<string>): Computed | undefined => {
    const done = computed.get(id);
    if (done) return done;
    const q = byId.get(id);
    if (!q) return undefined;
    if (visiting.has(id)) throw new ExpressionError(`The expression of '${id}' refers to itself.`);
    visiting.add(id);
    let result: Computed;
    if (q.MetricStat) {
      result = { points: metricStatSeries(s, q, startTime, endTime) };
    } else {
      try {
        const value = evaluateExpression(q.Expression as string, (ref) => {
          const other = compute(ref, visiting);
          if (other?.failed) throw new ExpressionError(`The metric '${ref}' could not be computed.`);
          return other?.points;
        });
        result = { points: value.kind === 'series' ? value.points : new Map() };
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        result = {
          points: new Map(),
          failed: true,
          messages: [{ Code: 'InternalError', Value: err.message }],
        };
      }
    }
    visiting.delete(id);
    computed.set(id, result);
    return result;
  };

  const ascending = input.ScanBy === 'TimestampAscending';
  const results = queries
    .filter((q) => q.ReturnData !== false)
    .map((q) => {
      const c = compute(q.Id as string, new Set()) as Computed;
      const times = [...c.points.keys()].sort((a, b) => (ascending ? a - b : b - a));
      return { query: q, computed: c, times };
    });

  // Pages hold at most MaxDatapoints datapoints across all results.
  const flat: Array<[number, number]> = [];
  results.forEach((r, ri) => r.times.forEach((_, pi) => flat.push([ri, pi])));
  const { NextToken: token, MaxDatapoints: max, ...query } = input;
  const { page, nextToken } = paginate(flat, {
    token,
    max,
    defaultMax: 100_800,
    query,
    invalidToken: invalidNextToken,
  });
  const last = page.at(-1);
  const out: MetricDataResult[] = results.map((r, ri) => {
    const mine = page.filter(([i]) => i === ri).map(([, pi]) => r.times[pi] as number);
    const truncated =
      nextToken !== undefined &&
      last !== undefined &&
      (ri > last[0] || (ri === last[0] && last[1] < r.times.length - 1));
    return {
      Id: r.query.Id,
      Label: r.query.Label ?? r.query.MetricStat?.Metric?.MetricName ?? r.query.Id,
      Timestamps: mine.map((t) => new Date(t)),
      Values: mine.map((t) => r.computed.points.get(t) as number),
      StatusCode: r.computed.failed ? 'InternalError' : truncated ? 'PartialData' : 'Complete',
      ...(r.computed.messages ? { Messages: r.computed.messages } : {}),
    };
  });
  return { MetricDataResults: out, NextToken: nextToken, Messages: [] };
}

function metricStatSeries(
  s: MonitoringState,
  q: MetricDataQuery,
  startTime: number,
  endTime: number,
): Series {
  const stat = q.MetricStat!;
  const m = stat.Metric ?? {};
  const metric = s.metrics[metricKey(m.Namespace ?? '', m.MetricName ?? '', m.Dimensions)];
  const points: Series = new Map();
  if (!metric) return points;
  const period = stat.Period as number;
  const start = alignedStart(startTime, period);
  for (const b of bucketize(metric.points, {
    start,
    end: endTime,
    periodMs: period * 1000,
    unit: stat.Unit,
  })) {
    const v = statisticOf(b, stat.Stat as string);
    if (v !== undefined) points.set(b.timestamp, v);
  }
  return points;
}

function validateQueries(queries: readonly MetricDataQuery[]): void {
  if (queries.length > 500)
    throw validationError('The collection MetricDataQueries must not have a size greater than 500.');
  const ids = new Set<string>();
  const problems = new Problems();
  queries.forEach((q, i) => {
    const at = `MetricDataQueries.member.${i + 1}`;
    const id = q.Id ?? '';
    if (!ID.test(id) || id.length > 255) {
      throw validationError(
        `Invalid metric id ${id} for parameter ${at}.Id: the first character must be a lower-case letter, the others letters, numbers or underscores.`,
      );
    }
    if (ids.has(id))
      throw validationError(`The values for parameter id in MetricDataQueries are not unique: ${id}.`);
    ids.add(id);
    if (q.MetricStat && q.Expression !== undefined) {
      throw validationError(
        'The parameters MetricDataQuery Expression and MetricStat are mutually exclusive and you have specified both.',
      );
    }
    if (!q.MetricStat && q.Expression === undefined) {
      throw validationError(
        `Exactly one of the parameters ${at}.MetricStat and ${at}.Expression must be specified.`,
      );
    }
    const stat = q.MetricStat;
    if (!stat) return;
    if (!stat.Metric?.Namespace || !stat.Metric.MetricName) {
      throw validationError(
        `The parameters ${at}.MetricStat.Metric.Namespace and ${at}.MetricStat.Metric.MetricName are required.`,
      );
    }
    if (stat.Stat === undefined || (!isStatistic(stat.Stat) && !isPercentile(stat.Stat))) {
      throw validationError(
        `The value ${stat.Stat} for parameter ${at}.MetricStat.Stat is not a valid statistic.`,
      );
    }
    if (stat.Period === undefined || !validPeriod(stat.Period, { query: true })) {
      throw validationError(
        `The value ${stat.Period} for parameter ${at}.MetricStat.Period is invalid: use 1, 5, 10, 20, 30 or a multiple of 60.`,
      );
    }
    checkUnit(stat.Unit, `${at}.MetricStat.Unit`, problems);
  });
  problems.throwIfAny();
}
