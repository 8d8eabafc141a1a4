import type { IpPermission, NetworkAcl, NetworkAclEntry, SecurityGroup } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { cidrContains } from '../cidr.js';
import { observed } from '../evidence.js';
import { expect, resource } from '../params.js';
import { instance, securityGroup, subnetNetworkAcl } from '../reads/ec2.js';
import { defineSignalKind } from '../types.js';

/**
 * Whether an instance is cut off from the network the way incident responders isolate a host: every
 * security group on it allows no inbound traffic (a quarantine group), or its subnet's network ACL
 * denies all inbound traffic; with `egress`, outbound traffic too (by either means). Terminating the
 * instance is not isolating it: a terminated instance is not isolated, its evidence is gone.
 */
const params = z.strictObject({
  instance: resource('EC2 instance id (i-...).'),
  egress: z
    .boolean()
    .optional()
    .describe('Also require outbound traffic to be cut (no egress rules, or an ACL denying all outbound).'),
  expect: expect(
    ['isolated', 'reachable'],
    '`isolated`: nothing can reach the instance (and, with egress, it can reach nothing); `reachable`: not so.',
  ),
});

type Params = z.output<typeof params>;

/**
 * A rule to loopback addresses only lets nothing through the network interface: CloudFormation removes
 * a group's default egress rule only when given another one, so quarantine groups carry 127.0.0.1/32.
 */
function opensTraffic(perm: IpPermission): boolean {
  const loopback =
    (perm.IpRanges ?? []).every((r) => r.CidrIp !== undefined && cidrContains('127.0.0.0/8', r.CidrIp)) &&
    (perm.Ipv6Ranges ?? []).every((r) => r.CidrIpv6 === '::1/128') &&
    (perm.PrefixListIds ?? []).length === 0 &&
    (perm.UserIdGroupPairs ?? []).length === 0;
  return !loopback;
}

function sgCloses(groups: SecurityGroup[], egress: boolean): boolean {
  return groups.every((g) =>
    ((egress ? g.IpPermissionsEgress : g.IpPermissions) ?? []).every((p) => !opensTraffic(p)),
  );
}

/**
 * Rules are evaluated lowest number first and the first match decides: the ACL denies all traffic of a
 * direction when every allow entry comes after a deny of all protocols whose CIDR covers the allow's.
 * The unchangeable last rule (*) denies everything, so a custom ACL without entries denies all.
 */
export function aclDeniesAll(entries: readonly NetworkAclEntry[], egress: boolean): boolean {
  const rules = entries
    .filter((e) => (e.Egress ?? false) === egress)
    .sort((a, b) => (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0));
  return rules.every((e, i) => {
    if (e.RuleAction !== 'allow') return true;
    const peer = e.CidrBlock ?? e.Ipv6CidrBlock;
    return rules.slice(0, i).some((d) => {
      const denied = d.CidrBlock ?? d.Ipv6CidrBlock;
      return (
        d.RuleAction === 'deny' &&
        d.Protocol === '-1' &&
        peer !== undefined &&
        denied !== undefined &&
        cidrContains(denied, peer)
      );
    });
  });
}

function how(groups: SecurityGroup[], acl: NetworkAcl | undefined, egress: boolean): string | undefined {
  const direction = egress ? 'outbound' : 'inbound';
  if (groups.length > 0 && sgCloses(groups, egress)) {
    const names = groups.map((g) => g.GroupId).join(', ');
    return `${direction} closed by its security group${groups.length > 1 ? 's' : ''} ${names} (no ${direction} rules)`;
  }
  if (acl && aclDeniesAll(acl.Entries ?? [], egress))
    return `${direction} denied by network ACL ${acl.NetworkAclId ?? '?'}`;
  return undefined;
}

export const instanceIsolated = defineSignalKind({
  name: 'instanceIsolated',
  family: 'state',
  reads: ['ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:DescribeNetworkAcls'],
  summary:
    'An instance is isolated from the network (quarantine security groups without rules, or a network ACL that denies all) or still reachable.',
  params,
  describe: (p) =>
    p.expect === 'isolated'
      ? `Instance ${p.instance} is isolated: nothing reaches it${p.egress ? ' and it reaches nothing' : ''}, by its security groups or its subnet's network ACL`
      : `Instance ${p.instance} is reachable over the network`,
  probe: async (ctx, p: Params) => {
    const i = await instance(ctx.reader, p.instance);
    const state = i?.State?.Name;
    if (!i || state === 'terminated' || state === 'shutting-down') {
      const gone = i ? `is ${state}` : 'does not exist';
      return observed(ctx, false, `Instance ${p.instance} ${gone}: not isolated, and its evidence is lost`);
    }
    const groupIds = [
      ...new Set(
        [...(i.NetworkInterfaces ?? []).flatMap((n) => n.Groups ?? []), ...(i.SecurityGroups ?? [])]
          .map((g) => g.GroupId)
          .filter((id): id is string => !!id),
      ),
    ];
    const [groups, acl] = await Promise.all([
      Promise.all(groupIds.map((id) => securityGroup(ctx.reader, id))),
      i.SubnetId ? subnetNetworkAcl(ctx.reader, i.SubnetId) : Promise.resolve(undefined),
    ]);
    // Events that isolate name the groups (rules revoked) or the ACL (associated, entries changed).
    ctx.knownAs(p.instance, ...groupIds, acl?.NetworkAclId);
    const present = groups.filter((g): g is SecurityGroup => !!g);
    const inbound = how(present, acl, false);
    const outbound = how(present, acl, true);
    const isolated = inbound !== undefined && (!p.egress || outbound !== undefined);
    const parts = [
      inbound ?? `inbound traffic allowed (security groups ${groupIds.join(', ') || 'none'})`,
      outbound ?? 'outbound traffic allowed',
    ];
    return observed(
      ctx,
      isolated === (p.expect === 'isolated'),
      `Instance ${p.instance} is ${isolated ? 'isolated' : 'not isolated'}: ${parts.join('; ')}`,
    );
  },
  // The calls that cut the instance off (or open it again) name it, its groups or its subnet's ACL.
  attribution: (p) => ({
    eventNames:
      p.expect === 'isolated'
        ? [
            'ModifyInstanceAttribute',
            'ModifyNetworkInterfaceAttribute',
            'RevokeSecurityGroupIngress',
            'RevokeSecurityGroupEgress',
            'ModifySecurityGroupRules',
            'ReplaceNetworkAclAssociation',
            'CreateNetworkAclEntry',
            'ReplaceNetworkAclEntry',
            'DeleteNetworkAclEntry',
          ]
        : [
            'ModifyInstanceAttribute',
            'ModifyNetworkInterfaceAttribute',
            'AuthorizeSecurityGroupIngress',
            'AuthorizeSecurityGroupEgress',
            'ModifySecurityGroupRules',
            'ReplaceNetworkAclAssociation',
            'CreateNetworkAclEntry',
            'ReplaceNetworkAclEntry',
            'DeleteNetworkAclEntry',
          ],
    resource: p.instance,
  }),
});
