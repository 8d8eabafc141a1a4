import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  GetTrailCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteMetricFilterCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  DescribeMetricFiltersCommand,
  PutMetricFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeleteInstanceProfileCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetGroupCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListGroupsCommand,
  ListInstanceProfilesCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  KMSClient,
  ListAliasesCommand,
} from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListTopicsCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import {
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { failure, startTestRange, type TestRange } from './harness.js';
import { replaceBody, rewrite } from './hostile-requests.js';

// Names that are also properties of every JavaScript object. A store that indexes a plain `{}` with a
// client's name finds `constructor` before anything was created, or sets a prototype for `__proto__`.
const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'] as const;

/** One kind of named resource: how to create, read, list and delete it through the SDK. */
interface Row {
  what: string;
  /** Names AWS refuses for this kind, and the error it answers (from the service's naming rules). */
  invalid?: { names: readonly string[]; code: string };
  create(name: string): Promise<unknown>;
  /** What was stored under the name, or undefined when nothing is. */
  get(name: string): Promise<string | undefined>;
  /** The error a second create answers, or undefined when creating again is allowed (an upsert). */
  duplicate?: string;
  list(): Promise<string[]>;
  remove(name: string): Promise<unknown>;
}

/** The call's result, or undefined when it fails with the service's not-found error. */
async function orMissing<T>(p: Promise<T>, ...codes: string[]): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (codes.includes((err as Error).name)) return undefined;
    throw err;
  }
}

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const policy = (sid: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: sid.replace(/[^A-Za-z0-9]/g, ''), Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
    ],
  });

