import type { CreateVolumeRequest, DeleteVolumeRequest, Volume } from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { ec2Id } from '../../../ids.js';
import { applyTagSpecs, tagSpecsFor, tagsOf } from '../query.js';
import { find, invalidParameter, kinds, missingParameter } from '../resources.js';
import { ec2Of, type VolumeRecord } from '../store.js';
import { zonesOf } from './vpcs.js';
import { record } from '../../../records.js';

/**
 * Standalone EBS volumes (CreateVolume, DeleteVolume): a data volume a scenario snapshots. Volumes
 * launched with an instance are made by RunInstances; DescribeVolumes lists both (snapshots.ts).
 */

/** Size limits in GiB by volume type (EBS volume types: "Volume size"). */
const SIZES: Record<string, [number, number]> = record({
  gp2: [1, 16384],
  gp3: [1, 16384],
  io1: [4, 16384],
  io2: [4, 65536],
  st1: [125, 16384],
  sc1: [125, 16384],
  standard: [1, 1024],
});

export function createVolume(ctx: CallContext, input: CreateVolumeRequest): Volume {
  const s = ec2Of(ctx);
  const zones = zonesOf(ctx.region);
  if (input.AvailabilityZone === undefined && input.AvailabilityZoneId === undefined)
    throw missingParameter('AvailabilityZone');
  const zone = zones.find((z) => z.name === input.AvailabilityZone || z.id === input.AvailabilityZoneId);
  if (!zone) {
    throw invalidParameter(
      `Value (${input.AvailabilityZone ?? input.AvailabilityZoneId}) for parameter availabilityZone is invalid. ` +
        `Volumes can currently only be created in the following availability zones: ${zones.map((z) => z.name).join(', ')}.`,
    );
  }
  // The API's default type is gp2 (CreateVolume: "VolumeType ... Default: gp2").
  const volumeType = input.VolumeType ?? 'gp2';
  const limits = SIZES[volumeType];
  if (!limits) throw invalidParameter(`Value (${volumeType}) for parameter volumeType is invalid.`);
  const snapshot = input.SnapshotId ? find(s.snapshots, kinds.snapshot, input.SnapshotId) : undefined;
  const size = input.Size ?? snapshot?.volumeSize;
  if (size === undefined) throw missingParameter('size');
  if (snapshot && size < snapshot.volumeSize) {
    throw invalidParameter(
      `Volume of ${size}GiB is too small; minimum is ${snapshot.volumeSize}GiB for snapshot ${snapshot.id}.`,
    );
  }
  if (size < limits[0] || size > limits[1]) {
    throw invalidParameter(
      `Volume of ${size}GiB is ${size < limits[0] ? 'too small' : 'too large'}; ${size < limits[0] ? 'minimum' : 'maximum'} is ${size < limits[0] ? limits[0] : limits[1]}GiB.`,
    );
  }
  const specs = tagSpecsFor(input.TagSpecifications, ['volume']);
  const volume: VolumeRecord = {
    id: ec2Id('vol'),
    size,
    volumeType,
    az: zone.name,
    createTime: ctx.now,
    encrypted: input.Encrypted ?? snapshot?.encrypted ?? false,
    ...(snapshot ? { snapshotId: snapshot.id } : {}),
  };
  s.volumes[volume.id] = volume;
  applyTagSpecs(s, specs, 'volume', volume.id);
  // The answer says `creating`, as EC2's does; the range's volumes are available at once.
  return {
    AvailabilityZone: volume.az,
    CreateTime: volume.createTime,
    Encrypted: volume.encrypted,
    Size: volume.size,
    SnapshotId: volume.snapshotId ?? '',
    State: 'creating',
    VolumeId: volume.id,
    Iops: volumeType === 'gp3' ? (input.Iops ?? 3000) : input.Iops,
    Throughput: volumeType === 'gp3' ? (input.Throughput ?? 125) : undefined,
    Tags: tagsOf(s, volume.id),
    VolumeType: volumeType,
    MultiAttachEnabled: input.MultiAttachEnabled ?? false,
  };
}

export function deleteVolume(ctx: CallContext, input: DeleteVolumeRequest): Record<string, never> {
  const s = ec2Of(ctx);
  const volume = find(s.volumes, kinds.volume, input.VolumeId);
  if (volume.attachment) {
    throw new ServiceError(
      'VolumeInUse',
      `Volume ${volume.id} is currently attached to ${volume.attachment.instanceId}`,
    );
  }
  delete s.volumes[volume.id];
  delete s.tags[volume.id];
  return {};
}
