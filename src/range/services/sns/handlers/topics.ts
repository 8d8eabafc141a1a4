import type {
  CreateTopicInput,
  CreateTopicResponse,
  DeleteTopicInput,
  GetTopicAttributesInput,
  GetTopicAttributesResponse,
  ListTopicsInput,
  ListTopicsResponse,
  SetTopicAttributesInput,
} from '@aws-sdk/client-sns';
import type { CallContext } from '../../../context.js';
import { paginate } from '../../../paginate.js';
import { invalidNextToken, invalidParameter, topicOf } from '../errors.js';
import { parseTopicArn, snsState, topicArn, type StoredTopic } from '../store.js';
import { checkTags } from './tags.js';
import { record } from '../../../records.js';

/** Attributes CreateTopic accepts; SetTopicAttributes accepts the same except FifoTopic. */
const CREATE_ATTRIBUTES = new Set([
  'DeliveryPolicy',
  'DisplayName',
  'FifoTopic',
  'Policy',
  'SignatureVersion',
  'TracingConfig',
  'KmsMasterKeyId',
  'ContentBasedDeduplication',
  'ArchivePolicy',
  'FifoThroughputScope',
  'DataProtectionPolicy',
]);
const JSON_ATTRIBUTES = new Set(['DeliveryPolicy', 'Policy', 'ArchivePolicy', 'DataProtectionPolicy']);

const NAME = /^[A-Za-z0-9_-]{1,256}$/;

function checkAttribute(name: string, value: string, topic: { fifo: boolean }): void {
  if (JSON_ATTRIBUTES.has(name) && value !== '') {
    try {
      JSON.parse(value);
    } catch {
      throw invalidParameter(`${name} Error: the value is not valid JSON`);
    }
  }
  if (
    (name === 'FifoTopic' || name === 'ContentBasedDeduplication') &&
    value !== 'true' &&
    value !== 'false'
  ) {
    throw invalidParameter(`Attributes Reason: ${name} must be true or false`);
  }
  if (name === 'ContentBasedDeduplication' && value === 'true' && !topic.fifo) {
    throw invalidParameter('Attributes Reason: Content-based deduplication can only be set for FIFO topics');
  }
  if (name === 'SignatureVersion' && value !== '1' && value !== '2')
    throw invalidParameter('Attributes Reason: SignatureVersion must be 1 or 2');
  if (name === 'TracingConfig' && value !== 'Active' && value !== 'PassThrough') {
    throw invalidParameter('Attributes Reason: TracingConfig must be Active or PassThrough');
  }
  if (name === 'DisplayName' && value.length > 100)
    throw invalidParameter('Attributes Reason: DisplayName must be at most 100 characters');
}

function defaultPolicy(arn: string, accountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: arn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  });
}

const EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

/** Creating a topic that exists returns it, unless the request asks for other attributes or tags. */
export function createTopic(ctx: CallContext, input: CreateTopicInput): CreateTopicResponse {
  const name = input.Name as string;
  const attributes = input.Attributes ?? {};
  const fifo = attributes.FifoTopic === 'true';
  if (
    fifo ? !name.endsWith('.fifo') || !NAME.test(name.slice(0, -5)) || name.length > 256 : !NAME.test(name)
  ) {
    throw invalidParameter(
      fifo
        ? 'Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.'
        : 'Topic Name',
    );
  }
  for (const [k, v] of Object.entries(attributes)) {
    if (!CREATE_ATTRIBUTES.has(k)) throw invalidParameter(`Attributes Reason: Unknown attribute ${k}`);
    checkAttribute(k, v, { fifo });
  }
  checkTags(input.Tags);
  const arn = topicArn(ctx.region, ctx.accountId, name);
  const s = ctx.state(snsState);
  const existing = s.topics[arn];
  if (existing) {
    const current = attributesOf(ctx, existing);
    if (
      Object.entries(attributes).some(([k, v]) => (current[k] ?? (k === 'FifoTopic' ? 'false' : '')) !== v)
    ) {
      throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
    }
    const tags = new Map(existing.Tags.map((t) => [t.Key, t.Value]));
    if ((input.Tags ?? []).some((t) => tags.get(t.Key) !== t.Value)) {
      throw invalidParameter('Tags Reason: Topic already exists with different tags');
    }
    return { TopicArn: arn };
  }
  s.topics[arn] = {
    TopicArn: arn,
    Name: name,
    Owner: ctx.accountId,
    Attributes: record(attributes),
    Tags: (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value })),
    SubscriptionsDeleted: 0,
    Messages: [],
    nextSequence: 1,
  };
  return { TopicArn: arn };
}

/** Deleting a topic that does not exist succeeds, as in AWS; its subscriptions go with it. */
export function deleteTopic(ctx: CallContext, input: DeleteTopicInput): Record<string, never> {
  const parts = parseTopicArn(input.TopicArn);
  if (!parts || parts.region !== ctx.region) throw invalidParameter('TopicArn');
  const s = ctx.state(snsState, { accountId: parts.accountId });
  delete s.topics[input.TopicArn as string];
  for (const [arn, sub] of Object.entries(s.subscriptions))
    if (sub.TopicArn === input.TopicArn) delete s.subscriptions[arn];
  return {};
}

export function listTopics(ctx: CallContext, input: ListTopicsInput): ListTopicsResponse {
  const topics = Object.keys(ctx.state(snsState).topics).sort();
  const { page, nextToken } = paginate(topics, {
    token: input.NextToken,
    defaultMax: 100,
    invalidToken: invalidNextToken,
  });
  return { Topics: page.map((TopicArn) => ({ TopicArn })), NextToken: nextToken };
}

function attributesOf(ctx: CallContext, topic: StoredTopic): Record<string, string> {
  const subs = Object.values(ctx.state(snsState, { accountId: topic.Owner }).subscriptions).filter(
    (x) => x.TopicArn === topic.TopicArn,
  );
  const out: Record<string, string> = {
    Policy: defaultPolicy(topic.TopicArn, topic.Owner),
    Owner: topic.Owner,
    SubscriptionsPending: String(subs.filter((x) => x.pending).length),
    TopicArn: topic.TopicArn,
    EffectiveDeliveryPolicy: EFFECTIVE_DELIVERY_POLICY,
    SubscriptionsConfirmed: String(subs.filter((x) => !x.pending).length),
    DisplayName: '',
    SubscriptionsDeleted: String(topic.SubscriptionsDeleted),
  };
  if (topic.Name.endsWith('.fifo')) {
    out.FifoTopic = 'true';
    out.ContentBasedDeduplication = 'false';
  }
  // An empty value unsets an attribute (back to its default, if it has one).
  for (const [k, v] of Object.entries(topic.Attributes)) if (v !== '' || k === 'DisplayName') out[k] = v;
  return out;
}

export function getTopicAttributes(
  ctx: CallContext,
  input: GetTopicAttributesInput,
): GetTopicAttributesResponse {
  return { Attributes: attributesOf(ctx, topicOf(ctx, input.TopicArn)) };
}

export function setTopicAttributes(ctx: CallContext, input: SetTopicAttributesInput): Record<string, never> {
  const topic = topicOf(ctx, input.TopicArn);
  const name = input.AttributeName as string;
  if (!CREATE_ATTRIBUTES.has(name) || name === 'FifoTopic') throw invalidParameter('AttributeName');
  const value = input.AttributeValue ?? '';
  checkAttribute(name, value, { fifo: topic.Name.endsWith('.fifo') });
  topic.Attributes[name] = value;
  return {};
}
