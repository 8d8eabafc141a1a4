import { expect } from 'chai';
import {
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { failure, startTestRange, type TestRange } from './harness.js';

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
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
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

describe('range: CloudTrail trails', function () {
  this.timeout(60_000);
  let range: TestRange;
  /** The AWS CLI against the range: the words of `command`, then further arguments as they are. */
  const aws = (command: string, ...args: string[]) => range.aws([...command.split(' '), ...args]);
  const awsFails = (command: string, ...args: string[]) => range.awsFails([...command.split(' '), ...args]);
  let ct: CloudTrailClient;
  let west: CloudTrailClient;
  let account: string;
  let groupArn: string;
  let roleArn: string;
  const arnOf = (name: string, region = 'us-east-1') =>
    `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;

  before(async () => {
    range = await startTestRange();
    account = range.accountId;
    ct = new CloudTrailClient(range.clientConfig());
    west = new CloudTrailClient(range.clientConfig({ region: 'us-west-2' }));
    const s3 = new S3Client(range.clientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: 'trail-bucket' }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'trail-bucket',
        Policy: trailBucketPolicy('trail-bucket', account),
      }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: 'no-policy-bucket' }));
    await new CloudWatchLogsClient(range.clientConfig()).send(
      new CreateLogGroupCommand({ logGroupName: 'CloudTrail/main' }),
    );
    groupArn = `arn:aws:logs:us-east-1:${account}:log-group:CloudTrail/main:*`;
    const role = await new IAMClient(range.clientConfig()).send(
      new CreateRoleCommand({ RoleName: 'CloudTrailToLogs', AssumeRolePolicyDocument: trustCloudTrail }),
    );
    roleArn = role.Role?.Arn as string;
  });
  after(() => range.stop());

  it('creates trails that do not log yet, with the SDK and the CLI, and records CreateTrail', async () => {
    const out = await ct.send(
      new CreateTrailCommand({
        Name: 'main',
        S3BucketName: 'trail-bucket',
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
        CloudWatchLogsLogGroupArn: groupArn,
        CloudWatchLogsRoleArn: roleArn,
        TagsList: [{ Key: 'owner', Value: 'sec' }],
      }),
    );
    expect(out).to.deep.include({
      Name: 'main',
      S3BucketName: 'trail-bucket',
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: true,
      TrailARN: arnOf('main'),
      LogFileValidationEnabled: true,
      CloudWatchLogsLogGroupArn: groupArn,
      CloudWatchLogsRoleArn: roleArn,
      IsOrganizationTrail: false,
    });
    const cli = (await aws('cloudtrail create-trail --name local --s3-bucket-name trail-bucket')) as Record<
      string,
      unknown
    >;
    expect(cli).to.deep.include({
      Name: 'local',
      IsMultiRegionTrail: false,
      IncludeGlobalServiceEvents: true,
      LogFileValidationEnabled: false,
    });
    expect((await ct.send(new GetTrailStatusCommand({ Name: 'main' }))).IsLogging).to.equal(false);
    const event = range.events('CreateTrail')[0];
    expect(event?.requestParameters).to.deep.include({
      name: 'main',
      s3BucketName: 'trail-bucket',
      isMultiRegionTrail: true,
    });
    expect(event?.responseElements).to.deep.include({ trailARN: arnOf('main') });
    expect(event?.readOnly).to.equal(false);
  });

  it('refuses duplicate names, bad names, missing buckets and insufficient bucket policies', async () => {
    const dup = await failure(
      ct.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-bucket' })),
    );
    expect([dup.name, dup.message]).to.deep.equal([
      'TrailAlreadyExistsException',
      `Trail main already exists for customer: ${account}`,
    ]);
    // The multi-region trail's shadow holds its name in every region.
    const shadowDup = await failure(
      west.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-bucket' })),
    );
    expect(shadowDup.name).to.equal('TrailAlreadyExistsException');
    const short = await awsFails('cloudtrail create-trail --name ab --s3-bucket-name trail-bucket');
    expect(short.stderr).to.contain('InvalidTrailNameException').and.contain('Trail name too short');
    for (const name of ['bad name', '-dash', 'a--b', '10.0.0.1']) {
      expect(
        (await failure(ct.send(new CreateTrailCommand({ Name: name, S3BucketName: 'trail-bucket' })))).name,
        name,
      ).to.equal('InvalidTrailNameException');
    }
    const noBucket = await failure(
      ct.send(new CreateTrailCommand({ Name: 'x-trail', S3BucketName: 'no-such-bucket' })),
    );
    expect([noBucket.name, noBucket.message]).to.deep.equal([
      'S3BucketDoesNotExistException',
      'S3 bucket no-such-bucket does not exist.',
    ]);
    const policy = await awsFails('cloudtrail create-trail --name x-trail --s3-bucket-name no-policy-bucket');
    expect(policy.stderr).to.contain('InsufficientS3BucketPolicyException').and.contain('no-policy-bucket');
    const combo = await failure(
      ct.send(
        new CreateTrailCommand({
          Name: 'x-trail',
          S3BucketName: 'trail-bucket',
          IsMultiRegionTrail: true,
          IncludeGlobalServiceEvents: false,
        }),
      ),
    );
    expect([combo.name, combo.message]).to.deep.equal([
      'InvalidParameterCombinationException',
      'Multi-Region trail must include global service events.',
    ]);
    expect(range.events('CreateTrail').filter((e) => e.errorCode).length).to.be.greaterThanOrEqual(8);
  });

  it('needs both or neither CloudWatch Logs ARNs, an existing log group and an existing role', async () => {
    const base = { Name: 'x-trail', S3BucketName: 'trail-bucket' };
    const groupOnly = await failure(
      ct.send(new CreateTrailCommand({ ...base, CloudWatchLogsLogGroupArn: groupArn })),
    );
    expect(groupOnly.name).to.equal('InvalidCloudWatchLogsRoleArnException');
    const roleOnly = await failure(
      ct.send(new CreateTrailCommand({ ...base, CloudWatchLogsRoleArn: roleArn })),
    );
    expect(roleOnly.name).to.equal('InvalidCloudWatchLogsLogGroupArnException');
    const noGroup = await failure(
      ct.send(
        new CreateTrailCommand({
          ...base,
          CloudWatchLogsLogGroupArn: groupArn.replace('main', 'nope'),
          CloudWatchLogsRoleArn: roleArn,
        }),
      ),
    );
    expect(noGroup.name).to.equal('InvalidCloudWatchLogsLogGroupArnException');
    const noRole = await awsFails(
      'cloudtrail create-trail --name x-trail --s3-bucket-name trail-bucket --cloud-watch-logs-log-group-arn',
      groupArn,
      '--cloud-watch-logs-role-arn',
      `arn:aws:iam::${account}:role/nope`,
    );
    expect(noRole.stderr).to.contain('InvalidCloudWatchLogsRoleArnException');
  });

  it('shows multi-region trails as shadow trails in other regions, and lists every trail', async () => {
    const west1 = await west.send(new DescribeTrailsCommand({}));
    expect(west1.trailList?.map((t) => [t.Name, t.HomeRegion])).to.deep.equal([['main', 'us-east-1']]);
    expect(
      (await west.send(new DescribeTrailsCommand({ includeShadowTrails: false }))).trailList,
    ).to.deep.equal([]);
    const east = (await aws('cloudtrail describe-trails')) as {
      trailList: Array<Record<string, unknown>>;
    };
    expect(east.trailList.map((t) => t.Name)).to.deep.equal(['local', 'main']);
    expect(east.trailList[1]).to.deep.include({
      HasCustomEventSelectors: false,
      HasInsightSelectors: false,
      HomeRegion: 'us-east-1',
    });
    const named = await ct.send(
      new DescribeTrailsCommand({ trailNameList: ['main', 'unknown-trail', arnOf('local')] }),
    );
    expect(named.trailList?.map((t) => t.Name)).to.deep.equal(['local', 'main']);
    // A name means a trail of the caller's region; a shadow needs its ARN.
    const byName = await failure(west.send(new GetTrailCommand({ Name: 'main' })));
    expect([byName.name, byName.message]).to.deep.equal([
      'TrailNotFoundException',
      `Unknown trail: ${arnOf('main', 'us-west-2')} for the user: ${account}`,
    ]);
    expect((await west.send(new GetTrailCommand({ Name: arnOf('main') }))).Trail?.HomeRegion).to.equal(
      'us-east-1',
    );
    const badArn = await failure(
      ct.send(new GetTrailCommand({ Name: 'arn:aws:cloudtrail:us-east-1:123:nope' })),
    );
    expect(badArn.name).to.equal('CloudTrailARNInvalidException');
    const list = (await aws('cloudtrail list-trails')) as {
      Trails: Array<Record<string, string>>;
    };
    expect(list.Trails).to.deep.equal([
      { TrailARN: arnOf('local'), Name: 'local', HomeRegion: 'us-east-1' },
      { TrailARN: arnOf('main'), Name: 'main', HomeRegion: 'us-east-1' },
    ]);
    expect((await west.send(new ListTrailsCommand({}))).Trails).to.have.length(2);
  });

  it('updates trails from their home region only', async () => {
    const key = await new KMSClient(range.clientConfig()).send(new CreateKeyCommand({}));
    const out = await ct.send(
      new UpdateTrailCommand({
        Name: 'local',
        KmsKeyId: key.KeyMetadata?.KeyId,
        EnableLogFileValidation: true,
      }),
    );
    expect(out).to.deep.include({ KmsKeyId: key.KeyMetadata?.Arn, LogFileValidationEnabled: true });
    // The bucket policy lets CloudTrail write under AWSLogs/ only, not under another prefix.
    const prefix = await failure(ct.send(new UpdateTrailCommand({ Name: 'local', S3KeyPrefix: 'logs' })));
    expect(prefix.name).to.equal('InsufficientS3BucketPolicyException');
    const noKey = await failure(
      ct.send(new UpdateTrailCommand({ Name: 'local', KmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' })),
    );
    expect(noKey.name).to.equal('KmsKeyNotFoundException');
    const cli = (await aws('cloudtrail update-trail --name local --is-multi-region-trail')) as Record<
      string,
      unknown
    >;
    expect(cli.IsMultiRegionTrail).to.equal(true);
    expect((await west.send(new DescribeTrailsCommand({}))).trailList?.map((t) => t.Name)).to.deep.equal([
      'local',
      'main',
    ]);
    await ct.send(new UpdateTrailCommand({ Name: 'local', IsMultiRegionTrail: false }));
    const away = await failure(
      west.send(new UpdateTrailCommand({ Name: arnOf('main'), EnableLogFileValidation: false })),
    );
    expect(away.name).to.equal('InvalidHomeRegionException');
    const off = await ct.send(
      new UpdateTrailCommand({ Name: 'main', CloudWatchLogsLogGroupArn: '', CloudWatchLogsRoleArn: '' }),
    );
    expect(off.CloudWatchLogsLogGroupArn).to.equal(undefined);
    await ct.send(
      new UpdateTrailCommand({
        Name: 'main',
        CloudWatchLogsLogGroupArn: groupArn,
        CloudWatchLogsRoleArn: roleArn,
      }),
    );
    const missing = await failure(
      ct.send(new UpdateTrailCommand({ Name: 'nope-trail', EnableLogFileValidation: true })),
    );
    expect(missing.message).to.equal(`Unknown trail: ${arnOf('nope-trail')} for the user: ${account}`);
    expect(range.events('UpdateTrail').length).to.be.greaterThanOrEqual(6);
  });

  it('starts and stops logging, and reports it in GetTrailStatus', async () => {
    await ct.send(new StartLoggingCommand({ Name: 'main' }));
    const on = (await aws('cloudtrail get-trail-status --name main')) as Record<string, unknown>;
    expect(on.IsLogging).to.equal(true);
    expect(on.StartLoggingTime).to.be.a('number');
    expect(on.TimeLoggingStarted).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await aws('cloudtrail stop-logging --name', arnOf('main'));
    const off = await ct.send(new GetTrailStatusCommand({ Name: 'main' }));
    expect(off.IsLogging).to.equal(false);
    expect(off.StopLoggingTime).to.be.instanceOf(Date);
    const shadow = await failure(west.send(new StartLoggingCommand({ Name: arnOf('main') })));
    expect(shadow.name).to.equal('InvalidHomeRegionException');
    const none = await awsFails('cloudtrail start-logging --name nope-trail');
    expect(none.stderr).to.contain('TrailNotFoundException');
    expect(range.events('StopLogging').map((e) => e.requestParameters?.name)).to.deep.equal([arnOf('main')]);
  });

  it('deletes trails, and their shadows with them', async () => {
    const shadow = await failure(west.send(new DeleteTrailCommand({ Name: arnOf('main') })));
    expect(shadow.name).to.equal('InvalidHomeRegionException');
    await aws('cloudtrail delete-trail --name main');
    expect((await west.send(new DescribeTrailsCommand({}))).trailList).to.deep.equal([]);
    const gone = await failure(ct.send(new GetTrailCommand({ Name: 'main' })));
    expect(gone.name).to.equal('TrailNotFoundException');
    expect(range.events('DeleteTrail').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'InvalidHomeRegionException',
      'ok',
    ]);
  });
});
