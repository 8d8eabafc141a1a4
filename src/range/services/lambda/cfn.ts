import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { Properties, ProviderContext, ResourceProvider } from '../cloudformation/provider.js';
import { writeZip } from './zip.js';

// CloudFormation's AWS::Lambda::Function and AWS::Lambda::Permission, driven through the range's Lambda API.

/**
 * The package a template gives. Inline `ZipFile` source becomes `index.js` (Node.js: a CommonJS file, as
 * CloudFormation names it) or `index.py` (Python), zipped as CloudFormation does.
 */
function codeOf(ctx: ProviderContext, props: Properties): Record<string, unknown> {
  const code = props.object('Code');
  if (!code) return ctx.invalid('Property Code cannot be empty.');
  const source = code.str('ZipFile');
  if (source !== undefined) {
    const runtime = props.str('Runtime') ?? '';
    const file = runtime.startsWith('python')
      ? 'index.py'
      : runtime.startsWith('nodejs')
        ? 'index.js'
        : undefined;
    if (!file)
      return ctx.invalid(`ZipFile can only be used when Runtime is set to a Node.js or Python runtime.`);
    return { ZipFile: writeZip([{ path: file, data: source }]) };
  }
  if (code.has('ImageUri')) return ctx.unsupported('Code.ImageUri', 'the range runs .zip packages only');
  return {
    S3Bucket: code.required('S3Bucket'),
    S3Key: code.required('S3Key'),
    ...(code.str('S3ObjectVersion') ? { S3ObjectVersion: code.str('S3ObjectVersion') } : {}),
  };
}

function settingsOf(props: Properties): Record<string, unknown> {
  const vars = props.object('Environment')?.object('Variables')?.raw;
  return {
    Runtime: props.str('Runtime'),
    Handler: props.str('Handler'),
    Role: props.required('Role'),
    Description: props.str('Description') ?? '',
    Timeout: props.num('Timeout') ?? 3,
    MemorySize: props.num('MemorySize') ?? 128,
    Environment: {
      Variables: Object.fromEntries(Object.entries(vars ?? {}).map(([k, v]) => [k, String(v)])),
    },
    ...(props.has('EphemeralStorage')
      ? { EphemeralStorage: { Size: props.object('EphemeralStorage')?.num('Size') } }
      : {}),
  };
}

/** Deleting what is already gone succeeds, as CloudFormation's delete handlers do. */
function ignoreGone(err: unknown): void {
  if ((err as { code?: unknown }).code !== 'ResourceNotFoundException') throw err;
}

function attributesOf(out: FunctionConfiguration): Record<string, string> {
  return { Arn: out.FunctionArn ?? '' };
}

/** ReservedConcurrentExecutions: set through PutFunctionConcurrency, removed when the property goes. */
async function reserve(
  ctx: ProviderContext,
  name: string,
  had: number | undefined,
  want: number | undefined,
): Promise<void> {
  if (want === had) return;
  if (want === undefined) await ctx.call('lambda', 'DeleteFunctionConcurrency', { FunctionName: name });
  else
    await ctx.call('lambda', 'PutFunctionConcurrency', {
      FunctionName: name,
      ReservedConcurrentExecutions: want,
    });
}

