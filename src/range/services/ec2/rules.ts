import type { IpPermission, SecurityGroupRule } from '@aws-sdk/client-ec2';
import { ServiceError } from '../../errors.js';
import { isIpv6Cidr, parseCidr4 } from './cidr.js';
import { find, invalidParameter, kinds } from './resources.js';
import { tagsOf } from './query.js';
import type { Ec2State, SecurityGroupRecord, SgRule } from './store.js';

/** A rule as a request describes it, before it has an id. */
export type RuleSpec = Omit<SgRule, 'id' | 'groupId'>;

/** EC2 keeps protocol names for tcp/udp/icmp/icmpv6 whichever way they were given, and -1 for all. */
export function normalizeProtocol(p: string | undefined): string {
  const v = (p ?? '').toLowerCase();
  const named: Record<string, string> = {
    '-1': '-1',
    all: '-1',
    tcp: 'tcp',
    '6': 'tcp',
    udp: 'udp',
    '17': 'udp',
  };
  Object.assign(named, { icmp: 'icmp', '1': 'icmp', icmpv6: 'icmpv6', '58': 'icmpv6' });
  if (named[v]) return named[v];
  if (/^\d{1,3}$/.test(v) && Number(v) <= 255) return String(Number(v));
  throw invalidParameter(`Invalid value '${p ?? ''}' for IP protocol. Unknown protocol.`);
}

export const hasPorts = (protocol: string) => ['tcp', 'udp', 'icmp', 'icmpv6'].includes(protocol);

function ports(
  protocol: string,
  from: number | undefined,
  to: number | undefined,
): { fromPort?: number; toPort?: number } {
  if (protocol === 'tcp' || protocol === 'udp') {
    if (from === undefined || to === undefined) {
      throw invalidParameter(
        `Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange`,
      );
    }
    if (from < 0 || to > 65535 || from > to) {
      throw invalidParameter(
        `Invalid value '${from}-${to}' for portRange. TCP/UDP port ranges must be between 0 and 65535.`,
      );
    }
    return { fromPort: from, toPort: to };
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    // For ICMP the "ports" are the type and the code; -1 means any.
    const type = from ?? -1;
    const code = to ?? -1;
    if (type < -1 || type > 255 || code < -1 || code > 255) {
      throw invalidParameter(`Invalid value '${type}' for ICMP type and code '${code}'.`);
    }
    return { fromPort: type, toPort: code };
  }
  return {};
}

function checkCidr4(cidr: string): string {
  if (!parseCidr4(cidr)) throw invalidParameter(`CIDR block ${cidr} is malformed`);
  return cidr;
}

/**
 * Expand IpPermissions into one rule per peer, as EC2 stores them. Referenced groups must exist when
 * they are this account's; `groupName` resolves within the group's own VPC.
 */
export function expandPermissions(
  s: Ec2State,
  group: SecurityGroupRecord,
  egress: boolean,
  permissions: IpPermission[],
): RuleSpec[] {
  const out: RuleSpec[] = [];
  for (const p of permissions) {
    const protocol = normalizeProtocol(p.IpProtocol);
    const base = { egress, protocol, ...ports(protocol, p.FromPort, p.ToPort) };
    for (const r of p.IpRanges ?? [])
      out.push({ ...base, cidrIpv4: checkCidr4(r.CidrIp ?? ''), description: r.Description });
    for (const r of p.Ipv6Ranges ?? []) {
      if (!isIpv6Cidr(r.CidrIpv6 ?? ''))
        throw invalidParameter(`CIDR block ${r.CidrIpv6 ?? ''} is malformed`);
      out.push({ ...base, cidrIpv6: r.CidrIpv6, description: r.Description });
    }
    for (const r of p.PrefixListIds ?? []) {
      if (!/^pl-[0-9a-f]+$/.test(r.PrefixListId ?? '')) {
        throw new ServiceError(
          'InvalidPrefixListId.Malformed',
          `Invalid id: "${r.PrefixListId ?? ''}" (expecting "pl-...")`,
        );
      }
      out.push({ ...base, prefixListId: r.PrefixListId, description: r.Description });
    }
    for (const pair of p.UserIdGroupPairs ?? []) {
      const userId = pair.UserId ?? group.ownerId;
      let refGroupId = pair.GroupId;
      if (refGroupId === undefined && pair.GroupName !== undefined) {
        const named = Object.values(s.groups).find(
          (g) => g.vpcId === group.vpcId && g.name === pair.GroupName,
        );
        if (!named)
          throw new ServiceError(
            'InvalidGroup.NotFound',
            `The security group '${pair.GroupName}' does not exist`,
          );
        refGroupId = named.id;
      }
      if (userId === group.ownerId) find(s.groups, kinds.group, refGroupId);
      out.push({ ...base, refGroupId, refUserId: userId, description: pair.Description });
    }
  }
  return out;
}

