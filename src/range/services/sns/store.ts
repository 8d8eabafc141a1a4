import type { MessageAttributeValue, Tag } from '@aws-sdk/client-sns';
import { defineState } from '../../state.js';
import { record } from '../../records.js';

/** A message published to a topic, as the range keeps it (SNS itself offers no API to read it back). */
export interface PublishedMessage {
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, MessageAttributeValue>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
  SequenceNumber?: string;
  Timestamp: Date;
  /** Who published: the caller's ARN (for alarm notifications, the principal that created the alarm). */
  PublishedBy: string;
}

export interface StoredTopic {
  TopicArn: string;
  Name: string;
  Owner: string;
  /** The attributes set at creation or with SetTopicAttributes (DisplayName, Policy, ...). */
  Attributes: Record<string, string>;
  Tags: Tag[];
  SubscriptionsDeleted: number;
  /** The last MESSAGE_LIMIT messages, oldest first. */
  Messages: PublishedMessage[];
  nextSequence: number;
}

export interface StoredSubscription {
  SubscriptionArn: string;
  TopicArn: string;
  Protocol: string;
  Endpoint: string;
  Owner: string;
  SubscriptionPrincipal: string;
  pending: boolean;
  /** The token a SubscriptionConfirmation message would carry (range-only read path: pendingConfirmations). */
  token: string;
  authenticated: boolean;
  Attributes: Record<string, string>;
}

export interface SnsState {
  topics: Record<string, StoredTopic>;
  /** In creation order. */
  subscriptions: Record<string, StoredSubscription>;
}

export const snsState = defineState<SnsState>('sns', 'regional', () => ({
  topics: record(),
  subscriptions: record(),
}));

export const MESSAGE_LIMIT = 100;

export interface TopicArnParts {
  region: string;
  accountId: string;
  name: string;
}

const TOPIC_ARN = /^arn:aws[\w-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;

export function parseTopicArn(arn: string | undefined): TopicArnParts | undefined {
  const m = TOPIC_ARN.exec(arn ?? '');
  return m ? { region: m[1] as string, accountId: m[2] as string, name: m[3] as string } : undefined;
}

export function topicArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sns:${region}:${accountId}:${name}`;
}
