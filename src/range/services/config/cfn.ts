import type {
  DescribeConfigRulesResponse,
  DescribeConfigurationRecorderStatusResponse,
  DescribeConfigurationRecordersResponse,
} from '@aws-sdk/client-config-service';
import type { Properties, ProviderContext, ResourceProvider } from '../cloudformation/provider.js';

// CloudFormation's AWS::Config::* types, driven through the range's AWS Config API.

/** CloudFormation starts the recorder as soon as a delivery channel is available (as its docs say). */
async function startRecorderIfReady(ctx: ProviderContext): Promise<void> {
  const recorders = await ctx.call<DescribeConfigurationRecordersResponse>(
    'config',
    'DescribeConfigurationRecorders',
    {},
  );
  const channels = await ctx.call<{ DeliveryChannels?: unknown[] }>('config', 'DescribeDeliveryChannels', {});
  const name = recorders.ConfigurationRecorders?.[0]?.name;
  if (!name || !channels.DeliveryChannels?.length) return;
  await ctx.call('config', 'StartConfigurationRecorder', { ConfigurationRecorderName: name });
}

function recordingGroup(props: Properties) {
  const g = props.object('RecordingGroup');
  if (!g) return undefined;
  return {
    allSupported: g.bool('AllSupported'),
    includeGlobalResourceTypes: g.bool('IncludeGlobalResourceTypes'),
    resourceTypes: g.strList('ResourceTypes'),
  };
}

export const configurationRecorder: ResourceProvider = {
  attributes: [],
  properties: ['Name', 'RoleARN', 'RecordingGroup'],
  unsupported: ['RecordingMode'],
  required: ['RoleARN'],
  replaceOn: ['Name'],
  nameProperty: 'Name',
  async create(ctx, props) {
    const name = props.str('Name') ?? 'default';
    await ctx.call('config', 'PutConfigurationRecorder', {
      ConfigurationRecorder: {
        name,
        roleARN: props.required('RoleARN'),
        recordingGroup: recordingGroup(props),
      },
    });
    await startRecorderIfReady(ctx);
    return { physicalId: name };
  },
  async update(ctx, current, props) {
    await ctx.call('config', 'PutConfigurationRecorder', {
      ConfigurationRecorder: {
        name: current.physicalId,
        roleARN: props.required('RoleARN'),
        recordingGroup: recordingGroup(props),
      },
    });
    return { physicalId: current.physicalId };
  },
  async delete(ctx, current) {
    await ctx.call('config', 'StopConfigurationRecorder', { ConfigurationRecorderName: current.physicalId });
    await ctx.call('config', 'DeleteConfigurationRecorder', {
      ConfigurationRecorderName: current.physicalId,
    });
  },
};

function channelInput(name: string, props: Properties) {
  const snapshot = props.object('ConfigSnapshotDeliveryProperties');
  return {
    DeliveryChannel: {
      name,
      s3BucketName: props.required('S3BucketName'),
      s3KeyPrefix: props.str('S3KeyPrefix'),
      s3KmsKeyArn: props.str('S3KmsKeyArn'),
      snsTopicARN: props.str('SnsTopicARN'),
      configSnapshotDeliveryProperties: snapshot
        ? { deliveryFrequency: snapshot.str('DeliveryFrequency') }
        : undefined,
    },
  };
}

export const deliveryChannel: ResourceProvider = {
  attributes: [],
  properties: [
    'Name',
    'S3BucketName',
    'S3KeyPrefix',
    'S3KmsKeyArn',
    'SnsTopicARN',
    'ConfigSnapshotDeliveryProperties',
  ],
  required: ['S3BucketName'],
  replaceOn: ['Name'],
  nameProperty: 'Name',
  async create(ctx, props) {
    const name = props.str('Name') ?? 'default';
    await ctx.call('config', 'PutDeliveryChannel', channelInput(name, props));
    await startRecorderIfReady(ctx);
    return { physicalId: name };
  },
  async update(ctx, current, props) {
    await ctx.call('config', 'PutDeliveryChannel', channelInput(current.physicalId, props));
    return { physicalId: current.physicalId };
  },
  async delete(ctx, current) {
    // The last delivery channel cannot go while a recorder records: stop it first.
    const status = await ctx.call<DescribeConfigurationRecorderStatusResponse>(
      'config',
      'DescribeConfigurationRecorderStatus',
      {},
    );
    for (const r of status.ConfigurationRecordersStatus ?? []) {
      if (r.recording)
        await ctx.call('config', 'StopConfigurationRecorder', { ConfigurationRecorderName: r.name });
    }
    await ctx.call('config', 'DeleteDeliveryChannel', { DeliveryChannelName: current.physicalId });
  },
};

