import type { CreateAssociationResult, UpdateDocumentResult } from '@aws-sdk/client-ssm';
import { stringify as yamlText } from 'yaml';
import type { Properties, ProviderContext, ResourceProvider, Tag } from '../cloudformation/provider.js';

// CloudFormation's AWS::SSM::Parameter, AWS::SSM::Association and AWS::SSM::Document, driven through
// the range's SSM API.

/** AWS::SSM::Parameter's Tags is a map, unlike most types' list of Key/Value. */
function parameterTags(ctx: ProviderContext, props: Properties, previous = false): Tag[] {
  const own = props.object('Tags');
  const list = own ? Object.keys(own.raw).map((k) => ({ Key: k, Value: own.str(k) ?? '' })) : undefined;
  return ctx.tags(list, { systemFor: 'ssm', previous });
}

function parameterInput(props: Properties) {
  const type = props.required('Type');
  return {
    Type: type,
    Value: props.required('Value'),
    Description: props.str('Description'),
    AllowedPattern: props.str('AllowedPattern'),
    Tier: props.str('Tier'),
    Policies: props.str('Policies'),
    DataType: props.str('DataType'),
  };
}

export const parameter: ResourceProvider = {
  attributes: ['Type', 'Value'],
  properties: [
    'Name',
    'Type',
    'Value',
    'Description',
    'AllowedPattern',
    'Tier',
    'Policies',
    'DataType',
    'Tags',
  ],
  required: ['Type', 'Value'],
  replaceOn: ['Name'],
  nameProperty: 'Name',
  async create(ctx, props) {
    const input = parameterInput(props);
    // CloudFormation creates String and StringList parameters only (no SecureString), as in AWS.
    if (input.Type !== 'String' && input.Type !== 'StringList') {
      ctx.invalid(`#/Type: ${input.Type} is not a valid enum value`);
    }
    const name =
      props.str('Name') ?? `CFN-${ctx.physicalName({ maxLength: 1000 }).slice(ctx.stackName.length + 1)}`;
    const tags = parameterTags(ctx, props);
    await ctx.call('ssm', 'PutParameter', { Name: name, ...input, Tags: tags.length ? tags : undefined });
    return { physicalId: name, attributes: { Type: input.Type, Value: input.Value } };
  },
  async update(ctx, current, props) {
    const input = parameterInput(props);
    await ctx.call('ssm', 'PutParameter', { Name: current.physicalId, ...input, Overwrite: true });
    const want = parameterTags(ctx, props);
    const stale = parameterTags(ctx, current.properties, true)
      .filter((t) => !want.some((w) => w.Key === t.Key))
      .map((t) => t.Key);
    if (stale.length)
      await ctx.call('ssm', 'RemoveTagsFromResource', {
        ResourceType: 'Parameter',
        ResourceId: current.physicalId,
        TagKeys: stale,
      });
    if (want.length)
      await ctx.call('ssm', 'AddTagsToResource', {
        ResourceType: 'Parameter',
        ResourceId: current.physicalId,
        Tags: want,
      });
    return { physicalId: current.physicalId, attributes: { Type: input.Type, Value: input.Value } };
  },
  async delete(ctx, current) {
    await ctx.call('ssm', 'DeleteParameter', { Name: current.physicalId });
  },
};

export const association: ResourceProvider = {
  attributes: ['AssociationId'],
  properties: [
    'Name',
    'AssociationName',
    'DocumentVersion',
    'InstanceId',
    'Targets',
    'Parameters',
    'ScheduleExpression',
    'OutputLocation',
    'ComplianceSeverity',
    'MaxConcurrency',
    'MaxErrors',
    'ApplyOnlyAtCronInterval',
    'SyncCompliance',
    'AutomationTargetParameterName',
    'CalendarNames',
    'WaitForSuccessTimeoutSeconds',
    'ScheduleOffset',
  ],
  required: ['Name'],
  // The range's SSM has no UpdateAssociation: any change makes a new association.
  replaceOn: '*',
  async create(ctx, props) {
    const output = props.object('OutputLocation')?.object('S3Location');
    const parameters = props.object('Parameters');
    const out = await ctx.call<CreateAssociationResult>('ssm', 'CreateAssociation', {
      Name: props.required('Name'),
      AssociationName: props.str('AssociationName'),
      DocumentVersion: props.str('DocumentVersion'),
      InstanceId: props.str('InstanceId'),
      Targets: props
        .objects('Targets')
        ?.map((t) => ({ Key: t.required('Key'), Values: t.strList('Values') })),
      Parameters: parameters
        ? Object.fromEntries(Object.keys(parameters.raw).map((k) => [k, parameters.strList(k) ?? []]))
        : undefined,
      ScheduleExpression: props.str('ScheduleExpression'),
      ScheduleOffset: props.num('ScheduleOffset'),
      OutputLocation: output
        ? {
            S3Location: {
              OutputS3BucketName: output.str('OutputS3BucketName'),
              OutputS3KeyPrefix: output.str('OutputS3KeyPrefix'),
              OutputS3Region: output.str('OutputS3Region'),
            },
          }
        : undefined,
      ComplianceSeverity: props.str('ComplianceSeverity'),
      MaxConcurrency: props.str('MaxConcurrency'),
      MaxErrors: props.str('MaxErrors'),
      ApplyOnlyAtCronInterval: props.bool('ApplyOnlyAtCronInterval'),
      SyncCompliance: props.str('SyncCompliance'),
      AutomationTargetParameterName: props.str('AutomationTargetParameterName'),
      CalendarNames: props.strList('CalendarNames'),
    });
    const id = out.AssociationDescription?.AssociationId ?? '';
    return { physicalId: id, attributes: { AssociationId: id } };
  },
  async delete(ctx, current) {
    await ctx.call('ssm', 'DeleteAssociation', { AssociationId: current.physicalId });
  },
};

