import { expect } from 'chai';
import type { NetworkAclEntry } from '@aws-sdk/client-ec2';
import { aclDeniesAll } from '../../src/signals/kinds/instanceIsolated.js';
import { createObserver } from '../../src/signals/observer.js';
import type { Condition } from '../../src/signals/registry.js';
import type { Observation } from '../../src/signals/types.js';
import { expectFixedBy, nextSecond, startLive, statuses, type Live } from './live.js';

function summary(obs: Observation | undefined): string {
  return obs && obs.status !== 'unknown' ? obs.evidence.summary : JSON.stringify(obs);
}

const entry = (
  ruleNumber: number,
  action: 'allow' | 'deny',
  cidr = '0.0.0.0/0',
  extra: Partial<NetworkAclEntry> = {},
): NetworkAclEntry => ({
  RuleNumber: ruleNumber,
  RuleAction: action,
  Protocol: '-1',
  Egress: false,
  ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
  ...extra,
});

describe('instanceIsolated: network ACLs that deny everything', () => {
  // Rules are evaluated lowest number first; the first that matches decides (VPC network ACL docs).
  it('a custom ACL without entries (only the * rule) denies all', () => {
    expect(aclDeniesAll([entry(32767, 'deny')], false)).to.equal(true);
  });
  it('the default ACL (rule 100 allows all) does not', () => {
    expect(aclDeniesAll([entry(100, 'allow'), entry(32767, 'deny')], false)).to.equal(false);
  });
  it('a deny of all traffic numbered before the allows does', () => {
    const entries = [entry(1, 'deny'), entry(100, 'allow'), entry(32767, 'deny')];
    expect(aclDeniesAll(entries, false)).to.equal(true);
  });
  it('a deny after an allow, or one that covers fewer addresses or one protocol, does not', () => {
    expect(aclDeniesAll([entry(100, 'allow'), entry(200, 'deny')], false)).to.equal(false);
    expect(aclDeniesAll([entry(1, 'deny', '198.51.100.0/24'), entry(100, 'allow')], false)).to.equal(false);
    const tcp = entry(1, 'deny', '0.0.0.0/0', { Protocol: '6', PortRange: { From: 22, To: 22 } });
    expect(aclDeniesAll([tcp, entry(100, 'allow')], false)).to.equal(false);
  });
  it('IPv6 allows need an IPv6 deny before them; each direction is judged apart', () => {
    expect(aclDeniesAll([entry(1, 'deny'), entry(100, 'allow', '::/0')], false)).to.equal(false);
    expect(aclDeniesAll([entry(1, 'deny', '::/0'), entry(100, 'allow', '::/0')], false)).to.equal(true);
    const outboundOpen = [entry(32767, 'deny'), entry(100, 'allow', '0.0.0.0/0', { Egress: true })];
    expect(aclDeniesAll(outboundOpen, false)).to.equal(true);
    expect(aclDeniesAll(outboundOpen, true)).to.equal(false);
  });
});

