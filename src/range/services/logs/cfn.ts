import type { MetricTransformation } from '@aws-sdk/client-cloudwatch-logs';
import type { Properties, ProviderContext, ResourceProvider, Tag } from '../cloudformation/provider.js';

// CloudFormation's AWS::Logs::LogGroup and AWS::Logs::MetricFilter, driven through the range's CloudWatch Logs API.

function tagMap(tags: readonly Tag[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
}

function groupArn(ctx: ProviderContext, name: string): string {
  return `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${name}`;
}

async function setRetention(
  ctx: ProviderContext,
  name: string,
  props: Properties,
  before?: Properties,
): Promise<void> {
  const days = props.num('RetentionInDays');
  if (days !== undefined) {
    if (days !== before?.num('RetentionInDays'))
      await ctx.call('logs', 'PutRetentionPolicy', { logGroupName: name, retentionInDays: days });
  } else if (before?.has('RetentionInDays')) {
    await ctx.call('logs', 'DeleteRetentionPolicy', { logGroupName: name });
  }
}

export const logGroup: ResourceProvider = {
  attributes: ['Arn'],
  properties: ['LogGroupName', 'RetentionInDays', 'KmsKeyId', 'LogGroupClass', 'Tags'],
  unsupported: ['DataProtectionPolicy', 'FieldIndexPolicies'],
  replaceOn: ['LogGroupName', 'LogGroupClass', 'KmsKeyId'],
  nameProperty: 'LogGroupName',
  async create(ctx, props) {
    const name = props.str('LogGroupName') ?? ctx.physicalName({ maxLength: 512 });
    const tags = ctx.tags(props.tags(), { systemFor: 'logs' });
    await ctx.call('logs', 'CreateLogGroup', {
      logGroupName: name,
      kmsKeyId: props.str('KmsKeyId'),
      logGroupClass: props.str('LogGroupClass'),
      tags: tags.length ? tagMap(tags) : undefined,
    });
    await setRetention(ctx, name, props);
    return { physicalId: name, attributes: { Arn: `${groupArn(ctx, name)}:*` } };
  },
  async update(ctx, current, props) {
    const name = current.physicalId;
    await setRetention(ctx, name, props, current.properties);
    const want = ctx.tags(props.tags(), { systemFor: 'logs' });
    const had = ctx.tags(current.properties.tags(), { systemFor: 'logs', previous: true });
    const stale = had.filter((t) => !want.some((w) => w.Key === t.Key)).map((t) => t.Key);
    if (stale.length)
      await ctx.call('logs', 'UntagResource', { resourceArn: groupArn(ctx, name), tagKeys: stale });
    if (want.length)
      await ctx.call('logs', 'TagResource', { resourceArn: groupArn(ctx, name), tags: tagMap(want) });
    return { physicalId: name, attributes: current.attributes };
  },
  async delete(ctx, current) {
    await ctx.call('logs', 'DeleteLogGroup', { logGroupName: current.physicalId });
  },
};

function transformations(props: Properties): MetricTransformation[] {
  return (props.objects('MetricTransformations') ?? []).map((t) => {
    const dims = t.objects('Dimensions');
    return {
      metricName: t.required('MetricName'),
      metricNamespace: t.required('MetricNamespace'),
      metricValue: t.required('MetricValue'),
      defaultValue: t.num('DefaultValue'),
      unit: t.str('Unit') as MetricTransformation['unit'],
      dimensions: dims
        ? Object.fromEntries(dims.map((d) => [d.required('Key'), d.required('Value')]))
        : undefined,
    };
  });
}

async function putFilter(ctx: ProviderContext, name: string, props: Properties): Promise<void> {
  await ctx.call('logs', 'PutMetricFilter', {
    logGroupName: props.required('LogGroupName'),
    filterName: name,
    filterPattern: props.str('FilterPattern') ?? '',
    metricTransformations: transformations(props),
  });
}

export const metricFilter: ResourceProvider = {
  attributes: [],
  properties: ['FilterName', 'LogGroupName', 'FilterPattern', 'MetricTransformations'],
  unsupported: ['ApplyOnTransformedLogs'],
  required: ['LogGroupName', 'FilterPattern', 'MetricTransformations'],
  replaceOn: ['FilterName', 'LogGroupName'],
  nameProperty: 'FilterName',
  async create(ctx, props) {
    const name = props.str('FilterName') ?? ctx.physicalName({ maxLength: 512 });
    await putFilter(ctx, name, props);
    return { physicalId: name };
  },
  async update(ctx, current, props) {
    await putFilter(ctx, current.physicalId, props);
    return { physicalId: current.physicalId };
  },
  async delete(ctx, current) {
    await ctx.call('logs', 'DeleteMetricFilter', {
      logGroupName: current.properties.required('LogGroupName'),
      filterName: current.physicalId,
    });
  },
};

export const logsProviders: Record<string, ResourceProvider> = {
  'AWS::Logs::LogGroup': logGroup,
  'AWS::Logs::MetricFilter': metricFilter,
};
