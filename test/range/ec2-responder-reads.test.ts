import { expect } from 'chai';
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  EC2Client,
  GetConsoleOutputCommand,
  ModifyNetworkInterfaceAttributeCommand,
  CreateSecurityGroupCommand,
} from '@aws-sdk/client-ec2';
import { ManualClock } from '../../src/range/clock.js';
import { failure, startTestRange, type TestRange } from './harness.js';
import { launch, network } from './ec2-fixtures.js';
import { userWith } from './users.js';

/**
 * What a responder runs around a compromised instance besides containment: which Regions to sweep,
 * the instance's console output (evidence), isolating its network interface, and Elastic IPs.
 */
describe('range: EC2 regions, console output, network interface isolation and addresses', function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.parse('2026-06-01T09:00:00Z'));
  let range: TestRange;
  let ec2: EC2Client;
  let vpcId: string;
  let subnetId: string;
  let groupId: string;

  before(async () => {
    range = await startTestRange({ clock });
    ec2 = new EC2Client(range.clientConfig());
    ({ vpcId, subnetId, groupId } = await network(ec2, '10.11'));
  });
  after(() => range.stop());

  it('DescribeRegions: enabled Regions by default, opt-in ones with AllRegions, by name and filter (aws CLI and SDK)', async () => {
    const enabled = (await range.aws(['ec2', 'describe-regions'])) as {
      Regions: Array<{ RegionName: string; Endpoint: string; OptInStatus: string }>;
    };
    const names = enabled.Regions.map((r) => r.RegionName);
    expect(names).to.include.members(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    // Regions launched after March 2019 are opt-in (AWS General Reference): not listed unless asked for.
    expect(names).to.not.include('af-south-1');
    expect(enabled.Regions.find((r) => r.RegionName === 'eu-west-1')).to.deep.equal({
      RegionName: 'eu-west-1',
      Endpoint: 'ec2.eu-west-1.amazonaws.com',
      OptInStatus: 'opt-in-not-required',
    });
    const all = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    expect(all.Regions!.find((r) => r.RegionName === 'af-south-1')?.OptInStatus).to.equal('not-opted-in');
    expect(all.Regions!.length).to.be.greaterThan(names.length);
    const optIn = await ec2.send(
      new DescribeRegionsCommand({
        AllRegions: true,
        Filters: [{ Name: 'opt-in-status', Values: ['not-opted-in'] }],
      }),
    );
    expect(optIn.Regions!.every((r) => r.OptInStatus === 'not-opted-in')).to.equal(true);
    const named = await ec2.send(new DescribeRegionsCommand({ RegionNames: ['us-west-2', 'me-south-1'] }));
    expect(named.Regions!.map((r) => r.RegionName)).to.deep.equal(['us-west-2', 'me-south-1']);
    const bad = await failure(ec2.send(new DescribeRegionsCommand({ RegionNames: ['mars-north-1'] })));
    expect(bad.name).to.equal('InvalidParameterValue');
    expect(range.events('DescribeRegions').length).to.be.greaterThan(0);
  });

  it('GetConsoleOutput: nothing before the instance has booted, then its boot log in base64 (SDK and aws CLI)', async () => {
    const id = await launch(ec2, subnetId);
    const early = await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }));
    expect(early.InstanceId).to.equal(id);
    expect(early.Output).to.equal(undefined);
    clock.advance(3000);
    const out = (await range.aws(['ec2', 'get-console-output', '--instance-id', id, '--latest'])) as {
      InstanceId: string;
      Output: string;
      Timestamp: string;
    };
    expect(out.InstanceId).to.equal(id);
    const privateIp = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!
      .Instances![0]!.PrivateIpAddress!;
    // The CLI decodes Output for display; the SDK hands over what EC2 sent: base64.
    expect(out.Output).to.contain('-----BEGIN SSH HOST KEY FINGERPRINTS-----');
    expect(out.Output).to.contain(`ip-${privateIp.replace(/\./g, '-')} login:`);
    const raw = await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }));
    expect(Buffer.from(raw.Output!, 'base64').toString()).to.equal(out.Output);
    const missing = await failure(
      ec2.send(new GetConsoleOutputCommand({ InstanceId: 'i-0123456789abcdef0' })),
    );
    expect(missing.name).to.equal('InvalidInstanceID.NotFound');
    expect(range.events('GetConsoleOutput').at(-1)!.requestParameters).to.deep.include({
      instanceId: 'i-0123456789abcdef0',
    });
  });

  it('ModifyNetworkInterfaceAttribute isolates an interface with a new group set, one attribute per call (aws CLI and SDK)', async () => {
    const id = await launch(ec2, subnetId, { SecurityGroupIds: [groupId] });
    clock.advance(3000);
    const eni = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!
      .Instances![0]!.NetworkInterfaces![0]!.NetworkInterfaceId!;
    const isolation = (
      await ec2.send(
        new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'isolation', Description: 'no rules' }),
      )
    ).GroupId!;
    await range.aws([
      'ec2',
      'modify-network-interface-attribute',
      '--network-interface-id',
      eni,
      '--groups',
      isolation,
    ]);
    const after = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] })))
      .NetworkInterfaces![0]!;
    expect(after.Groups!.map((g) => g.GroupId)).to.deep.equal([isolation]);
    const instance = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!
      .Instances![0]!;
    expect(instance.SecurityGroups!.map((g) => g.GroupId)).to.deep.equal([isolation]);
    const event = range.events('ModifyNetworkInterfaceAttribute').at(-1)!;
    expect(event.requestParameters).to.deep.equal({
      networkInterfaceId: eni,
      groupSet: { items: [{ groupId: isolation }] },
    });

    await ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: eni,
        Description: { Value: 'isolated by IR-42' },
      }),
    );
    await ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: eni,
        SourceDestCheck: { Value: false },
      }),
    );
    const described = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] })))
      .NetworkInterfaces![0]!;
    expect(described).to.deep.include({ Description: 'isolated by IR-42', SourceDestCheck: false });

    const both = await failure(
      ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: eni,
          Groups: [groupId],
          Description: { Value: 'x' },
        }),
      ),
    );
    expect(both.name).to.equal('InvalidParameterCombination');
    const missing = await failure(
      ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: 'eni-0123456789abcdef0',
          Groups: [groupId],
        }),
      ),
    );
    expect(missing.name).to.equal('InvalidNetworkInterfaceID.NotFound');
    const unknownGroup = await failure(
      ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: eni,
          Groups: ['sg-0123456789abcdef0'],
        }),
      ),
    );
    expect(unknownGroup.name).to.equal('InvalidGroup.NotFound');

    const viewer = await userWith(range, 'viewer', [
      { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
    ]);
    const denied = await range.awsFails(
      ['ec2', 'modify-network-interface-attribute', '--network-interface-id', eni, '--groups', groupId],
      { env: viewer.env },
    );
    expect(denied.stderr).to.contain('(UnauthorizedOperation)');
    expect(denied.stderr).to.contain('ec2:ModifyNetworkInterfaceAttribute');
    const still = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] })))
      .NetworkInterfaces![0]!;
    expect(still.Groups!.map((g) => g.GroupId)).to.deep.equal([isolation]);
  });

  it('DescribeAddresses: the range allocates no Elastic IPs, so none are listed and none can be named (aws CLI and SDK)', async () => {
    expect(await range.aws(['ec2', 'describe-addresses'])).to.deep.equal({ Addresses: [] });
    const filtered = await ec2.send(
      new DescribeAddressesCommand({ Filters: [{ Name: 'domain', Values: ['vpc'] }] }),
    );
    expect(filtered.Addresses).to.deep.equal([]);
    const named = await failure(ec2.send(new DescribeAddressesCommand({ PublicIps: ['203.0.113.9'] })));
    expect(named.name).to.equal('InvalidAddress.NotFound');
    const badFilter = await failure(
      ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })),
    );
    expect(badFilter.name).to.equal('InvalidParameterValue');
  });
});
