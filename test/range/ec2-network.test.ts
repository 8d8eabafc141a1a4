import { expect } from 'chai';
import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateFlowLogsCommand,
  CreateInternetGatewayCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteFlowLogsCommand,
  DeleteInternetGatewayCommand,
  DeleteNetworkAclCommand,
  DeleteNetworkAclEntryCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSubnetCommand,
  DeleteTagsCommand,
  DeleteVpcCommand,
  DescribeFlowLogsCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeVpcAttributeCommand,
  ModifyVpcAttributeCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  EC2Client,
  type NetworkAcl,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { failure, startTestRange, type TestRange } from './harness.js';

describe('range: EC2 networks (VPCs, subnets, network ACLs, gateways, routes, tags, flow logs)', () => {
  let range: TestRange;
  let ec2: EC2Client;

  before(async () => {
    range = await startTestRange();
    ec2 = new EC2Client(range.clientConfig());
  });
  after(() => range.stop());

  const newVpc = async (cidr: string) =>
    (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const newSubnet = async (vpcId: string, cidr: string) =>
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet!.SubnetId!;
  const aclsOf = async (vpcId: string): Promise<NetworkAcl[]> =>
    (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })))
      .NetworkAcls!;

  it('creates VPCs with their default group, network ACL and main route table, and deletes them with them', async () => {
    const created = (await range.aws([
      'ec2',
      'create-vpc',
      '--cidr-block',
      '10.10.0.0/16',
      '--tag-specifications',
      'ResourceType=vpc,Tags=[{Key=Name,Value=prod}]',
    ])) as { Vpc: Vpc };
    const vpcId = created.Vpc.VpcId!;
    expect(created.Vpc).to.deep.include({
      CidrBlock: '10.10.0.0/16',
      State: 'pending',
      IsDefault: false,
      Tags: [{ Key: 'Name', Value: 'prod' }],
    });
    const [described] = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs!;
    expect(described).to.deep.include({
      State: 'available',
      InstanceTenancy: 'default',
      OwnerId: range.accountId,
    });
    expect(described!.CidrBlockAssociationSet![0]).to.deep.include({
      CidrBlock: '10.10.0.0/16',
      CidrBlockState: { State: 'associated' },
    });

    const byFilters = (await range.aws([
      'ec2',
      'describe-vpcs',
      '--filters',
      'Name=tag:Name,Values=prod',
      'Name=is-default,Values=false',
      'Name=cidr,Values=10.10.*',
    ])) as { Vpcs: Vpc[] };
    expect(byFilters.Vpcs.map((v) => v.VpcId)).to.deep.equal([vpcId]);

    const [acl] = await aclsOf(vpcId);
    expect(acl).to.deep.include({ IsDefault: true, VpcId: vpcId });
    expect(acl!.Entries).to.deep.equal([
      { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 },
      { CidrBlock: '0.0.0.0/0', Egress: true, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
      { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 },
      { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
    ]);
    const [main] = (
      await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))
    ).RouteTables!;
    expect(main!.Associations![0]).to.include({ Main: true });
    expect(main!.Routes).to.deep.equal([
      {
        DestinationCidrBlock: '10.10.0.0/16',
        GatewayId: 'local',
        Origin: 'CreateRouteTable',
        State: 'active',
      },
    ]);

    const subnetId = await newSubnet(vpcId, '10.10.1.0/24');
    const busy = await failure(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })));
    expect(busy.name).to.equal('DependencyViolation');
    expect(busy.message).to.equal(`The vpc '${vpcId}' has dependencies and cannot be deleted.`);
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    await range.aws(['ec2', 'delete-vpc', '--vpc-id', vpcId]);
    const gone = await range.awsFails(['ec2', 'describe-vpcs', '--vpc-ids', vpcId]);
    expect(gone.stderr)
      .to.contain('(InvalidVpcID.NotFound)')
      .and.to.contain(`The vpc ID '${vpcId}' does not exist`);
    const groups = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
    );
    expect(groups.SecurityGroups).to.deep.equal([]);
    expect(await aclsOf(vpcId)).to.deep.equal([]);

    const badCidr = await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/33' })));
    expect(badCidr.name).to.equal('InvalidParameterValue');
    const tooBig = await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })));
    expect(tooBig.name).to.equal('InvalidVpc.Range');
    expect(tooBig.message).to.equal("The CIDR '10.0.0.0/8' is invalid.");
    const malformed = await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: ['prod'] })));
    expect(malformed.name).to.equal('InvalidVpcID.Malformed');
    const deleted = range.events('DeleteVpc').filter((e) => !e.errorCode);
    expect(deleted.map((e) => e.responseElements)).to.deep.equal([
      { requestId: deleted[0]!.requestID, _return: true },
    ]);
    expect(range.events('DeleteVpc')[0]).to.deep.include({
      errorCode: 'Client.DependencyViolation',
      responseElements: null,
    });
  });

  it('keeps subnets inside their VPC, apart from each other, in real zones, on the default ACL', async () => {
    const vpcId = await newVpc('10.20.0.0/16');
    const a = (await range.aws([
      'ec2',
      'create-subnet',
      '--vpc-id',
      vpcId,
      '--cidr-block',
      '10.20.1.0/24',
      '--availability-zone',
      'us-east-1c',
    ])) as {
      Subnet: {
        SubnetId: string;
        AvailabilityZone: string;
        AvailableIpAddressCount: number;
        AvailabilityZoneId: string;
      };
    };
    expect(a.Subnet).to.include({
      AvailabilityZone: 'us-east-1c',
      AvailableIpAddressCount: 251,
      AvailabilityZoneId: 'use1-az3',
    });
    const outside = await failure(
      ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.21.0.0/24' })),
    );
    expect(outside.name).to.equal('InvalidSubnet.Range');
    expect(outside.message).to.equal("The CIDR '10.21.0.0/24' is invalid.");
    const overlap = await failure(
      ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.128/25' })),
    );
    expect(overlap.name).to.equal('InvalidSubnet.Conflict');
    expect(overlap.message).to.equal("The CIDR '10.20.1.128/25' conflicts with another subnet");
    const zone = await failure(
      ec2.send(
        new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.2.0/24', AvailabilityZone: 'us-east-1z' }),
      ),
    );
    expect(zone.name).to.equal('InvalidParameterValue');
    const noVpc = await failure(
      ec2.send(new CreateSubnetCommand({ VpcId: 'vpc-0123456789abcdef0', CidrBlock: '10.20.2.0/24' })),
    );
    expect(noVpc.name).to.equal('InvalidVpcID.NotFound');

    const b = await newSubnet(vpcId, '10.20.2.0/24');
    const found = await ec2.send(
      new DescribeSubnetsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'availability-zone', Values: ['us-east-1c'] },
        ],
      }),
    );
    expect(found.Subnets!.map((s) => s.SubnetId)).to.deep.equal([a.Subnet.SubnetId]);
    const byCidr = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'cidr-block', Values: ['10.20.2.0/24'] }] }),
    );
    expect(byCidr.Subnets!.map((s) => s.SubnetId)).to.deep.equal([b]);
    const [acl] = await aclsOf(vpcId);
    expect(acl!.Associations!.map((x) => x.SubnetId)).to.have.members([a.Subnet.SubnetId, b]);
  });

  it("modifies VPC and subnet attributes one at a time, and lists the region's zones", async () => {
    const vpcId = await newVpc('10.25.0.0/16');
    const subnetId = await newSubnet(vpcId, '10.25.1.0/24');
    const before = (await range.aws([
      'ec2',
      'describe-vpc-attribute',
      '--vpc-id',
      vpcId,
      '--attribute',
      'enableDnsSupport',
    ])) as {
      EnableDnsSupport: { Value: boolean };
    };
    expect(before.EnableDnsSupport.Value).to.equal(true);
    await range.aws(['ec2', 'modify-vpc-attribute', '--vpc-id', vpcId, '--enable-dns-hostnames']);
    const hostnames = await ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }),
    );
    expect(hostnames).to.deep.include({ VpcId: vpcId, EnableDnsHostnames: { Value: true } });
    const both = await failure(
      ec2.send(
        new ModifyVpcAttributeCommand({
          VpcId: vpcId,
          EnableDnsSupport: { Value: true },
          EnableDnsHostnames: { Value: true },
        }),
      ),
    );
    expect(both.name).to.equal('InvalidParameterCombination');

    await range.aws(['ec2', 'modify-subnet-attribute', '--subnet-id', subnetId, '--map-public-ip-on-launch']);
    const [subnet] = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets!;
    expect(subnet!.MapPublicIpOnLaunch).to.equal(true);
    const publicSubnets = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'map-public-ip-on-launch', Values: ['true'] }] }),
    );
    expect(publicSubnets.Subnets!.map((s) => s.SubnetId)).to.deep.equal([subnetId]);

    const zones = (await range.aws([
      'ec2',
      'describe-availability-zones',
      '--query',
      'AvailabilityZones[].ZoneName',
    ])) as string[];
    expect(zones).to.deep.equal([
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
      'us-east-1d',
      'us-east-1e',
      'us-east-1f',
    ]);
    const byId = await ec2.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ['use1-az2'] }));
    expect(byId.AvailabilityZones).to.deep.equal([
      {
        State: 'available',
        OptInStatus: 'opt-in-not-required',
        Messages: [],
        RegionName: 'us-east-1',
        ZoneName: 'us-east-1b',
        ZoneId: 'use1-az2',
        GroupName: 'us-east-1',
        NetworkBorderGroup: 'us-east-1',
        ZoneType: 'availability-zone',
      },
    ]);
    const bad = await failure(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1z'] })));
    expect(bad.name).to.equal('InvalidParameterValue');
  });

  it('edits network ACL entries with the CLI and moves subnets between ACLs', async () => {
    const vpcId = await newVpc('10.30.0.0/16');
    const subnetId = await newSubnet(vpcId, '10.30.1.0/24');
    const created = (await range.aws([
      'ec2',
      'create-network-acl',
      '--vpc-id',
      vpcId,
      '--tag-specifications',
      'ResourceType=network-acl,Tags=[{Key=Name,Value=locked}]',
    ])) as { NetworkAcl: NetworkAcl };
    const aclId = created.NetworkAcl.NetworkAclId!;
    expect(created.NetworkAcl).to.deep.include({
      IsDefault: false,
      Associations: [],
      Tags: [{ Key: 'Name', Value: 'locked' }],
    });
    expect(created.NetworkAcl.Entries!.map((e) => [e.RuleNumber, e.RuleAction])).to.deep.equal([
      [32767, 'deny'],
      [32767, 'deny'],
    ]);
    await range.aws([
      'ec2',
      'create-network-acl-entry',
      '--network-acl-id',
      aclId,
      '--ingress',
      '--rule-number',
      '100',
      '--protocol',
      'tcp',
      '--port-range',
      'From=22,To=22',
      '--cidr-block',
      '0.0.0.0/0',
      '--rule-action',
      'deny',
    ]);
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: aclId,
        RuleNumber: 110,
        Egress: false,
        Protocol: '6',
        PortRange: { From: 443, To: 443 },
        CidrBlock: '0.0.0.0/0',
        RuleAction: 'allow',
      }),
    );
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: aclId,
        RuleNumber: 100,
        Egress: true,
        Protocol: '-1',
        CidrBlock: '10.0.0.0/8',
        RuleAction: 'allow',
      }),
    );
    const dup = await range.awsFails([
      'ec2',
      'create-network-acl-entry',
      '--network-acl-id',
      aclId,
      '--ingress',
      '--rule-number',
      '100',
      '--protocol',
      '-1',
      '--cidr-block',
      '10.0.0.0/8',
      '--rule-action',
      'allow',
    ]);
    expect(dup.stderr)
      .to.contain('(NetworkAclEntryAlreadyExists)')
      .and.to.contain('The network acl entry identified by 100 already exists.');
    await range.aws([
      'ec2',
      'replace-network-acl-entry',
      '--network-acl-id',
      aclId,
      '--ingress',
      '--rule-number',
      '100',
      '--protocol',
      'tcp',
      '--port-range',
      'From=22,To=22',
      '--cidr-block',
      '10.30.0.0/16',
      '--rule-action',
      'allow',
    ]);
    const [acl] = (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId] }))).NetworkAcls!;
    expect(acl!.Entries).to.deep.include({
      CidrBlock: '10.30.0.0/16',
      Egress: false,
      Protocol: '6',
      RuleAction: 'allow',
      RuleNumber: 100,
      PortRange: { From: 22, To: 22 },
    });
    const bySsh = await ec2.send(
      new DescribeNetworkAclsCommand({
        Filters: [
          { Name: 'entry.port-range.from', Values: ['22'] },
          { Name: 'default', Values: ['false'] },
          { Name: 'tag:Name', Values: ['locked'] },
        ],
      }),
    );
    expect(bySsh.NetworkAcls!.map((n) => n.NetworkAclId)).to.deep.equal([aclId]);
    const entryEvent = range.events('CreateNetworkAclEntry')[0]!;
    expect(entryEvent.requestParameters).to.deep.include({
      networkAclId: aclId,
      ruleNumber: 100,
      egress: false,
      ruleAction: 'deny',
      cidrBlock: '0.0.0.0/0',
    });
    expect(entryEvent.responseElements).to.deep.include({ _return: true });

    await ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: aclId, RuleNumber: 110, Egress: false }));
    const missing = await failure(
      ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: aclId, RuleNumber: 110, Egress: false })),
    );
    expect(missing.name).to.equal('InvalidNetworkAclEntry.NotFound');
    const badNumber = await failure(
      ec2.send(
        new CreateNetworkAclEntryCommand({
          NetworkAclId: aclId,
          RuleNumber: 32767,
          Egress: false,
          Protocol: '-1',
          CidrBlock: '0.0.0.0/0',
          RuleAction: 'allow',
        }),
      ),
    );
    expect(badNumber.name).to.equal('InvalidParameterValue');
    const icmp = await failure(
      ec2.send(
        new CreateNetworkAclEntryCommand({
          NetworkAclId: aclId,
          RuleNumber: 5,
          Egress: false,
          Protocol: '1',
          CidrBlock: '0.0.0.0/0',
          RuleAction: 'allow',
        }),
      ),
    );
    expect(icmp.name).to.equal('MissingParameter');

    // Move the subnet from the default ACL to the locked one.
    const [defaultAcl] = (
      await ec2.send(
        new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }),
      )
    ).NetworkAcls!;
    expect(defaultAcl!.IsDefault).to.equal(true);
    const associationId = defaultAcl!.Associations!.find(
      (x) => x.SubnetId === subnetId,
    )!.NetworkAclAssociationId!;
    const moved = (await range.aws([
      'ec2',
      'replace-network-acl-association',
      '--association-id',
      associationId,
      '--network-acl-id',
      aclId,
    ])) as { NewAssociationId: string };
    expect(moved.NewAssociationId).to.match(/^aclassoc-/);
    const [now] = (
      await ec2.send(
        new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }),
      )
    ).NetworkAcls!;
    expect(now!.NetworkAclId).to.equal(aclId);
    const inUse = await failure(ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: aclId })));
    expect(inUse.name).to.equal('DependencyViolation');
    const noAcl = await failure(
      ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: ['acl-0123456789abcdef0'] })),
    );
    expect(noAcl.name).to.equal('InvalidNetworkAclID.NotFound');
    expect(noAcl.message).to.equal("The networkAcl ID 'acl-0123456789abcdef0' does not exist");
    const cantDeleteDefault = await failure(
      ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: defaultAcl!.NetworkAclId })),
    );
    expect(cantDeleteDefault.name).to.equal('InvalidParameterValue');
  });

  it('attaches internet gateways and routes through them, as a CloudFormation stack would', async () => {
    const vpcId = await newVpc('10.40.0.0/16');
    const subnetId = await newSubnet(vpcId, '10.40.1.0/24');
    const igw = (
      await ec2.send(
        new CreateInternetGatewayCommand({
          TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [{ Key: 'Name', Value: 'edge' }] }],
        }),
      )
    ).InternetGateway!.InternetGatewayId!;
    await range.aws(['ec2', 'attach-internet-gateway', '--internet-gateway-id', igw, '--vpc-id', vpcId]);
    const twice = await failure(
      ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId })),
    );
    expect(twice.name).to.equal('Resource.AlreadyAssociated');
    const described = (await range.aws([
      'ec2',
      'describe-internet-gateways',
      '--filters',
      `Name=attachment.vpc-id,Values=${vpcId}`,
    ])) as {
      InternetGateways: Array<{ InternetGatewayId: string; Attachments: unknown[] }>;
    };
    expect(described.InternetGateways[0]).to.deep.include({
      InternetGatewayId: igw,
      Attachments: [{ VpcId: vpcId, State: 'available' }],
    });

    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await range.aws([
      'ec2',
      'create-route',
      '--route-table-id',
      rtb,
      '--destination-cidr-block',
      '0.0.0.0/0',
      '--gateway-id',
      igw,
    ]);
    const dupRoute = await failure(
      ec2.send(
        new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }),
      ),
    );
    expect(dupRoute.name).to.equal('RouteAlreadyExists');
    const assoc = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: subnetId }));
    expect(assoc.AssociationState).to.deep.equal({ State: 'associated' });
    const again = await failure(
      ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: subnetId })),
    );
    expect(again.name).to.equal('Resource.AlreadyAssociated');
    const publicTables = await ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [
          { Name: 'route.gateway-id', Values: [igw] },
          { Name: 'association.subnet-id', Values: [subnetId] },
        ],
      }),
    );
    expect(publicTables.RouteTables![0]!.Routes).to.deep.include({
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: igw,
      Origin: 'CreateRoute',
      State: 'active',
    });

    const attached = await failure(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw })));
    expect(attached.name).to.equal('DependencyViolation');
    const vpcBusy = await failure(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })));
    expect(vpcBusy.name).to.equal('DependencyViolation');
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    const [afterDetach] = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] })))
      .RouteTables!;
    expect(afterDetach!.Routes!.find((r) => r.GatewayId === igw)?.State).to.equal('blackhole');
    const notAttached = await failure(
      ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId })),
    );
    expect(notAttached.name).to.equal('Gateway.NotAttached');

    const tableInUse = await failure(ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtb })));
    expect(tableInUse.name).to.equal('DependencyViolation');
    await ec2.send(new DisassociateRouteTableCommand({ AssociationId: assoc.AssociationId }));
    await ec2.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0' }));
    const noRoute = await failure(
      ec2.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0' })),
    );
    expect(noRoute.name).to.equal('InvalidRoute.NotFound');
    await ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtb }));
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw }));
    const gone = await range.awsFails(['ec2', 'describe-route-tables', '--route-table-ids', rtb]);
    expect(gone.stderr).to.contain('(InvalidRouteTableID.NotFound)');
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  });

  it('tags any resource, shows tags everywhere, and deletes them by key, by value or all', async () => {
    const vpcId = await newVpc('10.50.0.0/16');
    const subnetId = await newSubnet(vpcId, '10.50.1.0/24');
    await range.aws([
      'ec2',
      'create-tags',
      '--resources',
      vpcId,
      subnetId,
      '--tags',
      'Key=env,Value=prod',
      'Key=owner,Value=netops',
    ]);
    const tags = (await range.aws([
      'ec2',
      'describe-tags',
      '--filters',
      `Name=resource-id,Values=${vpcId},${subnetId}`,
      'Name=key,Values=env',
    ])) as {
      Tags: Array<Record<string, string>>;
    };
    expect(tags.Tags).to.have.deep.members([
      { Key: 'env', ResourceId: vpcId, ResourceType: 'vpc', Value: 'prod' },
      { Key: 'env', ResourceId: subnetId, ResourceType: 'subnet', Value: 'prod' },
    ]);
    const subnets = await ec2.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: 'resource-type', Values: ['subnet'] },
          { Name: 'value', Values: ['net*'] },
        ],
      }),
    );
    expect(subnets.Tags).to.deep.equal([
      { Key: 'owner', ResourceId: subnetId, ResourceType: 'subnet', Value: 'netops' },
    ]);
    const [subnet] = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets!;
    expect(subnet!.Tags).to.deep.equal([
      { Key: 'env', Value: 'prod' },
      { Key: 'owner', Value: 'netops' },
    ]);

    // A value that does not match leaves the tag; no value removes it whatever it is.
    await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'env', Value: 'dev' }] }));
    expect((await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!.Tags).to.deep.include({
      Key: 'env',
      Value: 'prod',
    });
    await range.aws(['ec2', 'delete-tags', '--resources', vpcId, '--tags', 'Key=env']);
    expect((await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!.Tags).to.deep.equal([
      { Key: 'owner', Value: 'netops' },
    ]);
    await ec2.send(new DeleteTagsCommand({ Resources: [subnetId] }));
    expect(
      (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0]!.Tags,
    ).to.equal(undefined);

    const unknown = await failure(
      ec2.send(
        new CreateTagsCommand({ Resources: ['vpc-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] }),
      ),
    );
    expect(unknown.name).to.equal('InvalidVpcID.NotFound');
    const invalid = await failure(
      ec2.send(new CreateTagsCommand({ Resources: ['banana'], Tags: [{ Key: 'a', Value: 'b' }] })),
    );
    expect(invalid.name).to.equal('InvalidID');
    const reserved = await failure(
      ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'aws:x', Value: 'b' }] })),
    );
    expect(reserved.name).to.equal('InvalidParameterValue');

    const event = range.events('CreateTags').find((e) => e.userAgent.startsWith('aws-cli/'))!;
    expect(event.requestParameters).to.deep.equal({
      resourcesSet: { items: [{ resourceId: vpcId }, { resourceId: subnetId }] },
      tagSet: {
        items: [
          { key: 'env', value: 'prod' },
          { key: 'owner', value: 'netops' },
        ],
      },
    });
    expect(event.responseElements).to.deep.equal({ requestId: event.requestID, _return: true });
    const bySubnet = range.engine.history.lookup({
      accountId: range.accountId,
      region: range.region,
      attribute: { key: 'ResourceName', value: subnetId },
      limit: 20,
    });
    expect(bySubnet.events.map((e) => e.record.eventName)).to.include.members([
      'CreateSubnet',
      'CreateTags',
      'DeleteTags',
    ]);
  });

  it('creates, finds and deletes flow logs to CloudWatch Logs and S3', async () => {
    const vpcId = await newVpc('10.60.0.0/16');
    const subnetId = await newSubnet(vpcId, '10.60.1.0/24');
    const role = `arn:aws:iam::${range.accountId}:role/flow-logs`;
    const cw = (await range.aws([
      'ec2',
      'create-flow-logs',
      '--resource-type',
      'VPC',
      '--resource-ids',
      vpcId,
      '--traffic-type',
      'ALL',
      '--log-group-name',
      '/vpc/flow',
      '--deliver-logs-permission-arn',
      role,
    ])) as { FlowLogIds: string[]; Unsuccessful: unknown[] };
    expect(cw.FlowLogIds[0]).to.match(/^fl-[0-9a-f]{17}$/);
    expect(cw.Unsuccessful).to.deep.equal([]);
    const s3 = await ec2.send(
      new CreateFlowLogsCommand({
        ResourceType: 'Subnet',
        ResourceIds: [subnetId],
        TrafficType: 'REJECT',
        LogDestinationType: 's3',
        LogDestination: 'arn:aws:s3:::flow-bucket/logs',
        TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: [{ Key: 'team', Value: 'sec' }] }],
      }),
    );
    const again = await ec2.send(
      new CreateFlowLogsCommand({
        ResourceType: 'VPC',
        ResourceIds: [vpcId],
        TrafficType: 'ALL',
        LogGroupName: '/vpc/flow',
        DeliverLogsPermissionArn: role,
      }),
    );
    expect(again.FlowLogIds).to.deep.equal([]);
    expect(again.Unsuccessful![0]).to.deep.include({ ResourceId: vpcId });
    expect(again.Unsuccessful![0]!.Error?.Code).to.equal('FlowLogAlreadyExists');

    const onVpc = (await range.aws([
      'ec2',
      'describe-flow-logs',
      '--filter',
      `Name=resource-id,Values=${vpcId}`,
    ])) as {
      FlowLogs: Array<Record<string, unknown>>;
    };
    expect(onVpc.FlowLogs).to.have.length(1);
    expect(onVpc.FlowLogs[0]).to.include({
      FlowLogId: cw.FlowLogIds[0],
      ResourceId: vpcId,
      TrafficType: 'ALL',
      LogGroupName: '/vpc/flow',
      LogDestinationType: 'cloud-watch-logs',
      DeliverLogsPermissionArn: role,
      FlowLogStatus: 'ACTIVE',
      LogDestination: `arn:aws:logs:${range.region}:${range.accountId}:log-group:/vpc/flow`,
    });
    const [toS3] = (await ec2.send(new DescribeFlowLogsCommand({ FlowLogIds: s3.FlowLogIds }))).FlowLogs!;
    expect(toS3).to.deep.include({
      LogDestinationType: 's3',
      LogDestination: 'arn:aws:s3:::flow-bucket/logs',
      Tags: [{ Key: 'team', Value: 'sec' }],
    });
    const byGroup = await ec2.send(
      new DescribeFlowLogsCommand({ Filter: [{ Name: 'log-group-name', Values: ['/vpc/flow'] }] }),
    );
    expect(byGroup.FlowLogs!.map((f) => f.FlowLogId)).to.deep.equal(cw.FlowLogIds);

    const noVpc = await failure(
      ec2.send(
        new CreateFlowLogsCommand({
          ResourceType: 'VPC',
          ResourceIds: ['vpc-0123456789abcdef0'],
          TrafficType: 'ALL',
          LogGroupName: 'g',
          DeliverLogsPermissionArn: role,
        }),
      ),
    );
    expect(noVpc.name).to.equal('InvalidVpcID.NotFound');
    const noRole = await failure(
      ec2.send(
        new CreateFlowLogsCommand({
          ResourceType: 'VPC',
          ResourceIds: [vpcId],
          TrafficType: 'ACCEPT',
          LogGroupName: 'g',
        }),
      ),
    );
    expect(noRole.name).to.equal('MissingParameter');

    const deleted = (await range.aws([
      'ec2',
      'delete-flow-logs',
      '--flow-log-ids',
      cw.FlowLogIds[0]!,
      'fl-0123456789abcdef0',
    ])) as {
      Unsuccessful: Array<{ ResourceId: string; Error: { Code: string } }>;
    };
    expect(deleted.Unsuccessful).to.have.length(1);
    expect(deleted.Unsuccessful[0]).to.deep.include({ ResourceId: 'fl-0123456789abcdef0' });
    expect(deleted.Unsuccessful[0]!.Error.Code).to.equal('InvalidFlowLogId.NotFound');
    expect(
      (await ec2.send(new DescribeFlowLogsCommand({ FlowLogIds: cw.FlowLogIds }))).FlowLogs,
    ).to.deep.equal([]);
    const event = range.events('DeleteFlowLogs').at(-1)!;
    expect(event.userAgent).to.match(/^aws-cli\//);
    expect(JSON.stringify(event.requestParameters)).to.contain(cw.FlowLogIds[0]!);
    await ec2.send(new DeleteFlowLogsCommand({ FlowLogIds: s3.FlowLogIds }));
  });
});
