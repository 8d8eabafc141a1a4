import type { AlarmHistoryItem, Dimension, MetricAlarm, Tag } from '@aws-sdk/client-cloudwatch';
import { defineState } from '../../state.js';
import { record } from '../../records.js';

/**
 * One published datum, already reduced to a statistic set. Raw values (with their counts) are kept
 * when CloudWatch could compute percentiles from them: single values, Values/Counts arrays, and
 * statistic sets whose values are all equal.
 */
export interface MetricPoint {
  /** Epoch milliseconds of the datum's timestamp. */
  t: number;
  unit: string;
  n: number;
  sum: number;
  min: number;
  max: number;
  values?: number[];
  counts?: number[];
}

export interface StoredMetric {
  Namespace: string;
  MetricName: string;
  /** As first published; the metric's identity is the set of dimensions, not their order. */
  Dimensions: Dimension[];
  lastPublished: Date;
  /** Sorted by time. */
  points: MetricPoint[];
}

export interface StoredAlarm {
  /** Exactly what DescribeAlarms answers. */
  alarm: MetricAlarm;
  tags: Tag[];
  /** Identifies the evaluation timer chain that currently owns the alarm (older chains stop). */
  armToken: string;
}

export type StoredHistoryItem = AlarmHistoryItem & { AlarmName: string; Timestamp: Date };

export interface MonitoringState {
  /** By metricKey(). */
  metrics: Record<string, StoredMetric>;
  alarms: Record<string, StoredAlarm>;
  /** Oldest first; kept after an alarm is deleted, as in AWS. */
  history: StoredHistoryItem[];
}

export const monitoringState = defineState<MonitoringState>('monitoring', 'regional', () => ({
  metrics: record(),
  alarms: record(),
  history: [],
}));

/** CloudWatch keeps alarm history for 30 days; the range also bounds the list. */
export const HISTORY_LIMIT = 5000;

/** A metric is its namespace, name and set of dimensions (dimension order does not matter). */
export function metricKey(
  namespace: string,
  metricName: string,
  dimensions: readonly Dimension[] | undefined,
): string {
  const dims = [...(dimensions ?? [])]
    .map((d) => `${d.Name ?? ''}=${d.Value ?? ''}`)
    .sort()
    .join('\u0001');
  return `${namespace}\u0000${metricName}\u0000${dims}`;
}

export function alarmArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`;
}
