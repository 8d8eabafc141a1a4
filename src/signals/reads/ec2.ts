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
