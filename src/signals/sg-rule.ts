import type { IpPermission } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { cidrContains } from './cidr.js';
import { observed } from './evidence.js';
import { expect, ipv4Cidr, ipv6Cidr, port, resource } from './params.js';
import { securityGroup } from './reads/ec2.js';
import type { Attribution, Observation, ProbeContext } from './types.js';

/** The parameters sgIngress and sgEgress share: which rule of which group, and whether it should exist. */
export function sgRuleParams(direction: 'inbound' | 'outbound') {
  const peer = direction === 'inbound' ? 'source' : 'destination';
  return z
    .strictObject({
      group: resource('The security group id (sg-...), usually {{outputs.<Name>}}.'),
      protocol: z
        .enum(['tcp', 'udp', 'icmp', 'all'])
        .default('tcp')
        .describe('IP protocol of the rule; `all` matches rules for every protocol (-1).'),
      port: port
        .optional()
        .describe(
          'A single port a rule must cover (FromPort <= port <= ToPort; rules for all traffic cover every port). For icmp, the ICMP type.',
        ),
      fromPort: port.optional().describe('Start of a port range a rule must cover (with toPort).'),
      toPort: port.optional().describe('End of a port range (with fromPort).'),
      cidr: ipv4Cidr
        .optional()
        .describe(`An IPv4 ${peer} CIDR the rule must cover (contain), e.g. 0.0.0.0/0.`),
      ipv6Cidr: ipv6Cidr
        .optional()
        .describe(`An IPv6 ${peer} CIDR the rule must cover (contain), e.g. ::/0.`),
      prefixList: z.string().min(1).optional().describe(`Managed prefix list id (pl-...) as the ${peer}.`),
      sourceGroup: z.string().min(1).optional().describe(`Security group id as the ${peer}.`),
      expect: expect(
        ['present', 'absent'],
        'Whether a matching rule must exist (`present`) or not (`absent`).',
      ),
    })
    .superRefine((p, ctx) => {
      if (p.port !== undefined && (p.fromPort !== undefined || p.toPort !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['port'],
          message: 'port and fromPort/toPort exclude each other; give one of them',
        });
      }
      if ((p.fromPort === undefined) !== (p.toPort === undefined)) {
        const missing = p.fromPort === undefined ? 'fromPort' : 'toPort';
        ctx.addIssue({
          code: 'custom',
          path: [missing],
          message: `fromPort and toPort go together; add ${missing}`,
        });
      }
      if (p.fromPort !== undefined && p.toPort !== undefined && p.fromPort > p.toPort) {
        ctx.addIssue({
          code: 'custom',
          path: ['toPort'],
          message: `toPort ${p.toPort} is below fromPort ${p.fromPort}`,
        });
      }
      if (p.protocol === 'all' && (p.port !== undefined || p.fromPort !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['protocol'],
          message: 'protocol "all" covers every port; drop port, fromPort and toPort',
        });
      }
      const peers = (['cidr', 'ipv6Cidr', 'prefixList', 'sourceGroup'] as const).filter(
        (k) => p[k] !== undefined,
      );
      if (peers.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: [peers[1]!],
          message: `a rule has one ${peer}; give only one of ${peers.join(', ')}`,
        });
      }
    });
}

export type SgRuleParams = z.output<ReturnType<typeof sgRuleParams>>;

export function describeSgRule(direction: 'inbound' | 'outbound', p: SgRuleParams): string {
  const verb = p.expect === 'present' ? 'allows' : 'does not allow';
  return `Security group ${p.group} ${verb} ${describeTraffic(direction, p)}`;
}

/** "inbound tcp port 22 from 0.0.0.0/0" */
function describeTraffic(direction: 'inbound' | 'outbound', p: SgRuleParams): string {
  const ports =
    p.protocol === 'all'
      ? 'all traffic'
      : p.port !== undefined
        ? `${p.protocol} port ${p.port}`
        : p.fromPort !== undefined
          ? `${p.protocol} ports ${p.fromPort}-${p.toPort}`
          : `${p.protocol} traffic on any port`;
  const peerValue = p.cidr ?? p.ipv6Cidr ?? p.prefixList ?? p.sourceGroup;
  const preposition = direction === 'inbound' ? 'from' : 'to';
  const peer = peerValue === undefined ? '' : ` ${preposition} ${peerValue}`;
  return `${direction} ${ports}${peer}`;
}

/*
 * Matching. A rule matches a condition when it allows all the traffic the condition describes: its
 * protocol is the one asked or all (-1); its port range contains the asked port or range (0-65535 open
 * to the world is also "SSH open to the world"); its CIDR contains the asked CIDR; its prefix list or
 * referenced group is the one asked. Without ports, any rule of the protocol matches; without a peer,
 * any peer does.
 */

const PROTOCOL_NUMBERS: Record<string, string> = { all: '-1', tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };

