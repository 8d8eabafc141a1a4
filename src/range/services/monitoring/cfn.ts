import type { MetricDataQuery, PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import type { Properties, ProviderContext, ResourceProvider } from '../cloudformation/provider.js';

// CloudFormation's AWS::CloudWatch::Alarm, driven through the range's CloudWatch API.

function dimensions(p: Properties | undefined) {
  return p?.objects('Dimensions')?.map((d) => ({ Name: d.required('Name'), Value: d.required('Value') }));
}

function metricQueries(props: Properties): MetricDataQuery[] | undefined {
  return props.objects('Metrics')?.map((m) => {
    const stat = m.object('MetricStat');
    const metric = stat?.object('Metric');
    return {
      Id: m.required('Id'),
      Expression: m.str('Expression'),
      Label: m.str('Label'),
      ReturnData: m.bool('ReturnData'),
      Period: m.num('Period'),
      AccountId: m.str('AccountId'),
      MetricStat: stat
        ? {
            Metric: {
              MetricName: metric?.str('MetricName'),
              Namespace: metric?.str('Namespace'),
              Dimensions: dimensions(metric),
            },
            Period: stat.num('Period'),
            Stat: stat.required('Stat'),
            Unit: stat.str('Unit') as NonNullable<MetricDataQuery['MetricStat']>['Unit'],
          }
        : undefined,
    };
  });
}

function alarmInput(name: string, props: Properties): PutMetricAlarmInput {
  return {
    AlarmName: name,
    AlarmDescription: props.str('AlarmDescription'),
    ActionsEnabled: props.bool('ActionsEnabled'),
    AlarmActions: props.strList('AlarmActions'),
    OKActions: props.strList('OKActions'),
    InsufficientDataActions: props.strList('InsufficientDataActions'),
    MetricName: props.str('MetricName'),
    Namespace: props.str('Namespace'),
    Statistic: props.str('Statistic') as PutMetricAlarmInput['Statistic'],
    ExtendedStatistic: props.str('ExtendedStatistic'),
    Dimensions: dimensions(props),
    Period: props.num('Period'),
    Unit: props.str('Unit') as PutMetricAlarmInput['Unit'],
    EvaluationPeriods: props.num('EvaluationPeriods'),
    DatapointsToAlarm: props.num('DatapointsToAlarm'),
    Threshold: props.num('Threshold'),
    ThresholdMetricId: props.str('ThresholdMetricId'),
    ComparisonOperator: props.required('ComparisonOperator') as PutMetricAlarmInput['ComparisonOperator'],
    TreatMissingData: props.str('TreatMissingData'),
    EvaluateLowSampleCountPercentile: props.str('EvaluateLowSampleCountPercentile'),
    Metrics: metricQueries(props),
  };
}

function alarmArn(ctx: ProviderContext, name: string): string {
  return `arn:${ctx.partition}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`;
}

export const alarm: ResourceProvider = {
  attributes: ['Arn'],
  properties: [
    'AlarmName',
    'AlarmDescription',
    'ActionsEnabled',
    'AlarmActions',
    'OKActions',
    'InsufficientDataActions',
    'MetricName',
    'Namespace',
    'Statistic',
    'ExtendedStatistic',
    'Dimensions',
    'Period',
    'Unit',
    'EvaluationPeriods',
    'DatapointsToAlarm',
    'Threshold',
    'ThresholdMetricId',
    'ComparisonOperator',
    'TreatMissingData',
    'EvaluateLowSampleCountPercentile',
    'Metrics',
    'Tags',
  ],
  required: ['ComparisonOperator', 'EvaluationPeriods'],
  replaceOn: ['AlarmName'],
  nameProperty: 'AlarmName',
  async create(ctx, props) {
    const name = props.str('AlarmName') ?? ctx.physicalName({ maxLength: 255 });
    const tags = ctx.tags(props.tags(), { systemFor: 'monitoring' });
    await ctx.call('monitoring', 'PutMetricAlarm', {
      ...alarmInput(name, props),
      Tags: tags.length ? tags : undefined,
    });
    return { physicalId: name, attributes: { Arn: alarmArn(ctx, name) } };
  },
  async update(ctx, current, props) {
    const name = current.physicalId;
    await ctx.call('monitoring', 'PutMetricAlarm', alarmInput(name, props));
    const want = ctx.tags(props.tags(), { systemFor: 'monitoring' });
    const stale = ctx
      .tags(current.properties.tags(), { systemFor: 'monitoring', previous: true })
      .filter((t) => !want.some((w) => w.Key === t.Key))
      .map((t) => t.Key);
    if (stale.length)
      await ctx.call('monitoring', 'UntagResource', { ResourceARN: alarmArn(ctx, name), TagKeys: stale });
    if (want.length)
      await ctx.call('monitoring', 'TagResource', { ResourceARN: alarmArn(ctx, name), Tags: want });
    return { physicalId: name, attributes: current.attributes };
  },
  async delete(ctx, current) {
    await ctx.call('monitoring', 'DeleteAlarms', { AlarmNames: [current.physicalId] });
  },
};

export const monitoringProviders: Record<string, ResourceProvider> = {
  'AWS::CloudWatch::Alarm': alarm,
};