function ruleInput(name: string, props: Properties) {
  const source = props.object('Source');
  const scope = props.object('Scope');
  return {
    ConfigRule: {
      ConfigRuleName: name,
      Description: props.str('Description'),
      InputParameters: props.json('InputParameters'),
      MaximumExecutionFrequency: props.str('MaximumExecutionFrequency'),
      Scope: scope
        ? {
            ComplianceResourceId: scope.str('ComplianceResourceId'),
            ComplianceResourceTypes: scope.strList('ComplianceResourceTypes'),
            TagKey: scope.str('TagKey'),
            TagValue: scope.str('TagValue'),
          }
        : undefined,
      Source: {
        Owner: source?.required('Owner'),
        SourceIdentifier: source?.str('SourceIdentifier'),
        SourceDetails: source?.objects('SourceDetails')?.map((d) => ({
          EventSource: d.str('EventSource'),
          MessageType: d.str('MessageType'),
          MaximumExecutionFrequency: d.str('MaximumExecutionFrequency'),
        })),
      },
    },
  };
}

async function ruleAttributes(ctx: ProviderContext, name: string) {
  const out = await ctx.call<DescribeConfigRulesResponse>('config', 'DescribeConfigRules', {
    ConfigRuleNames: [name],
  });
  const rule = out.ConfigRules?.[0];
  return { Arn: rule?.ConfigRuleArn ?? '', ConfigRuleId: rule?.ConfigRuleId ?? '' };
}

export const configRule: ResourceProvider = {
  attributes: ['Arn', 'ConfigRuleId', 'Compliance.Type'],
  properties: [
    'ConfigRuleName',
    'Description',
    'InputParameters',
    'MaximumExecutionFrequency',
    'Scope',
    'Source',
  ],
  unsupported: ['EvaluationModes', 'Compliance'],
  required: ['Source'],
  replaceOn: ['ConfigRuleName'],
  nameProperty: 'ConfigRuleName',
  async create(ctx, props) {
    const name = props.str('ConfigRuleName') ?? ctx.physicalName({ maxLength: 128 });
    await ctx.call('config', 'PutConfigRule', ruleInput(name, props));
    return {
      physicalId: name,
      attributes: { ...(await ruleAttributes(ctx, name)), 'Compliance.Type': 'INSUFFICIENT_DATA' },
    };
  },
  async update(ctx, current, props) {
    await ctx.call('config', 'PutConfigRule', ruleInput(current.physicalId, props));
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
  async delete(ctx, current) {
    await ctx.call('config', 'DeleteConfigRule', { ConfigRuleName: current.physicalId });
  },
};

function remediationInput(props: Properties) {
  const parameters = props.object('Parameters');
  const controls = props.object('ExecutionControls');
  return {
    RemediationConfigurations: [
      {
        ConfigRuleName: props.required('ConfigRuleName'),
        TargetType: props.required('TargetType'),
        TargetId: props.required('TargetId'),
        TargetVersion: props.str('TargetVersion'),
        Parameters: parameters ? parameters.raw : undefined,
        ResourceType: props.str('ResourceType'),
        Automatic: props.bool('Automatic'),
        ExecutionControls: controls ? controls.raw : undefined,
        MaximumAutomaticAttempts: props.num('MaximumAutomaticAttempts'),
        RetryAttemptSeconds: props.num('RetryAttemptSeconds'),
      },
    ],
  };
}

export const remediationConfiguration: ResourceProvider = {
  attributes: [],
  properties: [
    'ConfigRuleName',
    'TargetType',
    'TargetId',
    'TargetVersion',
    'Parameters',
    'ResourceType',
    'Automatic',
    'ExecutionControls',
    'MaximumAutomaticAttempts',
    'RetryAttemptSeconds',
  ],
  required: ['ConfigRuleName', 'TargetType', 'TargetId'],
  replaceOn: ['ConfigRuleName', 'ResourceType'],
  async create(ctx, props) {
    await ctx.call('config', 'PutRemediationConfigurations', remediationInput(props));
    return { physicalId: props.required('ConfigRuleName') };
  },
  async update(ctx, current, props) {
    await ctx.call('config', 'PutRemediationConfigurations', remediationInput(props));
    return { physicalId: current.physicalId };
  },
  async delete(ctx, current) {
    await ctx.call('config', 'DeleteRemediationConfiguration', { ConfigRuleName: current.physicalId });
  },
};

export const configProviders: Record<string, ResourceProvider> = {
  'AWS::Config::ConfigurationRecorder': configurationRecorder,
  'AWS::Config::DeliveryChannel': deliveryChannel,
  'AWS::Config::ConfigRule': configRule,
  'AWS::Config::RemediationConfiguration': remediationConfiguration,
};
