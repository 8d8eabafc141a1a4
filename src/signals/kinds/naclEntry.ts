import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, ipv4Cidr, port, resource } from '../params.js';

export const naclEntry = defineSignalKind({
  name: 'naclEntry',
  family: 'state',
  summary: 'A network ACL entry (rule) is present or absent.',
  params: z.strictObject({
    acl: resource('Network ACL id (acl-...).'),
    ruleNumber: z
      .int()
      .min(1)
      .max(32766)
      .optional()
      .describe('Rule number; without it, any rule that matches counts.'),
    egress: z.boolean().optional().describe('true for an outbound rule; default inbound.'),
    protocol: z.enum(['tcp', 'udp', 'icmp', 'all']).optional().describe('IP protocol of the rule.'),
    port: port.optional().describe('A port the rule must cover.'),
    cidr: ipv4Cidr.optional().describe('CIDR block of the rule.'),
    action: z.enum(['allow', 'deny']).optional().describe('Rule action.'),
    expect: expect(['present', 'absent'], 'Whether a matching entry must exist.'),
  }),
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
});
