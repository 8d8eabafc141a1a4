import type {
  DescribeFlowLogsResult,
  DescribeSecurityGroupsResult,
  DescribeVpcsResult,
  IpPermission,
} from '@aws-sdk/client-ec2';
import type { Finding, ManagedRule } from './rule.js';

const WORLD = ['0.0.0.0/0', '::/0'];

/** The world CIDR through which a permission opens a TCP port (all-traffic rules open every port). */
function opensToWorld(p: IpPermission, port: number): string | undefined {
  const proto = p.IpProtocol ?? '';
  const allProtocols = proto === '-1' || proto === 'all';
  if (!allProtocols && proto !== 'tcp' && proto !== '6') return undefined;
  if (!allProtocols && !((p.FromPort ?? 0) <= port && port <= (p.ToPort ?? 65535))) return undefined;
  const cidrs = [
    ...(p.IpRanges ?? []).map((r) => r.CidrIp ?? ''),
    ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? ''),
  ];
  return cidrs.find((c) => WORLD.includes(c));
}

async function groups(reader: Parameters<ManagedRule['evaluate']>[0]) {
  const out = await reader.read<DescribeSecurityGroupsResult>('ec2', 'DescribeSecurityGroups', {});
  return out.SecurityGroups ?? [];
}

const SG = 'AWS::EC2::SecurityGroup';

/** restricted-ssh: NON_COMPLIANT when port 22 is open to 0.0.0.0/0 or ::/0. */
export const incomingSshDisabled: ManagedRule = {
  identifier: 'INCOMING_SSH_DISABLED',
  guideName: 'restricted-ssh',
  resourceTypes: [SG],
  changeTriggered: true,
  periodic: true,
  eventSources: ['ec2.amazonaws.com'],
  parameters: [],
  async evaluate(reader) {
    return (await groups(reader)).map((g): Finding => {
      const open = (g.IpPermissions ?? []).map((p) => opensToWorld(p, 22)).find((c) => c !== undefined);
      return {
        resourceType: SG,
        resourceId: g.GroupId ?? '',
        compliance: open ? 'NON_COMPLIANT' : 'COMPLIANT',
        annotation: open ? `Port 22 is open to ${open}.` : undefined,
      };
    });
  },
};

/** restricted-common-ports: NON_COMPLIANT when a blocked TCP port is open to 0.0.0.0/0 or ::/0. */
export const restrictedIncomingTraffic: ManagedRule = {
  identifier: 'RESTRICTED_INCOMING_TRAFFIC',
  guideName: 'restricted-common-ports',
  resourceTypes: [SG],
  changeTriggered: true,
  periodic: true,
  eventSources: ['ec2.amazonaws.com'],
  parameters: [
    { name: 'blockedPort1', optional: true, default: '20', type: 'int' },
    { name: 'blockedPort2', optional: true, default: '21', type: 'int' },
    { name: 'blockedPort3', optional: true, default: '3389', type: 'int' },
    { name: 'blockedPort4', optional: true, default: '3306', type: 'int' },
    { name: 'blockedPort5', optional: true, default: '4333', type: 'int' },
    { name: 'blockedPorts', optional: true, type: 'CSV' },
  ],
  async evaluate(reader, params) {
    const ports = [
      ...['blockedPort1', 'blockedPort2', 'blockedPort3', 'blockedPort4', 'blockedPort5'].map(
        (k) => params[k],
      ),
      ...(params.blockedPorts ?? '').split(','),
    ]
      .map((v) => (v ?? '').trim())
      .filter((v) => v !== '')
      .map(Number)
      .filter((n) => Number.isInteger(n));
    return (await groups(reader)).map((g): Finding => {
      let hit: string | undefined;
      for (const port of ports) {
        for (const p of g.IpPermissions ?? []) {
          const cidr = opensToWorld(p, port);
          if (cidr) hit ??= `TCP port ${port} is open to ${cidr}.`;
        }
      }
      return {
        resourceType: SG,
        resourceId: g.GroupId ?? '',
        compliance: hit ? 'NON_COMPLIANT' : 'COMPLIANT',
        annotation: hit,
      };
    });
  },
};

/** vpc-flow-logs-enabled: NON_COMPLIANT when a VPC has no flow log (of the given trafficType). */
export const vpcFlowLogsEnabled: ManagedRule = {
  identifier: 'VPC_FLOW_LOGS_ENABLED',
  guideName: 'vpc-flow-logs-enabled',
  resourceTypes: ['AWS::EC2::VPC'],
  changeTriggered: false,
  periodic: true,
  eventSources: [],
  parameters: [{ name: 'trafficType', optional: true, type: 'String' }],
  async evaluate(reader, params) {
    const vpcs = (await reader.read<DescribeVpcsResult>('ec2', 'DescribeVpcs', {})).Vpcs ?? [];
    const logs = (await reader.read<DescribeFlowLogsResult>('ec2', 'DescribeFlowLogs', {})).FlowLogs ?? [];
    const wanted = params.trafficType?.toUpperCase();
    return vpcs.map((v): Finding => {
      const mine = logs.filter((l) => l.ResourceId === v.VpcId);
      const match = mine.find((l) => !wanted || l.TrafficType === wanted);
      let annotation: string | undefined;
      if (!mine.length) annotation = 'No flow log is enabled for this VPC.';
      else if (!match) annotation = `No flow log of this VPC records ${wanted ?? ''} traffic.`;
      return {
        resourceType: 'AWS::EC2::VPC',
        resourceId: v.VpcId ?? '',
        compliance: match ? 'COMPLIANT' : 'NON_COMPLIANT',
        annotation,
      };
    });
  },
};
