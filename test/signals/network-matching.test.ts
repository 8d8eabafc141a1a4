import type { IpPermission } from '@aws-sdk/client-ec2';
import { expect } from 'chai';
import { cidrContains } from '../../src/signals/cidr.js';
import { entryMatches } from '../../src/signals/kinds/naclEntry.js';
import { findCoveringRule, sgRuleParams } from '../../src/signals/sg-rule.js';

describe('signal matching: network rules', () => {
  describe('CIDR containment', () => {
    it('contains equal and narrower blocks of the same family only', () => {
      expect(cidrContains('0.0.0.0/0', '0.0.0.0/0')).to.equal(true);
      expect(cidrContains('0.0.0.0/0', '10.1.2.3/32')).to.equal(true);
      expect(cidrContains('10.0.0.0/16', '10.0.5.0/24')).to.equal(true);
      expect(cidrContains('10.0.0.0/24', '10.0.0.0/16')).to.equal(false);
      expect(cidrContains('0.0.0.0/1', '0.0.0.0/0')).to.equal(false);
      expect(cidrContains('10.0.0.0/8', '11.0.0.0/24')).to.equal(false);
      expect(cidrContains('::/0', '2001:db8::/32')).to.equal(true);
      expect(cidrContains('2001:db8::/32', '2001:db8:0:1::/64')).to.equal(true);
      expect(cidrContains('2001:db8::/32', '2001:db9::/32')).to.equal(false);
      expect(cidrContains('::/0', '0.0.0.0/0')).to.equal(false);
      expect(cidrContains('not-a-cidr', '0.0.0.0/0')).to.equal(false);
    });
  });

  describe('security group rules', () => {
    const query = (p: Record<string, unknown>) =>
      sgRuleParams('inbound').parse({ group: 'sg-1', expect: 'present', ...p });
    const tcp = (from: number, to: number, cidr = '0.0.0.0/0'): IpPermission => ({
      IpProtocol: 'tcp',
      FromPort: from,
      ToPort: to,
      IpRanges: [{ CidrIp: cidr }],
    });
    const covers = (perms: IpPermission[], p: Record<string, unknown>) =>
      findCoveringRule(perms, query(p)) !== undefined;

    it('matches a rule whose port range covers the asked port (0-65535 open to the world is SSH open too)', () => {
      expect(covers([tcp(22, 22)], { port: 22, cidr: '0.0.0.0/0' })).to.equal(true);
      expect(covers([tcp(0, 65535)], { port: 22, cidr: '0.0.0.0/0' })).to.equal(true);
      expect(covers([tcp(20, 21)], { port: 22, cidr: '0.0.0.0/0' })).to.equal(false);
      expect(covers([tcp(20, 30)], { fromPort: 22, toPort: 25 })).to.equal(true);
      expect(covers([tcp(22, 24)], { fromPort: 22, toPort: 25 })).to.equal(false);
    });

    it('treats protocol -1 as every protocol and port, numbers and names alike', () => {
      const all: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
      expect(covers([all], { port: 22, cidr: '0.0.0.0/0' })).to.equal(true);
      expect(covers([all], { protocol: 'all' })).to.equal(true);
      expect(covers([tcp(0, 65535)], { protocol: 'all' })).to.equal(false);
      expect(covers([{ ...tcp(22, 22), IpProtocol: '6' }], { port: 22 })).to.equal(true);
      expect(covers([{ ...tcp(53, 53), IpProtocol: 'udp' }], { port: 53 })).to.equal(false);
      expect(covers([{ ...tcp(53, 53), IpProtocol: '17' }], { protocol: 'udp', port: 53 })).to.equal(true);
    });

    it('reads ICMP rules as type and code', () => {
      const echo: IpPermission = {
        IpProtocol: 'icmp',
        FromPort: 8,
        ToPort: -1,
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      };
      const every: IpPermission = {
        IpProtocol: 'icmp',
        FromPort: -1,
        ToPort: -1,
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      };
      expect(covers([echo], { protocol: 'icmp', port: 8 })).to.equal(true);
      expect(covers([echo], { protocol: 'icmp', port: 0 })).to.equal(false);
      expect(covers([every], { protocol: 'icmp', port: 0 })).to.equal(true);
    });

    it('matches the peer: containing CIDR, IPv6, prefix list, referenced group, or any without one', () => {
      expect(covers([tcp(22, 22, '0.0.0.0/0')], { port: 22, cidr: '203.0.113.0/24' })).to.equal(true);
      expect(covers([tcp(22, 22, '10.0.0.0/24')], { port: 22, cidr: '0.0.0.0/0' })).to.equal(false);
      const v6: IpPermission = {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        Ipv6Ranges: [{ CidrIpv6: '::/0' }],
      };
      expect(covers([v6], { port: 22, ipv6Cidr: '::/0' })).to.equal(true);
      expect(covers([v6], { port: 22, cidr: '0.0.0.0/0' })).to.equal(false);
      const pl: IpPermission = {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        PrefixListIds: [{ PrefixListId: 'pl-1' }],
      };
      expect(covers([pl], { port: 443, prefixList: 'pl-1' })).to.equal(true);
      expect(covers([pl], { port: 443, prefixList: 'pl-2' })).to.equal(false);
      const ref: IpPermission = {
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        UserIdGroupPairs: [{ GroupId: 'sg-app' }],
      };
      expect(covers([ref], { port: 5432, sourceGroup: 'sg-app' })).to.equal(true);
      expect(covers([ref], { port: 5432 })).to.equal(true);
      expect(covers([ref], { port: 5432, cidr: '0.0.0.0/0' })).to.equal(false);
      expect(covers([tcp(1, 2)], {})).to.equal(true);
    });
  });

  describe('network ACL entries', () => {
    const entry = {
      RuleNumber: 100,
      Protocol: '6',
      RuleAction: 'allow',
      Egress: false,
      CidrBlock: '0.0.0.0/0',
      PortRange: { From: 22, To: 22 },
    } as const;

    it('matches on the given fields, with covering ports and CIDRs', () => {
      expect(entryMatches(entry, { port: 22, cidr: '0.0.0.0/0', protocol: 'tcp', action: 'allow' })).to.equal(
        true,
      );
      expect(entryMatches(entry, { ruleNumber: 100 })).to.equal(true);
      expect(entryMatches(entry, { ruleNumber: 110 })).to.equal(false);
      expect(entryMatches(entry, { action: 'deny' })).to.equal(false);
      expect(entryMatches(entry, { egress: true })).to.equal(false);
      expect(entryMatches(entry, { port: 23 })).to.equal(false);
      expect(entryMatches(entry, { protocol: 'udp' })).to.equal(false);
      expect(entryMatches(entry, { cidr: '10.0.0.0/8' })).to.equal(true);
      expect(entryMatches({ ...entry, CidrBlock: '10.0.0.0/8' }, { cidr: '0.0.0.0/0' })).to.equal(false);
      const all = { ...entry, Protocol: '-1', PortRange: undefined };
      expect(entryMatches(all, { protocol: 'tcp', port: 3389 })).to.equal(true);
      expect(entryMatches(entry, { protocol: 'all' })).to.equal(false);
    });

    it('never matches the default rule every ACL ends with', () => {
      expect(entryMatches({ ...entry, RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny' }, {})).to.equal(
        false,
      );
    });
  });
});
