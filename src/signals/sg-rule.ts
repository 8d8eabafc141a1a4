import { z } from 'zod';
import { expect, ipv4Cidr, ipv6Cidr, port, resource } from './params.js';

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
        .describe('A single port: the rule must cover exactly this port (FromPort = ToPort).'),
      fromPort: port.optional().describe('Start of a port range (with toPort).'),
      toPort: port.optional().describe('End of a port range (with fromPort).'),
      cidr: ipv4Cidr.optional().describe(`IPv4 ${peer} CIDR of the rule, e.g. 0.0.0.0/0.`),
      ipv6Cidr: ipv6Cidr.optional().describe(`IPv6 ${peer} CIDR of the rule, e.g. ::/0.`),
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
  const verb = p.expect === 'present' ? 'allows' : 'does not allow';
  return `Security group ${p.group} ${verb} ${direction} ${ports}${peer}`;
}
