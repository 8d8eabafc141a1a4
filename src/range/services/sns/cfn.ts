import type { CreateTopicResponse, SubscribeResponse } from '@aws-sdk/client-sns';
import type { Properties, ProviderContext, ResourceProvider } from '../cloudformation/provider.js';

// CloudFormation's AWS::SNS::Topic, driven through the range's SNS API.

const ATTRIBUTES = [
  'DisplayName',
  'KmsMasterKeyId',
  'ContentBasedDeduplication',
  'SignatureVersion',
  'TracingConfig',
];

function subscriptions(props: Properties): Array<{ Protocol: string; Endpoint: string }> {
  return (props.objects('Subscription') ?? []).map((s) => ({
    Protocol: s.required('Protocol'),
    Endpoint: s.required('Endpoint'),
  }));
}

function key(s: { Protocol: string; Endpoint: string }): string {
  return `${s.Protocol}|${s.Endpoint}`;
}

/** Subscribe what is new; the ARNs are kept so that removed subscriptions can be unsubscribed. */
async function subscribe(
  ctx: ProviderContext,
  arn: string,
  wanted: Array<{ Protocol: string; Endpoint: string }>,
  known: Record<string, string>,
) {
  for (const s of wanted) {
    if (known[key(s)]) continue;
    const out = await ctx.call<SubscribeResponse>('sns', 'Subscribe', {
      TopicArn: arn,
      ...s,
      ReturnSubscriptionArn: true,
    });
    known[key(s)] = out.SubscriptionArn ?? '';
  }
}

export const topic: ResourceProvider = {
  attributes: ['TopicArn', 'TopicName'],
  properties: ['TopicName', 'FifoTopic', 'Subscription', 'Tags', ...ATTRIBUTES],
  unsupported: ['DataProtectionPolicy', 'ArchivePolicy', 'DeliveryStatusLogging', 'FifoThroughputScope'],
  replaceOn: ['TopicName', 'FifoTopic'],
  nameProperty: 'TopicName',
  async create(ctx, props) {
    const fifo = props.bool('FifoTopic') ?? false;
    let name = props.str('TopicName') ?? ctx.physicalName({ maxLength: fifo ? 251 : 256 });
    if (fifo && !name.endsWith('.fifo')) name += '.fifo';
    const attributes: Record<string, string> = {};
    for (const a of ATTRIBUTES) if (props.has(a)) attributes[a] = props.str(a) ?? '';
    if (fifo) attributes.FifoTopic = 'true';
    const tags = ctx.tags(props.tags(), { systemFor: 'sns' });
    const out = await ctx.call<CreateTopicResponse>('sns', 'CreateTopic', {
      Name: name,
      Attributes: Object.keys(attributes).length ? attributes : undefined,
      Tags: tags.length ? tags : undefined,
    });
    const arn = out.TopicArn ?? '';
    const known: Record<string, string> = {};
    await subscribe(ctx, arn, subscriptions(props), known);
    return {
      physicalId: arn,
      attributes: { TopicArn: arn, TopicName: name },
      state: { subscriptions: known },
    };
  },
  async update(ctx, current, props) {
    const arn = current.physicalId;
    const before = current.properties;
    for (const a of ATTRIBUTES) {
      if ((props.str(a) ?? '') !== (before.str(a) ?? '')) {
        await ctx.call('sns', 'SetTopicAttributes', {
          TopicArn: arn,
          AttributeName: a,
          AttributeValue: props.str(a) ?? '',
        });
      }
    }
    const known = { ...((current.state.subscriptions as Record<string, string> | undefined) ?? {}) };
    const wanted = subscriptions(props);
    for (const [k, subArn] of Object.entries(known)) {
      if (wanted.some((s) => key(s) === k)) continue;
      if (subArn.startsWith('arn:')) await ctx.call('sns', 'Unsubscribe', { SubscriptionArn: subArn });
      delete known[k];
    }
    await subscribe(ctx, arn, wanted, known);
    const want = ctx.tags(props.tags(), { systemFor: 'sns' });
    const stale = ctx
      .tags(before.tags(), { systemFor: 'sns', previous: true })
      .filter((t) => !want.some((w) => w.Key === t.Key))
      .map((t) => t.Key);
    if (stale.length) await ctx.call('sns', 'UntagResource', { ResourceArn: arn, TagKeys: stale });
    if (want.length) await ctx.call('sns', 'TagResource', { ResourceArn: arn, Tags: want });
    return { physicalId: arn, attributes: current.attributes, state: { subscriptions: known } };
  },
  async delete(ctx, current) {
    await ctx.call('sns', 'DeleteTopic', { TopicArn: current.physicalId });
  },
};

export const snsProviders: Record<string, ResourceProvider> = {
  'AWS::SNS::Topic': topic,
};
