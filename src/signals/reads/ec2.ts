/** EC2 reads: security groups and network ACLs batched by id, flow logs once a tick. */
import type { FlowLog, NetworkAcl, SecurityGroup } from '@aws-sdk/client-ec2';
import { allPages, type BatchSpec, type Reader } from '../reader.js';

/**
 * Ids go in as a filter rather than GroupIds/NetworkAclIds: a filter answers without the ids that do
 * not exist (a deleted group) instead of failing the whole batch. EC2 takes up to 200 filter values.
 */
function byIdFilter<V>(
  api: string,
  filter: string,
  list: string,
  idOf: (v: V) => string | undefined,
): BatchSpec<V> {
  return {
    name: api,
    maxSize: 200,
    async fetch(reader, ids) {
      const pages = await allPages(reader, api, { Filters: [{ Name: filter, Values: ids }] });
      const found = new Map<string, V>();
      for (const item of pages.flatMap((p) => (p[list] as V[] | undefined) ?? [])) {
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

export function securityGroup(reader: Reader, id: string): Promise<SecurityGroup | undefined> {
  return reader.load(groups, id);
}

export function networkAcl(reader: Reader, id: string): Promise<NetworkAcl | undefined> {
  return reader.load(acls, id);
}

/** Every flow log of the account and region: one read serves all resources. */
export function flowLogs(reader: Reader): Promise<FlowLog[]> {
  return reader.once('ec2:DescribeFlowLogs', async () => {
    const pages = await allPages(reader, 'ec2:DescribeFlowLogs', {});
    return pages.flatMap((p) => (p.FlowLogs as FlowLog[] | undefined) ?? []);
  });
}
