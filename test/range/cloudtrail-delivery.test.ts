import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudTrailClient,
  CreateTrailCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startTestRange, type TestRange } from './harness.js';

/** The bucket policy CloudTrail needs (as the console writes it). */
function trailBucketPolicy(bucket: string, accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: `arn:aws:s3:::${bucket}`,
      },
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/AWSLogs/${accountId}/*`,
      },
    ],
  });
}

const trustCloudTrail = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

interface CliFiltered {
  events: Array<{ logStreamName: string; message: string }>;
}

describe('range: CloudTrail delivery, the responder path with the AWS CLI only', function () {
  this.timeout(120_000);
  let range: TestRange;
  /** The AWS CLI against the range: the words of `command`, then further arguments as they are. */
  const aws = (command: string, ...args: string[]) => range.aws([...command.split(' '), ...args]);
  let account: string;
  const group = 'CloudTrail/DefaultLogGroup';
  const filter = (pattern: string) =>
    aws(
      'logs filter-log-events --log-group-name',
      group,
      '--filter-pattern',
      pattern,
    ) as Promise<CliFiltered>;
  const lookup = (name: string) =>
    aws(
      'cloudtrail lookup-events --lookup-attributes',
      `AttributeKey=EventName,AttributeValue=${name}`,
    ) as Promise<{
      Events: Array<{ EventName: string; CloudTrailEvent: string }>;
    }>;

  before(async () => {
    range = await startTestRange();
    account = range.accountId;
  });
  after(() => range.stop());

  it('sets up a logging trail that delivers to CloudWatch Logs', async () => {
    await aws('s3api create-bucket --bucket org-trail-logs');
    await aws(
      's3api put-bucket-policy --bucket org-trail-logs --policy',
      trailBucketPolicy('org-trail-logs', account),
    );
    await aws('logs create-log-group --log-group-name', group);
    const role = (await aws(
      'iam create-role --role-name CloudTrail_CloudWatchLogs_Role --assume-role-policy-document',
      trustCloudTrail,
    )) as { Role: { Arn: string } };
    await aws(
      'cloudtrail create-trail --name management-events --s3-bucket-name org-trail-logs --is-multi-region-trail --cloud-watch-logs-log-group-arn',
      `arn:aws:logs:us-east-1:${account}:log-group:${group}:*`,
      '--cloud-watch-logs-role-arn',
      role.Role.Arn,
    );
    // Nothing is delivered before StartLogging.
    expect((await filter('')).events).to.deep.equal([]);
    await aws('cloudtrail start-logging --name management-events');
  });

  it('finds an SSH opening with lookup-events and with a JSON filter pattern on the log group', async () => {
    const vpc = (await aws('ec2 create-vpc --cidr-block 10.0.0.0/16')) as {
      Vpc: { VpcId: string };
    };
    const sg = (await aws(
      'ec2 create-security-group --group-name web --description',
      'web tier',
      '--vpc-id',
      vpc.Vpc.VpcId,
    )) as { GroupId: string };
    await aws(
      'ec2 authorize-security-group-ingress --group-id',
      sg.GroupId,
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--cidr',
      '0.0.0.0/0',
    );

    const history = await lookup('AuthorizeSecurityGroupIngress');
    expect(history.Events).to.have.length(1);
    expect(JSON.parse(history.Events[0]?.CloudTrailEvent as string).requestParameters.groupId).to.equal(
      sg.GroupId,
    );

    const found = await filter(
      `{ ($.eventName = AuthorizeSecurityGroupIngress) && ($.requestParameters.groupId = "${sg.GroupId}") }`,
    );
    expect(found.events).to.have.length(1);
    expect(found.events[0]?.logStreamName).to.equal(`${account}_CloudTrail_us-east-1`);
    const record = JSON.parse(found.events[0]?.message as string) as Record<string, unknown>;
    expect(record).to.deep.include({
      eventName: 'AuthorizeSecurityGroupIngress',
      eventSource: 'ec2.amazonaws.com',
      awsRegion: 'us-east-1',
    });
    expect(record.eventID).to.equal(JSON.parse(history.Events[0]?.CloudTrailEvent as string).eventID);

    await aws(
      'ec2 revoke-security-group-ingress --group-id',
      sg.GroupId,
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--cidr',
      '0.0.0.0/0',
    );
    const both = await filter('{ $.eventName = "*SecurityGroupIngress" }');
    expect(both.events.map((e) => JSON.parse(e.message).eventName)).to.deep.equal([
      'AuthorizeSecurityGroupIngress',
      'RevokeSecurityGroupIngress',
    ]);
  });

  it('stops delivering after stop-logging (the StopLogging event itself still arrives), while lookup-events keeps recording', async () => {
    await aws('cloudtrail stop-logging --name management-events');
    await aws('iam create-user --user-name after-stop');
    expect((await lookup('CreateUser')).Events).to.have.length(1);
    expect((await filter('{ $.eventName = CreateUser }')).events).to.deep.equal([]);
    const stop = await filter(
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
    );
    expect(stop.events.map((e) => JSON.parse(e.message).eventName)).to.deep.equal([
      'StartLogging',
      'StopLogging',
    ]);
    const status = (await aws('cloudtrail get-trail-status --name management-events')) as Record<
      string,
      unknown
    >;
    expect(status.IsLogging).to.equal(false);
    expect(status.LatestCloudWatchLogsDeliveryTime).to.be.a('number');
    expect(status.LatestCloudWatchLogsDeliveryError).to.equal(undefined);

    await aws('cloudtrail start-logging --name management-events');
    await aws('iam create-user --user-name after-start');
    const users = await filter('{ $.eventName = CreateUser }');
    expect(users.events.map((e) => JSON.parse(e.message).requestParameters.userName)).to.deep.equal([
      'after-start',
    ]);
  });
});

