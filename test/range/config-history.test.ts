import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  BatchGetResourceConfigCommand,
  ConfigServiceClient,
  GetComplianceSummaryByConfigRuleCommand,
  GetComplianceSummaryByResourceTypeCommand,
  GetResourceConfigHistoryCommand,
  ListDiscoveredResourcesCommand,
  PutConfigRuleCommand,
  PutConfigurationRecorderCommand,
  StartConfigRulesEvaluationCommand,
  StartConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  RunInstancesCommand,
  DeleteSecurityGroupCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  UpdateAssumeRolePolicyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ManualClock } from '../../src/range/index.js';
import { configIdle } from '../../src/range/services/config/schedule.js';
import { startRecording } from './config-fixtures.js';
import { failure, startTestRange, type TestRange } from './harness.js';

// Expected behaviour from the AWS Config API Reference (GetResourceConfigHistory, ListDiscoveredResources,
// BatchGetResourceConfig, GetComplianceSummaryBy*) and the developer guide's configuration item fields.

interface CliItem {
  configurationItemStatus: string;
  configurationItemCaptureTime: number | string;
  configuration?: string;
  relatedEvents?: string[];
  resourceName?: string;
}

const publicRead = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
    ],
  });

/** The AWS CLI v1 prints a JSON-protocol timestamp as it came on the wire: epoch seconds. */
const cliTime = (value: unknown) => (typeof value === 'number' ? value * 1000 : Date.parse(String(value)));

/** Whether a security group's configuration item lets anyone in (an ingress range of 0.0.0.0/0). */
const opensToWorld = (configuration: string | undefined) => {
  const group = JSON.parse(configuration ?? '{}') as {
    ipPermissions?: Array<{ ipRanges?: Array<{ cidrIp?: string }> }>;
  };
  return (group.ipPermissions ?? []).some((p) => (p.ipRanges ?? []).some((r) => r.cidrIp === '0.0.0.0/0'));
};

