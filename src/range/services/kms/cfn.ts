import type { CreateKeyResponse } from '@aws-sdk/client-kms';
import { isServiceError } from '../../errors.js';
import type { Properties, ProviderContext, ResourceProvider } from '../cloudformation/provider.js';

// CloudFormation's AWS::KMS::Key and AWS::KMS::Alias, driven through the range's KMS API.

function kmsTags(ctx: ProviderContext, props: Properties, previous = false) {
  return ctx
    .tags(props.tags(), { systemFor: 'kms', previous })
    .map((t) => ({ TagKey: t.Key, TagValue: t.Value }));
}

async function applySettings(
  ctx: ProviderContext,
  keyId: string,
  props: Properties,
  before?: Properties,
): Promise<void> {
  const rotation = props.bool('EnableKeyRotation') ?? false;
  if (rotation !== (before?.bool('EnableKeyRotation') ?? false)) {
    await ctx.call('kms', rotation ? 'EnableKeyRotation' : 'DisableKeyRotation', { KeyId: keyId });
  }
  const enabled = props.bool('Enabled') ?? true;
  if (enabled !== (before?.bool('Enabled') ?? true))
    await ctx.call('kms', enabled ? 'EnableKey' : 'DisableKey', { KeyId: keyId });
}

export const key: ResourceProvider = {
  attributes: ['Arn', 'KeyId'],
  properties: [
    'Description',
    'Enabled',
    'EnableKeyRotation',
    'KeyPolicy',
    'KeySpec',
    'KeyUsage',
    'PendingWindowInDays',
    'Tags',
    'BypassPolicyLockoutSafetyCheck',
    'Origin',
  ],
  unsupported: ['MultiRegion', 'RotationPeriodInDays'],
  replaceOn: ['KeySpec', 'KeyUsage', 'Origin'],
  async create(ctx, props) {
    const tags = kmsTags(ctx, props);
    const out = await ctx.call<CreateKeyResponse>('kms', 'CreateKey', {
      Description: props.str('Description'),
      KeyUsage: props.str('KeyUsage'),
      KeySpec: props.str('KeySpec'),
      Origin: props.str('Origin'),
      Policy: props.json('KeyPolicy'),
      BypassPolicyLockoutSafetyCheck: props.bool('BypassPolicyLockoutSafetyCheck'),
      Tags: tags.length ? tags : undefined,
    });
    const id = out.KeyMetadata?.KeyId ?? '';
    await applySettings(ctx, id, props);
    return { physicalId: id, attributes: { Arn: out.KeyMetadata?.Arn ?? '', KeyId: id } };
  },
  async update(ctx, current, props) {
    const id = current.physicalId;
    const before = current.properties;
    if ((props.str('Description') ?? '') !== (before.str('Description') ?? '')) {
      await ctx.call('kms', 'UpdateKeyDescription', {
        KeyId: id,
        Description: props.str('Description') ?? '',
      });
    }
    if (props.has('KeyPolicy') && props.json('KeyPolicy') !== before.json('KeyPolicy')) {
      await ctx.call('kms', 'PutKeyPolicy', {
        KeyId: id,
        PolicyName: 'default',
        Policy: props.json('KeyPolicy'),
      });
    }
    await applySettings(ctx, id, props, before);
    const want = kmsTags(ctx, props);
    const stale = kmsTags(ctx, before, true)
      .filter((t) => !want.some((w) => w.TagKey === t.TagKey))
      .map((t) => t.TagKey);
    if (stale.length) await ctx.call('kms', 'UntagResource', { KeyId: id, TagKeys: stale });
    if (want.length) await ctx.call('kms', 'TagResource', { KeyId: id, Tags: want });
    return { physicalId: id, attributes: current.attributes };
  },
  // CloudFormation cannot delete a key at once: it schedules the deletion (PendingWindowInDays, default 30).
  // A key someone already scheduled for deletion is done: AWS's handler takes KMSInvalidStateException
  // as success (aws-cloudformation-resource-providers-kms, key DeleteHandler).
  async delete(ctx, current) {
    try {
      await ctx.call('kms', 'ScheduleKeyDeletion', {
        KeyId: current.physicalId,
        PendingWindowInDays: current.properties.num('PendingWindowInDays') ?? 30,
      });
    } catch (err) {
      if (isServiceError(err) && err.code === 'KMSInvalidStateException') return;
      throw err;
    }
  },
};

export const alias: ResourceProvider = {
  attributes: [],
  properties: ['AliasName', 'TargetKeyId'],
  required: ['AliasName', 'TargetKeyId'],
  replaceOn: ['AliasName'],
  async create(ctx, props) {
    const name = props.required('AliasName');
    await ctx.call('kms', 'CreateAlias', { AliasName: name, TargetKeyId: props.required('TargetKeyId') });
    return { physicalId: name };
  },
  async update(ctx, current, props) {
    await ctx.call('kms', 'UpdateAlias', {
      AliasName: current.physicalId,
      TargetKeyId: props.required('TargetKeyId'),
    });
    return { physicalId: current.physicalId };
  },
  async delete(ctx, current) {
    await ctx.call('kms', 'DeleteAlias', { AliasName: current.physicalId });
  },
};

export const kmsProviders: Record<string, ResourceProvider> = {
  'AWS::KMS::Key': key,
  'AWS::KMS::Alias': alias,
};
