import { expect } from 'chai';
import {
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  ModifySnapshotAttributeCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { CreateInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/range/clock.js';
import { identityState, rootPrincipal } from '../../src/range/identity.js';
import { failure, startTestRange, type TestRange } from './harness.js';

describe('range: EC2 instances, volumes and snapshots', () => {
  const clock = new ManualClock(Date.parse('2026-06-01T09:00:00Z'));
  let range: TestRange;
  let ec2: EC2Client;
  let vpcId: string;
  let subnetId: string;
  let webSg: string;

  before(async () => {
    range = await startTestRange({ clock });
    ec2 = new EC2Client(range.clientConfig());
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    subnetId = (
      await ec2.send(
        new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.2.0/28', AvailabilityZone: 'us-east-1b' }),
      )
    ).Subnet!.SubnetId!;
    webSg = (
      await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'web', Description: 'web' }))
    ).GroupId!;
  });
  after(() => range.stop());

  const instance = async (id: string): Promise<Instance> =>
    (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
  const launch = async (extra: Record<string, unknown> = {}) =>
    (
      await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-0abcdef1234567890',
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnetId,
          ...extra,
        }),
      )
    ).Instances![0]!.InstanceId!;

  it('launches with the CLI: pending, then running on the range clock, with addresses, volume, tags and user data', async () => {
    const out = (await range.aws([
      'ec2',
      'run-instances',
      '--image-id',
      'ami-0abcdef1234567890',
      '--instance-type',
      't3.micro',
      '--count',
      '2',
      '--subnet-id',
      subnetId,
      '--security-group-ids',
      webSg,
      '--user-data',
      '#!/bin/sh\necho hello',
      '--tag-specifications',
      'ResourceType=instance,Tags=[{Key=app,Value=web}]',
      'ResourceType=volume,Tags=[{Key=app,Value=web-root}]',
    ])) as { ReservationId: string; OwnerId: string; Instances: Instance[] };
    expect(out.ReservationId).to.match(/^r-[0-9a-f]{17}$/);
    expect(out.Instances).to.have.length(2);
    const [a, b] = out.Instances as [Instance, Instance];
    expect(a.State).to.deep.equal({ Code: 0, Name: 'pending' });
    expect(a).to.include({
      InstanceType: 't3.micro',
      SubnetId: subnetId,
      VpcId: vpcId,
      PrivateIpAddress: '10.1.2.4',
      AmiLaunchIndex: 0,
    });
    expect(b.PrivateIpAddress).to.equal('10.1.2.5');
    expect(a.PrivateDnsName).to.equal('ip-10-1-2-4.ec2.internal');
    expect(a.Placement?.AvailabilityZone).to.equal('us-east-1b');
    expect(a.SecurityGroups).to.deep.equal([{ GroupId: webSg, GroupName: 'web' }]);
    expect(a.Tags).to.deep.equal([{ Key: 'app', Value: 'web' }]);

    clock.advance(3000);
    const running = (await range.aws([
      'ec2',
      'describe-instances',
      '--filters',
      'Name=tag:app,Values=web',
      'Name=instance-state-name,Values=running',
    ])) as {
      Reservations: Array<{ Instances: Instance[] }>;
    };
    expect(running.Reservations[0]!.Instances.map((i) => i.InstanceId)).to.have.members([
      a.InstanceId,
      b.InstanceId,
    ]);

    const volumes = await ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [a.InstanceId!] }] }),
    );
    const root = volumes.Volumes![0]!;
    expect(root).to.deep.include({
      State: 'in-use',
      Size: 8,
      AvailabilityZone: 'us-east-1b',
      Tags: [{ Key: 'app', Value: 'web-root' }],
    });
    expect(root.Attachments![0]).to.include({
      InstanceId: a.InstanceId,
      Device: '/dev/xvda',
      State: 'attached',
    });
    const userData = await ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: a.InstanceId, Attribute: 'userData' }),
    );
    expect(Buffer.from(userData.UserData!.Value!, 'base64').toString()).to.equal('#!/bin/sh\necho hello');

    const subnet = (await range.aws(['ec2', 'describe-subnets', '--subnet-ids', subnetId])) as {
      Subnets: Array<{ AvailableIpAddressCount: number }>;
    };
    expect(subnet.Subnets[0]!.AvailableIpAddressCount).to.equal(16 - 5 - 2);

    // Logged in EC2's own CloudTrail shape: instancesSet, groupSet, tagSpecificationSet, no user data.
    const event = range.events('RunInstances').at(-1)!;
    expect(event.requestParameters).to.deep.include({
      instancesSet: { items: [{ imageId: 'ami-0abcdef1234567890', minCount: 2, maxCount: 2 }] },
      groupSet: { items: [{ groupId: webSg }] },
      instanceType: 't3.micro',
      subnetId,
      userData: '<sensitiveDataRemoved>',
    });
    expect(event.requestParameters).to.have.nested.property(
      'tagSpecificationSet.items[0].tags[0].key',
      'app',
    );
    const launched = range.engine.history.lookup({
      accountId: range.accountId,
      region: range.region,
      attribute: { key: 'ResourceName', value: b.InstanceId! },
      limit: 10,
    });
    expect(launched.events.map((e) => e.record.eventName)).to.include('RunInstances');
  });

  it('stops, starts and terminates through the states EC2 goes through; terminated instances linger, then go', async () => {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0abcdef1234567890',
        MinCount: 1,
        MaxCount: 1,
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, AssociatePublicIpAddress: true }],
      }),
    );
    const id = run.Instances![0]!.InstanceId!;
    // A public address from the documentation range, given back when the instance stops.
    const publicIp = run.Instances![0]!.PublicIpAddress!;
    expect(publicIp).to.match(/^203\.0\.113\.\d+$/);
    expect(run.Instances![0]!.NetworkInterfaces![0]!.Association).to.deep.include({
      PublicIp: publicIp,
      IpOwnerId: 'amazon',
    });
    const early = await failure(ec2.send(new StopInstancesCommand({ InstanceIds: [id] })));
    expect(early.name).to.equal('IncorrectInstanceState');
    clock.advance(3000);
    const stopping = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(stopping.StoppingInstances![0]).to.deep.equal({
      InstanceId: id,
      CurrentState: { Code: 64, Name: 'stopping' },
      PreviousState: { Code: 16, Name: 'running' },
    });
    clock.advance(5000);
    const stopped = await instance(id);
    expect(stopped.State?.Name).to.equal('stopped');
    expect(stopped.PublicIpAddress).to.equal(undefined);
    expect(stopped.StateReason?.Code).to.equal('Client.UserInitiatedShutdown');
    expect(stopped.StateTransitionReason).to.match(/^User initiated \(2026-06-01 09:00:\d\d GMT\)$/);

    const started = (await range.aws(['ec2', 'start-instances', '--instance-ids', id])) as {
      StartingInstances: Array<{ CurrentState: { Name: string }; PreviousState: { Name: string } }>;
    };
    expect(started.StartingInstances[0]).to.deep.include({
      CurrentState: { Code: 0, Name: 'pending' },
      PreviousState: { Code: 80, Name: 'stopped' },
    });
    clock.advance(3000);
    const status = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }));
    expect(status.InstanceStatuses![0]).to.deep.include({
      InstanceId: id,
      InstanceState: { Code: 16, Name: 'running' },
    });
    expect(status.InstanceStatuses![0]!.InstanceStatus?.Status).to.equal('ok');
    expect((await instance(id)).PublicIpAddress).to.match(/^203\.0\.113\.\d+$/);

    const terminating = (await range.aws(['ec2', 'terminate-instances', '--instance-ids', id])) as {
      TerminatingInstances: Array<{ CurrentState: { Name: string } }>;
    };
    expect(terminating.TerminatingInstances[0]!.CurrentState.Name).to.equal('shutting-down');
    clock.advance(5000);
    expect((await instance(id)).State).to.deep.equal({ Code: 48, Name: 'terminated' });
    expect(range.events('TerminateInstances').at(-1)?.requestParameters).to.deep.equal({
      instancesSet: { items: [{ instanceId: id }] },
    });
    const notRunning = await ec2.send(
      new DescribeInstanceStatusCommand({ InstanceIds: [id], IncludeAllInstances: false }),
    );
    expect(notRunning.InstanceStatuses).to.deep.equal([]);
    const cantStart = await failure(ec2.send(new StartInstancesCommand({ InstanceIds: [id] })));
    expect(cantStart.name).to.equal('IncorrectInstanceState');
    clock.advance(61 * 60 * 1000);
    const gone = await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })));
    expect(gone.name).to.equal('InvalidInstanceID.NotFound');
    expect(gone.message).to.equal(`The instance ID '${id}' does not exist`);
  });

  it('isolates an instance by replacing its security groups with the CLI, recorded in CloudTrail', async () => {
    const app = (
      await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'app', Description: 'app' }))
    ).GroupId!;
    const id = await launch({ SecurityGroupIds: [app, webSg] });
    clock.advance(3000);
    const isolation = (
      await ec2.send(
        new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'isolation', Description: 'no traffic' }),
      )
    ).GroupId!;
    const inUse = await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: app })));
    expect(inUse.name).to.equal('DependencyViolation');
    // The runbook's scoping step: which network interfaces use the group?
    const exposed = (await range.aws([
      'ec2',
      'describe-network-interfaces',
      '--filters',
      `Name=group-id,Values=${app}`,
      '--query',
      'NetworkInterfaces[].{eni:NetworkInterfaceId,type:InterfaceType,ip:PrivateIpAddress,instance:Attachment.InstanceId}',
    ])) as Array<Record<string, string>>;
    const nic = (await instance(id)).NetworkInterfaces![0]!;
    expect(exposed).to.deep.equal([
      { eni: nic.NetworkInterfaceId, type: 'interface', ip: nic.PrivateIpAddress, instance: id },
    ]);

    await range.aws(['ec2', 'modify-instance-attribute', '--instance-id', id, '--groups', isolation]);
    const isolated = (await range.aws([
      'ec2',
      'describe-instances',
      '--filters',
      `Name=instance.group-id,Values=${isolation}`,
    ])) as {
      Reservations: Array<{ Instances: Instance[] }>;
    };
    expect(isolated.Reservations.flatMap((r) => r.Instances.map((i) => i.InstanceId))).to.deep.equal([id]);
    const described = await instance(id);
    expect(described.SecurityGroups).to.deep.equal([{ GroupId: isolation, GroupName: 'isolation' }]);
    expect(described.NetworkInterfaces![0]!.Groups).to.deep.equal([
      { GroupId: isolation, GroupName: 'isolation' },
    ]);
    const attr = (await range.aws([
      'ec2',
      'describe-instance-attribute',
      '--instance-id',
      id,
      '--attribute',
      'groupSet',
    ])) as {
      Groups: Array<{ GroupId: string }>;
    };
    expect(attr.Groups.map((g) => g.GroupId)).to.deep.equal([isolation]);
    // The old group is free now.
    const left = await ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [app] }] }),
    );
    expect(left.NetworkInterfaces).to.deep.equal([]);
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: app }));

    const event = range.events('ModifyInstanceAttribute').at(-1)!;
    expect(event.userAgent).to.match(/^aws-cli\//);
    expect(event.userIdentity).to.include({ type: 'IAMUser', userName: 'range-admin' });
    expect(event.requestParameters).to.deep.equal({
      instanceId: id,
      groupSet: { items: [{ groupId: isolation }] },
    });
    // EC2 answers `return true` for calls without output; CloudTrail shows it as `_return`.
    expect(event.responseElements).to.deep.equal({ requestId: event.requestID, _return: true });
    const history = range.engine.history.lookup({
      accountId: range.accountId,
      region: range.region,
      attribute: { key: 'ResourceName', value: isolation },
      limit: 10,
    });
    expect(history.events.map((e) => e.record.eventName)).to.include.members([
      'CreateSecurityGroup',
      'ModifyInstanceAttribute',
    ]);

    const otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).Vpc!.VpcId!;
    const foreign = (
      await ec2.send(new CreateSecurityGroupCommand({ VpcId: otherVpc, GroupName: 'x', Description: 'x' }))
    ).GroupId!;
    const wrong = await failure(
      ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, Groups: [foreign] })),
    );
    expect(wrong.name).to.equal('InvalidParameterValue');
    const missing = await failure(
      ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, Groups: ['sg-0123456789abcdef0'] })),
    );
    expect(missing.name).to.equal('InvalidGroup.NotFound');
  });

  it('guards termination and instance type changes, one attribute at a time', async () => {
    const id = await launch();
    clock.advance(3000);
    await range.aws(['ec2', 'modify-instance-attribute', '--instance-id', id, '--disable-api-termination']);
    const protectedAttr = await ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'disableApiTermination' }),
    );
    expect(protectedAttr.DisableApiTermination?.Value).to.equal(true);
    const refused = await range.awsFails(['ec2', 'terminate-instances', '--instance-ids', id]);
    expect(refused.stderr)
      .to.contain('(OperationNotPermitted)')
      .and.to.contain(`The instance '${id}' may not be terminated.`);

    const running = await failure(
      ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 't3.large' } })),
    );
    expect(running.name).to.equal('IncorrectInstanceState');
    expect(running.message).to.equal(`The instance '${id}' is not in the 'stopped' state.`);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    clock.advance(5000);
    await range.aws([
      'ec2',
      'modify-instance-attribute',
      '--instance-id',
      id,
      '--attribute',
      'instanceType',
      '--value',
      't3.large',
    ]);
    const type = await ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'instanceType' }),
    );
    expect(type.InstanceType?.Value).to.equal('t3.large');
    const both = await failure(
      ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: id,
          Groups: [webSg],
          DisableApiTermination: { Value: false },
        }),
      ),
    );
    expect(both.name).to.equal('InvalidParameterCombination');

    await ec2.send(
      new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: false } }),
    );
    const out = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(out.TerminatingInstances![0]!.PreviousState?.Name).to.equal('stopped');
  });

  it('launches with an IAM instance profile and refuses one that does not exist', async () => {
    const iam = new IAMClient(range.clientConfig());
    const profile = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web-profile' })))
      .InstanceProfile!;
    const id = await launch({ IamInstanceProfile: { Name: 'web-profile' } });
    expect((await instance(id)).IamInstanceProfile).to.deep.equal({
      Arn: profile.Arn,
      Id: profile.InstanceProfileId,
    });
    const byArn = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'iam-instance-profile.arn', Values: [profile.Arn!] }],
      }),
    );
    expect(byArn.Reservations![0]!.Instances![0]!.InstanceId).to.equal(id);
    const missing = await failure(launch({ IamInstanceProfile: { Name: 'nope' } }));
    expect(missing.name).to.equal('InvalidParameterValue');
    expect(missing.message).to.contain('Invalid IAM Instance Profile name');
  });

  it('answers launch and lookup mistakes as EC2 does, and keeps subnets with live instances', async () => {
    const noSubnet = await range.awsFails(['ec2', 'run-instances', '--image-id', 'ami-0abcdef1234567890']);
    expect(noSubnet.stderr).to.contain('(VPCIdNotSpecified)').and.to.contain('No default VPC for this user');
    const badAmi = await failure(launch({ ImageId: 'ubuntu' }));
    expect(badAmi.name).to.equal('InvalidAMIID.Malformed');
    const otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.3.0.0/16' }))).Vpc!.VpcId!;
    const foreign = (
      await ec2.send(new CreateSecurityGroupCommand({ VpcId: otherVpc, GroupName: 'y', Description: 'y' }))
    ).GroupId!;
    const wrongNet = await failure(launch({ SecurityGroupIds: [foreign] }));
    expect(wrongNet.name).to.equal('InvalidParameter');
    expect(wrongNet.message).to.equal(
      `Security group ${foreign} and subnet ${subnetId} belong to different networks.`,
    );
    const byName = await failure(launch({ SecurityGroups: ['web'] }));
    expect(byName.message).to.equal('The parameter groupName cannot be used with the parameter subnet');
    const full = await failure(launch({ MinCount: 20, MaxCount: 20 }));
    expect(full.name).to.equal('InsufficientFreeAddressesInSubnet');
    const dry = await range.awsFails([
      'ec2',
      'run-instances',
      '--image-id',
      'ami-0abcdef1234567890',
      '--subnet-id',
      subnetId,
      '--dry-run',
    ]);
    expect(dry.stderr).to.contain('(DryRunOperation)');

    const two = await failure(
      ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef1'] })),
    );
    expect(two.message).to.equal("The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do not exist");
    const malformed = await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['web-1'] })));
    expect(malformed.name).to.equal('InvalidInstanceID.Malformed');
    const combo = await failure(
      ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'], MaxResults: 5 })),
    );
    expect(combo.name).to.equal('InvalidParameterCombination');
    await launch({ MinCount: 2, MaxCount: 2 });
    const page = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    expect(page.Reservations!.flatMap((r) => r.Instances!)).to.have.length(5);
    expect(page.NextToken).to.be.a('string');

    const busy = await failure(ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId })));
    expect(busy.name).to.equal('DependencyViolation');
    expect(busy.message).to.equal(`The subnet '${subnetId}' has dependencies and cannot be deleted.`);
  });

  it('snapshots a root volume and shares it (publicly is the exfiltration fault), visible in CloudTrail', async () => {
    const id = await launch();
    const volumeId = (await instance(id)).BlockDeviceMappings![0]!.Ebs!.VolumeId!;
    const snap = (await range.aws([
      'ec2',
      'create-snapshot',
      '--volume-id',
      volumeId,
      '--description',
      'forensics',
      '--tag-specifications',
      'ResourceType=snapshot,Tags=[{Key=case,Value=IR-7}]',
    ])) as { SnapshotId: string; State: string; VolumeSize: number };
    expect(snap).to.include({ State: 'pending', VolumeSize: 8 });
    clock.advance(2000);
    const mine = await ec2.send(
      new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:case', Values: ['IR-7'] }] }),
    );
    expect(mine.Snapshots![0]).to.deep.include({
      SnapshotId: snap.SnapshotId,
      State: 'completed',
      Progress: '100%',
      OwnerId: range.accountId,
      Description: 'forensics',
    });

    await range.aws([
      'ec2',
      'modify-snapshot-attribute',
      '--snapshot-id',
      snap.SnapshotId,
      '--attribute',
      'createVolumePermission',
      '--operation-type',
      'add',
      '--group-names',
      'all',
    ]);
    const attr = (await range.aws([
      'ec2',
      'describe-snapshot-attribute',
      '--snapshot-id',
      snap.SnapshotId,
      '--attribute',
      'createVolumePermission',
    ])) as { CreateVolumePermissions: unknown[] };
    expect(attr.CreateVolumePermissions).to.deep.equal([{ Group: 'all' }]);
    const publicOnes = await ec2.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ['all'] }));
    expect(publicOnes.Snapshots!.map((s) => s.SnapshotId)).to.deep.equal([snap.SnapshotId]);
    // What a "snapshot made public" detection matches on.
    const shareEvent = range.events('ModifySnapshotAttribute').at(-1)!;
    expect(shareEvent.requestParameters).to.deep.equal({
      snapshotId: snap.SnapshotId,
      createVolumePermission: { add: { items: [{ group: 'all' }] } },
      attributeType: 'CREATE_VOLUME_PERMISSION',
    });

    await ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: snap.SnapshotId,
        CreateVolumePermission: { Remove: [{ Group: 'all' }], Add: [{ UserId: '111122223333' }] },
      }),
    );
    const shared = await ec2.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ['111122223333'] }));
    expect(shared.Snapshots!.map((s) => s.SnapshotId)).to.deep.equal([snap.SnapshotId]);
    expect(
      (await ec2.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ['all'] }))).Snapshots,
    ).to.deep.equal([]);

    await range.aws(['ec2', 'delete-snapshot', '--snapshot-id', snap.SnapshotId]);
    const gone = await failure(ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snap.SnapshotId] })));
    expect(gone.name).to.equal('InvalidSnapshot.NotFound');
    const noVolume = await failure(
      ec2.send(new CreateSnapshotCommand({ VolumeId: 'vol-0123456789abcdef0' })),
    );
    expect(noVolume.name).to.equal('InvalidVolume.NotFound');
  });
});

