import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateTopicCommand, GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { startTestRange, type TestRange } from './harness.js';

const templatePath = (name: string) => fileURLToPath(new URL(`./templates/${name}`, import.meta.url));

async function settled(cfn: CloudFormationClient, name: string): Promise<Stack> {
  for (let i = 0; i < 400; i++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`stack ${name} never settled`);
}

const outputs = (stack: Stack) =>
  Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));

describe('range: CloudFormation intrinsic functions and conditions', function () {
  this.timeout(30_000);
  let range: TestRange;
  let cfn: CloudFormationClient;
  let vpcId: string;
  let subnets: string[];
  let notifications: string;
  before(async () => {
    range = await startTestRange();
    cfn = new CloudFormationClient(range.clientConfig());
    const ec2 = new EC2Client(range.clientConfig());
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16' }))).Vpc?.VpcId ?? '';
    subnets = [];
    for (const cidr of ['10.8.1.0/24', '10.8.2.0/24']) {
      subnets.push(
        (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet?.SubnetId ?? '',
      );
    }
    notifications =
      (await new SNSClient(range.clientConfig()).send(new CreateTopicCommand({ Name: 'stack-events' })))
        .TopicArn ?? '';
  });
  after(() => range.stop());

  it('deploys a template using every intrinsic function and condition form, from JSON and YAML, and checks the outputs', async () => {
    await range.aws([
      'cloudformation',
      'create-stack',
      '--stack-name',
      'shared',
      '--template-body',
      `file://${templatePath('shared-value.json')}`,
    ]);
    const parameters = [
      { ParameterKey: 'VpcId', ParameterValue: vpcId },
      { ParameterKey: 'SubnetIds', ParameterValue: subnets.join(',') },
      { ParameterKey: 'Token', ParameterValue: 'sekrit-token' },
    ];
    await range.aws(['cloudformation', 'wait', 'stack-create-complete', '--stack-name', 'shared']);
    await range.aws([
      'cloudformation',
      'create-stack',
      '--stack-name',
      'intrinsics',
      '--template-body',
      `file://${templatePath('intrinsics.yaml')}`,
      '--parameters',
      JSON.stringify(parameters),
      '--notification-arns',
      notifications,
    ]);
    await range.aws(['cloudformation', 'wait', 'stack-create-complete', '--stack-name', 'intrinsics']);
    const described = (await range.aws([
      'cloudformation',
      'describe-stacks',
      '--stack-name',
      'intrinsics',
    ])) as { Stacks: Stack[] };
    const stack = described.Stacks[0]!;
    const out = outputs(stack);
    expect(out.Pseudo).to.equal('123456789012|us-east-1|intrinsics|aws|amazonaws.com');
    expect(out.StackId).to.equal(stack.StackId);
    expect(out.Notifications).to.equal(notifications);
    expect(out.TopicArn).to.equal('arn:aws:sns:us-east-1:123456789012:intrinsics-use1-topic');
    expect(out.TopicName).to.equal('intrinsics-use1-topic');
    expect(out.TopicNameLong).to.equal('intrinsics-use1-topic');
    expect(out.GroupIdSub).to.match(new RegExp(`^sg-[0-9a-f]{17} in ${vpcId} costs \\$\\{Nothing\\}$`));
    expect(out.Joined).to.equal('a+b+c');
    expect(out.SecondBlock).to.equal('10.80.16.0/20');
    expect(out.Second).to.equal('20');
    expect(out.Zones).to.equal('a,b');
    expect(out.FirstAz).to.match(/^us-east-1[a-z]$/);
    expect(Buffer.from(out.Encoded ?? '', 'base64').toString()).to.equal('prod:443');
    const sharedStack = await settled(cfn, 'shared');
    expect(out.Imported).to.equal(`shared-arn`).and.to.equal(outputs(sharedStack).Shared);
    expect(out.Names).to.equal('alpha;beta;gamma');
    expect(out.Subnets).to.equal(subnets.join(','));
    expect(out.Conditions).to.equal('prod,not-dev,prod-us-east,dev-or-https');
    expect(out.OnlyInProd).to.equal('shown because IsProd');
    expect(out).not.to.have.property('OnlyInDev');
    expect(stack.Parameters?.find((p) => p.ParameterKey === 'Token')?.ParameterValue).to.equal('****');
    expect(stack.NotificationARNs).to.deep.equal([notifications]);

    const resources =
      (await cfn.send(new DescribeStackResourcesCommand({ StackName: 'intrinsics' }))).StackResources ?? [];
    expect(resources.map((r) => r.LogicalResourceId).sort()).to.deep.equal(['Group', 'Topic']);
    const ec2 = new EC2Client(range.clientConfig());
    const group = (
      await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [out.GroupIdSub?.split(' ')[0] ?? ''] }))
    ).SecurityGroups?.[0];
    expect(group?.Description).to.equal(`Port 443 in ${vpcId} for beta`);
    const rules = (group?.IpPermissions ?? []).map((p) => `${p.FromPort}:${p.IpRanges?.[0]?.CidrIp}`).sort();
    expect(rules).to.deep.equal(['443:0.0.0.0/0', '80:10.8.2.0/24']);
    const sns = new SNSClient(range.clientConfig());
    expect(
      (await sns.send(new GetTopicAttributesCommand({ TopicArn: out.TopicArn }))).Attributes?.DisplayName,
    ).to.equal('prod-us-east-1');

    // The other branch of every condition: AWS::NoValue removes the display name and the HTTPS rule stays (port 443).
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'intrinsics',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'Env', ParameterValue: 'dev' },
          { ParameterKey: 'Port', ParameterValue: '8443' },
          ...['Names', 'Ports', 'VpcId', 'SubnetIds', 'Token'].map((k) => ({
            ParameterKey: k,
            UsePreviousValue: true,
          })),
        ],
      }),
    );
    const dev = await settled(cfn, 'intrinsics');
    expect(dev.StackStatus).to.equal('UPDATE_COMPLETE');
    const devOut = outputs(dev);
    expect(devOut.Conditions).to.equal('not-prod,dev,elsewhere,dev-or-https');
    expect(devOut.OnlyInDev).to.equal('hidden');
    expect(devOut).not.to.have.property('OnlyInProd');
    expect(
      (await sns.send(new GetTopicAttributesCommand({ TopicArn: out.TopicArn }))).Attributes?.DisplayName ??
        '',
    ).to.equal('');
    const replacedGroup = devOut.GroupIdSub?.split(' ')[0] ?? '';
    const devGroup = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [replacedGroup] })))
      .SecurityGroups?.[0];
    expect(devGroup?.Description).to.equal(`Port 8443 in ${vpcId} for beta`);
    expect((devGroup?.IpPermissions ?? []).map((p) => p.FromPort).sort()).to.deep.equal([80, 8443]);
  });

  it('checks AWS-specific parameter types against the resources that exist', async () => {
    const body = readFileSync(templatePath('intrinsics.yaml'), 'utf8');
    const err = await cfn
      .send(
        new CreateStackCommand({
          StackName: 'bad-vpc',
          TemplateBody: body,
          Parameters: [
            { ParameterKey: 'VpcId', ParameterValue: 'vpc-0123456789abcdef0' },
            { ParameterKey: 'SubnetIds', ParameterValue: subnets[0] },
            { ParameterKey: 'Token', ParameterValue: 'long-enough' },
          ],
        }),
      )
      .catch((e: Error) => e);
    expect(err).to.have.property('name', 'ValidationError');
    expect((err as Error).message).to.equal(
      'Parameter validation failed: parameter value vpc-0123456789abcdef0 for parameter name VpcId does not exist',
    );
    const short = await range.awsFails([
      'cloudformation',
      'create-stack',
      '--stack-name',
      'short-token',
      '--template-body',
      `file://${templatePath('intrinsics.yaml')}`,
      '--parameters',
      JSON.stringify([
        { ParameterKey: 'VpcId', ParameterValue: vpcId },
        { ParameterKey: 'SubnetIds', ParameterValue: subnets[0] },
        { ParameterKey: 'Token', ParameterValue: 'abc' },
      ]),
    ]);
    expect(short.stderr).to.contain("Parameter 'Token' must contain at least 4 characters");
  });
});
