import { expect } from 'chai';
import type { Condition } from '../../src/signals/registry.js';
import { expectFixedBy, startLive, statuses, type Live } from './live.js';

describe('network signals on a live range', () => {
  let live: Live;
  let vpc: string;
  let group: string;

  before(async () => {
    live = await startLive();
    vpc = ((await live.sirs.call('ec2:CreateVpc', { CidrBlock: '10.20.0.0/16' })).Vpc as { VpcId: string })
      .VpcId;
    group = String(
      (await live.sirs.call('ec2:CreateSecurityGroup', { GroupName: 'web', Description: 'web', VpcId: vpc }))
        .GroupId,
    );
  });
  after(() => live.stop());

  it('sees SSH opened to the world by any covering rule and closed again (sgIngress)', async () => {
    const ssh = { group, protocol: 'tcp', port: 22, cidr: '0.0.0.0/0' } as const;
    const open: Condition = { sgIngress: { ...ssh, expect: 'present' } };
    const closed: Condition = { sgIngress: { ...ssh, expect: 'absent' } };
    expect(statuses(await live.tick(open, closed))).to.deep.equal(['not-met', 'met']);

    const rule = ['--group-id', group, '--protocol', 'tcp', '--port', '0-65535', '--cidr', '0.0.0.0/0'];
    await live.cli(['ec2', 'authorize-security-group-ingress', ...rule]);
    const [opened, notClosed] = await live.tick(open, closed);
    expectFixedBy(live, opened, 'AuthorizeSecurityGroupIngress');
    expect(notClosed?.status).to.equal('not-met');

    await live.cli(['ec2', 'revoke-security-group-ingress', ...rule]);
    const [notOpen, fixed] = await live.tick(open, closed);
    expect(notOpen?.status).to.equal('not-met');
    expectFixedBy(live, fixed, 'RevokeSecurityGroupIngress');
  });

  it('sees the default outbound rule revoked and restored, sharing one describe with inbound (sgEgress)', async () => {
    const out = { group, protocol: 'all', cidr: '0.0.0.0/0' } as const;
    const anywhere: Condition = { sgEgress: { ...out, expect: 'present' } };
    const nowhere: Condition = { sgEgress: { ...out, expect: 'absent' } };
    const inbound: Condition = { sgIngress: { group, protocol: 'tcp', port: 443, expect: 'absent' } };
    const describes = () => live.observer.stats().byApi['ec2:DescribeSecurityGroups'] ?? 0;
    const before = describes();
    expect(statuses(await live.tick(anywhere, nowhere, inbound))).to.deep.equal(['met', 'not-met', 'met']);
    expect(describes() - before).to.equal(1);

    const all = ['--group-id', group, '--ip-permissions', 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'];
    await live.cli(['ec2', 'revoke-security-group-egress', ...all]);
    const [, locked] = await live.tick(anywhere, nowhere);
    expectFixedBy(live, locked, 'RevokeSecurityGroupEgress');

    await live.cli(['ec2', 'authorize-security-group-egress', ...all]);
    const [restored] = await live.tick(anywhere, nowhere);
    expectFixedBy(live, restored, 'AuthorizeSecurityGroupEgress');
  });

  it('sees a network ACL entry created and deleted (naclEntry)', async () => {
    const acl = String(
      ((await live.sirs.call('ec2:CreateNetworkAcl', { VpcId: vpc })).NetworkAcl as { NetworkAclId: string })
        .NetworkAclId,
    );
    const entry = { acl, protocol: 'tcp', port: 3389, cidr: '0.0.0.0/0', action: 'allow' } as const;
    const present: Condition = { naclEntry: { ...entry, expect: 'present' } };
    const absent: Condition = { naclEntry: { ...entry, expect: 'absent' } };
    expect(statuses(await live.tick(present, absent))).to.deep.equal(['not-met', 'met']);

    const rule = ['--network-acl-id', acl, '--ingress', '--rule-number', '100'];
    await live.cli([
      'ec2',
      'create-network-acl-entry',
      ...rule,
      '--protocol',
      'tcp',
      '--port-range',
      'From=3000,To=4000',
      '--cidr-block',
      '0.0.0.0/0',
      '--rule-action',
      'allow',
    ]);
    const [created] = await live.tick(present, absent);
    expectFixedBy(live, created, 'CreateNetworkAclEntry');

    await live.cli(['ec2', 'delete-network-acl-entry', ...rule]);
    const [, deleted] = await live.tick(present, absent);
    expectFixedBy(live, deleted, 'DeleteNetworkAclEntry');
  });

  it('sees flow logs enabled and deleted, naming the flow log rather than the VPC (flowLogs)', async () => {
    await live.sirs.call('logs:CreateLogGroup', { logGroupName: '/vpc/flow' });
    const enabled: Condition = { flowLogs: { resource: vpc, expect: 'enabled' } };
    const disabled: Condition = { flowLogs: { resource: vpc, expect: 'disabled' } };
    expect(statuses(await live.tick(enabled, disabled))).to.deep.equal(['not-met', 'met']);

    const created = (await live.cli([
      'ec2',
      'create-flow-logs',
      '--resource-type',
      'VPC',
      '--resource-ids',
      vpc,
      '--traffic-type',
      'ALL',
      '--log-group-name',
      '/vpc/flow',
      '--deliver-logs-permission-arn',
      `arn:aws:iam::${live.range.accountId}:role/flow-logs`,
    ])) as { FlowLogIds: string[] };
    const [on] = await live.tick(enabled, disabled);
    expectFixedBy(live, on, 'CreateFlowLogs');

    await live.cli(['ec2', 'delete-flow-logs', '--flow-log-ids', created.FlowLogIds[0]!]);
    const [, off] = await live.tick(enabled, disabled);
    expectFixedBy(live, off, 'DeleteFlowLogs');
  });
});
