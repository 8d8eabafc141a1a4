import { expect } from 'chai';
import {
  ConfigServiceClient,
  DescribeComplianceByConfigRuleCommand,
  DescribeConfigRuleEvaluationStatusCommand,
  PutConfigRuleCommand,
  StartConfigRulesEvaluationCommand,
  StartConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
  type ConfigRule,
} from '@aws-sdk/client-config-service';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateFlowLogsCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateTrailCommand, CloudTrailClient, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateUserCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ManualClock } from '../../src/range/clock.js';
import { configIdle } from '../../src/range/services/config/schedule.js';
import { configTimes } from '../../src/range/services/config/store.js';
import { startRecording, trailBucket, verdicts as ruleVerdicts } from './config-fixtures.js';
import { startTestRange, type TestRange } from './harness.js';

// Each AWS managed rule the range evaluates, COMPLIANT and NON_COMPLIANT on range resources, as the
// AWS Config developer guide's page for the rule defines them (restricted-ssh, restricted-common-ports,
// cloudtrail-enabled, multi-region-cloudtrail-enabled, s3-bucket-public-read-prohibited,
// s3-bucket-level-public-access-prohibited, root-account-mfa-enabled, iam-root-access-key-check,
// iam-user-no-policies-check, ec2-managedinstance-patch-compliance-status-check,
// vpc-flow-logs-enabled, cmk-backing-key-rotation-enabled).

type Verdicts = Record<string, string>;