/** The legacy flat parameters (CidrIp, FromPort, ToPort, IpProtocol, SourceSecurityGroupName) as permissions. */
export function flatPermissions(input: {
  CidrIp?: string;
  FromPort?: number;
  ToPort?: number;
  IpProtocol?: string;
  SourceSecurityGroupName?: string;
  SourceSecurityGroupOwnerId?: string;
}): IpPermission[] {
  if (input.SourceSecurityGroupName !== undefined) {
    // A source group by name grants it all of TCP, UDP and ICMP.
    const pair = { GroupName: input.SourceSecurityGroupName, UserId: input.SourceSecurityGroupOwnerId };
    return [
      { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [pair] },
      { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [pair] },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, UserIdGroupPairs: [pair] },
    ];
  }
  if (input.IpProtocol === undefined && input.CidrIp === undefined) return [];
  return [
    {
      IpProtocol: input.IpProtocol ?? '-1',
      FromPort: input.FromPort,
      ToPort: input.ToPort,
      IpRanges: input.CidrIp !== undefined ? [{ CidrIp: input.CidrIp }] : undefined,
    },
  ];
}

function peerOf(r: RuleSpec): string {
  return r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.refGroupId ?? '';
}

function peerKey(r: RuleSpec): string {
  if (r.cidrIpv4 !== undefined) return `ipv4:${r.cidrIpv4}`;
  if (r.cidrIpv6 !== undefined) return `ipv6:${r.cidrIpv6.toLowerCase()}`;
  if (r.prefixListId !== undefined) return `pl:${r.prefixListId}`;
  return `sg:${r.refUserId ?? ''}/${r.refGroupId ?? ''}`;
}

/** Two rules are the same rule when protocol, ports and peer agree; descriptions do not count. */
export function sameRule(a: RuleSpec, b: RuleSpec): boolean {
  return (
    a.egress === b.egress &&
    a.protocol === b.protocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    peerKey(a) === peerKey(b)
  );
}

/** EC2's wording for a rule in InvalidPermission.Duplicate. */
export function describeRule(r: RuleSpec): string {
  const peer = peerOf(r);
  const action = 'ALLOW';
  if (r.protocol === '-1') return `peer: ${peer}, ALL, ${action}`;
  if (r.protocol === 'tcp' || r.protocol === 'udp') {
    return `peer: ${peer}, ${r.protocol.toUpperCase()}, from port: ${r.fromPort}, to port: ${r.toPort}, ${action}`;
  }
  if (r.protocol === 'icmp' || r.protocol === 'icmpv6') {
    return `peer: ${peer}, ${r.protocol.toUpperCase()}, type: ${r.fromPort}, code: ${r.toPort}, ${action}`;
  }
  return `peer: ${peer}, protocol: ${r.protocol}, ${action}`;
}

/** A rule in the shape of DescribeSecurityGroupRules (and Authorize*'s SecurityGroupRules). */
export function ruleView(s: Ec2State, r: SgRule, ownerId: string): SecurityGroupRule {
  return {
    SecurityGroupRuleId: r.id,
    GroupId: r.groupId,
    GroupOwnerId: ownerId,
    IsEgress: r.egress,
    IpProtocol: r.protocol,
    FromPort: hasPorts(r.protocol) ? r.fromPort : -1,
    ToPort: hasPorts(r.protocol) ? r.toPort : -1,
    CidrIpv4: r.cidrIpv4,
    CidrIpv6: r.cidrIpv6,
    PrefixListId: r.prefixListId,
    ReferencedGroupInfo: r.refGroupId ? { GroupId: r.refGroupId, UserId: r.refUserId } : undefined,
    Description: r.description,
    Tags: tagsOf(s, r.id) ?? [],
  };
}

/** Rules gathered back into IpPermissions (one per protocol and port range), as DescribeSecurityGroups shows them. */
export function permissionsOf(rules: RuleSpec[]): IpPermission[] {
  const out: IpPermission[] = [];
  const byKey = new Map<string, IpPermission>();
  for (const r of rules) {
    const key = `${r.protocol}|${r.fromPort}|${r.toPort}`;
    let p = byKey.get(key);
    if (!p) {
      p = {
        IpProtocol: r.protocol,
        FromPort: r.fromPort,
        ToPort: r.toPort,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      };
      byKey.set(key, p);
      out.push(p);
    }
    if (r.cidrIpv4 !== undefined) p.IpRanges!.push({ CidrIp: r.cidrIpv4, Description: r.description });
    if (r.cidrIpv6 !== undefined) p.Ipv6Ranges!.push({ CidrIpv6: r.cidrIpv6, Description: r.description });
    if (r.prefixListId !== undefined)
      p.PrefixListIds!.push({ PrefixListId: r.prefixListId, Description: r.description });
    if (r.refGroupId !== undefined) {
      p.UserIdGroupPairs!.push({ GroupId: r.refGroupId, UserId: r.refUserId, Description: r.description });
    }
  }
  return out;
}
