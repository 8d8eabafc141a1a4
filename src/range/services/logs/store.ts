import type { MetricTransformation } from '@aws-sdk/client-cloudwatch-logs';
import { defineState } from '../../state.js';
import { record } from '../../records.js';

/** One log event as stored: `seq` orders events of a group that share a timestamp and names the event. */
export interface StoredLogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  seq: number;
}

export interface StoredLogStream {
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  /** Sorted by timestamp, then by seq. */
  events: StoredLogEvent[];
}

export interface StoredMetricFilter {
  filterName: string;
  filterPattern: string;
  metricTransformations: MetricTransformation[];
  creationTime: number;
}

export interface StoredLogGroup {
  logGroupName: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  deletionProtectionEnabled: boolean;
  tags: Record<string, string>;
  streams: Record<string, StoredLogStream>;
  metricFilters: Record<string, StoredMetricFilter>;
  storedBytes: number;
  /** The next event sequence number in this group. */
  nextSeq: number;
}

/** A Logs Insights query and, once it ran, its results (AWS keeps them for 7 days). */
export interface StoredQuery {
  queryId: string;
  queryString: string;
  status: 'Scheduled' | 'Running' | 'Complete' | 'Failed' | 'Cancelled' | 'Timeout';
  createTime: number;
  logGroupNames: string[];
  userIdentity: string;
  results: Array<Array<{ field: string; value: string }>>;
  statistics: { recordsMatched: number; recordsScanned: number; bytesScanned: number };
}

export interface LogsState {
  groups: Record<string, StoredLogGroup>;
  /** Absent in state saved before Logs Insights existed on the range. */
  queries?: Record<string, StoredQuery>;
}

export const logsState = defineState<LogsState>('logs', 'regional', () => ({
  groups: record(),
  queries: record(),
}));