describe('range: AWS Config configuration history (what changed, when, and who)', () => {
  const clock = new ManualClock(Date.parse('2026-06-02T14:00:00Z'));
  let range: TestRange;
  let config: ConfigServiceClient;
  let ec2: EC2Client;
  let vpc: string;
  let web: string;
  let intruder: { env: Record<string, string> };
  before(async () => {
    range = await startTestRange({ clock });
    config = new ConfigServiceClient(range.clientConfig());
    ec2 = new EC2Client(range.clientConfig());
    vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc?.VpcId ?? '';
    web = (
      await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpc }))
    ).GroupId!;
    const iam = new IAMClient(range.clientConfig());
    await iam.send(new CreateUserCommand({ UserName: 'intruder' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'intruder',
        PolicyName: 'ec2',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
        }),
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'intruder' }));
    intruder = {
      env: { AWS_ACCESS_KEY_ID: AccessKey!.AccessKeyId!, AWS_SECRET_ACCESS_KEY: AccessKey!.SecretAccessKey! },
    };
  });
  after(() => range.stop());

  it('answers NoAvailableConfigurationRecorderException before a recorder exists', async () => {
    const err = await failure(
      config.send(new ListDiscoveredResourcesCommand({ resourceType: 'AWS::EC2::SecurityGroup' })),
    );
    expect(err.name).to.equal('NoAvailableConfigurationRecorderException');
  });

  it('discovers existing resources when the recorder starts, and records each change to a group in order', async () => {
    await startRecording(range, config);
    const discovered = await config.send(
      new ListDiscoveredResourcesCommand({ resourceType: 'AWS::EC2::SecurityGroup', resourceName: 'web' }),
    );
    expect(discovered.resourceIdentifiers).to.deep.equal([
      { resourceType: 'AWS::EC2::SecurityGroup', resourceId: web, resourceName: 'web' },
    ]);
    // The delivery bucket existed when recording started; IAM users are global and not selected by default.
    const buckets = await config.send(
      new ListDiscoveredResourcesCommand({ resourceType: 'AWS::S3::Bucket' }),
    );
    expect(buckets.resourceIdentifiers?.map((r) => r.resourceId)).to.include('config-delivery');
    const users = await config.send(new ListDiscoveredResourcesCommand({ resourceType: 'AWS::IAM::User' }));
    expect(users.resourceIdentifiers).to.deep.equal([]);
    // The default group and 'web'; the delivery bucket.
    const counts = (await range.aws(['configservice', 'get-discovered-resource-counts'])) as {
      totalDiscoveredResources: number;
      resourceCounts: Array<{ resourceType: string; count: number }>;
    };
    expect(counts).to.deep.equal({
      totalDiscoveredResources: 3,
      resourceCounts: [
        { resourceType: 'AWS::EC2::SecurityGroup', count: 2 },
        { resourceType: 'AWS::S3::Bucket', count: 1 },
      ],
    });

    // The intruder opens SSH to the world with the AWS CLI; a responder closes it with the SDK.
    clock.advance(60_000);
    await range.aws(
      [
        'ec2',
        'authorize-security-group-ingress',
        '--group-id',
        web,
        '--protocol',
        'tcp',
        '--port',
        '22',
        '--cidr',
        '0.0.0.0/0',
      ],
      { env: intruder.env },
    );
    clock.advance(60_000);
    await range.aws([
      'ec2',
      'revoke-security-group-ingress',
      '--group-id',
      web,
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--cidr',
      '0.0.0.0/0',
    ]);

    const history = (await range.aws([
      'configservice',
      'get-resource-config-history',
      '--resource-type',
      'AWS::EC2::SecurityGroup',
      '--resource-id',
      web,
    ])) as { configurationItems: CliItem[] };
    const items = history.configurationItems;
    // Newest first by default: fixed, opened, discovered.
    expect(items.map((i) => i.configurationItemStatus)).to.deep.equal(['OK', 'OK', 'ResourceDiscovered']);
    expect(items.map((i) => opensToWorld(i.configuration))).to.deep.equal([false, true, false]);
    const [fixed, opened] = items;
    expect(opened?.relatedEvents).to.deep.equal([
      range.events('AuthorizeSecurityGroupIngress').at(-1)?.eventID,
    ]);
    expect(fixed?.relatedEvents).to.deep.equal([range.events('RevokeSecurityGroupIngress').at(-1)?.eventID]);
    expect(range.events('AuthorizeSecurityGroupIngress').at(-1)?.userIdentity?.userName).to.equal('intruder');
    expect(cliTime(opened?.configurationItemCaptureTime)).to.equal(Date.parse('2026-06-02T14:01:00Z'));
    expect(range.events('GetResourceConfigHistory').at(-1)?.requestParameters).to.deep.include({
      resourceId: web,
    });
  });

  it('pages forward and backward, and filters by time', async () => {
    const forward = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: web,
        chronologicalOrder: 'Forward',
        limit: 2,
      }),
    );
    expect(forward.configurationItems?.map((i) => i.configurationItemStatus)).to.deep.equal([
      'ResourceDiscovered',
      'OK',
    ]);
    const rest = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: web,
        chronologicalOrder: 'Forward',
        limit: 2,
        nextToken: forward.nextToken,
      }),
    );
    expect(rest.configurationItems).to.have.length(1);
    expect(rest.nextToken).to.equal(undefined);
    // What the group looked like at 14:01:30: only the items captured by then.
    const before = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: web,
        laterTime: new Date('2026-06-02T14:01:30Z'),
        limit: 1,
      }),
    );
    expect(opensToWorld(before.configurationItems?.[0]?.configuration)).to.equal(true);
    const backwards = await failure(
      config.send(
        new GetResourceConfigHistoryCommand({
          resourceType: 'AWS::EC2::SecurityGroup',
          resourceId: web,
          earlierTime: new Date('2026-06-02T15:00:00Z'),
          laterTime: new Date('2026-06-02T14:00:00Z'),
        }),
      ),
    );
    expect(backwards.name).to.equal('InvalidTimeRangeException');
    const unknown = await range.awsFails([
      'configservice',
      'get-resource-config-history',
      '--resource-type',
      'AWS::EC2::SecurityGroup',
      '--resource-id',
      'sg-0000000000000dead',
    ]);
    expect(unknown.stderr).to.contain('ResourceNotDiscoveredException');
  });

  it('records nothing while the recorder is stopped, and records deletion', async () => {
    await config.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    clock.advance(60_000);
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: web,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    const unchanged = await config.send(
      new GetResourceConfigHistoryCommand({ resourceType: 'AWS::EC2::SecurityGroup', resourceId: web }),
    );
    expect(unchanged.configurationItems).to.have.length(3);
    await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    clock.advance(60_000);
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: web }));
    const after = await config.send(
      new GetResourceConfigHistoryCommand({ resourceType: 'AWS::EC2::SecurityGroup', resourceId: web }),
    );
    // Restarting records the state it finds (the RDP rule), then the deletion.
    expect(after.configurationItems?.map((i) => i.configurationItemStatus)).to.deep.equal([
      'ResourceDeleted',
      'OK',
      'OK',
      'OK',
      'ResourceDiscovered',
    ]);
    expect(after.configurationItems?.[0]?.configuration).to.equal(undefined);
    const live = await config.send(
      new ListDiscoveredResourcesCommand({ resourceType: 'AWS::EC2::SecurityGroup' }),
    );
    expect(live.resourceIdentifiers?.map((r) => r.resourceId)).to.not.include(web);
    const all = (await range.aws([
      'configservice',
      'list-discovered-resources',
      '--resource-type',
      'AWS::EC2::SecurityGroup',
      '--include-deleted-resources',
    ])) as { resourceIdentifiers: Array<{ resourceId: string; resourceDeletionTime?: number | string }> };
    const deleted = all.resourceIdentifiers.find((r) => r.resourceId === web);
    expect(cliTime(deleted?.resourceDeletionTime)).to.equal(Date.parse('2026-06-02T14:04:00Z'));
  });

  it('gets the current configuration of several resources at once, leaving out what it does not know', async () => {
    const out = await config.send(
      new BatchGetResourceConfigCommand({
        resourceKeys: [
          { resourceType: 'AWS::S3::Bucket', resourceId: 'config-delivery' },
          { resourceType: 'AWS::S3::Bucket', resourceId: 'never-seen' },
          { resourceType: 'AWS::EC2::SecurityGroup', resourceId: web },
        ],
      }),
    );
    expect(out.baseConfigurationItems?.map((i) => i.resourceId)).to.deep.equal(['config-delivery']);
    expect(out.unprocessedResourceKeys).to.deep.equal([]);
    const item = out.baseConfigurationItems?.[0];
    expect(
      JSON.parse(item?.supplementaryConfiguration?.PublicAccessBlockConfiguration ?? '{}'),
    ).to.deep.include({
      blockPublicAcls: true,
    });
    const cli = (await range.aws([
      'configservice',
      'batch-get-resource-config',
      '--resource-keys',
      'resourceType=AWS::S3::Bucket,resourceId=config-delivery',
    ])) as { baseConfigurationItems: Array<{ arn: string }> };
    expect(cli.baseConfigurationItems[0]?.arn).to.equal('arn:aws:s3:::config-delivery');
  });

  it('summarizes compliance by rule and by resource type', async () => {
    const sg = (
      await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'open', Description: 'open', VpcId: vpc }))
    ).GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: sg,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await config.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: 'restricted-ssh',
          Source: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' },
        },
      }),
    );
    await config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['restricted-ssh'] }));
    await configIdle();
    const byRule = await config.send(new GetComplianceSummaryByConfigRuleCommand({}));
    expect(byRule.ComplianceSummary?.NonCompliantResourceCount).to.deep.equal({
      CappedCount: 1,
      CapExceeded: false,
    });
    expect(byRule.ComplianceSummary?.CompliantResourceCount?.CappedCount).to.equal(0);
    const byType = (await range.aws([
      'configservice',
      'get-compliance-summary-by-resource-type',
      '--resource-types',
      'AWS::EC2::SecurityGroup',
    ])) as {
      ComplianceSummariesByResourceType: Array<{
        ResourceType: string;
        ComplianceSummary: { NonCompliantResourceCount: { CappedCount: number } };
      }>;
    };
    expect(byType.ComplianceSummariesByResourceType[0]?.ResourceType).to.equal('AWS::EC2::SecurityGroup');
    expect(
      byType.ComplianceSummariesByResourceType[0]?.ComplianceSummary.NonCompliantResourceCount.CappedCount,
    ).to.equal(1);
    const all = await config.send(new GetComplianceSummaryByResourceTypeCommand({}));
    expect(all.ComplianceSummariesByResourceType?.[0]?.ResourceType).to.equal(undefined);
  });

  it("records a bucket's policy and, once global types are selected, an IAM user's attached policies", async () => {
    const s3 = new S3Client(range.clientConfig());
    clock.advance(60_000);
    await s3.send(new CreateBucketCommand({ Bucket: 'exfil-drop' }));
    await s3.send(
      new PutPublicAccessBlockCommand({ Bucket: 'exfil-drop', PublicAccessBlockConfiguration: {} }),
    );
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'exfil-drop', Policy: publicRead('exfil-drop') }));
    const bucket = await config.send(
      new GetResourceConfigHistoryCommand({ resourceType: 'AWS::S3::Bucket', resourceId: 'exfil-drop' }),
    );
    const policies = bucket.configurationItems?.map(
      (i) =>
        (JSON.parse(i.supplementaryConfiguration?.BucketPolicy ?? '{}') as { policyText?: string })
          .policyText,
    );
    // Created, Block Public Access turned off, then the public policy: three items, newest first.
    expect(policies).to.deep.equal([publicRead('exfil-drop'), null, null]);
    expect(bucket.configurationItems?.map((i) => i.configurationItemStatus)).to.deep.equal([
      'OK',
      'OK',
      'ResourceDiscovered',
    ]);
    expect(bucket.configurationItems?.[0]?.relatedEvents).to.deep.equal([
      range.events('PutBucketPolicy').at(-1)?.eventID,
    ]);

    const iam = new IAMClient(range.clientConfig());
    await iam.send(new CreateUserCommand({ UserName: 'earlier' }));
    expect(
      (await config.send(new ListDiscoveredResourcesCommand({ resourceType: 'AWS::IAM::User' })))
        .resourceIdentifiers,
    ).to.deep.equal([]);
    await config.send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: {
          name: 'default',
          roleARN: `arn:aws:iam::${range.accountId}:role/config`,
          recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
        },
      }),
    );
    const { User } = await iam.send(new CreateUserCommand({ UserName: 'backdoor' }));
    await iam.send(
      new AttachUserPolicyCommand({
        UserName: 'backdoor',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    const users = await config.send(
      new ListDiscoveredResourcesCommand({ resourceType: 'AWS::IAM::User', resourceName: 'backdoor' }),
    );
    expect(users.resourceIdentifiers).to.deep.equal([
      { resourceType: 'AWS::IAM::User', resourceId: User?.UserId, resourceName: 'backdoor' },
    ]);
    // A user that existed when global types were selected is discovered then.
    const earlier = await config.send(
      new ListDiscoveredResourcesCommand({ resourceType: 'AWS::IAM::User', resourceName: 'earlier' }),
    );
    expect(earlier.resourceIdentifiers).to.have.length(1);
    const history = await config.send(
      new GetResourceConfigHistoryCommand({ resourceType: 'AWS::IAM::User', resourceId: User?.UserId ?? '' }),
    );
    const attached = history.configurationItems?.map(
      (i) =>
        (JSON.parse(i.configuration ?? '{}') as { attachedManagedPolicies?: unknown[] })
          .attachedManagedPolicies,
    );
    expect(attached).to.deep.equal([
      [{ policyName: 'AdministratorAccess', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
      [],
    ]);
  });

  it("records a role's trust policy and an instance's security groups as they change", async () => {
    const iam = new IAMClient(range.clientConfig());
    const trust = (principal: object) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
      });
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: 'app',
        AssumeRolePolicyDocument: trust({ Service: 'ec2.amazonaws.com' }),
      }),
    );
    // Persistence: the role now trusts an outside account.
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: 'app',
        PolicyDocument: trust({ AWS: 'arn:aws:iam::999999999999:root' }),
      }),
    );
    const roleHistory = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::IAM::Role',
        resourceId: Role?.RoleId ?? '',
        chronologicalOrder: 'Forward',
      }),
    );
    const trusted = roleHistory.configurationItems?.map((i) => {
      const doc = (JSON.parse(i.configuration ?? '{}') as { assumeRolePolicyDocument?: string })
        .assumeRolePolicyDocument;
      return JSON.parse(decodeURIComponent(doc ?? '{}')).Statement[0].Principal as object;
    });
    expect(trusted).to.deep.equal([
      { Service: 'ec2.amazonaws.com' },
      { AWS: 'arn:aws:iam::999999999999:root' },
    ]);
    expect(roleHistory.configurationItems?.[1]?.relatedEvents).to.deep.equal([
      range.events('UpdateAssumeRolePolicy').at(-1)?.eventID,
    ]);

    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.9.1.0/24' }))).Subnet
      ?.SubnetId;
    const quarantine = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'quarantine', Description: 'q', VpcId: vpc }),
      )
    ).GroupId!;
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0abcdef1234567890',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnet,
      }),
    );
    const id = run.Instances?.[0]?.InstanceId ?? '';
    await range.aws(['ec2', 'modify-instance-attribute', '--instance-id', id, '--groups', quarantine]);
    const instanceHistory = await config.send(
      new GetResourceConfigHistoryCommand({ resourceType: 'AWS::EC2::Instance', resourceId: id }),
    );
    const groups = instanceHistory.configurationItems?.map((i) =>
      i.relationships?.filter((r) => r.resourceType === 'AWS::EC2::SecurityGroup').map((r) => r.resourceId),
    );
    expect(groups?.[0]).to.deep.equal([quarantine]);
    expect(groups?.at(-1)).to.not.include(quarantine);
    expect(instanceHistory.configurationItems?.at(-1)?.configurationItemStatus).to.equal(
      'ResourceDiscovered',
    );
  });

  it('denies the history to a user without config permissions', async () => {
    const denied = await range.awsFails(
      ['configservice', 'list-discovered-resources', '--resource-type', 'AWS::EC2::SecurityGroup'],
      { env: intruder.env },
    );
    expect(denied.stderr).to.contain('AccessDenied');
    expect(denied.stderr).to.contain('config:ListDiscoveredResources');
    expect(range.events('ListDiscoveredResources').at(-1)?.errorCode).to.match(/AccessDenied/);
  });
});

