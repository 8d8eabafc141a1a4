import type {
  AdvancedEventSelector,
  CreateTrailResponse,
  EventSelector,
  UpdateTrailRequest,
} from '@aws-sdk/client-cloudtrail';
import type { Properties, ProviderContext, ResourceProvider } from '../cloudformation/provider.js';

// CloudFormation's AWS::CloudTrail::Trail, driven through the range's CloudTrail API.

const SETTINGS = [
  'S3BucketName',
  'S3KeyPrefix',
  'SnsTopicName',
  'IncludeGlobalServiceEvents',
  'IsMultiRegionTrail',
  'EnableLogFileValidation',
  'CloudWatchLogsLogGroupArn',
  'CloudWatchLogsRoleArn',
  'KMSKeyId',
];

function settings(props: Properties): Omit<UpdateTrailRequest, 'Name'> {
  return {
    S3BucketName: props.required('S3BucketName'),
    S3KeyPrefix: props.str('S3KeyPrefix'),
    SnsTopicName: props.str('SnsTopicName'),
    IncludeGlobalServiceEvents: props.bool('IncludeGlobalServiceEvents'),
    IsMultiRegionTrail: props.bool('IsMultiRegionTrail'),
    EnableLogFileValidation: props.bool('EnableLogFileValidation'),
    CloudWatchLogsLogGroupArn: props.str('CloudWatchLogsLogGroupArn'),
    CloudWatchLogsRoleArn: props.str('CloudWatchLogsRoleArn'),
    KmsKeyId: props.str('KMSKeyId'),
  };
}

function eventSelectors(props: Properties): EventSelector[] | undefined {
  return props.objects('EventSelectors')?.map((s) => ({
    ReadWriteType: s.str('ReadWriteType') as EventSelector['ReadWriteType'],
    IncludeManagementEvents: s.bool('IncludeManagementEvents'),
    ExcludeManagementEventSources: s.strList('ExcludeManagementEventSources'),
    DataResources: s
      .objects('DataResources')
      ?.map((d) => ({ Type: d.required('Type'), Values: d.strList('Values') })),
  }));
}

function advancedSelectors(props: Properties): AdvancedEventSelector[] | undefined {
  return props.objects('AdvancedEventSelectors')?.map((s) => ({
    Name: s.str('Name'),
    FieldSelectors: (s.objects('FieldSelectors') ?? []).map((f) => ({
      Field: f.required('Field'),
      Equals: f.strList('Equals'),
      StartsWith: f.strList('StartsWith'),
      EndsWith: f.strList('EndsWith'),
      NotEquals: f.strList('NotEquals'),
      NotStartsWith: f.strList('NotStartsWith'),
      NotEndsWith: f.strList('NotEndsWith'),
    })),
  }));
}

async function putSelectors(ctx: ProviderContext, name: string, props: Properties): Promise<void> {
  const basic = eventSelectors(props);
  const advanced = advancedSelectors(props);
  if (basic || advanced)
    await ctx.call('cloudtrail', 'PutEventSelectors', {
      TrailName: name,
      EventSelectors: basic,
      AdvancedEventSelectors: advanced,
    });
}

export const trail: ResourceProvider = {
  attributes: ['Arn', 'SnsTopicArn'],
  properties: ['TrailName', 'IsLogging', 'EventSelectors', 'AdvancedEventSelectors', 'Tags', ...SETTINGS],
  unsupported: ['InsightSelectors', 'IsOrganizationTrail'],
  required: ['S3BucketName', 'IsLogging'],
  replaceOn: ['TrailName'],
  nameProperty: 'TrailName',
  async create(ctx, props) {
    const name = props.str('TrailName') ?? ctx.physicalName({ maxLength: 128 });
    const tags = ctx.tags(props.tags(), { systemFor: 'cloudtrail' });
    const out = await ctx.call<CreateTrailResponse>('cloudtrail', 'CreateTrail', {
      Name: name,
      ...settings(props),
      TagsList: tags.length ? tags : undefined,
    });
    await putSelectors(ctx, name, props);
    if (props.bool('IsLogging')) await ctx.call('cloudtrail', 'StartLogging', { Name: name });
    return {
      physicalId: name,
      attributes: { Arn: out.TrailARN ?? '', SnsTopicArn: out.SnsTopicARN ?? '' },
      state: { arn: out.TrailARN ?? '' },
    };
  },
  async update(ctx, current, props) {
    const name = current.physicalId;
    const before = current.properties;
    if (SETTINGS.some((k) => JSON.stringify(props.raw[k]) !== JSON.stringify(before.raw[k]))) {
      await ctx.call('cloudtrail', 'UpdateTrail', { Name: name, ...settings(props) });
    }
    const selectorsChanged = ['EventSelectors', 'AdvancedEventSelectors'].some(
      (k) => JSON.stringify(props.raw[k]) !== JSON.stringify(before.raw[k]),
    );
    if (selectorsChanged) await putSelectors(ctx, name, props);
    const logging = props.bool('IsLogging') ?? false;
    if (logging !== (before.bool('IsLogging') ?? false))
      await ctx.call('cloudtrail', logging ? 'StartLogging' : 'StopLogging', { Name: name });
    const arn = String(current.state.arn ?? current.attributes.Arn ?? '');
    const want = ctx.tags(props.tags(), { systemFor: 'cloudtrail' });
    const had = ctx.tags(before.tags(), { systemFor: 'cloudtrail', previous: true });
    const stale = had.filter((t) => !want.some((w) => w.Key === t.Key));
    if (stale.length) await ctx.call('cloudtrail', 'RemoveTags', { ResourceId: arn, TagsList: stale });
    if (want.length) await ctx.call('cloudtrail', 'AddTags', { ResourceId: arn, TagsList: want });
    return { physicalId: name, attributes: current.attributes, state: current.state };
  },
  async delete(ctx, current) {
    await ctx.call('cloudtrail', 'DeleteTrail', { Name: current.physicalId });
  },
};

export const cloudTrailProviders: Record<string, ResourceProvider> = {
  'AWS::CloudTrail::Trail': trail,
};