function rows(range: TestRange, fixtures: { vpcId: string; keyId: string }): Row[] {
  const cfg = range.clientConfig();
  const s3 = new S3Client(cfg);
  const s3West = new S3Client(range.clientConfig({ region: 'us-west-2' }));
  const iam = new IAMClient(cfg);
  const logs = new CloudWatchLogsClient(cfg);
  const ssm = new SSMClient(cfg);
  const sns = new SNSClient(cfg);
  const kms = new KMSClient(cfg);
  const cfn = new CloudFormationClient(cfg);
  const ec2 = new EC2Client(cfg);
  const ct = new CloudTrailClient(cfg);
  const cw = new CloudWatchClient(cfg);
  const account = range.accountId;
  const policyArn = (name: string) => `arn:aws:iam::${account}:policy/${name}`;
  const topicArn = (name: string) => `arn:aws:sns:${range.region}:${account}:${name}`;
  const groupIds = new Map<string, string>();
  return [
    {
      what: 'S3 object key',
      create: (Key) => s3.send(new PutObjectCommand({ Bucket: 'names-bucket', Key, Body: `body of ${Key}` })),
      get: async (Key) => {
        const out = await orMissing(
          s3.send(new GetObjectCommand({ Bucket: 'names-bucket', Key })),
          'NoSuchKey',
        );
        return out?.Body?.transformToString();
      },
      list: async () =>
        ((await s3.send(new ListObjectsV2Command({ Bucket: 'names-bucket' }))).Contents ?? []).map(
          (o) => o.Key ?? '',
        ),
      remove: (Key) => s3.send(new DeleteObjectCommand({ Bucket: 'names-bucket', Key })),
    },
    {
      what: 'S3 bucket',
      // Bucket names are lower-case letters, digits, dots and hyphens (S3 bucket naming rules).
      invalid: { names: ['__proto__', 'toString', 'hasOwnProperty', 'valueOf'], code: 'InvalidBucketName' },
      // Outside us-east-1, creating a bucket you own again answers BucketAlreadyOwnedByYou.
      create: (Bucket) =>
        s3West.send(
          new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }),
        ),
      get: async (Bucket) =>
        (await orMissing(s3West.send(new HeadBucketCommand({ Bucket })), 'NotFound')) ? Bucket : undefined,
      duplicate: 'BucketAlreadyOwnedByYou',
      list: async () => ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? ''),
      remove: (Bucket) => s3West.send(new DeleteBucketCommand({ Bucket })),
    },
    {
      what: 'IAM user',
      create: (UserName) => iam.send(new CreateUserCommand({ UserName })),
      get: async (UserName) =>
        (await orMissing(iam.send(new GetUserCommand({ UserName })), 'NoSuchEntityException'))?.User
          ?.UserName,
      duplicate: 'EntityAlreadyExistsException',
      list: async () => ((await iam.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName ?? ''),
      remove: (UserName) => iam.send(new DeleteUserCommand({ UserName })),
    },
    {
      what: 'IAM role',
      create: (RoleName) => iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust })),
      get: async (RoleName) =>
        (await orMissing(iam.send(new GetRoleCommand({ RoleName })), 'NoSuchEntityException'))?.Role
          ?.RoleName,
      duplicate: 'EntityAlreadyExistsException',
      list: async () => ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName ?? ''),
      remove: (RoleName) => iam.send(new DeleteRoleCommand({ RoleName })),
    },
    {
      what: 'IAM group',
      create: (GroupName) => iam.send(new CreateGroupCommand({ GroupName })),
      get: async (GroupName) =>
        (await orMissing(iam.send(new GetGroupCommand({ GroupName })), 'NoSuchEntityException'))?.Group
          ?.GroupName,
      duplicate: 'EntityAlreadyExistsException',
      list: async () =>
        ((await iam.send(new ListGroupsCommand({}))).Groups ?? []).map((g) => g.GroupName ?? ''),
      remove: (GroupName) => iam.send(new DeleteGroupCommand({ GroupName })),
    },
    {
      what: 'IAM managed policy',
      create: (PolicyName) =>
        iam.send(new CreatePolicyCommand({ PolicyName, PolicyDocument: policy(PolicyName) })),
      get: async (name) =>
        (
          await orMissing(
            iam.send(new GetPolicyCommand({ PolicyArn: policyArn(name) })),
            'NoSuchEntityException',
          )
        )?.Policy?.PolicyName,
      duplicate: 'EntityAlreadyExistsException',
      list: async () =>
        ((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map(
          (p) => p.PolicyName ?? '',
        ),
      remove: (name) => iam.send(new DeletePolicyCommand({ PolicyArn: policyArn(name) })),
    },
    {
      what: 'IAM instance profile',
      create: (InstanceProfileName) => iam.send(new CreateInstanceProfileCommand({ InstanceProfileName })),
      get: async (InstanceProfileName) =>
        (
          await orMissing(
            iam.send(new GetInstanceProfileCommand({ InstanceProfileName })),
            'NoSuchEntityException',
          )
        )?.InstanceProfile?.InstanceProfileName,
      duplicate: 'EntityAlreadyExistsException',
      list: async () =>
        ((await iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles ?? []).map(
          (p) => p.InstanceProfileName ?? '',
        ),
      remove: (InstanceProfileName) => iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName })),
    },
    {
      what: 'IAM inline user policy',
      create: (PolicyName) =>
        iam.send(
          new PutUserPolicyCommand({
            UserName: 'names-owner',
            PolicyName,
            PolicyDocument: policy(PolicyName),
          }),
        ),
      get: async (PolicyName) =>
        (
          await orMissing(
            iam.send(new GetUserPolicyCommand({ UserName: 'names-owner', PolicyName })),
            'NoSuchEntityException',
          )
        )?.PolicyName,
      list: async () =>
        (await iam.send(new ListUserPoliciesCommand({ UserName: 'names-owner' }))).PolicyNames ?? [],
      remove: (PolicyName) => iam.send(new DeleteUserPolicyCommand({ UserName: 'names-owner', PolicyName })),
    },
    {
      what: 'CloudWatch Logs log group',
      create: (logGroupName) => logs.send(new CreateLogGroupCommand({ logGroupName })),
      get: async (name) =>
        ((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups ?? []).find(
          (g) => g.logGroupName === name,
        )?.logGroupName,
      duplicate: 'ResourceAlreadyExistsException',
      list: async () =>
        ((await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map(
          (g) => g.logGroupName ?? '',
        ),
      remove: (logGroupName) => logs.send(new DeleteLogGroupCommand({ logGroupName })),
    },
    {
      what: 'CloudWatch Logs log stream',
      create: (logStreamName) =>
        logs.send(new CreateLogStreamCommand({ logGroupName: 'names-group', logStreamName })),
      get: async (name) =>
        (
          (
            await logs.send(
              new DescribeLogStreamsCommand({ logGroupName: 'names-group', logStreamNamePrefix: name }),
            )
          ).logStreams ?? []
        ).find((s) => s.logStreamName === name)?.logStreamName,
      duplicate: 'ResourceAlreadyExistsException',
      list: async () =>
        (
          (await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'names-group' }))).logStreams ?? []
        ).map((s) => s.logStreamName ?? ''),
      remove: (logStreamName) =>
        logs.send(new DeleteLogStreamCommand({ logGroupName: 'names-group', logStreamName })),
    },
    {
      what: 'CloudWatch Logs metric filter',
      create: (filterName) =>
        logs.send(
          new PutMetricFilterCommand({
            logGroupName: 'names-group',
            filterName,
            filterPattern: 'ERROR',
            metricTransformations: [{ metricName: 'Errors', metricNamespace: 'Names', metricValue: '1' }],
          }),
        ),
      get: async (name) =>
        (
          (
            await logs.send(
              new DescribeMetricFiltersCommand({ logGroupName: 'names-group', filterNamePrefix: name }),
            )
          ).metricFilters ?? []
        ).find((f) => f.filterName === name)?.filterName,
      list: async () =>
        (
          (await logs.send(new DescribeMetricFiltersCommand({ logGroupName: 'names-group' })))
            .metricFilters ?? []
        ).map((f) => f.filterName ?? ''),
      remove: (filterName) =>
        logs.send(new DeleteMetricFilterCommand({ logGroupName: 'names-group', filterName })),
    },
    {
      what: 'SSM parameter',
      create: (Name) =>
        ssm.send(new PutParameterCommand({ Name, Value: `value of ${Name}`, Type: 'String' })),
      get: async (Name) =>
        (await orMissing(ssm.send(new GetParameterCommand({ Name })), 'ParameterNotFound'))?.Parameter?.Value,
      duplicate: 'ParameterAlreadyExists',
      list: async () =>
        ((await ssm.send(new DescribeParametersCommand({ MaxResults: 50 }))).Parameters ?? []).map(
          (p) => p.Name ?? '',
        ),
      remove: (Name) => ssm.send(new DeleteParameterCommand({ Name })),
    },
    {
      what: 'SNS topic',
      // CreateTopic is idempotent for a name that exists with the same attributes.
      create: (Name) => sns.send(new CreateTopicCommand({ Name })),
      get: async (name) =>
        (
          await orMissing(
            sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn(name) })),
            'NotFoundException',
          )
        )?.Attributes?.TopicArn,
      list: async () =>
        ((await sns.send(new ListTopicsCommand({}))).Topics ?? []).map(
          (t) => (t.TopicArn ?? '').split(':').pop() ?? '',
        ),
      remove: (name) => sns.send(new DeleteTopicCommand({ TopicArn: topicArn(name) })),
    },
    {
      what: 'KMS alias',
      create: (name) =>
        kms.send(new CreateAliasCommand({ AliasName: `alias/${name}`, TargetKeyId: fixtures.keyId })),
      get: async (name) =>
        ((await kms.send(new ListAliasesCommand({ KeyId: fixtures.keyId }))).Aliases ?? [])
          .find((a) => a.AliasName === `alias/${name}`)
          ?.AliasName?.replace(/^alias\//, ''),
      duplicate: 'AlreadyExistsException',
      list: async () =>
        ((await kms.send(new ListAliasesCommand({}))).Aliases ?? []).map((a) =>
          (a.AliasName ?? '').replace(/^alias\//, ''),
        ),
      remove: (name) => kms.send(new DeleteAliasCommand({ AliasName: `alias/${name}` })),
    },
    {
      what: 'CloudFormation stack',
      // Stack names start with a letter and hold letters, digits and hyphens.
      invalid: { names: ['__proto__'], code: 'ValidationError' },
      create: (StackName) =>
        cfn.send(
          new CreateStackCommand({
            StackName,
            TemplateBody: JSON.stringify({
              Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
            }),
          }),
        ),
      get: async (StackName) => {
        const stacks = (
          await orMissing(cfn.send(new DescribeStacksCommand({ StackName })), 'ValidationError')
        )?.Stacks;
        const stack = stacks?.[0];
        return stack && stack.StackStatus !== 'DELETE_COMPLETE' ? stack.StackName : undefined;
      },
      duplicate: 'AlreadyExistsException',
      list: async () =>
        ((await cfn.send(new ListStacksCommand({}))).StackSummaries ?? [])
          .filter((s) => s.StackStatus !== 'DELETE_COMPLETE' && s.StackStatus !== 'DELETE_IN_PROGRESS')
          .map((s) => s.StackName ?? ''),
      remove: async (StackName) => {
        await cfn.send(new DeleteStackCommand({ StackName }));
        for (let i = 0; i < 200; i++) {
          const stack = (
            await orMissing(cfn.send(new DescribeStacksCommand({ StackName })), 'ValidationError')
          )?.Stacks?.[0];
          if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return;
          await new Promise((r) => setTimeout(r, 25));
        }
      },
    },
    {
      what: 'EC2 tag key and value',
      create: (name) =>
        ec2.send(new CreateTagsCommand({ Resources: [fixtures.vpcId], Tags: [{ Key: name, Value: name }] })),
      get: async (name) =>
        ((
          await ec2.send(
            new DescribeTagsCommand({
              Filters: [
                { Name: 'resource-id', Values: [fixtures.vpcId] },
                { Name: 'key', Values: [name] },
              ],
            }),
          )
        ).Tags ?? [])[0]?.Value,
      list: async () =>
        (
          (
            await ec2.send(
              new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [fixtures.vpcId] }] }),
            )
          ).Tags ?? []
        ).map((t) => t.Key ?? ''),
      remove: (name) =>
        ec2.send(new DeleteTagsCommand({ Resources: [fixtures.vpcId], Tags: [{ Key: name }] })),
    },
    {
      what: 'EC2 security group name',
      create: async (GroupName) => {
        const out = await ec2.send(
          new CreateSecurityGroupCommand({ GroupName, Description: 'names', VpcId: fixtures.vpcId }),
        );
        groupIds.set(GroupName, out.GroupId ?? '');
      },
      get: async (name) =>
        ((
          await ec2.send(
            new DescribeSecurityGroupsCommand({
              Filters: [
                { Name: 'vpc-id', Values: [fixtures.vpcId] },
                { Name: 'group-name', Values: [name] },
              ],
            }),
          )
        ).SecurityGroups ?? [])[0]?.GroupName,
      duplicate: 'InvalidGroup.Duplicate',
      list: async () =>
        (
          (
            await ec2.send(
              new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [fixtures.vpcId] }] }),
            )
          ).SecurityGroups ?? []
        ).map((g) => g.GroupName ?? ''),
      remove: (name) => ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupIds.get(name) })),
    },
    {
      what: 'CloudTrail trail',
      // Trail names start with a letter or digit (CreateTrail's Name rules).
      invalid: { names: ['__proto__'], code: 'InvalidTrailNameException' },
      create: (Name) => ct.send(new CreateTrailCommand({ Name, S3BucketName: 'names-trail-bucket' })),
      get: async (Name) =>
        (await orMissing(ct.send(new GetTrailCommand({ Name })), 'TrailNotFoundException'))?.Trail?.Name,
      duplicate: 'TrailAlreadyExistsException',
      list: async () => ((await ct.send(new ListTrailsCommand({}))).Trails ?? []).map((t) => t.Name ?? ''),
      remove: (Name) => ct.send(new DeleteTrailCommand({ Name })),
    },
    {
      what: 'CloudWatch alarm',
      // PutMetricAlarm creates or updates.
      create: (AlarmName) =>
        cw.send(
          new PutMetricAlarmCommand({
            AlarmName,
            Namespace: 'Names',
            MetricName: 'Errors',
            Statistic: 'Sum',
            Period: 60,
            EvaluationPeriods: 1,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          }),
        ),
      get: async (name) =>
        ((await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms ?? [])[0]?.AlarmName,
      list: async () =>
        ((await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms ?? []).map((a) => a.AlarmName ?? ''),
      remove: (name) => cw.send(new DeleteAlarmsCommand({ AlarmNames: [name] })),
    },
  ];
}

