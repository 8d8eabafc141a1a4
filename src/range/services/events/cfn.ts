import type { PutRuleResponse, PutTargetsResponse, Target } from '@aws-sdk/client-eventbridge';
import { ServiceError } from '../../errors.js';
import type { Properties, ProviderContext, ResourceProvider } from '../cloudformation/provider.js';

// CloudFormation's AWS::Events::Rule, driven through the range's EventBridge API.

const TARGET_UNSUPPORTED = [
  'KinesisParameters',
  'RunCommandParameters',
  'EcsParameters',
  'BatchParameters',
  'SqsParameters',
  'HttpParameters',
  'RedshiftDataParameters',
  'SageMakerPipelineParameters',
  'DeadLetterConfig',
  'RetryPolicy',
  'AppSyncParameters',
];

function targetsOf(ctx: ProviderContext, props: Properties): Target[] {
  return (props.objects('Targets') ?? []).map((t) => {
    for (const p of TARGET_UNSUPPORTED) if (t.has(p)) ctx.unsupported(`Targets/${p}`);
    const transformer = t.object('InputTransformer');
    const paths = transformer?.object('InputPathsMap');
    return {
      Id: t.required('Id'),
      Arn: t.required('Arn'),
      RoleArn: t.str('RoleArn'),
      Input: t.str('Input'),
      InputPath: t.str('InputPath'),
      InputTransformer: transformer
        ? {
            InputTemplate: transformer.required('InputTemplate'),
            InputPathsMap: paths
              ? Object.fromEntries(Object.keys(paths.raw).map((k) => [k, paths.str(k) ?? '']))
              : undefined,
          }
        : undefined,
    };
  });
}

async function putRule(ctx: ProviderContext, name: string, props: Properties): Promise<string> {
  const out = await ctx.call<PutRuleResponse>('events', 'PutRule', {
    Name: name,
    EventPattern: props.json('EventPattern'),
    ScheduleExpression: props.str('ScheduleExpression'),
    State: props.str('State'),
    Description: props.str('Description'),
    RoleArn: props.str('RoleArn'),
    EventBusName: props.str('EventBusName'),
    Tags: props.tags(),
  });
  return out.RuleArn ?? '';
}

async function putTargets(ctx: ProviderContext, name: string, targets: Target[]): Promise<void> {
  // PutTargets takes at most 10 entries a call.
  for (let i = 0; i < targets.length; i += 10) {
    const out = await ctx.call<PutTargetsResponse>('events', 'PutTargets', {
      Rule: name,
      Targets: targets.slice(i, i + 10),
    });
    const failed = out.FailedEntries?.[0];
    if (failed) {
      throw new ServiceError(
        'InvalidRequest',
        `Target ${failed.TargetId ?? ''} could not be added: ${failed.ErrorMessage ?? failed.ErrorCode ?? ''}`,
      );
    }
  }
}

export const rule: ResourceProvider = {
  attributes: ['Arn'],
  properties: [
    'Name',
    'Description',
    'EventBusName',
    'EventPattern',
    'ScheduleExpression',
    'State',
    'RoleArn',
    'Targets',
    'Tags',
  ],
  replaceOn: ['Name', 'EventBusName'],
  nameProperty: 'Name',
  async create(ctx, props) {
    if (!props.has('EventPattern') && !props.has('ScheduleExpression')) {
      ctx.invalid('Either EventPattern or ScheduleExpression must be specified.');
    }
    const name = props.str('Name') ?? ctx.physicalName({ maxLength: 64 });
    const arn = await putRule(ctx, name, props);
    const targets = targetsOf(ctx, props);
    await putTargets(ctx, name, targets);
    return { physicalId: name, attributes: { Arn: arn } };
  },
  async update(ctx, current, props) {
    const name = current.physicalId;
    const arn = await putRule(ctx, name, props);
    const targets = targetsOf(ctx, props);
    const stale = targetsOf(ctx, current.properties)
      .map((t) => t.Id as string)
      .filter((id) => !targets.some((t) => t.Id === id));
    if (stale.length) await ctx.call('events', 'RemoveTargets', { Rule: name, Ids: stale });
    await putTargets(ctx, name, targets);
    return { physicalId: name, attributes: { Arn: arn } };
  },
  async delete(ctx, current) {
    const name = current.physicalId;
    try {
      const listed = await ctx.call<{ Targets?: Target[] }>('events', 'ListTargetsByRule', { Rule: name });
      const ids = (listed.Targets ?? []).map((t) => t.Id as string);
      for (let i = 0; i < ids.length; i += 100) {
        await ctx.call('events', 'RemoveTargets', { Rule: name, Ids: ids.slice(i, i + 100) });
      }
    } catch (err) {
      if (!(err instanceof ServiceError) || err.code !== 'ResourceNotFoundException') throw err;
      return;
    }
    await ctx.call('events', 'DeleteRule', { Name: name });
  },
};

export const eventsProviders: Record<string, ResourceProvider> = {
  'AWS::Events::Rule': rule,
};
