import type {
  CreateSnapshotRequest,
  DeleteSnapshotRequest,
  DescribeSnapshotAttributeRequest,
  DescribeSnapshotAttributeResult,
  DescribeSnapshotsRequest,
  DescribeSnapshotsResult,
  DescribeVolumesRequest,
  DescribeVolumesResult,
  ModifySnapshotAttributeRequest,
  ResetSnapshotAttributeRequest,
  Snapshot,
  Volume,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { ec2Id } from '../../../ids.js';
import { applyFilters, applyTagSpecs, page, tagSpecsFor, tagsOf, type FilterTable } from '../query.js';
import {
  find,
  invalidParameter,
  isWellFormed,
  kinds,
  malformed,
  missingParameter,
  notFound,
  selectByIds,
} from '../resources.js';
import { ec2Of, ec2State, settle, type Ec2State, type SnapshotRecord, type VolumeRecord } from '../store.js';

/** How long a snapshot stays `pending` on the range clock. */
const SNAPSHOT_MS = 2000;

function volumeView(s: Ec2State, v: VolumeRecord): Volume {
  return {
    Attachments: v.attachment
      ? [
          {
            AttachTime: v.attachment.attachTime,
            Device: v.attachment.device,
            InstanceId: v.attachment.instanceId,
            State: 'attached',
            VolumeId: v.id,
            DeleteOnTermination: v.attachment.deleteOnTermination,
          },
        ]
      : [],
    AvailabilityZone: v.az,
    CreateTime: v.createTime,
    Encrypted: v.encrypted,
    Size: v.size,
    SnapshotId: v.snapshotId ?? '',
    State: v.attachment ? 'in-use' : 'available',
    VolumeId: v.id,
    Iops: v.volumeType === 'gp3' ? 3000 : undefined,
    Throughput: v.volumeType === 'gp3' ? 125 : undefined,
    Tags: tagsOf(s, v.id),
    VolumeType: v.volumeType as Volume['VolumeType'],
    MultiAttachEnabled: false,
  };
}

const volumeFilters: FilterTable<VolumeRecord> = {
  'volume-id': (v) => v.id,
  'attachment.instance-id': (v) => v.attachment?.instanceId,
  'attachment.device': (v) => v.attachment?.device,
  'attachment.status': (v) => (v.attachment ? 'attached' : undefined),
  'attachment.delete-on-termination': (v) => v.attachment?.deleteOnTermination,
  'availability-zone': (v) => v.az,
  encrypted: (v) => v.encrypted,
  size: (v) => v.size,
  'snapshot-id': (v) => v.snapshotId,
  status: (v) => (v.attachment ? 'in-use' : 'available'),
  'volume-type': (v) => v.volumeType,
};

export function describeVolumes(ctx: CallContext, input: DescribeVolumesRequest): DescribeVolumesResult {
  const s = ec2Of(ctx);
  const selected = applyFilters(
    s,
    selectByIds(s.volumes, kinds.volume, input.VolumeIds),
    input.Filters,
    volumeFilters,
  );
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 500 }, [
    input.VolumeIds,
    input.Filters,
  ]);
  return { Volumes: items.map((v) => volumeView(s, v)), NextToken: nextToken };
}

function snapshotView(s: Ec2State, snap: SnapshotRecord): Snapshot {
  return {
    Description: snap.description,
    Encrypted: snap.encrypted,
    OwnerId: snap.ownerId,
    Progress: snap.state === 'completed' ? '100%' : '0%',
    SnapshotId: snap.id,
    StartTime: snap.startTime,
    State: snap.state,
    VolumeId: snap.volumeId,
    VolumeSize: snap.volumeSize,
    Tags: tagsOf(s, snap.id),
    StorageTier: 'standard',
  };
}

