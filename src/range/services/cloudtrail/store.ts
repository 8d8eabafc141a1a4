import type { AdvancedEventSelector, EventSelector, InsightSelector, Tag } from '@aws-sdk/client-cloudtrail';
import { defineState } from '../../state.js';
import { record } from '../../records.js';

export interface TrailStatus {
  isLogging: boolean;
  startLoggingTime?: Date;
  stopLoggingTime?: Date;
  /** The StopLogging call that stopped the trail: its own event is still delivered. */
  stopRequestId?: string;
  latestDeliveryTime?: Date;
  latestCloudWatchLogsDeliveryTime?: Date;
  latestCloudWatchLogsDeliveryError?: string;
}

/** A trail, stored in its home region; multi-region trails show as shadow trails elsewhere. */
export interface StoredTrail {
  name: string;
  accountId: string;
  homeRegion: string;
  arn: string;
  s3BucketName: string;
  s3KeyPrefix?: string;
  snsTopicName?: string;
  snsTopicArn?: string;
  includeGlobalServiceEvents: boolean;
  isMultiRegionTrail: boolean;
  logFileValidationEnabled: boolean;
  cloudWatchLogsLogGroupArn?: string;
  cloudWatchLogsRoleArn?: string;
  kmsKeyId?: string;
  isOrganizationTrail: boolean;
  /** Absent: the default selector (all management events, no data events). */
  eventSelectors?: EventSelector[];
  advancedEventSelectors?: AdvancedEventSelector[];
  /** PutInsightSelectors; absent when Insights are off. */
  insightSelectors?: InsightSelector[];
  tags: Tag[];
  status: TrailStatus;
  createdAt: Date;
}

export interface CloudTrailState {
  trails: Record<string, StoredTrail>;
  /** LookupEvents token bucket of this account and region. */
  lookupBucket?: { tokens: number; at: number };
}

export const cloudTrailState = defineState<CloudTrailState>('cloudtrail', 'regional', () => ({
  trails: record(),
}));
