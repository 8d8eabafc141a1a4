import { isUnknown, type Rule, type RuleResult } from '../types.js';
import { asBool, asNumber, hit, isWorldCidr, refersTo, resourcesOfType, skip } from './util.js';

export const VPC001: Rule = {
  id: 'VPC001',
  family: 'vpc',
  title: 'VPC without flow logs',
  severity: 'medium',
  resourceTypes: ['AWS::EC2::VPC'],
  control: 'Every VPC records its traffic in flow logs, so network activity can be investigated.',
  fix: 'Add an AWS::EC2::FlowLog with ResourceType VPC, ResourceId !Ref <the VPC> and TrafficType ALL.',
  check(res, ctx) {
    const logs = resourcesOfType(ctx, 'AWS::EC2::FlowLog');
    const ids = logs.map((l) => l.properties.ResourceId);
    if (ids.some((id) => refersTo(id, res.id))) return [];
    if (res.origin === 'deployed' && ids.includes(res.properties.VpcId)) return [];
    if (ids.some((id) => isUnknown(id) && id.refs.length === 0)) return [skip([], undefined)];
    return [hit([], "no flow log records this VPC's traffic")];
  },
};

export const NACL001: Rule = {
  id: 'NACL001',
  family: 'vpc',
  title: 'Network ACL entry allowing all traffic from the internet',
  severity: 'high',
  resourceTypes: ['AWS::EC2::NetworkAclEntry'],
  control: 'Network ACLs admit from the internet only the ports the subnet serves.',
  fix: 'Allow only the needed protocol and port range (PortRange), or narrow the CIDR block.',
  check(res) {
    const p = res.properties;
    const egress = asBool(p.Egress);
    if (egress === true || String(p.RuleAction ?? '').toLowerCase() !== 'allow') return [];
    const results: RuleResult[] = [];
    const cidrKey = isWorldCidr(p.CidrBlock)
      ? 'CidrBlock'
      : isWorldCidr(p.Ipv6CidrBlock)
        ? 'Ipv6CidrBlock'
        : undefined;
    if (cidrKey === undefined) {
      for (const k of ['CidrBlock', 'Ipv6CidrBlock']) if (isUnknown(p[k])) results.push(skip([k], p[k]));
      return results;
    }
    const protocol = String(p.Protocol);
    const range = p.PortRange as { From?: unknown; To?: unknown } | undefined;
    const allPorts =
      protocol === '-1' ||
      ((protocol === '6' || protocol === '17') &&
        (range === undefined ||
          ((asNumber(range.From) ?? 0) <= 0 && (asNumber(range.To) ?? 65535) >= 65535)));
    if (isUnknown(p.Protocol)) return [skip(['Protocol'], p.Protocol)];
    return allPorts
      ? [
          hit(
            [cidrKey],
            `the entry allows ${protocol === '-1' ? 'all traffic' : 'every port'} from ${String(p[cidrKey])}`,
          ),
        ]
      : [];
  },
};
