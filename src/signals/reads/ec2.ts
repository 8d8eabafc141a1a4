/**
 * EC2 reads: security groups, network ACLs, instances, volumes and snapshots batched by id; flow logs
 * once a tick.
 */
import type {
  CreateVolumePermission,
  FlowLog,
  Instance,
  NetworkAcl,
  SecurityGroup,
  Snapshot,
  Volume,
} from '@aws-sdk/client-ec2';
import { Absent, allPages, type BatchSpec, type Reader } from '../reader.js';

/**
 * Ids go in as a filter rather than GroupIds/NetworkAclIds: a filter answers without the ids that do
 * not exist (a deleted group) instead of failing the whole batch. EC2 takes up to 200 filter values.
 */
function byIdFilter<V>(
  api: string,
  filter: string,
  list: string | ((page: Record<string, unknown>) => V[]),
  idOf: (v: V) => string | undefined,
): BatchSpec<V> {
  const items =
    typeof list === 'string' ? (p: Record<string, unknown>) => (p[list] as V[] | undefined) ?? [] : list;
  return {
    name: api,
    maxSize: 200,
    async fetch(reader, ids) {
      const pages = await allPages(reader, api, { Filters: [{ Name: filter, Values: ids }] });
      const found = new Map<string, V>();
      for (const item of pages.flatMap(items)) {
        const id = idOf(item);
        if (id) found.set(id, item);
      }
      return found;
    },
  };
}

const groups = byIdFilter<SecurityGroup>(
  'ec2:DescribeSecurityGroups',
  'group-id',
  'SecurityGroups',
  (g) => g.GroupId,
);
const acls = byIdFilter<NetworkAcl>(
  'ec2:DescribeNetworkAcls',
  'network-acl-id',
  'NetworkAcls',
  (a) => a.NetworkAclId,
);

const instances = byIdFilter<Instance>(
  'ec2:DescribeInstances',
  'instance-id',
  (p) =>
    ((p.Reservations as Array<{ Instances?: Instance[] }> | undefined) ?? []).flatMap(
      (r) => r.Instances ?? [],
    ),
  (i) => i.InstanceId,
);
const volumes = byIdFilter<Volume>('ec2:DescribeVolumes', 'volume-id', 'Volumes', (v) => v.VolumeId);
// Without OwnerIds: a snapshot shared with the account is asked about by id like one it owns.
const snapshots = byIdFilter<Snapshot>(
  'ec2:DescribeSnapshots',
  'snapshot-id',
  'Snapshots',
  (s) => s.SnapshotId,
);

export function securityGroup(reader: Reader, id: string): Promise<SecurityGroup | undefined> {
  return reader.load(groups, id);
}

export function networkAcl(reader: Reader, id: string): Promise<NetworkAcl | undefined> {
  return reader.load(acls, id);
}

/** An instance, terminated ones included while EC2 still lists them (about an hour in AWS). */
export function instance(reader: Reader, id: string): Promise<Instance | undefined> {
  return reader.load(instances, id);
}

export function volume(reader: Reader, id: string): Promise<Volume | undefined> {
  return reader.load(volumes, id);
}

export function snapshot(reader: Reader, id: string): Promise<Snapshot | undefined> {
  return reader.load(snapshots, id);
}

/** Every flow log of the account and region: one read serves all resources. */
export function flowLogs(reader: Reader): Promise<FlowLog[]> {
  return reader.once('ec2:DescribeFlowLogs', async () => {
    const pages = await allPages(reader, 'ec2:DescribeFlowLogs', {});
    return pages.flatMap((p) => (p.FlowLogs as FlowLog[] | undefined) ?? []);
  });
}

/**
 * Who may create volumes from a snapshot (DescribeSnapshotAttribute createVolumePermission): `all`
 * for everyone, or account ids. Once a tick per snapshot; undefined when the snapshot does not exist.
 */
export function snapshotVolumePermissions(
  reader: Reader,
  id: string,
): Promise<CreateVolumePermission[] | undefined> {
  return reader.once(`ec2:DescribeSnapshotAttribute ${id}`, async () => {
    const out = await reader.callOrAbsent(
      'ec2:DescribeSnapshotAttribute',
      { SnapshotId: id, Attribute: 'createVolumePermission' },
      ['InvalidSnapshot.NotFound'],
    );
    if (out instanceof Absent) return undefined;
    return (out.CreateVolumePermissions as CreateVolumePermission[] | undefined) ?? [];
  });
}

/**
 * The network ACL each subnet is associated with (a subnet always has exactly one), asked by the
 * `association.subnet-id` filter so that a deleted subnet simply has none.
 */
const subnetAcls: BatchSpec<NetworkAcl> = {
  name: 'ec2:DescribeNetworkAcls association.subnet-id',
  maxSize: 200,
  async fetch(reader, ids) {
    const pages = await allPages(reader, 'ec2:DescribeNetworkAcls', {
      Filters: [{ Name: 'association.subnet-id', Values: ids }],
    });
    const found = new Map<string, NetworkAcl>();
    for (const acl of pages.flatMap((p) => (p.NetworkAcls as NetworkAcl[] | undefined) ?? [])) {
      for (const a of acl.Associations ?? []) if (a.SubnetId) found.set(a.SubnetId, acl);
    }
    return found;
  },
};

export function subnetNetworkAcl(reader: Reader, subnetId: string): Promise<NetworkAcl | undefined> {
  return reader.load(subnetAcls, subnetId);
}

/** The account's own snapshots of each volume (shared and public ones of others are not evidence kept). */
const volumeSnapshotLists: BatchSpec<Snapshot[]> = {
  name: 'ec2:DescribeSnapshots volume-id',
  maxSize: 200,
  async fetch(reader, ids) {
    const pages = await allPages(reader, 'ec2:DescribeSnapshots', {
      OwnerIds: ['self'],
      Filters: [{ Name: 'volume-id', Values: ids }],
    });
    const found = new Map<string, Snapshot[]>(ids.map((id) => [id, []]));
    for (const s of pages.flatMap((p) => (p.Snapshots as Snapshot[] | undefined) ?? [])) {
      if (s.VolumeId) found.get(s.VolumeId)?.push(s);
    }
    return found;
  },
};

/** Snapshots of a volume the account owns (none: an empty list). */
export async function snapshotsOfVolume(reader: Reader, volumeId: string): Promise<Snapshot[]> {
  return (await reader.load(volumeSnapshotLists, volumeId)) ?? [];
}
