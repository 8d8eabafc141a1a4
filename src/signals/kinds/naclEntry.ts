import type { NetworkAclEntry } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { cidrContains } from '../cidr.js';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, ipv4Cidr, port, resource } from '../params.js';
import { networkAcl } from '../reads/ec2.js';
import { protocolNumber } from '../sg-rule.js';

const params = z.strictObject({
  acl: resource('Network ACL id (acl-...).'),
  ruleNumber: z
    .int()
    .min(1)
    .max(32766)
    .optional()
    .describe('Rule number; without it, any rule that matches counts.'),
  egress: z.boolean().optional().describe('true for an outbound rule; default inbound.'),
  protocol: z.enum(['tcp', 'udp', 'icmp', 'all']).optional().describe('IP protocol of the rule.'),
  port: port.optional().describe('A port the rule must cover (entries for all protocols cover every port).'),
  cidr: ipv4Cidr.optional().describe('A CIDR block the rule must cover (contain).'),
  action: z.enum(['allow', 'deny']).optional().describe('Rule action.'),
  expect: expect(['present', 'absent'], 'Whether a matching entry must exist.'),
});

type Params = z.output<typeof params>;

/** The default rule (*) closes every ACL and cannot be changed: only numbered rules can match. */
const DEFAULT_RULE = 32767;

/**
 * Whether an entry matches: the given fields agree, its protocol is the one asked or all (-1), its
 * port range contains the port (entries for all protocols cover every port), its CIDR contains the CIDR.
 */
export function entryMatches(e: NetworkAclEntry, p: Omit<Params, 'acl' | 'expect'>): boolean {
  if (e.RuleNumber === undefined || e.RuleNumber >= DEFAULT_RULE) return false;
  if (p.ruleNumber !== undefined && e.RuleNumber !== p.ruleNumber) return false;
  if ((e.Egress ?? false) !== (p.egress ?? false)) return false;
  if (p.action !== undefined && e.RuleAction !== p.action) return false;
  const proto = protocolNumber(e.Protocol ?? '');
  if (p.protocol !== undefined && proto !== '-1' && proto !== protocolNumber(p.protocol)) return false;
  if (p.protocol === 'all' && proto !== '-1') return false;
  if (p.port !== undefined && proto !== '-1' && proto !== '1') {
    const from = e.PortRange?.From;
    const to = e.PortRange?.To;
    if (from !== undefined && to !== undefined && !(from <= p.port && p.port <= to)) return false;
  }
  if (p.cidr !== undefined && !(e.CidrBlock && cidrContains(e.CidrBlock, p.cidr))) return false;
  return true;
}

function describeEntry(e: NetworkAclEntry): string {
  const proto = e.Protocol === '-1' ? 'all traffic' : `protocol ${e.Protocol}`;
  const ports = e.PortRange ? ` ports ${e.PortRange.From}-${e.PortRange.To}` : '';
  const peer = e.CidrBlock ?? e.Ipv6CidrBlock ?? '?';
  return `rule ${e.RuleNumber} ${e.RuleAction} ${e.Egress ? 'outbound' : 'inbound'} ${proto}${ports} ${e.Egress ? 'to' : 'from'} ${peer}`;
}

export const naclEntry = defineSignalKind({
  name: 'naclEntry',
  family: 'state',
  reads: ['ec2:DescribeNetworkAcls'],
  summary: 'A network ACL entry (rule) is present or absent.',
  params,
  describe: (p) => {
    const parts = [
      p.ruleNumber !== undefined ? `rule ${p.ruleNumber}` : 'a rule',
      p.action,
      p.egress ? 'outbound' : 'inbound',
      p.protocol,
      p.port !== undefined ? `port ${p.port}` : undefined,
      p.cidr ? `${p.egress ? 'to' : 'from'} ${p.cidr}` : undefined,
    ].filter(Boolean);
    return `Network ACL ${p.acl} ${p.expect === 'present' ? 'has' : 'does not have'} ${parts.join(' ')}`;
  },
  probe: async (ctx, p) => {
    const acl = await networkAcl(ctx.reader, p.acl);
    if (!acl) return observed(ctx, p.expect === 'absent', `Network ACL ${p.acl} does not exist`);
    const hit = (acl.Entries ?? []).find((e) => entryMatches(e, p));
    return hit
      ? observed(ctx, p.expect === 'present', `Network ACL ${p.acl} has ${describeEntry(hit)}`)
      : observed(
          ctx,
          p.expect === 'absent',
          `None of the ${acl.Entries?.length ?? 0} entries of network ACL ${p.acl} matches`,
        );
  },
  attribution: (p) => ({
    eventNames:
      p.expect === 'present'
        ? ['CreateNetworkAclEntry', 'ReplaceNetworkAclEntry']
        : ['DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'DeleteNetworkAcl'],
    resource: p.acl,
  }),
});