describe('range: AWS Config managed rules against the range resources', function () {
  this.timeout(90_000);
  const clock = new ManualClock(Date.parse('2026-06-02T14:00:00Z'));
  let range: TestRange;
  let config: ConfigServiceClient;
  let ec2: EC2Client;
  const ids: Record<string, string> = {};

  const rules: ConfigRule[] = [
    { ConfigRuleName: 'restricted-ssh', Source: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' } },
    {
      ConfigRuleName: 'restricted-common-ports',
      Source: { Owner: 'AWS', SourceIdentifier: 'RESTRICTED_INCOMING_TRAFFIC' },
      InputParameters: JSON.stringify({ blockedPort1: '8080' }),
    },
    {
      ConfigRuleName: 'cloudtrail-enabled',
      Source: { Owner: 'AWS', SourceIdentifier: 'CLOUD_TRAIL_ENABLED' },
    },
    {
      ConfigRuleName: 'multi-region-cloudtrail-enabled',
      Source: { Owner: 'AWS', SourceIdentifier: 'MULTI_REGION_CLOUD_TRAIL_ENABLED' },
      InputParameters: JSON.stringify({ includeManagementEvents: 'true', readWriteType: 'ALL' }),
    },
    {
      ConfigRuleName: 's3-bucket-public-read-prohibited',
      Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED' },
    },
    {
      ConfigRuleName: 's3-bucket-level-public-access-prohibited',
      Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED' },
      InputParameters: JSON.stringify({ excludedPublicBuckets: 'website' }),
    },
    {
      ConfigRuleName: 'root-account-mfa-enabled',
      Source: { Owner: 'AWS', SourceIdentifier: 'ROOT_ACCOUNT_MFA_ENABLED' },
    },
    {
      ConfigRuleName: 'iam-root-access-key-check',
      Source: { Owner: 'AWS', SourceIdentifier: 'IAM_ROOT_ACCESS_KEY_CHECK' },
    },
    {
      ConfigRuleName: 'iam-user-no-policies-check',
      Source: { Owner: 'AWS', SourceIdentifier: 'IAM_USER_NO_POLICIES_CHECK' },
    },
    {
      ConfigRuleName: 'ec2-managedinstance-patch-compliance-status-check',
      Source: { Owner: 'AWS', SourceIdentifier: 'EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK' },
    },
    {
      ConfigRuleName: 'vpc-flow-logs-enabled',
      Source: { Owner: 'AWS', SourceIdentifier: 'VPC_FLOW_LOGS_ENABLED' },
    },
    {
      ConfigRuleName: 'cmk-backing-key-rotation-enabled',
      Source: { Owner: 'AWS', SourceIdentifier: 'CMK_BACKING_KEY_ROTATION_ENABLED' },
    },
  ];

  const verdicts = (rule: string): Promise<Verdicts> => ruleVerdicts(config, rule);

  async function evaluateAll(): Promise<void> {
    await config.send(
      new StartConfigRulesEvaluationCommand({ ConfigRuleNames: rules.map((r) => r.ConfigRuleName ?? '') }),
    );
    await configIdle();
  }

  async function group(
    vpcId: string,
    name: string,
    permissions: Parameters<typeof ingress>[1],
  ): Promise<string> {
    const id =
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId })))
        .GroupId ?? '';
    if (permissions.length) await ingress(id, permissions);
    return id;
  }

  async function ingress(
    groupId: string,
    permissions: Array<{ port: number; cidr?: string; cidr6?: string }>,
  ): Promise<void> {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: permissions.map((p) => ({
          IpProtocol: 'tcp',
          FromPort: p.port,
          ToPort: p.port,
          ...(p.cidr ? { IpRanges: [{ CidrIp: p.cidr }] } : {}),
          ...(p.cidr6 ? { Ipv6Ranges: [{ CidrIpv6: p.cidr6 }] } : {}),
        })),
      }),
    );
  }

  before(async () => {
    range = await startTestRange({ clock });
    config = new ConfigServiceClient(range.clientConfig());
    ec2 = new EC2Client(range.clientConfig());
    const s3 = new S3Client(range.clientConfig());
    const iam = new IAMClient(range.clientConfig());
    const kms = new KMSClient(range.clientConfig());

    await startRecording(range, config);

    // Network: open and closed groups; a VPC with a flow log and one without.
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }))).Vpc?.VpcId ?? '';
    const bare = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16' }))).Vpc?.VpcId ?? '';
    ids.vpc = vpc;
    ids.bareVpc = bare;
    ids.sshOpen = await group(vpc, 'ssh-open', [{ port: 22, cidr: '0.0.0.0/0' }]);
    ids.sshBastion = await group(vpc, 'ssh-bastion', [{ port: 22, cidr: '10.7.0.0/24' }]);
    ids.app8080 = await group(vpc, 'app-8080', [{ port: 8080, cidr: '0.0.0.0/0' }]);
    ids.rdp6 = await group(vpc, 'rdp-v6', [{ port: 3389, cidr6: '::/0' }]);
    await s3.send(new CreateBucketCommand({ Bucket: 'flow-logs' }));
    await ec2.send(
      new CreateFlowLogsCommand({
        ResourceIds: [vpc],
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 's3',
        LogDestination: 'arn:aws:s3:::flow-logs',
      }),
    );

    // Storage: a bucket made public-read by its ACL, an excluded public bucket, a private one, one without BPA.
    for (const bucket of ['public-site', 'website']) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
      await s3.send(
        new PutBucketOwnershipControlsCommand({
          Bucket: bucket,
          OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
        }),
      );
      await s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }));
    }
    await s3.send(new CreateBucketCommand({ Bucket: 'private-data' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'no-bpa' }));
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: 'no-bpa',
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: false,
          RestrictPublicBuckets: true,
        },
      }),
    );

    // Identity: a user with an inline policy, one without.
    ids.alice = (await iam.send(new CreateUserCommand({ UserName: 'alice' }))).User?.UserId ?? '';
    ids.bob = (await iam.send(new CreateUserCommand({ UserName: 'bob' }))).User?.UserId ?? '';
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'alice',
        PolicyName: 'direct',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
        }),
      }),
    );

    // Keys: rotating, not rotating, disabled.
    const key = async () => (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    ids.rotating = await key();
    ids.stale = await key();
    ids.disabled = await key();
    await kms.send(new EnableKeyRotationCommand({ KeyId: ids.rotating }));
    await kms.send(new DisableKeyCommand({ KeyId: ids.disabled }));

    // Patching: an instance missing patches, one up to date.
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.7.1.0/24' }))).Subnet
      ?.SubnetId;
    const launch = async (tags: Record<string, string>) =>
      (
        await ec2.send(
          new RunInstancesCommand({
            ImageId: 'ami-0abcdef1234567890',
            MinCount: 1,
            MaxCount: 1,
            SubnetId: subnet,
            TagSpecifications: [
              {
                ResourceType: 'instance',
                Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
              },
            ],
          }),
        )
      ).Instances?.[0]?.InstanceId ?? '';
    ids.unpatched = await launch({ Name: 'web', 'sirs:range:missing-patches': '3' });
    ids.patched = await launch({ Name: 'db' });
    clock.advance(5_000);

    for (const rule of rules) await config.send(new PutConfigRuleCommand({ ConfigRule: rule }));
    await evaluateAll();
  });
  after(() => range.stop());

  const table: Array<{ rule: string; expected: () => Verdicts }> = [
    {
      rule: 'restricted-ssh',
      expected: () => ({
        [ids.sshOpen ?? '']: 'NON_COMPLIANT',
        [ids.sshBastion ?? '']: 'COMPLIANT',
        [ids.app8080 ?? '']: 'COMPLIANT',
      }),
    },
    {
      rule: 'restricted-common-ports',
      expected: () => ({
        [ids.app8080 ?? '']: 'NON_COMPLIANT',
        [ids.rdp6 ?? '']: 'NON_COMPLIANT',
        [ids.sshOpen ?? '']: 'COMPLIANT',
        [ids.sshBastion ?? '']: 'COMPLIANT',
      }),
    },
    {
      rule: 's3-bucket-public-read-prohibited',
      expected: () => ({
        'public-site': 'NON_COMPLIANT',
        'private-data': 'COMPLIANT',
        'no-bpa': 'COMPLIANT',
      }),
    },
    {
      rule: 's3-bucket-level-public-access-prohibited',
      expected: () => ({
        'public-site': 'NON_COMPLIANT',
        'no-bpa': 'NON_COMPLIANT',
        'private-data': 'COMPLIANT',
        website: 'COMPLIANT',
      }),
    },
    {
      rule: 'iam-user-no-policies-check',
      expected: () => ({ [ids.alice ?? '']: 'NON_COMPLIANT', [ids.bob ?? '']: 'COMPLIANT' }),
    },
    {
      rule: 'cmk-backing-key-rotation-enabled',
      expected: () => ({
        [ids.rotating ?? '']: 'COMPLIANT',
        [ids.stale ?? '']: 'NON_COMPLIANT',
        [ids.disabled ?? '']: 'NOT_APPLICABLE',
      }),
    },
    {
      rule: 'ec2-managedinstance-patch-compliance-status-check',
      expected: () => ({ [ids.unpatched ?? '']: 'NON_COMPLIANT', [ids.patched ?? '']: 'COMPLIANT' }),
    },
    {
      rule: 'vpc-flow-logs-enabled',
      expected: () => ({ [ids.vpc ?? '']: 'COMPLIANT', [ids.bareVpc ?? '']: 'NON_COMPLIANT' }),
    },
  ];

  for (const row of table) {
    it(`${row.rule}: judges each resource as the developer guide defines`, async () => {
      expect(await verdicts(row.rule)).to.deep.include(row.expected());
    });
  }

  it('judges the account: no logging trail and a root access key are NON_COMPLIANT, root MFA COMPLIANT; then the reverse', async () => {
    const acct = range.accountId;
    const before = {
      trail: await verdicts('cloudtrail-enabled'),
      multi: await verdicts('multi-region-cloudtrail-enabled'),
      mfa: await verdicts('root-account-mfa-enabled'),
      key: await verdicts('iam-root-access-key-check'),
    };
    expect(before).to.deep.equal({
      trail: { [acct]: 'NON_COMPLIANT' },
      multi: { [acct]: 'NON_COMPLIANT' },
      mfa: { [acct]: 'COMPLIANT' },
      key: { [acct]: 'NON_COMPLIANT' },
    });

    const trail = new CloudTrailClient(range.clientConfig());
    await trailBucket(range, 'trail-logs');
    await trail.send(
      new CreateTrailCommand({ Name: 'org', S3BucketName: 'trail-logs', IsMultiRegionTrail: true }),
    );
    await trail.send(new StartLoggingCommand({ Name: 'org' }));
    const root = new IAMClient(range.clientConfig({ credentials: range.rootCredentials }));
    await root.send(
      new DeactivateMFADeviceCommand({
        UserName: 'root',
        SerialNumber: `arn:aws:iam::${acct}:mfa/root-account-mfa-device`,
      }),
    );
    // Last: root gives up its only access key (the range's own), so IAM counts none.
    await root.send(new DeleteAccessKeyCommand({ AccessKeyId: range.rootCredentials.accessKeyId }));
    await evaluateAll();
    expect({
      trail: await verdicts('cloudtrail-enabled'),
      multi: await verdicts('multi-region-cloudtrail-enabled'),
      mfa: await verdicts('root-account-mfa-enabled'),
      key: await verdicts('iam-root-access-key-check'),
    }).to.deep.equal({
      trail: { [acct]: 'COMPLIANT' },
      multi: { [acct]: 'COMPLIANT' },
      mfa: { [acct]: 'NON_COMPLIANT' },
      key: { [acct]: 'COMPLIANT' },
    });
  });

  it('re-evaluates a change-triggered rule shortly after a change on the range clock, and only while recording', async () => {
    const bastion = ids.sshBastion ?? '';
    await ingress(bastion, [{ port: 22, cidr6: '::/0' }]);
    await configIdle();
    expect((await verdicts('restricted-ssh'))[bastion]).to.equal('COMPLIANT');
    clock.advance(configTimes.changeEvaluationMs);
    await configIdle();
    expect((await verdicts('restricted-ssh'))[bastion]).to.equal('NON_COMPLIANT');
    const summary = (await range.aws([
      'configservice',
      'describe-compliance-by-config-rule',
      '--config-rule-names',
      'restricted-ssh',
    ])) as {
      ComplianceByConfigRules: Array<{
        Compliance: { ComplianceType: string; ComplianceContributorCount: { CappedCount: number } };
      }>;
    };
    expect(summary.ComplianceByConfigRules[0]?.Compliance).to.deep.include({
      ComplianceType: 'NON_COMPLIANT',
    });
    expect(summary.ComplianceByConfigRules[0]?.Compliance.ComplianceContributorCount.CappedCount).to.equal(2);

    // A stopped recorder evaluates nothing, even on a change.
    await config.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    const quiet = await group(ids.vpc ?? '', 'late-open', [{ port: 22, cidr: '0.0.0.0/0' }]);
    clock.advance(configTimes.changeEvaluationMs);
    await configIdle();
    expect(await verdicts('restricted-ssh')).not.to.have.property(quiet);
    // A periodic-only rule reads account settings, not recorded items: it still runs.
    const lastRun = async () =>
      (
        await config.send(
          new DescribeConfigRuleEvaluationStatusCommand({ ConfigRuleNames: ['vpc-flow-logs-enabled'] }),
        )
      ).ConfigRulesEvaluationStatus?.[0]?.LastSuccessfulEvaluationTime?.getTime() ?? Infinity;
    const before = await lastRun();
    await config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['vpc-flow-logs-enabled'] }));
    await configIdle();
    expect(await lastRun()).to.be.greaterThan(before);
    await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    clock.advance(configTimes.changeEvaluationMs);
    await configIdle();
    expect((await verdicts('restricted-ssh'))[quiet]).to.equal('NON_COMPLIANT');
  });

  it('runs periodic rules at their MaximumExecutionFrequency and reports the evaluation status', async () => {
    const status = await config.send(
      new DescribeConfigRuleEvaluationStatusCommand({ ConfigRuleNames: ['vpc-flow-logs-enabled'] }),
    );
    const first = status.ConfigRulesEvaluationStatus?.[0]?.LastSuccessfulEvaluationTime?.getTime() ?? 0;
    expect(status.ConfigRulesEvaluationStatus?.[0]).to.include({ FirstEvaluationStarted: true });
    clock.advance(24 * 3_600_000);
    await configIdle();
    const later = await config.send(
      new DescribeConfigRuleEvaluationStatusCommand({ ConfigRuleNames: ['vpc-flow-logs-enabled'] }),
    );
    expect(later.ConfigRulesEvaluationStatus?.[0]?.LastSuccessfulEvaluationTime?.getTime()).to.be.greaterThan(
      first,
    );
    const byRule = await config.send(
      new DescribeComplianceByConfigRuleCommand({ ComplianceTypes: ['NON_COMPLIANT'] }),
    );
    expect(byRule.ComplianceByConfigRules?.map((r) => r.ConfigRuleName)).to.include('vpc-flow-logs-enabled');
    const byResource = (await range.aws([
      'configservice',
      'describe-compliance-by-resource',
      '--resource-type',
      'AWS::EC2::SecurityGroup',
      '--compliance-types',
      'NON_COMPLIANT',
    ])) as { ComplianceByResources: Array<{ ResourceId: string; Compliance: { ComplianceType: string } }> };
    // restricted-ssh or restricted-common-ports: any NON_COMPLIANT verdict makes the group NON_COMPLIANT.
    expect(byResource.ComplianceByResources.map((r) => r.ResourceId)).to.include.members([
      ids.sshOpen ?? '',
      ids.app8080 ?? '',
      ids.rdp6 ?? '',
    ]);
    expect(
      byResource.ComplianceByResources.every((r) => r.Compliance.ComplianceType === 'NON_COMPLIANT'),
    ).to.equal(true);
  });
});
