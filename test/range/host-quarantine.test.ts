import { expect } from 'chai';
import { ApiSession } from '../../src/aws/api.js';
import { startTestRange, type TestRange } from './harness.js';

/**
 * What the incident-response templates rely on: quarantine security groups made by CloudFormation,
 * instances launched from the public "latest Amazon Linux" parameter, and a subnet moved to a deny-all
 * network ACL that the stack can still delete afterwards.
 */
const template = {
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: {
    ImageId: {
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    },
  },
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.60.0.0/16' } },
    QuarantineAcl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
    Subnet: {
      Type: 'AWS::EC2::Subnet',
      DependsOn: 'QuarantineAcl',
      Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.60.1.0/24' },
    },
    Unlisted: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'no SecurityGroupEgress', VpcId: { Ref: 'Vpc' } },
    },
    EmptyList: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'SecurityGroupEgress: []',
        VpcId: { Ref: 'Vpc' },
        SecurityGroupEgress: [],
      },
    },
    Quarantine: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'loopback only',
        VpcId: { Ref: 'Vpc' },
        SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '127.0.0.1/32' }],
      },
    },
    Host: {
      Type: 'AWS::EC2::Instance',
      DependsOn: 'Quarantine',
      Properties: {
        ImageId: { Ref: 'ImageId' },
        SubnetId: { Ref: 'Subnet' },
        SecurityGroupIds: [{ 'Fn::GetAtt': ['Unlisted', 'GroupId'] }],
      },
    },
  },
  Outputs: {
    Unlisted: { Value: { 'Fn::GetAtt': ['Unlisted', 'GroupId'] } },
    EmptyList: { Value: { 'Fn::GetAtt': ['EmptyList', 'GroupId'] } },
    Quarantine: { Value: { 'Fn::GetAtt': ['Quarantine', 'GroupId'] } },
    QuarantineAcl: { Value: { Ref: 'QuarantineAcl' } },
    Subnet: { Value: { Ref: 'Subnet' } },
    Host: { Value: { Ref: 'Host' } },
  },
};

