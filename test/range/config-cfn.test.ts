import { expect } from 'chai';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  ConfigServiceClient,
  DescribeConfigRulesCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeRemediationConfigurationsCommand,
} from '@aws-sdk/client-config-service';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ManualClock } from '../../src/range/clock.js';
import { configIdle } from '../../src/range/services/config/schedule.js';
import { configTimes } from '../../src/range/services/config/store.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import { verdicts } from './config-fixtures.js';
import { startTestRange, type TestRange } from './harness.js';

// A team's Config defence as a CloudFormation stack: recorder, delivery channel, a managed rule and
// its automatic remediation with the role Automation assumes (AWS::Config::* resource types).

const template = (bucket: string) =>
  JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      RecorderRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
        },
      },
      RemediationRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
          Policies: [
            {
              PolicyName: 'revoke-ssh',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupIngress'],
                    Resource: '*',
                  },
                ],
              },
            },
          ],
        },
      },
      Recorder: {
        Type: 'AWS::Config::ConfigurationRecorder',
        Properties: {
          RoleARN: { 'Fn::GetAtt': ['RecorderRole', 'Arn'] },
          RecordingGroup: { AllSupported: true },
        },
      },
      // PutDeliveryChannel needs a recorder (NoAvailableConfigurationRecorderException otherwise).
      Channel: {
        Type: 'AWS::Config::DeliveryChannel',
        DependsOn: 'Recorder',
        Properties: { S3BucketName: bucket },
      },
      SshRule: {
        Type: 'AWS::Config::ConfigRule',
        DependsOn: ['Recorder', 'Channel'],
        Properties: {
          ConfigRuleName: 'restricted-ssh',
          Scope: { ComplianceResourceTypes: ['AWS::EC2::SecurityGroup'] },
          Source: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' },
        },
      },
      SshRemediation: {
        Type: 'AWS::Config::RemediationConfiguration',
        Properties: {
          ConfigRuleName: { Ref: 'SshRule' },
          TargetType: 'SSM_DOCUMENT',
          TargetId: 'AWS-DisableIncomingSSHOnPort22',
          Automatic: true,
          MaximumAutomaticAttempts: 2,
          RetryAttemptSeconds: 60,
          Parameters: {
            SecurityGroupIds: { ResourceValue: { Value: 'RESOURCE_ID' } },
            AutomationAssumeRole: { StaticValue: { Values: [{ 'Fn::GetAtt': ['RemediationRole', 'Arn'] }] } },
          },
        },
      },
    },
    Outputs: {
      RuleArn: { Value: { 'Fn::GetAtt': ['SshRule', 'Arn'] } },
    },
  });

describe('range: AWS Config resources in CloudFormation', function () {
  this.timeout(90_000);
  const clock = new ManualClock(Date.parse('2026-06-02T14:00:00Z'));
  let range: TestRange;
  let cfn: CloudFormationClient;
  let config: ConfigServiceClient;

  /** Move the range clock until the stack leaves *_IN_PROGRESS (CloudFormation works on the range clock). */
  async function settled(name: string): Promise<Stack | undefined> {
    for (let i = 0; i < 600; i++) {
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
      if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
      clock.advance(1_000);
      await new Promise((r) => setImmediate(r));
    }
    throw new Error(`stack ${name} never settled`);
  }

  before(async () => {
    range = await startTestRange({ clock });
    cfn = new CloudFormationClient(range.clientConfig());
    config = new ConfigServiceClient(range.clientConfig());
    await new S3Client(range.clientConfig()).send(new CreateBucketCommand({ Bucket: 'config-snapshots' }));
  });
  after(() => range.stop());

  it('deploys a rule with its automatic remediation, which then closes a world-open SSH group; deleting the stack removes it all', async () => {
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName: 'ssh-defence',
        TemplateBody: template('config-snapshots'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const stack = await settled('ssh-defence');
    expect(stack?.StackStatus, stack?.StackStatusReason).to.equal('CREATE_COMPLETE');
    expect(stack?.Outputs?.[0]?.OutputValue).to.match(
      /^arn:aws:config:[\w-]+:\d{12}:config-rule\/config-rule-\w{6}$/,
    );
    const status = await config.send(new DescribeConfigurationRecorderStatusCommand({}));
    expect(status.ConfigurationRecordersStatus?.[0]?.recording).to.equal(true);
    const remediation = await config.send(
      new DescribeRemediationConfigurationsCommand({ ConfigRuleNames: ['restricted-ssh'] }),
    );
    expect(remediation.RemediationConfigurations?.[0]).to.include({
      TargetId: 'AWS-DisableIncomingSSHOnPort22',
      Automatic: true,
      MaximumAutomaticAttempts: 2,
    });
    expect(range.events('PutConfigRule').at(-1)?.userIdentity).to.deep.include({
      invokedBy: 'cloudformation.amazonaws.com',
    });

    const ec2 = new EC2Client(range.clientConfig());
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.4.0.0/16' }))).Vpc?.VpcId;
    const group =
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpc })))
        .GroupId ?? '';
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    clock.advance(configTimes.changeEvaluationMs);
    await configIdle();
    clock.advance(runTimes.automationMs + configTimes.changeEvaluationMs);
    await configIdle();
    const left = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group] })))
      .SecurityGroups?.[0];
    expect(left?.IpPermissions ?? []).to.deep.equal([]);
    expect((await verdicts(config, 'restricted-ssh'))[group]).to.equal('COMPLIANT');

    await cfn.send(new DeleteStackCommand({ StackName: 'ssh-defence' }));
    const deleted = await settled(StackId ?? '');
    expect(deleted?.StackStatus, deleted?.StackStatusReason).to.equal('DELETE_COMPLETE');
    const rules = await config.send(new DescribeConfigRulesCommand({}));
    expect(rules.ConfigRules).to.deep.equal([]);
    expect(
      (await config.send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus,
    ).to.deep.equal([]);
  });
});