describe('range: CloudTrail delivery rules', function () {
  this.timeout(120_000);
  let range: TestRange;
  let ct: CloudTrailClient;
  let logs: CloudWatchLogsClient;
  let roleArn: string;
  const delivered = async (groupName: string): Promise<string[]> => {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: groupName }));
    return (out.events ?? []).map((e) => JSON.parse(e.message as string).eventName as string);
  };
  const trail = async (name: string, over: Record<string, unknown> = {}) => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    await ct.send(
      new CreateTrailCommand({
        Name: name,
        S3BucketName: 'rules-bucket',
        CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${range.accountId}:log-group:${name}`,
        CloudWatchLogsRoleArn: roleArn,
        ...over,
      }),
    );
  };

  before(async () => {
    range = await startTestRange();
    ct = new CloudTrailClient(range.clientConfig());
    logs = new CloudWatchLogsClient(range.clientConfig());
    const s3 = new S3Client(range.clientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: 'rules-bucket' }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'rules-bucket',
        Policy: trailBucketPolicy('rules-bucket', range.accountId),
      }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: 'data-bucket' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'other-bucket' }));
    const role = await new IAMClient(range.clientConfig()).send(
      new CreateRoleCommand({ RoleName: 'ToLogs', AssumeRolePolicyDocument: trustCloudTrail }),
    );
    roleArn = role.Role?.Arn as string;

    await trail('writes');
    await ct.send(
      new PutEventSelectorsCommand({
        TrailName: 'writes',
        EventSelectors: [
          { ReadWriteType: 'WriteOnly', ExcludeManagementEventSources: ['kms.amazonaws.com'] },
        ],
      }),
    );
    await trail('objects');
    await ct.send(
      new PutEventSelectorsCommand({
        TrailName: 'objects',
        EventSelectors: [
          {
            IncludeManagementEvents: false,
            DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data-bucket/'] }],
          },
        ],
      }),
    );
    await trail('advanced');
    await ct.send(
      new PutEventSelectorsCommand({
        TrailName: 'advanced',
        AdvancedEventSelectors: [
          {
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Management'] },
              { Field: 'eventName', Equals: ['CreateUser'] },
            ],
          },
        ],
      }),
    );
    await trail('regional', { IncludeGlobalServiceEvents: false });
    await trail('everywhere', { IsMultiRegionTrail: true });
    for (const name of ['writes', 'objects', 'advanced', 'regional', 'everywhere'])
      await ct.send(new StartLoggingCommand({ Name: name }));

    await logs.send(new DescribeLogGroupsCommand({}));
    await new IAMClient(range.clientConfig()).send(new CreateUserCommand({ UserName: 'carol' }));
    await new KMSClient(range.clientConfig()).send(new CreateKeyCommand({}));
    await s3.send(new PutObjectCommand({ Bucket: 'data-bucket', Key: 'secrets/a.txt', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: 'other-bucket', Key: 'b.txt', Body: 'b' }));
    await new CloudWatchLogsClient(range.clientConfig({ region: 'us-west-2' })).send(
      new CreateLogGroupCommand({ logGroupName: 'west-group' }),
    );
  });
  after(() => range.stop());

  it('delivers write events only to a WriteOnly trail, without excluded sources', async () => {
    const names = await delivered('writes');
    expect(names).to.include.members(['CreateUser', 'StartLogging']);
    expect(names).not.to.include.members(['DescribeLogGroups']);
    expect(names).not.to.include('CreateKey');
    expect(names).not.to.include('PutObject');
  });

  it('delivers S3 object-level data events only for the selected bucket prefix', async () => {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: 'objects' }));
    const records = (out.events ?? []).map((e) => JSON.parse(e.message as string) as Record<string, unknown>);
    expect(records.map((r) => r.eventName)).to.deep.equal(['PutObject']);
    expect(records[0]).to.deep.include({ managementEvent: false, eventCategory: 'Data' });
    expect((records[0]?.requestParameters as Record<string, unknown>).bucketName).to.equal('data-bucket');
  });

  it('applies advanced event selectors field by field', async () => {
    expect(await delivered('advanced')).to.deep.equal(['CreateUser']);
  });

  it('delivers global service events only to trails that include them, and other regions only to multi-region trails', async () => {
    const regional = await delivered('regional');
    expect(regional).to.include('CreateKey').and.not.include('CreateUser');
    expect(regional).not.to.include('PutObject');
    const everywhere = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: 'everywhere',
        filterPattern: '{ $.eventName = CreateLogGroup || $.eventName = CreateUser }',
      }),
    );
    expect(
      everywhere.events?.map((e) => [e.logStreamName, JSON.parse(e.message as string).eventName]),
    ).to.deep.equal([
      [`${range.accountId}_CloudTrail_us-east-1`, 'CreateUser'],
      [`${range.accountId}_CloudTrail_us-west-2`, 'CreateLogGroup'],
    ]);
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'everywhere' }));
    expect(streams.logStreams?.map((s) => s.logStreamName)).to.deep.equal([
      `${range.accountId}_CloudTrail_us-east-1`,
      `${range.accountId}_CloudTrail_us-west-2`,
    ]);
    expect(await delivered('writes')).not.to.include('CreateLogGroup');
  });

  it('reports a delivery error in GetTrailStatus when the log group is gone', async () => {
    await logs.send(new DeleteLogGroupCommand({ logGroupName: 'regional' }));
    await new KMSClient(range.clientConfig()).send(new CreateKeyCommand({}));
    const status = await ct.send(new GetTrailStatusCommand({ Name: 'regional' }));
    expect(status.LatestCloudWatchLogsDeliveryError).to.equal('ResourceNotFoundException');
    expect(status.LatestDeliveryTime).to.be.instanceOf(Date);
  });
});

describe('range: CloudTrail delivery after a restart with a state directory', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'sirs-range-trail-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the trail logging and its log group, and goes on delivering', async () => {
    const first = await startTestRange({ stateDir: dir });
    const config = first.clientConfig();
    const s3 = new S3Client(config);
    await s3.send(new CreateBucketCommand({ Bucket: 'kept-bucket' }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'kept-bucket',
        Policy: trailBucketPolicy('kept-bucket', first.accountId),
      }),
    );
    await new CloudWatchLogsClient(config).send(new CreateLogGroupCommand({ logGroupName: 'kept' }));
    const role = await new IAMClient(config).send(
      new CreateRoleCommand({ RoleName: 'Kept', AssumeRolePolicyDocument: trustCloudTrail }),
    );
    const ct = new CloudTrailClient(config);
    await ct.send(
      new CreateTrailCommand({
        Name: 'kept',
        S3BucketName: 'kept-bucket',
        CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${first.accountId}:log-group:kept:*`,
        CloudWatchLogsRoleArn: role.Role?.Arn,
      }),
    );
    await ct.send(new StartLoggingCommand({ Name: 'kept' }));
    await first.stop();

    const second = await startTestRange({ stateDir: dir });
    try {
      const logs = new CloudWatchLogsClient(second.clientConfig());
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'after-restart' }));
      const status = await new CloudTrailClient(second.clientConfig()).send(
        new GetTrailStatusCommand({ Name: 'kept' }),
      );
      expect(status.IsLogging).to.equal(true);
      expect(status.StartLoggingTime).to.be.instanceOf(Date);
      const out = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: 'kept',
          filterPattern: '{ $.eventSource = logs.amazonaws.com }',
        }),
      );
      expect(
        out.events?.map((e) => JSON.parse(e.message as string).requestParameters.logGroupName),
      ).to.deep.equal(['after-restart']);
    } finally {
      await second.stop();
    }
  });
});