/** Document names AWS keeps for itself: CloudFormation leaves such a stack name out of a generated name. */
const RESERVED = /^(aws-|amazon|amzn)/i;

function documentContent(props: Properties): { content: string; format: string } {
  const format = props.str('DocumentFormat') ?? 'JSON';
  const raw = props.raw.Content;
  const content =
    typeof raw === 'string' ? raw : format === 'YAML' ? yamlText(raw) : JSON.stringify(raw, null, 2);
  return { content, format };
}

/**
 * AWS::SSM::Document: Content as an object (written in DocumentFormat, JSON by default) or as a
 * string; Ref is the name. A change of Name or DocumentType makes a new document; any other change
 * becomes a new version made the default (UpdateMethod NewVersion; Replace is treated the same).
 */
export const document: ResourceProvider = {
  attributes: [],
  properties: [
    'Content',
    'Name',
    'DocumentType',
    'DocumentFormat',
    'TargetType',
    'Tags',
    'UpdateMethod',
    'VersionName',
  ],
  unsupported: ['Attachments', 'Requires'],
  required: ['Content'],
  replaceOn: ['Name', 'DocumentType'],
  nameProperty: 'Name',
  async create(ctx, props) {
    const { content, format } = documentContent(props);
    let name = props.str('Name');
    if (!name) {
      const generated = ctx.physicalName({ maxLength: 128 });
      name = RESERVED.test(generated) ? generated.slice(ctx.stackName.length + 1) : generated;
    }
    const tags = ctx.tags(props.tags(), { systemFor: 'ssm' });
    await ctx.call('ssm', 'CreateDocument', {
      Name: name,
      Content: content,
      DocumentType: props.str('DocumentType') ?? 'Command',
      DocumentFormat: format,
      TargetType: props.str('TargetType'),
      VersionName: props.str('VersionName'),
      Tags: tags.length ? tags : undefined,
    });
    return { physicalId: name };
  },
  async update(ctx, current, props) {
    const name = current.physicalId;
    const { content, format } = documentContent(props);
    const before = documentContent(current.properties);
    if (content !== before.content || format !== before.format) {
      const out = await ctx.call<UpdateDocumentResult>('ssm', 'UpdateDocument', {
        Name: name,
        Content: content,
        DocumentFormat: format,
        DocumentVersion: '$LATEST',
        TargetType: props.str('TargetType'),
        VersionName: props.str('VersionName'),
      });
      await ctx.call('ssm', 'UpdateDocumentDefaultVersion', {
        Name: name,
        DocumentVersion: out.DocumentDescription?.DocumentVersion,
      });
    }
    const want = ctx.tags(props.tags(), { systemFor: 'ssm' });
    const stale = ctx
      .tags(current.properties.tags(), { systemFor: 'ssm', previous: true })
      .filter((t) => !want.some((w) => w.Key === t.Key))
      .map((t) => t.Key);
    if (stale.length)
      await ctx.call('ssm', 'RemoveTagsFromResource', {
        ResourceType: 'Document',
        ResourceId: name,
        TagKeys: stale,
      });
    if (want.length)
      await ctx.call('ssm', 'AddTagsToResource', { ResourceType: 'Document', ResourceId: name, Tags: want });
    return { physicalId: name };
  },
  async delete(ctx, current) {
    await ctx.call('ssm', 'DeleteDocument', { Name: current.physicalId });
  },
};

export const ssmProviders: Record<string, ResourceProvider> = {
  'AWS::SSM::Parameter': parameter,
  'AWS::SSM::Association': association,
  'AWS::SSM::Document': document,
};
