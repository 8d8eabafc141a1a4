import type { EventResource, ServiceDefinition } from '../../context.js';
import { publish } from './handlers/publish.js';
import {
  confirmSubscription,
  getSubscriptionAttributes,
  listSubscriptions,
  listSubscriptionsByTopic,
  subscribe,
  unsubscribe,
} from './handlers/subscriptions.js';
import { listTagsForResource, tagResource, untagResource } from './handlers/tags.js';
import {
  createTopic,
  deleteTopic,
  getTopicAttributes,
  listTopics,
  setTopicAttributes,
} from './handlers/topics.js';

import { topicPolicy } from './topic-policy.js';

export { publishedMessages, pendingConfirmations } from './messages.js';

/** Amazon SNS topics and subscriptions (query protocol, regional). */
export const snsService: ServiceDefinition = {
  name: 'sns',
  eventSource: 'sns.amazonaws.com',
  handlers: {
    CreateTopic: createTopic,
    DeleteTopic: deleteTopic,
    ListTopics: listTopics,
    GetTopicAttributes: getTopicAttributes,
    SetTopicAttributes: setTopicAttributes,
    Subscribe: subscribe,
    ConfirmSubscription: confirmSubscription,
    Unsubscribe: unsubscribe,
    ListSubscriptions: listSubscriptions,
    ListSubscriptionsByTopic: listSubscriptionsByTopic,
    GetSubscriptionAttributes: getSubscriptionAttributes,
    Publish: publish,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
  },
  resourcePolicy: topicPolicy,
  // CloudTrail logs Publish as a data event on the topic.
  dataEvents: new Set(['Publish', 'PublishBatch']),
  resources(_operation, input, output): EventResource[] {
    const out: EventResource[] = [];
    const topic = [
      input.TopicArn,
      input.ResourceArn,
      (output as { TopicArn?: unknown } | undefined)?.TopicArn,
    ].find((x): x is string => typeof x === 'string');
    if (topic) out.push({ ResourceType: 'AWS::SNS::Topic', ResourceName: topic });
    if (typeof input.SubscriptionArn === 'string')
      out.push({ ResourceType: 'AWS::SNS::Subscription', ResourceName: input.SubscriptionArn });
    return out;
  },
};
