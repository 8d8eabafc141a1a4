import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  DeleteStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeFlowLogsCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { startTestRange, type TestRange } from './harness.js';

const templatePath = (name: string) => fileURLToPath(new URL(`./templates/${name}`, import.meta.url));

async function settled(cfn: CloudFormationClient, name: string): Promise<Stack> {
  for (let i = 0; i < 800; i++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`stack ${name} never settled`);
}

const outputs = (stack: Stack) =>
  Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue ?? '']));
const rules = (perms: IpPermission[] | undefined) =>
  (perms ?? [])
    .map(
      (p) =>
        `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''} ${[...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId)].join(',')}`,
    )
    .sort();

describe('range: CloudFormation EC2 resources', function () {
  this.timeout(40_000);
  let range: TestRange;
  let cfn: CloudFormationClient;
  let ec2: EC2Client;
  before(async () => {
    range = await startTestRange();
    cfn = new CloudFormationClient(range.clientConfig());
    ec2 = new EC2Client(range.clientConfig());
  });
  after(() => range.stop());

  it('builds a network (VPC, subnet, groups and rules, ACL, gateway, routes) that EC2 itself reports, then updates and deletes it', async () => {
    await range.aws([
      'cloudformation',
      'create-stack',
      '--stack-name',
      'net',
      '--template-body',
      `file://${templatePath('ec2-network.yaml')}`,
      '--tags',
      'Key=exercise,Value=ex-9',
    ]);
    await range.aws(['cloudformation', 'wait', 'stack-create-complete', '--stack-name', 'net']);
    const out = outputs(await settled(cfn, 'net'));
    type Groups = {
      SecurityGroups: Array<{
        GroupId: string;
        IpPermissions: IpPermission[];
        IpPermissionsEgress: IpPermission[];
        VpcId: string;
      }>;
    };
    const groups = (await range.aws([
      'ec2',
      'describe-security-groups',
      '--group-ids',
      out.WebSgId ?? '',
    ])) as Groups;
    const web = groups.SecurityGroups[0];
    expect(web?.VpcId).to.equal(out.VpcId);
    expect(rules(web?.IpPermissions)).to.deep.equal([
      `tcp 22-22 0.0.0.0/0`,
      `tcp 443-443 0.0.0.0/0`,
      `tcp 80-80 ${out.WebSgId}`,
    ]);
    expect(rules(web?.IpPermissionsEgress), 'the default egress rule stays').to.deep.equal([
      '-1 - 0.0.0.0/0',
    ]);

    const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [out.VpcId ?? ''] }))).Vpcs?.[0];
    expect(vpc?.CidrBlock).to.equal('10.20.0.0/16');
    expect(vpc?.Tags).to.deep.include.members([
      { Key: 'Name', Value: 'net-vpc' },
      { Key: 'exercise', Value: 'ex-9' },
    ]);
    const hostnames = await ec2.send(
      new DescribeVpcAttributeCommand({ VpcId: out.VpcId, Attribute: 'enableDnsHostnames' }),
    );
    expect(hostnames.EnableDnsHostnames?.Value).to.equal(true);
    const subnet = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [out.SubnetId ?? ''] })))
      .Subnets?.[0];
    expect(subnet).to.deep.include({
      CidrBlock: '10.20.0.0/24',
      MapPublicIpOnLaunch: true,
      AvailabilityZone: 'us-east-1a',
    });

    const bySubnet = [{ Name: 'association.subnet-id', Values: [out.SubnetId ?? ''] }];
    const acl = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: bySubnet }))).NetworkAcls?.[0];
    expect(acl?.IsDefault).to.equal(false);
    expect(acl?.Associations?.find((a) => a.SubnetId === out.SubnetId)?.NetworkAclAssociationId).to.equal(
      out.AclAssociationId,
    );
    expect(acl?.Entries?.find((e) => e.RuleNumber === 100 && !e.Egress)).to.deep.include({
      Protocol: '6',
      RuleAction: 'allow',
      PortRange: { From: 443, To: 443 },
    });
    const table = (await ec2.send(new DescribeRouteTablesCommand({ Filters: bySubnet }))).RouteTables?.[0];
    expect(table?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')?.GatewayId).to.match(/^igw-/);
    const gateway = (
      await ec2.send(
        new DescribeInternetGatewaysCommand({
          Filters: [{ Name: 'attachment.vpc-id', Values: [out.VpcId ?? ''] }],
        }),
      )
    ).InternetGateways?.[0];
    expect(gateway?.Attachments?.[0]?.VpcId).to.equal(out.VpcId);

    for (const name of [
      'CreateVpc',
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'CreateNetworkAclEntry',
      'ReplaceNetworkAclAssociation',
      'AttachInternetGateway',
      'CreateRoute',
    ]) {
      const record = range.events(name).at(-1);
      expect(record?.userIdentity, name).to.include({
        invokedBy: 'cloudformation.amazonaws.com',
        userName: 'range-admin',
      });
    }

    // An update narrows SSH in place; the group keeps its id.
    await range.aws([
      'cloudformation',
      'update-stack',
      '--stack-name',
      'net',
      '--use-previous-template',
      '--parameters',
      'ParameterKey=SshCidr,ParameterValue=192.0.2.0/24',
    ]);
    await range.aws(['cloudformation', 'wait', 'stack-update-complete', '--stack-name', 'net']);
    const narrowed = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [out.WebSgId ?? ''] })))
      .SecurityGroups?.[0];
    expect(rules(narrowed?.IpPermissions))
      .to.include('tcp 22-22 192.0.2.0/24')
      .and.not.to.include('tcp 22-22 0.0.0.0/0');

    await range.aws(['cloudformation', 'delete-stack', '--stack-name', 'net']);
    await range.aws(['cloudformation', 'wait', 'stack-delete-complete', '--stack-name', 'net']);
    const gone = await range.awsFails(['ec2', 'describe-vpcs', '--vpc-ids', out.VpcId ?? '']);
    expect(gone.stderr).to.contain('InvalidVpcID.NotFound');
    expect(range.events('DeleteVpc').at(-1)?.userIdentity).to.include({
      invokedBy: 'cloudformation.amazonaws.com',
    });
  });

  it('launches an instance with an instance profile, waits for it to run, and terminates it on delete', async () => {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc?.VpcId ?? '';
    const subnetId =
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.60.1.0/24' }))).Subnet
        ?.SubnetId ?? '';
    await cfn.send(
      new CreateStackCommand({
        StackName: 'app',
        TemplateBody: readFileSync(templatePath('ec2-instance.yaml'), 'utf8'),
        Parameters: [
          { ParameterKey: 'VpcId', ParameterValue: vpcId },
          { ParameterKey: 'SubnetId', ParameterValue: subnetId },
        ],
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    // The instance takes the range's launch time to run; CloudFormation waits for it.
    await new Promise((r) => setTimeout(r, 500));
    const during = (await cfn.send(new DescribeStacksCommand({ StackName: 'app' }))).Stacks?.[0];
    expect(during?.StackStatus).to.equal('CREATE_IN_PROGRESS');
    const stack = await settled(cfn, 'app');
    expect(stack.StackStatus, stack.StackStatusReason).to.equal('CREATE_COMPLETE');
    const out = outputs(stack);
    const inst = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [out.InstanceId ?? ''] })))
      .Reservations?.[0]?.Instances?.[0];
    expect(inst?.State?.Name).to.equal('running');
    expect(inst?.PrivateIpAddress).to.equal(out.PrivateIp);
    expect(inst?.Placement?.AvailabilityZone).to.equal(out.Az);
    expect(inst?.SecurityGroups?.map((g) => g.GroupId)).to.deep.equal([out.GroupId]);
    expect(inst?.IamInstanceProfile?.Arn).to.equal(out.Profile);
    expect(inst?.Tags).to.deep.include({ Key: 'Name', Value: 'app-1' });
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [out.GroupId ?? ''] })))
      .SecurityGroups?.[0];
    expect(rules(group?.IpPermissionsEgress), 'inline egress replaces the default rule').to.deep.equal([
      'tcp 443-443 0.0.0.0/0',
      'udp 53-53 10.0.0.2/32',
    ]);
    const flow = (await ec2.send(new DescribeFlowLogsCommand({ FlowLogIds: [out.FlowLogId ?? ''] })))
      .FlowLogs?.[0];
    expect(flow).to.deep.include({ ResourceId: vpcId, TrafficType: 'ALL' });
    expect(range.events('RunInstances').at(-1)?.userIdentity).to.include({
      invokedBy: 'cloudformation.amazonaws.com',
    });

    await cfn.send(new DeleteStackCommand({ StackName: 'app' }));
    expect((await settled(cfn, stack.StackId ?? '')).StackStatus).to.equal('DELETE_COMPLETE');
    const after = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [out.InstanceId ?? ''] })))
      .Reservations?.[0]?.Instances?.[0];
    expect(after?.State?.Name).to.equal('terminated');
    expect((await ec2.send(new DescribeFlowLogsCommand({}))).FlowLogs ?? []).to.deep.equal([]);
  });
});
