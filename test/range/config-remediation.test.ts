import { expect } from 'chai';
import {
  ConfigServiceClient,
  DeleteConfigRuleCommand,
  DescribeRemediationConfigurationsCommand,
  DescribeRemediationExecutionStatusCommand,
  PutConfigRuleCommand,
  PutRemediationConfigurationsCommand,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import {
  CloudTrailClient,
  CreateTrailCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ManualClock } from '../../src/range/clock.js';
import { configIdle } from '../../src/range/services/config/schedule.js';
import { configTimes } from '../../src/range/services/config/store.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import { startRecording, trailBucket, verdicts } from './config-fixtures.js';
import { automationRole } from './automation-fixtures.js';
import { failure, startTestRange, type TestRange } from './harness.js';

// Config remediation through SSM Automation: automatic (MaximumAutomaticAttempts, RetryAttemptSeconds,
// RESOURCE_ID and static parameters) and manual, run as the AutomationAssumeRole, visible in
// DescribeRemediationExecutionStatus and in CloudTrail.

describe('range: AWS Config remediation through SSM Automation', function () {
  this.timeout(90_000);
  const clock = new ManualClock(Date.parse('2026-06-02T14:00:00Z'));
  let range: TestRange;
  let config: ConfigServiceClient;
  let ec2: EC2Client;
  let vpcId: string;
  let roleArn: string;

  /** Let a change reach Config, its evaluation run and the remediation it starts finish. */
  async function settle(): Promise<void> {
    clock.advance(configTimes.changeEvaluationMs);
    await configIdle();
    clock.advance(runTimes.automationMs);
    clock.advance(configTimes.changeEvaluationMs);
    await configIdle();
  }

  async function worldOpenGroup(name: string, ports: Array<{ port: number; v6?: boolean }>): Promise<string> {
    const id =
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId })))
        .GroupId ?? '';
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: ports.map(({ port, v6 }) => ({
          IpProtocol: 'tcp',
          FromPort: port,
          ToPort: port,
          ...(v6 ? { Ipv6Ranges: [{ CidrIpv6: '::/0' }] } : { IpRanges: [{ CidrIp: '0.0.0.0/0' }] }),
        })),
      }),
    );
    return id;
  }

  before(async () => {
    range = await startTestRange({ clock });
    config = new ConfigServiceClient(range.clientConfig());
    ec2 = new EC2Client(range.clientConfig());
    roleArn = await automationRole(range, 'config-remediation', [
      'ec2:DescribeSecurityGroups',
      'ec2:RevokeSecurityGroupIngress',
      'cloudtrail:*',
      's3:*',
    ]);
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.3.0.0/16' }))).Vpc?.VpcId ?? '';
    await startRecording(range, config);
    await config.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: 'restricted-ssh',
          Source: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' },
        },
      }),
    );
  });
  after(() => range.stop());

  it('closes a world-open SSH group automatically, as the remediation role, and the rule ends COMPLIANT', async () => {
    await range.aws([
      'configservice',
      'put-remediation-configurations',
      '--remediation-configurations',
      JSON.stringify([
        {
          ConfigRuleName: 'restricted-ssh',
          TargetType: 'SSM_DOCUMENT',
          TargetId: 'AWS-DisableIncomingSSHOnPort22',
          Parameters: {
            SecurityGroupIds: { ResourceValue: { Value: 'RESOURCE_ID' } },
            AutomationAssumeRole: { StaticValue: { Values: [roleArn] } },
          },
          Automatic: true,
          MaximumAutomaticAttempts: 3,
          RetryAttemptSeconds: 60,
        },
      ]),
    ]);
    const group = await worldOpenGroup('web', [{ port: 22 }, { port: 443 }]);
    clock.advance(configTimes.changeEvaluationMs);
    await configIdle();
    expect((await verdicts(config, 'restricted-ssh'))[group]).to.equal('NON_COMPLIANT');
    await settle();

    const rules = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group] })))
      .SecurityGroups?.[0]?.IpPermissions;
    expect(rules?.map((p) => p.FromPort)).to.deep.equal([443]);
    expect((await verdicts(config, 'restricted-ssh'))[group]).to.equal('COMPLIANT');

    const status = (await range.aws([
      'configservice',
      'describe-remediation-execution-status',
      '--config-rule-name',
      'restricted-ssh',
    ])) as {
      RemediationExecutionStatuses: Array<{
        ResourceKey: { resourceId: string };
        State: string;
        StepDetails: Array<{ Name: string; State: string }>;
      }>;
    };
    const mine = status.RemediationExecutionStatuses.find((s) => s.ResourceKey.resourceId === group);
    expect(mine).to.deep.include({ State: 'SUCCEEDED' });
    expect(mine?.StepDetails[0]).to.include({ Name: 'DisableIncomingSSHTemplate', State: 'SUCCEEDED' });

    // CloudTrail: Config started the automation; Systems Manager assumed the role; the role revoked the rule.
    // One automatic remediation per violation, even when two evaluations of the change overlap.
    const starts = range
      .events('StartAutomationExecution')
      .filter((e) => JSON.stringify(e.requestParameters).includes(group));
    expect(starts).to.have.length(1);
    const started = range.events('StartAutomationExecution').at(-1);
    expect(started?.userIdentity).to.deep.include({ type: 'AWSService', invokedBy: 'config.amazonaws.com' });
    const revoke = range.events('RevokeSecurityGroupIngress').at(-1);
    expect(revoke?.userIdentity).to.deep.include({ type: 'AssumedRole', invokedBy: 'ssm.amazonaws.com' });
    expect(String(revoke?.userIdentity.arn)).to.match(
      new RegExp(`^arn:aws:sts::${range.accountId}:assumed-role/config-remediation/[0-9a-f-]{36}$`),
    );
    expect(range.events('AssumeRole').at(-1)?.userIdentity).to.deep.include({
      invokedBy: 'ssm.amazonaws.com',
    });
  });

  it('fails AWS-DisablePublicAccessForSecurityGroup on a group without all four SSH/RDP world rules, as its reference warns', async () => {
    await config.send(
      new PutRemediationConfigurationsCommand({
        RemediationConfigurations: [
          {
            ConfigRuleName: 'restricted-ssh',
            TargetType: 'SSM_DOCUMENT',
            TargetId: 'AWS-DisablePublicAccessForSecurityGroup',
            Parameters: {
              GroupId: { ResourceValue: { Value: 'RESOURCE_ID' } },
              AutomationAssumeRole: { StaticValue: { Values: [roleArn] } },
            },
            Automatic: false,
          },
        ],
      }),
    );
    const sshOnly = await worldOpenGroup('ssh-only', [{ port: 22 }]);
    const allFour = await worldOpenGroup('all-four', [
      { port: 22 },
      { port: 22, v6: true },
      { port: 3389 },
      { port: 3389, v6: true },
    ]);
    const started = (await range.aws([
      'configservice',
      'start-remediation-execution',
      '--config-rule-name',
      'restricted-ssh',
      '--resource-keys',
      `resourceType=AWS::EC2::SecurityGroup,resourceId=${sshOnly}`,
      `resourceType=AWS::EC2::SecurityGroup,resourceId=${allFour}`,
    ])) as { FailedItems: unknown[] };
    expect(started.FailedItems).to.deep.equal([]);
    clock.advance(runTimes.automationMs);
    const status = await config.send(
      new DescribeRemediationExecutionStatusCommand({ ConfigRuleName: 'restricted-ssh' }),
    );
    const byGroup = Object.fromEntries(
      (status.RemediationExecutionStatuses ?? []).map((s) => [s.ResourceKey?.resourceId, s]),
    );
    expect(byGroup[sshOnly]?.State).to.equal('FAILED');
    expect(byGroup[sshOnly]?.StepDetails?.[0]?.ErrorMessage).to.contain('InvalidPermission.NotFound');
    expect(byGroup[allFour]?.State).to.equal('SUCCEEDED');
    const left = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [allFour] })))
      .SecurityGroups?.[0];
    expect(left?.IpPermissions ?? []).to.deep.equal([]);

    const described = await config.send(
      new DescribeRemediationConfigurationsCommand({ ConfigRuleNames: ['restricted-ssh'] }),
    );
    expect(described.RemediationConfigurations?.[0]).to.include({
      TargetId: 'AWS-DisablePublicAccessForSecurityGroup',
      Automatic: false,
    });
    const inUse = await failure(
      config.send(new DeleteConfigRuleCommand({ ConfigRuleName: 'restricted-ssh' })),
    );
    expect(inUse.name).to.equal('ResourceInUseException');
    await range.aws([
      'configservice',
      'delete-remediation-configuration',
      '--config-rule-name',
      'restricted-ssh',
    ]);
    const gone = await range.awsFails([
      'configservice',
      'describe-remediation-execution-status',
      '--config-rule-name',
      'restricted-ssh',
    ]);
    expect(gone.stderr).to.contain('NoSuchRemediationConfigurationException');
  });

  it('turns logging back on after a trail stops: the periodic rule finds it, AWS-EnableCloudTrail fixes it, the next run is COMPLIANT', async () => {
    const trail = new CloudTrailClient(range.clientConfig());
    await trailBucket(range, 'audit-logs');
    await trail.send(new CreateTrailCommand({ Name: 'audit', S3BucketName: 'audit-logs' }));
    await trail.send(new StartLoggingCommand({ Name: 'audit' }));
    await config.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: 'cloudtrail-enabled',
          Source: { Owner: 'AWS', SourceIdentifier: 'CLOUD_TRAIL_ENABLED' },
          MaximumExecutionFrequency: 'One_Hour',
        },
      }),
    );
    await config.send(
      new PutRemediationConfigurationsCommand({
        RemediationConfigurations: [
          {
            ConfigRuleName: 'cloudtrail-enabled',
            TargetType: 'SSM_DOCUMENT',
            TargetId: 'AWS-EnableCloudTrail',
            Parameters: {
              TrailName: { StaticValue: { Values: ['audit-restored'] } },
              S3BucketName: { StaticValue: { Values: ['audit-logs'] } },
              AutomationAssumeRole: { StaticValue: { Values: [roleArn] } },
            },
            Automatic: true,
            MaximumAutomaticAttempts: 2,
            RetryAttemptSeconds: 600,
          },
        ],
      }),
    );
    await settle();
    expect((await verdicts(config, 'cloudtrail-enabled'))[range.accountId]).to.equal('COMPLIANT');

    await trail.send(new StopLoggingCommand({ Name: 'audit' }));
    // cloudtrail-enabled is periodic only: nothing changes until its next run.
    await settle();
    expect((await verdicts(config, 'cloudtrail-enabled'))[range.accountId]).to.equal('COMPLIANT');
    clock.advance(3_600_000);
    await configIdle();
    expect((await verdicts(config, 'cloudtrail-enabled'))[range.accountId]).to.equal('NON_COMPLIANT');
    const logging = range.events('StartLogging').at(-1);
    expect(logging?.requestParameters).to.deep.equal({ name: 'audit-restored' });
    expect(logging?.userIdentity).to.deep.include({ type: 'AssumedRole', invokedBy: 'ssm.amazonaws.com' });
    clock.advance(3_600_000);
    await configIdle();
    expect((await verdicts(config, 'cloudtrail-enabled'))[range.accountId]).to.equal('COMPLIANT');
  });

  it('blocks public access to a bucket with AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock', async () => {
    const s3 = new S3Client(range.clientConfig());
    await config.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: 's3-bucket-level-public-access-prohibited',
          Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED' },
        },
      }),
    );
    await config.send(
      new PutRemediationConfigurationsCommand({
        RemediationConfigurations: [
          {
            ConfigRuleName: 's3-bucket-level-public-access-prohibited',
            TargetType: 'SSM_DOCUMENT',
            TargetId: 'AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock',
            Parameters: {
              BucketName: { ResourceValue: { Value: 'RESOURCE_ID' } },
              AutomationAssumeRole: { StaticValue: { Values: [roleArn] } },
            },
            Automatic: true,
          },
        ],
      }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: 'shared-reports' }));
    await settle();
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'shared-reports' }));
    clock.advance(configTimes.changeEvaluationMs);
    await configIdle();
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'shared-reports' }));
    expect(block.PublicAccessBlockConfiguration).to.deep.equal({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    await settle();
    expect((await verdicts(config, 's3-bucket-level-public-access-prohibited'))['shared-reports']).to.equal(
      'COMPLIANT',
    );
    const bad = await failure(
      config.send(
        new PutRemediationConfigurationsCommand({
          RemediationConfigurations: [
            {
              ConfigRuleName: 's3-bucket-level-public-access-prohibited',
              TargetType: 'SSM_DOCUMENT',
              TargetId: 'No-Such-Document',
            },
          ],
        }),
      ),
    );
    expect(bad.name).to.equal('InvalidParameterValueException');
    await config.send(
      new StartConfigRulesEvaluationCommand({
        ConfigRuleNames: ['s3-bucket-level-public-access-prohibited'],
      }),
    );
    await configIdle();
  });
  it('stops retrying a failing automatic remediation after MaximumAutomaticAttempts within RetryAttemptSeconds', async () => {
    await config.send(
      new PutRemediationConfigurationsCommand({
        RemediationConfigurations: [
          {
            ConfigRuleName: 'restricted-ssh',
            TargetType: 'SSM_DOCUMENT',
            TargetId: 'AWS-DisablePublicAccessForSecurityGroup',
            Parameters: {
              GroupId: { ResourceValue: { Value: 'RESOURCE_ID' } },
              AutomationAssumeRole: { StaticValue: { Values: [roleArn] } },
            },
            Automatic: true,
            MaximumAutomaticAttempts: 2,
            RetryAttemptSeconds: 3600,
          },
        ],
      }),
    );
    const group = await worldOpenGroup('stubborn', [{ port: 22 }]);
    const attempts = () =>
      range
        .events('StartAutomationExecution')
        .filter((e) => JSON.stringify(e.requestParameters).includes(group)).length;
    for (let i = 0; i < 4; i++) {
      await config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['restricted-ssh'] }));
      await configIdle();
      clock.advance(runTimes.automationMs);
    }
    expect(attempts()).to.equal(2);
    const status = await config.send(
      new DescribeRemediationExecutionStatusCommand({
        ConfigRuleName: 'restricted-ssh',
        ResourceKeys: [{ resourceType: 'AWS::EC2::SecurityGroup', resourceId: group }],
      }),
    );
    expect(status.RemediationExecutionStatuses?.[0]?.State).to.equal('FAILED');
    // Once the window has passed, Config tries again.
    clock.advance(3_600_000);
    await config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['restricted-ssh'] }));
    await configIdle();
    expect(attempts()).to.equal(3);
  });
});