export function createSnapshot(ctx: CallContext, input: CreateSnapshotRequest): Snapshot {
  const s = ec2Of(ctx);
  const volume = find(s.volumes, kinds.volume, input.VolumeId);
  const specs = tagSpecsFor(input.TagSpecifications, ['snapshot']);
  const snap: SnapshotRecord = {
    id: ec2Id('snap'),
    volumeId: volume.id,
    volumeSize: volume.size,
    description: input.Description ?? '',
    ownerId: ctx.accountId,
    startTime: ctx.now,
    state: 'pending',
    completeAt: new Date(ctx.now.getTime() + SNAPSHOT_MS),
    encrypted: volume.encrypted,
    sharedWithUsers: [],
    public: false,
  };
  s.snapshots[snap.id] = snap;
  applyTagSpecs(s, specs, 'snapshot', snap.id);
  ctx.clock.schedule(SNAPSHOT_MS, () => settle(s, ctx.clock.now()));
  return snapshotView(s, snap);
}

/** Snapshots this account may see: its own, and other accounts' shared with it or public. */
function visibleSnapshots(ctx: CallContext): Array<{ s: Ec2State; snap: SnapshotRecord }> {
  const out: Array<{ s: Ec2State; snap: SnapshotRecord }> = [];
  for (const slot of ctx.allState(ec2State)) {
    if (slot.region !== ctx.region) continue;
    settle(slot.value, ctx.clock.now());
    for (const snap of Object.values(slot.value.snapshots)) {
      const mine = snap.ownerId === ctx.accountId;
      if (mine || snap.public || snap.sharedWithUsers.includes(ctx.accountId))
        out.push({ s: slot.value, snap });
    }
  }
  return out;
}

const snapshotFilters: FilterTable<SnapshotRecord> = {
  'snapshot-id': (x) => x.id,
  'volume-id': (x) => x.volumeId,
  'volume-size': (x) => x.volumeSize,
  status: (x) => x.state,
  'owner-id': (x) => x.ownerId,
  description: (x) => x.description,
  encrypted: (x) => x.encrypted,
  progress: (x) => (x.state === 'completed' ? '100%' : '0%'),
  'start-time': (x) => x.startTime.toISOString(),
  'storage-tier': () => 'standard',
};

export function describeSnapshots(
  ctx: CallContext,
  input: DescribeSnapshotsRequest,
): DescribeSnapshotsResult {
  const visible = visibleSnapshots(ctx);
  let found = visible;
  if (input.SnapshotIds?.length) {
    found = input.SnapshotIds.map((id) => {
      if (!isWellFormed(kinds.snapshot, id)) throw malformed(kinds.snapshot, id);
      const hit = visible.find((v) => v.snap.id === id);
      if (!hit) throw notFound(kinds.snapshot, id);
      return hit;
    });
  }
  if (input.OwnerIds?.length) {
    const owners = input.OwnerIds.map((o) => (o === 'self' ? ctx.accountId : o));
    found = found.filter((v) => owners.includes(v.snap.ownerId));
  }
  if (input.RestorableByUserIds?.length) {
    const users = input.RestorableByUserIds.map((u) => (u === 'self' ? ctx.accountId : u));
    // Anyone may restore a public snapshot; an account also what it owns or what is shared with it.
    found = found.filter(
      (v) => v.snap.public || users.some((u) => u === v.snap.ownerId || v.snap.sharedWithUsers.includes(u)),
    );
  }
  // Tags are per account: filter with the owner's tags, as each snapshot's own store holds them.
  const selected = found.filter(
    (v) => applyFilters(v.s, [v.snap], input.Filters, snapshotFilters).length > 0,
  );
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, [
    input.SnapshotIds,
    input.OwnerIds,
    input.RestorableByUserIds,
    input.Filters,
  ]);
  return { Snapshots: items.map((v) => snapshotView(v.s, v.snap)), NextToken: nextToken };
}

