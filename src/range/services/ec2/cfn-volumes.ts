import type { DescribeTagsResult, ResourceType, Volume } from '@aws-sdk/client-ec2';
import type { Properties, ProviderContext, ResourceProvider } from '../cloudformation/provider.js';

// CloudFormation's AWS::EC2::Volume, driven through the range's EC2 API (CreateVolume, DeleteVolume).

/** What an update may change in place; the range has no ModifyVolume, so it refuses the rest clearly. */
const MODIFIABLE = ['Size', 'VolumeType', 'Iops', 'Throughput'];

async function syncVolumeTags(ctx: ProviderContext, id: string, props: Properties): Promise<void> {
  const desired = ctx.tags(props.tags(), { systemFor: 'ec2' });
  const out = await ctx.call<DescribeTagsResult>('ec2', 'DescribeTags', {
    Filters: [{ Name: 'resource-id', Values: [id] }],
  });
  const wanted = new Set(desired.map((t) => t.Key));
  const stale = (out.Tags ?? []).filter((t) => !wanted.has(t.Key ?? '') && !(t.Key ?? '').startsWith('aws:'));
  if (stale.length)
    await ctx.call('ec2', 'DeleteTags', { Resources: [id], Tags: stale.map((t) => ({ Key: t.Key })) });
  if (desired.length) await ctx.call('ec2', 'CreateTags', { Resources: [id], Tags: desired });
}

export const volume: ResourceProvider = {
  attributes: ['VolumeId'],
  properties: [
    'AvailabilityZone',
    'Encrypted',
    'Iops',
    'KmsKeyId',
    'MultiAttachEnabled',
    'Size',
    'SnapshotId',
    'Tags',
    'Throughput',
    'VolumeType',
  ],
  unsupported: ['AutoEnableIO', 'OutpostArn', 'VolumeInitializationRate'],
  required: ['AvailabilityZone'],
  replaceOn: ['AvailabilityZone', 'Encrypted', 'KmsKeyId', 'SnapshotId', 'MultiAttachEnabled'],
  async create(ctx, props) {
    const tags = ctx.tags(props.tags(), { systemFor: 'ec2' });
    const out = await ctx.call<Volume>('ec2', 'CreateVolume', {
      AvailabilityZone: props.required('AvailabilityZone'),
      Size: props.num('Size'),
      VolumeType: props.str('VolumeType'),
      Iops: props.num('Iops'),
      Throughput: props.num('Throughput'),
      Encrypted: props.bool('Encrypted'),
      KmsKeyId: props.str('KmsKeyId'),
      SnapshotId: props.str('SnapshotId'),
      MultiAttachEnabled: props.bool('MultiAttachEnabled'),
      TagSpecifications: tags.length ? [{ ResourceType: 'volume' as ResourceType, Tags: tags }] : undefined,
    });
    const id = out.VolumeId ?? '';
    return { physicalId: id, attributes: { VolumeId: id } };
  },
  async update(ctx, current, props) {
    for (const name of MODIFIABLE) {
      if (JSON.stringify(props.raw[name] ?? null) !== JSON.stringify(current.properties.raw[name] ?? null))
        ctx.unsupported(name, 'changing it in place (the range has no ModifyVolume)');
    }
    await syncVolumeTags(ctx, current.physicalId, props);
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
  async delete(ctx, current) {
    await ctx.call('ec2', 'DeleteVolume', { VolumeId: current.physicalId });
  },
};