/** Protocol names and numbers alike as the number EC2 would use ("-1" for all). */
export function protocolNumber(protocol: string): string {
  const p = protocol.toLowerCase();
  return PROTOCOL_NUMBERS[p] ?? p;
}

type RuleQuery = Pick<
  SgRuleParams,
  'protocol' | 'port' | 'fromPort' | 'toPort' | 'cidr' | 'ipv6Cidr' | 'prefixList' | 'sourceGroup'
>;

function portsCovered(perm: IpPermission, proto: string, q: RuleQuery): boolean {
  const lo = q.port ?? q.fromPort;
  const hi = q.port ?? q.toPort;
  if (lo === undefined || hi === undefined) return true;
  const from = perm.FromPort ?? -1;
  const to = perm.ToPort ?? -1;
  // ICMP rules carry the type in FromPort and the code in ToPort; -1 is every type.
  if (proto === '1' || proto === '58') return from === -1 || (from === lo && lo === hi);
  if (from === -1) return true;
  return from <= lo && hi <= to;
}

/** The peer of `perm` that matches the query's peer (any peer when the query names none). */
function matchingPeer(perm: IpPermission, q: RuleQuery): string | undefined {
  if (q.cidr !== undefined)
    return perm.IpRanges?.find((r) => r.CidrIp && cidrContains(r.CidrIp, q.cidr!))?.CidrIp;
  if (q.ipv6Cidr !== undefined) {
    return perm.Ipv6Ranges?.find((r) => r.CidrIpv6 && cidrContains(r.CidrIpv6, q.ipv6Cidr!))?.CidrIpv6;
  }
  if (q.prefixList !== undefined)
    return perm.PrefixListIds?.find((r) => r.PrefixListId === q.prefixList)?.PrefixListId;
  if (q.sourceGroup !== undefined)
    return perm.UserIdGroupPairs?.find((r) => r.GroupId === q.sourceGroup)?.GroupId;
  return (
    perm.IpRanges?.[0]?.CidrIp ??
    perm.Ipv6Ranges?.[0]?.CidrIpv6 ??
    perm.PrefixListIds?.[0]?.PrefixListId ??
    perm.UserIdGroupPairs?.[0]?.GroupId
  );
}

/** The permission (and its matching peer) that allows the traffic asked about, if any. */
export function findCoveringRule(
  perms: readonly IpPermission[],
  q: RuleQuery,
): { perm: IpPermission; peer: string } | undefined {
  const want = protocolNumber(q.protocol);
  for (const perm of perms) {
    const proto = protocolNumber(perm.IpProtocol ?? '');
    if (proto !== '-1' && proto !== want) continue;
    if (proto !== '-1' && !portsCovered(perm, proto, q)) continue;
    const peer = matchingPeer(perm, q);
    if (peer !== undefined) return { perm, peer };
  }
  return undefined;
}

function describePermission(perm: IpPermission, peer: string, direction: 'inbound' | 'outbound'): string {
  const proto = perm.IpProtocol ?? '?';
  const from = perm.FromPort ?? -1;
  const to = perm.ToPort ?? -1;
  const traffic =
    proto === '-1'
      ? 'all traffic'
      : from === -1
        ? `${proto} on every port`
        : from === to
          ? `${proto} port ${from}`
          : `${proto} ports ${from}-${to}`;
  return `${traffic} ${direction === 'inbound' ? 'from' : 'to'} ${peer}`;
}

export async function probeSgRule(
  ctx: ProbeContext,
  direction: 'inbound' | 'outbound',
  p: SgRuleParams,
): Promise<Observation> {
  const group = await securityGroup(ctx.reader, p.group);
  const asked = describeTraffic(direction, p);
  if (!group) {
    return observed(
      ctx,
      p.expect === 'absent',
      `Security group ${p.group} does not exist, so nothing allows ${asked}`,
    );
  }
  const perms = (direction === 'inbound' ? group.IpPermissions : group.IpPermissionsEgress) ?? [];
  const hit = findCoveringRule(perms, p);
  if (hit) {
    const rule = describePermission(hit.perm, hit.peer, direction);
    return observed(
      ctx,
      p.expect === 'present',
      `Security group ${p.group} allows ${rule}, which covers ${asked}`,
    );
  }
  const summary = perms.length
    ? `None of the ${perms.length} ${direction} rules of security group ${p.group} allows ${asked}`
    : `Security group ${p.group} has no ${direction} rules, so nothing allows ${asked}`;
  return observed(ctx, p.expect === 'absent', summary);
}

export function sgRuleAttribution(direction: 'inbound' | 'outbound', p: SgRuleParams): Attribution {
  const which = direction === 'inbound' ? 'Ingress' : 'Egress';
  return {
    eventNames:
      p.expect === 'present'
        ? [`AuthorizeSecurityGroup${which}`, 'ModifySecurityGroupRules']
        : [`RevokeSecurityGroup${which}`, 'ModifySecurityGroupRules', 'DeleteSecurityGroup'],
    resource: p.group,
  };
}
