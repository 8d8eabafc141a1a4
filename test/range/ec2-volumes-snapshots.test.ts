import { expect } from 'chai';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  CreateSnapshotCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DeleteVolumeCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  ModifySnapshotAttributeCommand,
  ResetSnapshotAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { failure, startTestRange, type TestRange } from './harness.js';

async function settled(cfn: CloudFormationClient, name: string): Promise<Stack> {
  for (let i = 0; i < 800; i++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`stack ${name} never settled`);
}

describe('range: EBS data volumes and snapshot sharing', function () {
  this.timeout(60_000);
  let range: TestRange;
  let ec2: EC2Client;
  let cfn: CloudFormationClient;
  const az = () => `${range.region}a`;

  before(async () => {
    range = await startTestRange();
    ec2 = new EC2Client(range.clientConfig());
    cfn = new CloudFormationClient(range.clientConfig());
  });
  after(() => range.stop());

  it('creates a standalone volume (answering "creating"), lists it available, and deletes it', async () => {
    const created = await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: az(),
        Size: 1,
        VolumeType: 'gp3',
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'Name', Value: 'billing-data' }] }],
      }),
    );
    // CreateVolume answers while the volume is being created (API reference: State "creating").
    expect(created).to.include({ State: 'creating', Size: 1, VolumeType: 'gp3', AvailabilityZone: az() });
    expect(created.VolumeId).to.match(/^vol-[0-9a-f]{17}$/);
    const cli = (await range.aws(['ec2', 'describe-volumes', '--volume-ids', created.VolumeId!])) as {
      Volumes: Array<{ State: string; Attachments: unknown[]; Tags: Array<{ Key: string; Value: string }> }>;
    };
    expect(cli.Volumes[0]).to.deep.include({ State: 'available', Attachments: [] });
    expect(cli.Volumes[0]!.Tags).to.deep.equal([{ Key: 'Name', Value: 'billing-data' }]);
    // The API's default volume type is gp2 (CreateVolume: "VolumeType ... Default: gp2").
    const plain = (await range.aws(['ec2', 'create-volume', '--availability-zone', az(), '--size', '2'])) as {
      VolumeId: string;
      VolumeType: string;
    };
    expect(plain.VolumeType).to.equal('gp2');

    const nowhere = await failure(
      ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'mars-1a', Size: 1 })),
    );
    expect(nowhere.name).to.equal('InvalidParameterValue');
    const sizeless = await failure(ec2.send(new CreateVolumeCommand({ AvailabilityZone: az() })));
    expect(sizeless.name).to.equal('MissingParameter');

    await ec2.send(new DeleteVolumeCommand({ VolumeId: created.VolumeId }));
    await range.aws(['ec2', 'delete-volume', '--volume-id', plain.VolumeId]);
    const gone = await failure(ec2.send(new DescribeVolumesCommand({ VolumeIds: [created.VolumeId!] })));
    expect(gone.name).to.equal('InvalidVolume.NotFound');
    // Refused calls are recorded too, with EC2's "Client." error codes.
    expect(range.events('CreateVolume').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'ok',
      'ok',
      'Client.InvalidParameterValue',
      'Client.MissingParameter',
    ]);
    expect(range.events('DeleteVolume').map((e) => e.requestParameters?.volumeId)).to.deep.equal([
      created.VolumeId,
      plain.VolumeId,
    ]);
  });

  it('shares a snapshot with everyone, then ResetSnapshotAttribute makes it private again (CLI and SDK)', async () => {
    const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: az(), Size: 1 }));
    const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId, Description: 'db' }));
    const id = snap.SnapshotId!;
    await range.aws([
      'ec2',
      'modify-snapshot-attribute',
      '--snapshot-id',
      id,
      '--attribute',
      'createVolumePermission',
      '--operation-type',
      'add',
      '--group-names',
      'all',
      '--user-ids',
      '111122223333',
    ]);
    const shared = await ec2.send(
      new DescribeSnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission' }),
    );
    expect(shared.CreateVolumePermissions).to.deep.equal([{ Group: 'all' }, { UserId: '111122223333' }]);
    const restorable = await ec2.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ['all'] }));
    expect(restorable.Snapshots?.map((s) => s.SnapshotId)).to.include(id);

    // "Resets permission settings for the specified snapshot" (ResetSnapshotAttribute): public and
    // account shares alike go.
    await range.aws([
      'ec2',
      'reset-snapshot-attribute',
      '--snapshot-id',
      id,
      '--attribute',
      'createVolumePermission',
    ]);
    const reset = (await range.aws([
      'ec2',
      'describe-snapshot-attribute',
      '--snapshot-id',
      id,
      '--attribute',
      'createVolumePermission',
    ])) as { CreateVolumePermissions: unknown[] };
    expect(reset.CreateVolumePermissions).to.deep.equal([]);
    const kept = await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [id] }));
    expect(kept.Snapshots?.[0]?.SnapshotId).to.equal(id);

    const bad = await failure(
      ec2.send(new ResetSnapshotAttributeCommand({ SnapshotId: id, Attribute: 'productCodes' })),
    );
    expect(bad.name).to.equal('InvalidParameterValue');
    const missing = await failure(
      ec2.send(
        new ResetSnapshotAttributeCommand({
          SnapshotId: 'snap-0123456789abcdef0',
          Attribute: 'createVolumePermission',
        }),
      ),
    );
    expect(missing.name).to.equal('InvalidSnapshot.NotFound');
    const events = range.events('ResetSnapshotAttribute');
    expect(events.map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'ok',
      'Client.InvalidParameterValue',
      'Client.InvalidSnapshot.NotFound',
    ]);
    expect(events[0]!.requestParameters).to.include({ snapshotId: id });
    // The remove form of ModifySnapshotAttribute is logged like the console's createVolumePermission.
    await ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: id,
        CreateVolumePermission: { Add: [{ Group: 'all' }] },
      }),
    );
    await ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: id,
        CreateVolumePermission: { Remove: [{ Group: 'all' }] },
      }),
    );
    const modify = range.events('ModifySnapshotAttribute').at(-1)!;
    expect(modify.requestParameters).to.deep.include({
      createVolumePermission: { remove: { items: [{ group: 'all' }] } },
    });
  });

  it('creates and deletes AWS::EC2::Volume through CloudFormation; an attached volume cannot be deleted', async () => {
    const template = {
      Resources: {
        Data: {
          Type: 'AWS::EC2::Volume',
          Properties: {
            AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
            Size: 1,
            VolumeType: 'gp3',
            Encrypted: false,
            Tags: [{ Key: 'Name', Value: 'ledger-data' }],
          },
        },
      },
      Outputs: {
        VolumeId: { Value: { Ref: 'Data' } },
        ById: { Value: { 'Fn::GetAtt': ['Data', 'VolumeId'] } },
      },
    };
    await cfn.send(new CreateStackCommand({ StackName: 'vol', TemplateBody: JSON.stringify(template) }));
    const stack = await settled(cfn, 'vol');
    expect(stack.StackStatus, stack.StackStatusReason).to.equal('CREATE_COMPLETE');
    const out = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    expect(out.ById).to.equal(out.VolumeId);
    const { Volumes } = await ec2.send(new DescribeVolumesCommand({ VolumeIds: [out.VolumeId!] }));
    expect(Volumes?.[0]).to.include({ Size: 1, VolumeType: 'gp3', Encrypted: false, State: 'available' });
    const tags = Object.fromEntries((Volumes?.[0]?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).to.include({ Name: 'ledger-data' });
    const created = range.events('CreateVolume').at(-1)!;
    expect(created.userIdentity?.invokedBy).to.equal('cloudformation.amazonaws.com');

    await cfn.send(new DeleteStackCommand({ StackName: 'vol' }));
    const deleted = await settled(cfn, stack.StackId!);
    expect(deleted.StackStatus).to.equal('DELETE_COMPLETE');
    const gone = await failure(ec2.send(new DescribeVolumesCommand({ VolumeIds: [out.VolumeId!] })));
    expect(gone.name).to.equal('InvalidVolume.NotFound');

    // A root volume is attached to its instance: DeleteVolume refuses (VolumeInUse).
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpc.Vpc?.VpcId, CidrBlock: '10.9.1.0/24' }),
    );
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0abcdef1234567890',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnet.Subnet?.SubnetId,
      }),
    );
    const { Volumes: root } = await ec2.send(
      new DescribeVolumesCommand({
        Filters: [{ Name: 'attachment.instance-id', Values: [run.Instances![0]!.InstanceId!] }],
      }),
    );
    const inUse = await failure(ec2.send(new DeleteVolumeCommand({ VolumeId: root![0]!.VolumeId })));
    expect(inUse.name).to.equal('VolumeInUse');
  });
});