describe('range: EC2 state across a restart and across accounts', () => {
  it('finishes transitions that fell due while the range was down, and keeps every record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirs-ec2-state-'));
    try {
      const first = await startTestRange({
        stateDir: dir,
        clock: new ManualClock(Date.parse('2026-06-01T10:00:00Z')),
      });
      const ec2 = new EC2Client(first.clientConfig());
      const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.5.0.0/16' }))).Vpc!.VpcId!;
      const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.5.1.0/24' })))
        .Subnet!.SubnetId!;
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-0abcdef1234567890',
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnetId,
        }),
      );
      const id = run.Instances![0]!.InstanceId!;
      await first.stop();

      // The new range's clock is past the launch delay, but the old range's timer died with it.
      const second = await startTestRange({
        stateDir: dir,
        clock: new ManualClock(Date.parse('2026-06-01T10:05:00Z')),
      });
      try {
        const again = new EC2Client(second.clientConfig());
        const [found] = (await again.send(new DescribeInstancesCommand({ InstanceIds: [id] })))
          .Reservations![0]!.Instances!;
        expect(found).to.deep.include({
          State: { Code: 16, Name: 'running' },
          SubnetId: subnetId,
          VpcId: vpcId,
        });
        expect(found!.LaunchTime?.toISOString()).to.equal('2026-06-01T10:00:00.000Z');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows a public snapshot to every other account: the exfiltration path', async () => {
    const range = await startTestRange();
    try {
      const owner = new EC2Client(range.clientConfig());
      const vpcId = (await owner.send(new CreateVpcCommand({ CidrBlock: '10.6.0.0/16' }))).Vpc!.VpcId!;
      const subnetId = (await owner.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.6.1.0/24' })))
        .Subnet!.SubnetId!;
      const run = await owner.send(
        new RunInstancesCommand({
          ImageId: 'ami-0abcdef1234567890',
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnetId,
        }),
      );
      const volumeId = run.Instances![0]!.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
      const snapshotId = (await owner.send(new CreateSnapshotCommand({ VolumeId: volumeId }))).SnapshotId!;

      // An attacker's account in the same range.
      const attacker = '210987654321';
      const keys = { accessKeyId: 'AKIAATTACKERROOT0001', secretAccessKey: 'attacker-secret' };
      range.engine.state.get(identityState, '', '').credentials[keys.accessKeyId] = {
        ...keys,
        status: 'Active',
        createdAt: new Date(),
        principal: rootPrincipal(attacker),
      };
      const outsider = new EC2Client(range.clientConfig({ credentials: keys }));
      const hidden = await failure(
        outsider.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] })),
      );
      expect(hidden.name).to.equal('InvalidSnapshot.NotFound');

      await owner.send(
        new ModifySnapshotAttributeCommand({
          SnapshotId: snapshotId,
          Attribute: 'createVolumePermission',
          OperationType: 'add',
          GroupNames: ['all'],
        }),
      );
      const seen = await outsider.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ['self'] }));
      expect(seen.Snapshots!.map((s) => [s.SnapshotId, s.OwnerId])).to.deep.equal([
        [snapshotId, range.accountId],
      ]);
      const own = await outsider.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
      expect(own.Snapshots).to.deep.equal([]);
    } finally {
      await range.stop();
    }
  });
});