describe('instanceIsolated and volumeSnapshot on a live range', function () {
  this.timeout(60_000);
  let live: Live;
  let vpc: string;
  let subnet: string;
  let jumpGroup: string;
  let quarantineGroup: string;
  let quarantineAcl: string;
  let host: string;
  let volumeId: string;

  before(async () => {
    live = await startLive();
    const { sirs } = live;
    vpc = ((await sirs.call('ec2:CreateVpc', { CidrBlock: '10.50.0.0/16' })).Vpc as { VpcId: string }).VpcId;
    subnet = (
      (await sirs.call('ec2:CreateSubnet', { VpcId: vpc, CidrBlock: '10.50.1.0/24' })).Subnet as {
        SubnetId: string;
      }
    ).SubnetId;
    jumpGroup = String(
      (await sirs.call('ec2:CreateSecurityGroup', { GroupName: 'jump', Description: 'jump', VpcId: vpc }))
        .GroupId,
    );
    await sirs.call('ec2:AuthorizeSecurityGroupIngress', {
      GroupId: jumpGroup,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    // The quarantine group: no inbound rules, outbound to the loopback address only.
    quarantineGroup = String(
      (await sirs.call('ec2:CreateSecurityGroup', { GroupName: 'q', Description: 'q', VpcId: vpc })).GroupId,
    );
    await sirs.call('ec2:RevokeSecurityGroupEgress', {
      GroupId: quarantineGroup,
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    await sirs.call('ec2:AuthorizeSecurityGroupEgress', {
      GroupId: quarantineGroup,
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '127.0.0.1/32' }] }],
    });
    quarantineAcl = (
      (await sirs.call('ec2:CreateNetworkAcl', { VpcId: vpc })).NetworkAcl as { NetworkAclId: string }
    ).NetworkAclId;
    const run = await sirs.call('ec2:RunInstances', {
      ImageId: 'ami-0123456789abcdef0',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnet,
      SecurityGroupIds: [jumpGroup],
    });
    host = (run.Instances as Array<{ InstanceId: string }>)[0]!.InstanceId;
    volumeId = (
      (
        await sirs.call('ec2:DescribeVolumes', {
          Filters: [{ Name: 'attachment.instance-id', Values: [host] }],
        })
      ).Volumes as Array<{ VolumeId: string }>
    )[0]!.VolumeId;
  });
  after(() => live.stop());

  const isolated = (egress?: boolean): Condition => ({
    instanceIsolated: { instance: host, ...(egress ? { egress } : {}), expect: 'isolated' },
  });
  const reachable = (): Condition => ({ instanceIsolated: { instance: host, expect: 'reachable' } });

  it('an instance in an open group is reachable; moved into the quarantine group it is isolated, dated by the move', async () => {
    const before = await live.tick(isolated(), isolated(true), reachable());
    expect(statuses(before)).to.deep.equal(['not-met', 'not-met', 'met']);
    expect(summary(before[0])).to.contain('inbound traffic allowed').and.contain(jumpGroup);

    await live.cli(['ec2', 'modify-instance-attribute', '--instance-id', host, '--groups', quarantineGroup]);
    const after = await live.tick(isolated(), isolated(true), reachable());
    expect(statuses(after)).to.deep.equal(['met', 'met', 'not-met']);
    expectFixedBy(live, after[0], 'ModifyInstanceAttribute');
    // Egress to 127.0.0.1/32 reaches nothing through the network interface.
    expect(summary(after[1])).to.contain(`outbound closed by its security group ${quarantineGroup}`);
  });

  it('an egress rule beyond the loopback opens it again outbound only', async () => {
    await live.sirs.call('ec2:AuthorizeSecurityGroupEgress', {
      GroupId: quarantineGroup,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    const obs = await live.tick(isolated(), isolated(true));
    expect(statuses(obs)).to.deep.equal(['met', 'not-met']);
    expect(summary(obs[1])).to.contain('outbound traffic allowed');
    await live.sirs.call('ec2:RevokeSecurityGroupEgress', {
      GroupId: quarantineGroup,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
  });

  it('back in the open group, a deny-all network ACL on its subnet isolates it both ways, dated by the association', async () => {
    await live.sirs.call('ec2:ModifyInstanceAttribute', { InstanceId: host, Groups: [jumpGroup] });
    expect(statuses(await live.tick(isolated(true)))).to.deep.equal(['not-met']);
    await nextSecond();
    const acls = (await live.sirs.call('ec2:DescribeNetworkAcls', {
      Filters: [{ Name: 'association.subnet-id', Values: [subnet] }],
    })) as {
      NetworkAcls: Array<{ Associations: Array<{ SubnetId: string; NetworkAclAssociationId: string }> }>;
    };
    const association = acls.NetworkAcls[0]!.Associations.find((a) => a.SubnetId === subnet)!;
    await live.cli([
      'ec2',
      'replace-network-acl-association',
      '--association-id',
      association.NetworkAclAssociationId,
      '--network-acl-id',
      quarantineAcl,
    ]);
    const [obs] = await live.tick(isolated(true));
    expectFixedBy(live, obs, 'ReplaceNetworkAclAssociation');
    expect(summary(obs)).to.contain(`inbound denied by network ACL ${quarantineAcl}`);
    expect(summary(obs)).to.contain(`outbound denied by network ACL ${quarantineAcl}`);
  });

  it('a snapshot counts only when taken during the exercise, dated by CreateSnapshot', async () => {
    await live.sirs.call('ec2:CreateSnapshot', { VolumeId: volumeId, Description: 'nightly backup' });
    await nextSecond();
    // An exercise that starts now: the nightly backup is from before it.
    const observer = createObserver({
      session: live.sirs,
      exercise: {
        id: 'signals-test',
        startedAt: new Date(),
        accountId: live.range.accountId,
        region: live.range.region,
        endpoint: live.range.endpoint,
      },
    });
    const kept: Condition = { volumeSnapshot: { volume: volumeId, expect: 'present' } };
    const none: Condition = { volumeSnapshot: { volume: volumeId, expect: 'absent' } };
    const tick = async () => {
      observer.beginTick();
      return Promise.all([kept, none].map((c) => observer.observe(c, 'scenario')));
    };
    try {
      const before = await tick();
      expect(statuses(before)).to.deep.equal(['not-met', 'met']);
      expect(summary(before[0])).to.contain('1 older snapshot from before the exercise');
      await live.cli(['ec2', 'create-snapshot', '--volume-id', volumeId, '--description', 'forensics']);
      const after = await tick();
      expect(statuses(after)).to.deep.equal(['met', 'not-met']);
      expectFixedBy(live, after[0], 'CreateSnapshot');
      expect(summary(after[0])).to.match(/^Snapshot snap-[0-9a-f]+ of volume vol-[0-9a-f]+ was started /);
    } finally {
      observer.close();
    }
  });

  it('a terminated instance is not isolated: its evidence is gone', async () => {
    await live.sirs.call('ec2:TerminateInstances', { InstanceIds: [host] });
    const [obs] = await live.tick(isolated(true));
    expect(obs?.status).to.equal('not-met');
    expect(summary(obs)).to.match(/is (shutting-down|terminated): not isolated/);
  });
});