describe('range: quarantine groups, public AMI parameters and deny-all ACLs', function () {
  this.timeout(60_000);
  let range: TestRange;
  let api: ApiSession;
  before(async () => {
    range = await startTestRange();
    api = new ApiSession(range.clientConfig());
  });
  after(async () => {
    api.destroy();
    await range.stop();
  });

  /** The stack's status once it is no longer in progress (the CLI's waiters poll every 30 s). */
  async function settled(name: string): Promise<string> {
    for (;;) {
      const { StackSummaries } = (await api.call('cloudformation:ListStacks', {})) as {
        StackSummaries: Array<{ StackName: string; StackStatus: string; CreationTime: Date }>;
      };
      const status = StackSummaries.filter((s) => s.StackName === name).sort(
        (a, b) => new Date(b.CreationTime).getTime() - new Date(a.CreationTime).getTime(),
      )[0]?.StackStatus;
      if (status && !status.endsWith('_IN_PROGRESS')) return status;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('answers the public latest-Amazon-Linux parameters, per region, and refuses unknown public names', async () => {
    const name = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    const got = (await range.aws(['ssm', 'get-parameter', '--name', name])) as {
      Parameter: { Name: string; Type: string; Value: string; ARN: string };
    };
    expect(got.Parameter).to.deep.include({ Name: name, Type: 'String' });
    expect(got.Parameter.Value).to.match(/^ami-0[0-9a-f]{16}$/);
    // Public parameters belong to no account (their ARN has an empty account field).
    expect(got.Parameter.ARN).to.equal(`arn:aws:ssm:${range.region}::parameter${name}`);
    const ireland = new ApiSession(range.clientConfig({ region: 'eu-west-1' }));
    try {
      const elsewhere = (await ireland.call('ssm:GetParameter', { Name: name })) as {
        Parameter: { Value: string };
      };
      expect(elsewhere.Parameter.Value).to.match(/^ami-/).and.not.to.equal(got.Parameter.Value);
    } finally {
      ireland.destroy();
    }
    const both = (await api.call('ssm:GetParameters', { Names: [name, '/aws/service/no/such'] })) as {
      Parameters: Array<{ Value: string }>;
      InvalidParameters: string[];
    };
    expect(both.Parameters.map((p) => p.Value)).to.deep.equal([got.Parameter.Value]);
    expect(both.InvalidParameters).to.deep.equal(['/aws/service/no/such']);
    const missing = await range.awsFails(['ssm', 'get-parameter', '--name', '/aws/service/no/such']);
    expect(missing.stderr).to.contain('ParameterNotFound');
  });

  it('keeps the default egress rule unless the template lists egress rules (an empty list lists none)', async () => {
    await api.call('cloudformation:CreateStack', { StackName: 'ir', TemplateBody: JSON.stringify(template) });
    expect(await settled('ir')).to.equal('CREATE_COMPLETE');
    const stack = (
      (await api.call('cloudformation:DescribeStacks', { StackName: 'ir' })) as {
        Stacks: Array<{ Outputs: Array<{ OutputKey: string; OutputValue: string }> }>;
      }
    ).Stacks[0]!;
    const out = Object.fromEntries(stack.Outputs.map((o) => [o.OutputKey, o.OutputValue]));
    const egressOf = async (id: string) => {
      const g = (await api.call('ec2:DescribeSecurityGroups', { GroupIds: [id] })) as {
        SecurityGroups: Array<{
          IpPermissionsEgress: Array<{ IpProtocol: string; IpRanges: Array<{ CidrIp: string }> }>;
        }>;
      };
      return g.SecurityGroups[0]!.IpPermissionsEgress.map(
        (p) => `${p.IpProtocol} ${p.IpRanges.map((r) => r.CidrIp).join(',')}`,
      );
    };
    // "When you create a security group, if you do not add egress rules, we add egress rules that allow
    // all outbound IPv4 and IPv6 traffic. Otherwise, we do not add them." (AWS::EC2::SecurityGroup)
    expect(await egressOf(out.Unlisted!)).to.deep.equal(['-1 0.0.0.0/0']);
    expect(await egressOf(out.EmptyList!)).to.deep.equal(['-1 0.0.0.0/0']);
    expect(await egressOf(out.Quarantine!)).to.deep.equal(['-1 127.0.0.1/32']);

    // The instance was launched from the AMI the public parameter named.
    const image = (await api.call('ssm:GetParameter', {
      Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    })) as { Parameter: { Value: string } };
    const described = (await api.call('ec2:DescribeInstances', { InstanceIds: [out.Host!] })) as {
      Reservations: Array<{ Instances: Array<{ ImageId: string }> }>;
    };
    expect(described.Reservations[0]!.Instances[0]!.ImageId).to.equal(image.Parameter.Value);

    // A responder isolates the host: quarantine group, and its subnet moved to the deny-all ACL...
    await range.aws([
      'ec2',
      'modify-instance-attribute',
      '--instance-id',
      out.Host!,
      '--groups',
      out.Quarantine!,
    ]);
    const acls = (await api.call('ec2:DescribeNetworkAcls', {
      Filters: [{ Name: 'association.subnet-id', Values: [out.Subnet!] }],
    })) as {
      NetworkAcls: Array<{ Associations: Array<{ SubnetId: string; NetworkAclAssociationId: string }> }>;
    };
    const association = acls.NetworkAcls[0]!.Associations.find((a) => a.SubnetId === out.Subnet)!;
    await range.aws([
      'ec2',
      'replace-network-acl-association',
      '--association-id',
      association.NetworkAclAssociationId,
      '--network-acl-id',
      out.QuarantineAcl!,
    ]);
    // ...and the stack still deletes: the host before its quarantine group, the subnet before the ACL.
    await api.call('cloudformation:DeleteStack', { StackName: 'ir' });
    expect(await settled('ir')).to.equal('DELETE_COMPLETE');
    const groups = (await api.call('ec2:DescribeSecurityGroups', {
      Filters: [{ Name: 'group-id', Values: [out.Quarantine!] }],
    })) as { SecurityGroups: unknown[] };
    expect(groups.SecurityGroups).to.deep.equal([]);
  });
});
