import type { MetricPoint } from './store.js';

/** The statistics of one period (and one unit) of a metric. */
export interface PeriodStats {
  /** Epoch milliseconds of the period start. */
  timestamp: number;
  unit: string;
  n: number;
  sum: number;
  min: number;
  max: number;
  /** Raw values with their counts; absent when a statistic set without raw values contributed. */
  values?: number[];
  counts?: number[];
}

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type StatisticName = (typeof STATISTICS)[number];

const PERCENTILE = /^p(\d{1,2}(?:\.\d{1,2})?|100(?:\.0{1,2})?)$/;

export function isStatistic(s: string): s is StatisticName {
  return (STATISTICS as readonly string[]).includes(s);
}

/** `p0` to `p100` with up to two decimals: the extended statistics the range computes. */
export function isPercentile(s: string): boolean {
  return PERCENTILE.test(s);
}

/**
 * Group points into periods that start at `start + k * period` (all in ms), within [start, end).
 * With `byUnit`, points of different units stay apart (as GetMetricStatistics answers without a Unit).
 * `points` must be sorted by time, as the store keeps them.
 */
export function bucketize(
  points: readonly MetricPoint[],
  opts: { start: number; end: number; periodMs: number; unit?: string; byUnit?: boolean },
): PeriodStats[] {
  const buckets = new Map<string, PeriodStats>();
  // Points are sorted by time: start at the first one in range.
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as MetricPoint).t < opts.start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < points.length; i++) {
    const p = points[i] as MetricPoint;
    if (p.t >= opts.end) break;
    if (opts.unit !== undefined && p.unit !== opts.unit) continue;
    const timestamp = opts.start + Math.floor((p.t - opts.start) / opts.periodMs) * opts.periodMs;
    const unit = opts.byUnit ? p.unit : (opts.unit ?? p.unit);
    const key = `${timestamp}|${opts.byUnit ? unit : ''}`;
    const b = buckets.get(key);
    if (!b) {
      buckets.set(key, {
        timestamp,
        unit,
        n: p.n,
        sum: p.sum,
        min: p.min,
        max: p.max,
        values: p.values ? [...p.values] : undefined,
        counts: p.counts ? [...p.counts] : undefined,
      });
      continue;
    }
    b.n += p.n;
    b.sum += p.sum;
    b.min = Math.min(b.min, p.min);
    b.max = Math.max(b.max, p.max);
    if (b.values && b.counts && p.values && p.counts) {
      b.values.push(...p.values);
      b.counts.push(...p.counts);
    } else {
      b.values = undefined;
      b.counts = undefined;
    }
  }
  return [...buckets.values()].sort((a, b) => a.timestamp - b.timestamp || a.unit.localeCompare(b.unit));
}

/** Nearest-rank percentile over values that occurred `counts` times. */
export function percentile(
  values: readonly number[],
  counts: readonly number[],
  p: number,
): number | undefined {
  const pairs = values.map((v, i) => [v, counts[i] ?? 1] as const).filter(([, c]) => c > 0);
  if (pairs.length === 0) return undefined;
  pairs.sort((a, b) => a[0] - b[0]);
  const total = pairs.reduce((s, [, c]) => s + c, 0);
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [v, c] of pairs) {
    seen += c;
    if (seen >= rank) return v;
  }
  return pairs[pairs.length - 1]?.[0];
}

/** A statistic (Sum, Average, ..., or pNN) of one period; undefined when it cannot be computed. */
export function statisticOf(stats: PeriodStats, statistic: string): number | undefined {
  switch (statistic) {
    case 'Sum':
      return stats.sum;
    case 'Average':
      return stats.n > 0 ? stats.sum / stats.n : undefined;
    case 'Minimum':
      return stats.min;
    case 'Maximum':
      return stats.max;
    case 'SampleCount':
      return stats.n;
    default: {
      if (!isPercentile(statistic) || !stats.values || !stats.counts) return undefined;
      // CloudWatch offers no percentiles over negative values.
      if (stats.values.some((v) => v < 0)) return undefined;
      return percentile(stats.values, stats.counts, Number(statistic.slice(1)));
    }
  }
}

/** Reduce one datum to a point; raw values are kept where percentiles stay computable. */
export function pointOf(
  t: number,
  unit: string,
  datum: {
    Value?: number;
    Values?: number[];
    Counts?: number[];
    StatisticValues?: { SampleCount?: number; Sum?: number; Minimum?: number; Maximum?: number };
  },
): MetricPoint {
  if (datum.Values && datum.Values.length > 0) {
    const counts = datum.Values.map((_, i) => datum.Counts?.[i] ?? 1);
    let n = 0;
    let sum = 0;
    for (let i = 0; i < datum.Values.length; i++) {
      n += counts[i] as number;
      sum += (datum.Values[i] as number) * (counts[i] as number);
    }
    return {
      t,
      unit,
      n,
      sum,
      min: Math.min(...datum.Values),
      max: Math.max(...datum.Values),
      values: [...datum.Values],
      counts,
    };
  }
  if (datum.StatisticValues) {
    const s = datum.StatisticValues;
    const point: MetricPoint = {
      t,
      unit,
      n: s.SampleCount ?? 0,
      sum: s.Sum ?? 0,
      min: s.Minimum ?? 0,
      max: s.Maximum ?? 0,
    };
    if (point.min === point.max && point.n > 0) {
      point.values = [point.min];
      point.counts = [point.n];
    }
    return point;
  }
  const v = datum.Value ?? 0;
  return { t, unit, n: 1, sum: v, min: v, max: v, values: [v], counts: [1] };
}