export const lambdaFunction: ResourceProvider = {
  attributes: ['Arn', 'SnapStartResponse'],
  properties: [
    'FunctionName',
    'Runtime',
    'Handler',
    'Role',
    'Code',
    'Description',
    'Timeout',
    'MemorySize',
    'Environment',
    'Tags',
    'Architectures',
    'EphemeralStorage',
    'PackageType',
    'ReservedConcurrentExecutions',
  ],
  unsupported: [
    'VpcConfig',
    'Layers',
    'DeadLetterConfig',
    'KmsKeyArn',
    'TracingConfig',
    'FileSystemConfigs',
    'ImageConfig',
    'CodeSigningConfigArn',
    'SnapStart',
    'LoggingConfig',
    'RuntimeManagementConfig',
    'RecursiveLoop',
  ],
  required: ['Code', 'Role'],
  replaceOn: ['FunctionName', 'PackageType', 'Architectures'],
  nameProperty: 'FunctionName',
  async create(ctx, props) {
    const name = props.str('FunctionName') ?? ctx.physicalName({ maxLength: 64 });
    const tags = ctx.tags(props.tags(), { systemFor: 'lambda' });
    const out = await ctx.call<FunctionConfiguration>('lambda', 'CreateFunction', {
      FunctionName: name,
      ...settingsOf(props),
      Code: codeOf(ctx, props),
      ...(props.strList('Architectures') ? { Architectures: props.strList('Architectures') } : {}),
      ...(props.str('PackageType') ? { PackageType: props.str('PackageType') } : {}),
      ...(tags.length ? { Tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])) } : {}),
    });
    await reserve(ctx, name, undefined, props.num('ReservedConcurrentExecutions'));
    return { physicalId: name, attributes: attributesOf(out) };
  },
  async update(ctx, current, props) {
    const name = current.physicalId;
    const before = current.properties;
    let out: FunctionConfiguration | undefined;
    if (
      JSON.stringify(before.raw.Code) !== JSON.stringify(props.raw.Code) ||
      before.str('Runtime') !== props.str('Runtime')
    ) {
      out = await ctx.call<FunctionConfiguration>('lambda', 'UpdateFunctionCode', {
        FunctionName: name,
        ...codeOf(ctx, props),
      });
    }
    out = await ctx.call<FunctionConfiguration>('lambda', 'UpdateFunctionConfiguration', {
      FunctionName: name,
      ...settingsOf(props),
    });
    await reserve(
      ctx,
      name,
      before.num('ReservedConcurrentExecutions'),
      props.num('ReservedConcurrentExecutions'),
    );
    const arn = out.FunctionArn ?? '';
    const want = ctx.tags(props.tags(), { systemFor: 'lambda' });
    const had = ctx.tags(before.tags(), { systemFor: 'lambda', previous: true });
    const stale = had.filter((t) => !want.some((w) => w.Key === t.Key)).map((t) => t.Key);
    if (stale.length) await ctx.call('lambda', 'UntagResource', { Resource: arn, TagKeys: stale });
    if (want.length)
      await ctx.call('lambda', 'TagResource', {
        Resource: arn,
        Tags: Object.fromEntries(want.map((t) => [t.Key, t.Value])),
      });
    return { physicalId: name, attributes: out ? attributesOf(out) : current.attributes };
  },
  async delete(ctx, current) {
    await ctx.call('lambda', 'DeleteFunction', { FunctionName: current.physicalId }).catch(ignoreGone);
  },
};

export const lambdaPermission: ResourceProvider = {
  attributes: ['Id'],
  properties: [
    'Action',
    'FunctionName',
    'Principal',
    'SourceAccount',
    'SourceArn',
    'EventSourceToken',
    'PrincipalOrgID',
    'FunctionUrlAuthType',
  ],
  required: ['Action', 'FunctionName', 'Principal'],
  replaceOn: '*',
  async create(ctx, props) {
    const sid = ctx.physicalName({ maxLength: 100 });
    const fn = props.required('FunctionName');
    await ctx.call('lambda', 'AddPermission', {
      FunctionName: fn,
      StatementId: sid,
      Action: props.required('Action'),
      Principal: props.required('Principal'),
      SourceAccount: props.str('SourceAccount'),
      SourceArn: props.str('SourceArn'),
      EventSourceToken: props.str('EventSourceToken'),
      PrincipalOrgID: props.str('PrincipalOrgID'),
      FunctionUrlAuthType: props.str('FunctionUrlAuthType'),
    });
    return { physicalId: sid, attributes: { Id: sid }, state: { functionName: fn } };
  },
  async delete(ctx, current) {
    const fn = typeof current.state.functionName === 'string' ? current.state.functionName : '';
    await ctx
      .call('lambda', 'RemovePermission', { FunctionName: fn, StatementId: current.physicalId })
      .catch(ignoreGone);
  },
};

export const lambdaProviders: Record<string, ResourceProvider> = {
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::Lambda::Permission': lambdaPermission,
};