describe('range: AWS Config configuration history across a --state-dir restart', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-config-history-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the items a change recorded, written before the change answered', async () => {
    const start = Date.parse('2026-06-02T14:00:00Z');
    const first = await startTestRange({ stateDir: dir, clock: new ManualClock(start) });
    let group = '';
    try {
      await startRecording(first, new ConfigServiceClient(first.clientConfig()));
      const ec2 = new EC2Client(first.clientConfig());
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.5.0.0/16' }))).Vpc?.VpcId ?? '';
      group = (
        await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'db', Description: 'db', VpcId: vpc }))
      ).GroupId!;
      // The last call before the stop: its configuration item must already be on disk.
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: group,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      );
    } finally {
      await first.stop();
    }
    const second = await startTestRange({ stateDir: dir, clock: new ManualClock(start + 60_000) });
    try {
      const history = await new ConfigServiceClient(second.clientConfig()).send(
        new GetResourceConfigHistoryCommand({ resourceType: 'AWS::EC2::SecurityGroup', resourceId: group }),
      );
      expect(history.configurationItems?.map((i) => i.configurationItemStatus)).to.deep.equal([
        'OK',
        'ResourceDiscovered',
      ]);
      expect(opensToWorld(history.configurationItems?.[0]?.configuration)).to.equal(true);
      expect(history.configurationItems?.[0]?.configurationItemCaptureTime).to.be.instanceOf(Date);
    } finally {
      await second.stop();
    }
  });
});