/** What a row's get answers for a name it created: the name itself, or the value stored with it. */
function expected(row: Row, name: string): string {
  if (row.what === 'S3 object key') return `body of ${name}`;
  if (row.what === 'SSM parameter') return `value of ${name}`;
  if (row.what === 'SNS topic') return `arn:aws:sns:us-east-1:123456789012:${name}`;
  return name;
}

describe('range: names that are JavaScript object properties', function () {
  this.timeout(120_000);
  let range: TestRange;
  let table: Row[] = [];

  before(async () => {
    range = await startTestRange();
    const cfg = range.clientConfig();
    const s3 = new S3Client(cfg);
    await s3.send(new CreateBucketCommand({ Bucket: 'names-bucket' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'names-trail-bucket' }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'names-trail-bucket',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:GetBucketAcl',
              Resource: 'arn:aws:s3:::names-trail-bucket',
            },
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::names-trail-bucket/AWSLogs/${range.accountId}/*`,
              Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
            },
          ],
        }),
      }),
    );
    await new IAMClient(cfg).send(new CreateUserCommand({ UserName: 'names-owner' }));
    await new CloudWatchLogsClient(cfg).send(new CreateLogGroupCommand({ logGroupName: 'names-group' }));
    const vpc = await new EC2Client(cfg).send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    const key = await new KMSClient(cfg).send(new CreateKeyCommand({}));
    table = rows(range, { vpcId: vpc.Vpc?.VpcId ?? '', keyId: key.KeyMetadata?.KeyId ?? '' });
  });
  after(async () => range.stop());

  it('creates, reads, lists and deletes every kind of named resource under each name, with no 500', async () => {
    const problems: string[] = [];
    for (const row of table) {
      for (const name of NAMES) {
        const at = `${row.what} '${name}'`;
        try {
          if (row.invalid?.names.includes(name)) {
            const err = await failure(row.create(name));
            if (err.name !== row.invalid.code)
              problems.push(`${at}: create failed with ${err.name}, not ${row.invalid.code}`);
            continue;
          }
          const before = await row.get(name);
          if (before !== undefined) problems.push(`${at}: found before it was created (${before})`);
          await row.create(name);
          const got = await row.get(name);
          if (got !== expected(row, name)) problems.push(`${at}: get answered ${got}`);
          if (row.duplicate) {
            const err = await failure(row.create(name));
            if (err.name !== row.duplicate) problems.push(`${at}: second create failed with ${err.name}`);
          } else {
            await row.create(name);
          }
          if (!(await row.list()).includes(name)) problems.push(`${at}: not listed`);
          await row.remove(name);
          const after = await row.get(name);
          if (after !== undefined) problems.push(`${at}: still there after delete (${after})`);
          if ((await row.list()).includes(name)) problems.push(`${at}: still listed after delete`);
        } catch (err) {
          problems.push(`${at}: ${(err as Error).name}: ${(err as Error).message}`);
        }
      }
    }
    expect(problems).to.deep.equal([]);
    await expectIntact(range);
  });

  it('answers operations named like JavaScript properties as unknown operations, in each protocol', async () => {
    for (const name of NAMES) {
      // JSON (CloudWatch Logs): the operation is the X-Amz-Target header.
      const logs = new CloudWatchLogsClient(range.clientConfig());
      rewrite(logs, (req) => {
        req.headers['x-amz-target'] = `Logs_20140328.${name}`;
      });
      const json = await failure(logs.send(new DescribeLogGroupsCommand({})));
      expect([json.name, json.$metadata.httpStatusCode], name).to.deep.equal([
        'UnknownOperationException',
        400,
      ]);
      // Query (IAM): the operation is the Action parameter.
      const iam = new IAMClient(range.clientConfig());
      rewrite(iam, (req) => replaceBody(req, `Action=${name}&Version=2010-05-08`));
      const query = await failure(iam.send(new ListUsersCommand({})));
      expect([query.name, query.$metadata.httpStatusCode], name).to.deep.equal(['InvalidAction', 400]);
    }
    await expectIntact(range);
  });

  it('keeps map entries named like JavaScript properties (S3 user metadata, through the AWS CLI)', async () => {
    // Written by hand: a `__proto__` key in an object literal would set the prototype, not a key.
    // Metadata names travel as headers, which are lower case.
    const text = '{"__proto__":"p","constructor":"c","tostring":"t"}';
    await range.aws(['s3api', 'put-object', '--bucket', 'names-bucket', '--key', 'meta', '--metadata', text]);
    const head = (await range.aws(['s3api', 'head-object', '--bucket', 'names-bucket', '--key', 'meta'])) as {
      Metadata: Record<string, string>;
    };
    expect(Object.entries(head.Metadata).sort()).to.deep.equal([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['tostring', 't'],
    ]);
    await expectIntact(range);
  });

  it('still answers, with the data stored before the sweep intact', async () => {
    await expectIntact(range);
  });
});

describe('range: names that are JavaScript object properties, after a restart with --state-dir', function () {
  this.timeout(60_000);

  it('reads the names back as ordinary names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-names-'));
    try {
      const first = await startTestRange({ stateDir: dir });
      const iam = new IAMClient(first.clientConfig());
      await iam.send(new CreateUserCommand({ UserName: '__proto__' }));
      const s3 = new S3Client(first.clientConfig());
      await s3.send(new CreateBucketCommand({ Bucket: 'names-bucket' }));
      await s3.send(new PutObjectCommand({ Bucket: 'names-bucket', Key: '__proto__', Body: 'kept' }));
      await first.stop();

      const second = await startTestRange({ stateDir: dir });
      try {
        const iam2 = new IAMClient(second.clientConfig());
        // A name stored before the restart is found; one never created is not, and can be created.
        expect((await iam2.send(new GetUserCommand({ UserName: '__proto__' }))).User?.UserName).to.equal(
          '__proto__',
        );
        expect((await failure(iam2.send(new GetUserCommand({ UserName: 'constructor' })))).name).to.equal(
          'NoSuchEntityException',
        );
        await iam2.send(new CreateUserCommand({ UserName: 'constructor' }));
        const users = ((await iam2.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName);
        expect(users).to.include.members(['constructor', '__proto__']);
        const got = await new S3Client(second.clientConfig()).send(
          new GetObjectCommand({ Bucket: 'names-bucket', Key: '__proto__' }),
        );
        expect(await got.Body?.transformToString()).to.equal('kept');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function expectIntact(range: TestRange): Promise<void> {
  const s3 = new S3Client(range.clientConfig());
  const listed = await s3.send(new ListBucketsCommand({}));
  expect((listed.Buckets ?? []).map((b) => b.Name)).to.include.members([
    'names-bucket',
    'names-trail-bucket',
  ]);
  const user = await new IAMClient(range.clientConfig()).send(
    new GetUserCommand({ UserName: 'names-owner' }),
  );
  expect(user.User?.UserName).to.equal('names-owner');
  const groups = await new CloudWatchLogsClient(range.clientConfig()).send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: 'names-group' }),
  );
  expect(groups.logGroups?.map((g) => g.logGroupName)).to.deep.equal(['names-group']);
}
