import type {
  ConfirmSubscriptionInput,
  ConfirmSubscriptionResponse,
  GetSubscriptionAttributesInput,
  GetSubscriptionAttributesResponse,
  ListSubscriptionsByTopicInput,
  ListSubscriptionsByTopicResponse,
  ListSubscriptionsInput,
  ListSubscriptionsResponse,
  SubscribeInput,
  SubscribeResponse,
  Subscription,
  UnsubscribeInput,
} from '@aws-sdk/client-sns';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { hexId, uuid } from '../../../ids.js';
import { paginate } from '../../../paginate.js';
import { invalidNextToken, invalidParameter, topicOf } from '../errors.js';
import { parseTopicArn, snsState, type StoredSubscription } from '../store.js';
import { record } from '../../../records.js';

/** What each protocol's endpoint must look like, and whether the endpoint has to confirm first. */
const PROTOCOLS: Record<string, { endpoint: RegExp; what: string; confirm: boolean }> = record({
  http: { endpoint: /^http:\/\/\S+$/, what: 'Endpoint must match the specified protocol', confirm: true },
  https: { endpoint: /^https:\/\/\S+$/, what: 'Endpoint must match the specified protocol', confirm: true },
  email: { endpoint: /^[^@\s]+@[^@\s]+\.[^@\s]+$/, what: 'Email address', confirm: true },
  'email-json': { endpoint: /^[^@\s]+@[^@\s]+\.[^@\s]+$/, what: 'Email address', confirm: true },
  sms: { endpoint: /^\+?[0-9]{5,15}$/, what: 'Invalid SMS endpoint', confirm: false },
  sqs: {
    endpoint: /^arn:aws[\w-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]+(\.fifo)?$/,
    what: 'SQS endpoint ARN',
    confirm: false,
  },
  lambda: {
    endpoint: /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/,
    what: 'Lambda endpoint ARN',
    confirm: false,
  },
  firehose: {
    endpoint: /^arn:aws[\w-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream\/[\w.-]+$/,
    what: 'Firehose endpoint ARN',
    confirm: false,
  },
  application: {
    endpoint: /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:endpoint\/.+$/,
    what: 'Application endpoint ARN',
    confirm: false,
  },
});

const SUBSCRIPTION_ATTRIBUTES = new Set([
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
]);

function subscriptionNotFound(): ServiceError {
  return new ServiceError('NotFound', 'Subscription does not exist', 404);
}

/**
 * Queues, functions, streams, phones and push endpoints are subscribed at once; http(s) and email
 * endpoints stay PendingConfirmation until ConfirmSubscription with the token AWS would send them.
 */
export function subscribe(ctx: CallContext, input: SubscribeInput): SubscribeResponse {
  const topic = topicOf(ctx, input.TopicArn);
  const protocol = input.Protocol as string;
  const rule = PROTOCOLS[protocol];
  if (!rule) throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
  const endpoint = input.Endpoint ?? '';
  if (!rule.endpoint.test(endpoint)) throw invalidParameter(rule.what);
  for (const [k, v] of Object.entries(input.Attributes ?? {})) {
    if (!SUBSCRIPTION_ATTRIBUTES.has(k)) throw invalidParameter(`Attributes Reason: Unknown attribute ${k}`);
    if (k === 'RawMessageDelivery' && v !== 'true' && v !== 'false')
      throw invalidParameter('Attributes Reason: RawMessageDelivery must be true or false');
    if ((k === 'FilterPolicy' || k === 'DeliveryPolicy' || k === 'RedrivePolicy') && v !== '') {
      try {
        JSON.parse(v);
      } catch {
        throw invalidParameter(`${k}: failed to parse JSON`);
      }
    }
  }
  const s = ctx.state(snsState, { accountId: topic.Owner });
  const answer = (sub: StoredSubscription) => ({
    SubscriptionArn:
      sub.pending && !input.ReturnSubscriptionArn ? 'pending confirmation' : sub.SubscriptionArn,
  });
  const existing = Object.values(s.subscriptions).find(
    (x) => x.TopicArn === topic.TopicArn && x.Protocol === protocol && x.Endpoint === endpoint,
  );
  if (existing) return answer(existing);
  const sub: StoredSubscription = {
    SubscriptionArn: `${topic.TopicArn}:${uuid()}`,
    TopicArn: topic.TopicArn,
    Protocol: protocol,
    Endpoint: endpoint,
    Owner: ctx.accountId,
    SubscriptionPrincipal: ctx.principal.arn,
    pending: rule.confirm,
    token: hexId(256),
    authenticated: false,
    Attributes: record(input.Attributes ?? {}),
  };
  s.subscriptions[sub.SubscriptionArn] = sub;
  return answer(sub);
}

export function confirmSubscription(
  ctx: CallContext,
  input: ConfirmSubscriptionInput,
): ConfirmSubscriptionResponse {
  const topic = topicOf(ctx, input.TopicArn);
  const sub = Object.values(ctx.state(snsState, { accountId: topic.Owner }).subscriptions).find(
    (x) => x.TopicArn === topic.TopicArn && x.token === input.Token,
  );
  if (!sub) throw invalidParameter('Token');
  sub.pending = false;
  sub.authenticated = input.AuthenticateOnUnsubscribe === 'true';
  return { SubscriptionArn: sub.SubscriptionArn };
}

function subscriptionOf(
  ctx: CallContext,
  arn: string | undefined,
): { sub: StoredSubscription; accountId: string } {
  const topicPart = (arn ?? '').replace(/:[0-9a-f-]{36}$/, '');
  const parts = parseTopicArn(topicPart);
  if (!parts || topicPart === arn || parts.region !== ctx.region) throw invalidParameter('SubscriptionArn');
  const sub = ctx.state(snsState, { accountId: parts.accountId }).subscriptions[arn as string];
  if (!sub) throw subscriptionNotFound();
  return { sub, accountId: parts.accountId };
}

export function unsubscribe(ctx: CallContext, input: UnsubscribeInput): Record<string, never> {
  const { sub, accountId } = subscriptionOf(ctx, input.SubscriptionArn);
  const s = ctx.state(snsState, { accountId });
  delete s.subscriptions[sub.SubscriptionArn];
  const topic = s.topics[sub.TopicArn];
  if (topic) topic.SubscriptionsDeleted++;
  return {};
}

function listed(sub: StoredSubscription): Subscription {
  return {
    SubscriptionArn: sub.pending ? 'PendingConfirmation' : sub.SubscriptionArn,
    Owner: sub.Owner,
    Protocol: sub.Protocol,
    Endpoint: sub.Endpoint,
    TopicArn: sub.TopicArn,
  };
}

export function listSubscriptions(
  ctx: CallContext,
  input: ListSubscriptionsInput,
): ListSubscriptionsResponse {
  const subs = Object.values(ctx.state(snsState).subscriptions);
  const { page, nextToken } = paginate(subs, {
    token: input.NextToken,
    defaultMax: 100,
    invalidToken: invalidNextToken,
  });
  return { Subscriptions: page.map(listed), NextToken: nextToken };
}

export function listSubscriptionsByTopic(
  ctx: CallContext,
  input: ListSubscriptionsByTopicInput,
): ListSubscriptionsByTopicResponse {
  const topic = topicOf(ctx, input.TopicArn);
  const subs = Object.values(ctx.state(snsState, { accountId: topic.Owner }).subscriptions).filter(
    (x) => x.TopicArn === topic.TopicArn,
  );
  const { page, nextToken } = paginate(subs, {
    token: input.NextToken,
    defaultMax: 100,
    query: topic.TopicArn,
    invalidToken: invalidNextToken,
  });
  return { Subscriptions: page.map(listed), NextToken: nextToken };
}

export function getSubscriptionAttributes(
  ctx: CallContext,
  input: GetSubscriptionAttributesInput,
): GetSubscriptionAttributesResponse {
  const { sub } = subscriptionOf(ctx, input.SubscriptionArn);
  return {
    Attributes: {
      Owner: sub.Owner,
      RawMessageDelivery: 'false',
      TopicArn: sub.TopicArn,
      Endpoint: sub.Endpoint,
      Protocol: sub.Protocol,
      PendingConfirmation: String(sub.pending),
      ConfirmationWasAuthenticated: String(sub.authenticated),
      SubscriptionArn: sub.SubscriptionArn,
      SubscriptionPrincipal: sub.SubscriptionPrincipal,
      ...sub.Attributes,
    },
  };
}