export function modifySnapshotAttribute(
  ctx: CallContext,
  input: ModifySnapshotAttributeRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const snap = find(s.snapshots, kinds.snapshot, input.SnapshotId);
  const attribute = input.Attribute ?? 'createVolumePermission';
  if (attribute !== 'createVolumePermission') {
    throw invalidParameter(
      `Value (${attribute}) for parameter attribute is invalid. Only createVolumePermission can be modified.`,
    );
  }
  const add: Array<{ UserId?: string; Group?: string }> = [...(input.CreateVolumePermission?.Add ?? [])];
  const remove: Array<{ UserId?: string; Group?: string }> = [
    ...(input.CreateVolumePermission?.Remove ?? []),
  ];
  const flat = [
    ...(input.UserIds ?? []).map((UserId) => ({ UserId })),
    ...(input.GroupNames ?? []).map((Group) => ({ Group })),
  ];
  if (flat.length) {
    if (input.OperationType === 'add') add.push(...flat);
    else if (input.OperationType === 'remove') remove.push(...flat);
    else throw new ServiceError('MissingParameter', 'The request must contain the parameter operationType');
  }
  if (add.length === 0 && remove.length === 0) {
    throw new ServiceError(
      'MissingParameter',
      'The request must contain the parameter createVolumePermission',
    );
  }
  for (const p of [...add, ...remove]) {
    if (p.Group !== undefined && p.Group !== 'all')
      throw invalidParameter(`Value (${p.Group}) for parameter group is invalid.`);
    if (p.UserId !== undefined && !/^\d{12}$/.test(p.UserId)) {
      throw invalidParameter(
        `Value (${p.UserId}) for parameter userId is invalid. Account IDs must be 12 digits.`,
      );
    }
  }
  if (snap.encrypted && add.some((p) => p.Group === 'all')) {
    throw new ServiceError(
      'OperationNotPermitted',
      'Encrypted snapshots with EBS default key cannot be shared',
    );
  }
  for (const p of add) {
    if (p.Group === 'all') snap.public = true;
    if (p.UserId && !snap.sharedWithUsers.includes(p.UserId)) snap.sharedWithUsers.push(p.UserId);
  }
  for (const p of remove) {
    if (p.Group === 'all') snap.public = false;
    if (p.UserId) snap.sharedWithUsers = snap.sharedWithUsers.filter((u) => u !== p.UserId);
  }
  return {};
}

export function describeSnapshotAttribute(
  ctx: CallContext,
  input: DescribeSnapshotAttributeRequest,
): DescribeSnapshotAttributeResult {
  const s = ec2Of(ctx);
  const snap = find(s.snapshots, kinds.snapshot, input.SnapshotId);
  if (input.Attribute === 'productCodes') return { SnapshotId: snap.id, ProductCodes: [] };
  if (input.Attribute !== 'createVolumePermission') {
    throw invalidParameter(
      `Value (${String(input.Attribute)}) for parameter attribute is invalid. Unknown attribute.`,
    );
  }
  return {
    SnapshotId: snap.id,
    CreateVolumePermissions: [
      ...(snap.public ? [{ Group: 'all' as const }] : []),
      ...snap.sharedWithUsers.map((UserId) => ({ UserId })),
    ],
  };
}

/**
 * Back to the default permissions: nobody but the owner may create volumes from the snapshot (shared
 * with no account, not public). Only createVolumePermission can be reset (ResetSnapshotAttribute).
 */
export function resetSnapshotAttribute(
  ctx: CallContext,
  input: ResetSnapshotAttributeRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const snap = find(s.snapshots, kinds.snapshot, input.SnapshotId);
  if (input.Attribute === undefined) throw missingParameter('attribute');
  if (input.Attribute !== 'createVolumePermission') {
    throw invalidParameter(
      `Value (${String(input.Attribute)}) for parameter attribute is invalid. Only createVolumePermission can be reset.`,
    );
  }
  snap.public = false;
  snap.sharedWithUsers = [];
  return {};
}

export function deleteSnapshot(ctx: CallContext, input: DeleteSnapshotRequest): Record<string, never> {
  const s = ec2Of(ctx);
  const snap = find(s.snapshots, kinds.snapshot, input.SnapshotId);
  delete s.snapshots[snap.id];
  delete s.tags[snap.id];
  return {};
}
