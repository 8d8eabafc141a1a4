import { expect } from 'chai';
import {
  CloudTrailClient,
  CreateTrailCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import type { MalformedQueryException } from '@aws-sdk/client-cloudwatch-logs';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeQueriesCommand,
  GetLogRecordCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
  type ResultField,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { failure, startTestRange, type TestRange } from './harness.js';
import { userWith } from './users.js';

type Row = ResultField[];
const field = (row: Row | undefined, name: string) => row?.find((f) => f.field === name)?.value;

/**
 * A responder on the range queries CloudTrail delivered to CloudWatch Logs with Logs Insights, as the
 * CloudWatch Logs API reference (StartQuery, GetQueryResults, StopQuery, DescribeQueries,
 * GetLogRecord) and the "CloudWatch Logs Insights language query syntax" pages describe.
 */
describe('range: CloudWatch Logs Insights over CloudTrail', function () {
  this.timeout(60_000);
  let range: TestRange;
  let logs: CloudWatchLogsClient;
  const group = 'CloudTrail/management';
  let malloryArn: string;
  let analyst: { accessKeyId: string; secretAccessKey: string };
  const envOf = (k: { accessKeyId: string; secretAccessKey: string }) => ({
    AWS_ACCESS_KEY_ID: k.accessKeyId,
    AWS_SECRET_ACCESS_KEY: k.secretAccessKey,
  });
  const aws = (command: string, ...args: string[]) => range.aws([...command.split(' '), ...args]);
  const awsFails = (command: string, ...args: string[]) => range.awsFails([...command.split(' '), ...args]);
  const now = () => Math.floor(Date.now() / 1000);

  before(async () => {
    range = await startTestRange();
    logs = new CloudWatchLogsClient(range.clientConfig());
    const account = range.accountId;
    const s3 = new S3Client(range.clientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: 'trail-logs' }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'trail-logs',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:GetBucketAcl',
              Resource: 'arn:aws:s3:::trail-logs',
            },
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::trail-logs/AWSLogs/${account}/*`,
            },
          ],
        }),
      }),
    );
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const { Role } = await new IAMClient(range.clientConfig()).send(
      new CreateRoleCommand({
        RoleName: 'CloudTrail_CloudWatchLogs_Role',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    const trails = new CloudTrailClient(range.clientConfig());
    await trails.send(
      new CreateTrailCommand({
        Name: 'management',
        S3BucketName: 'trail-logs',
        CloudWatchLogsLogGroupArn: `arn:aws:logs:${range.region}:${account}:log-group:${group}:*`,
        CloudWatchLogsRoleArn: Role?.Arn,
      }),
    );
    await trails.send(new StartLoggingCommand({ Name: 'management' }));
    // The intruder opens SSH to the world and stops the trail.
    const m = await userWith(range, 'mallory', [
      { Effect: 'Allow', Action: ['ec2:*', 'cloudtrail:StopLogging'], Resource: '*' },
    ]);
    const mallory = m.credentials;
    malloryArn = m.arn;
    const ec2 = new EC2Client(range.clientConfig({ credentials: mallory }));
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const sg = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: Vpc?.VpcId }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: sg.GroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await new CloudTrailClient(range.clientConfig({ credentials: mallory })).send(
      new StopLoggingCommand({ Name: 'management' }),
    );
    analyst = (await userWith(range, 'analyst', [])).credentials;
  });
  after(() => range.stop());

  it('finds who stopped the trail with the SDK: fields, filter, sort, limit, @ptr and GetLogRecord', async () => {
    const queryString =
      'fields @timestamp, eventName, userIdentity.arn | filter eventSource = "cloudtrail.amazonaws.com" and eventName = "StopLogging" | sort @timestamp desc | limit 20';
    const { queryId } = await logs.send(
      new StartQueryCommand({
        logGroupName: group,
        startTime: now() - 3600,
        endTime: now() + 60,
        queryString,
      }),
    );
    const out = await logs.send(new GetQueryResultsCommand({ queryId }));
    expect(out.status).to.equal('Complete');
    expect(out.results).to.have.length(1);
    const row = out.results?.[0];
    expect(row?.map((f) => f.field)).to.deep.equal(['@timestamp', 'eventName', 'userIdentity.arn', '@ptr']);
    expect(field(row, 'eventName')).to.equal('StopLogging');
    expect(field(row, 'userIdentity.arn')).to.equal(malloryArn);
    // GetQueryResults shows times as `yyyy-MM-dd HH:mm:ss.SSS`.
    expect(field(row, '@timestamp')).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect(out.statistics?.recordsMatched).to.equal(1);
    expect(out.statistics?.recordsScanned).to.be.greaterThan(3);
    expect(out.statistics?.bytesScanned).to.be.greaterThan(1000);

    const record = await logs.send(new GetLogRecordCommand({ logRecordPointer: field(row, '@ptr') }));
    const message = JSON.parse(record.logRecord?.['@message'] as string) as { eventName: string };
    expect(message.eventName).to.equal('StopLogging');
    expect(record.logRecord?.['@log']).to.equal(`${range.accountId}:${group}`);
    expect(record.logRecord?.['userIdentity.arn']).to.equal(malloryArn);

    const started = range.events('StartQuery').at(-1);
    expect(started?.requestParameters?.queryString).to.equal(queryString);
    expect(started?.requestParameters?.logGroupName).to.equal(group);
    expect(range.events('GetQueryResults').at(-1)?.requestParameters?.queryId).to.equal(queryId);
    expect(range.events('GetLogRecord')).to.have.length(1);
  });

  /** `aws logs start-query` over the last hour, then `aws logs get-query-results`. */
  async function cliQuery(queryString: string): Promise<{ status: string; results: Row[] }> {
    const { queryId } = (await aws(
      'logs start-query --log-group-name',
      group,
      '--start-time',
      String(now() - 3600),
      '--end-time',
      String(now() + 60),
      '--query-string',
      queryString,
    )) as { queryId: string };
    return (await aws('logs get-query-results --query-id', queryId)) as { status: string; results: Row[] };
  }

  it('counts events by name and caller with aws logs start-query and get-query-results', async () => {
    const stopped = await cliQuery(
      'fields @timestamp, eventName, userIdentity.arn | filter eventSource = "cloudtrail.amazonaws.com" and eventName = "StopLogging" | sort @timestamp desc | limit 20',
    );
    expect(stopped.results.map((r) => [field(r, 'eventName'), field(r, 'userIdentity.arn')])).to.deep.equal([
      ['StopLogging', malloryArn],
    ]);
    const out = await cliQuery('stats count(*) by eventName, userIdentity.arn');
    expect(out.status).to.equal('Complete');
    const opened = out.results.find(
      (r) =>
        field(r, 'eventName') === 'AuthorizeSecurityGroupIngress' &&
        field(r, 'userIdentity.arn') === malloryArn,
    );
    expect(opened?.map((f) => f.field)).to.deep.equal(['eventName', 'userIdentity.arn', 'count(*)']);
    expect(field(opened, 'count(*)')).to.equal('1');
    // stats rows stand for many events: they have no @ptr.
    expect(out.results.every((r) => field(r, '@ptr') === undefined)).to.equal(true);

    const record = (await aws('logs get-log-record --log-record-pointer', await firstPointer())) as {
      logRecord: Record<string, string>;
    };
    expect(record.logRecord['@logStream']).to.equal(`${range.accountId}_CloudTrail_${range.region}`);
  });

  async function firstPointer(): Promise<string> {
    const { queryId } = await logs.send(
      new StartQueryCommand({
        logGroupIdentifiers: [`arn:aws:logs:${range.region}:${range.accountId}:log-group:${group}`],
        startTime: now() - 3600,
        endTime: now() + 60,
        queryString:
          'filter eventName = "AuthorizeSecurityGroupIngress" and requestParameters.ipPermissions.items.0.fromPort = 22',
      }),
    );
    const out = await logs.send(new GetQueryResultsCommand({ queryId }));
    expect(out.results).to.have.length(1);
    return field(out.results?.[0], '@ptr') as string;
  }

  it('lists queries by log group and status, and StopQuery refuses a query that already ended', async () => {
    const listed = await logs.send(new DescribeQueriesCommand({ logGroupName: group, status: 'Complete' }));
    expect(listed.queries?.length).to.be.greaterThanOrEqual(3);
    expect(listed.queries?.every((q) => q.logGroupName === group && q.status === 'Complete')).to.equal(true);
    const newest = listed.queries?.[0];
    expect(newest?.queryString).to.contain('requestParameters.ipPermissions');
    const cli = (await aws('logs describe-queries --status Cancelled')) as { queries: unknown[] };
    expect(cli.queries).to.deep.equal([]);
    const noGroup = await failure(logs.send(new DescribeQueriesCommand({ logGroupName: 'nope' })));
    expect(noGroup.name).to.equal('ResourceNotFoundException');

    const stop = await failure(logs.send(new StopQueryCommand({ queryId: newest?.queryId })));
    expect(stop.name).to.equal('InvalidParameterException');
    const unknown = await failure(logs.send(new GetQueryResultsCommand({ queryId: 'no-such-query' })));
    expect(unknown.name).to.equal('ResourceNotFoundException');
    const cliStop = await awsFails('logs stop-query --query-id no-such-query');
    expect(cliStop.stderr).to.contain('ResourceNotFoundException');
    expect(range.events('StopQuery').map((e) => e.errorCode)).to.deep.equal([
      'InvalidParameterException',
      'ResourceNotFoundException',
    ]);
  });

  it('answers the API reference errors: unknown group, malformed query, end before start, too many groups', async () => {
    const times = { startTime: now() - 60, endTime: now() };
    const missing = await failure(
      logs.send(new StartQueryCommand({ ...times, logGroupName: 'nope', queryString: 'fields @message' })),
    );
    expect(missing.name).to.equal('ResourceNotFoundException');
    expect(missing.message).to.contain("'nope'");

    const bad = (await failure(
      logs.send(
        new StartQueryCommand({ ...times, logGroupName: group, queryString: 'fields a | frobnicate b' }),
      ),
    )) as MalformedQueryException;
    expect(bad.name).to.equal('MalformedQueryException');
    expect(bad.message).to.contain('frobnicate');
    // The compile error points at the unknown command (characters 11 to 21).
    expect(bad.queryCompileError?.location).to.deep.equal({ startCharOffset: 11, endCharOffset: 21 });
    const cliBad = await awsFails(
      'logs start-query --log-group-name',
      group,
      '--start-time',
      String(times.startTime),
      '--end-time',
      String(times.endTime),
      '--query-string',
      'stats nosuch(x)',
    );
    expect(cliBad.stderr).to.contain('MalformedQueryException');
    expect(cliBad.stderr).to.contain('nosuch');

    const reversed = await failure(
      logs.send(
        new StartQueryCommand({
          startTime: times.endTime,
          endTime: times.startTime,
          logGroupName: group,
          queryString: 'fields @message',
        }),
      ),
    );
    expect(reversed.name).to.equal('InvalidParameterException');
    const many = await failure(
      logs.send(
        new StartQueryCommand({
          ...times,
          logGroupNames: Array.from({ length: 51 }, (_, i) => `g${i}`),
          queryString: 'fields @message',
        }),
      ),
    );
    expect(many.name).to.equal('InvalidParameterException');
    expect(many.message).to.contain('50');
    const both = await failure(
      logs.send(
        new StartQueryCommand({
          ...times,
          logGroupName: group,
          logGroupNames: [group],
          queryString: 'fields @message',
        }),
      ),
    );
    expect(both.name).to.equal('InvalidParameterException');
  });

  it('runs only over the time range asked for', async () => {
    const { queryId } = await logs.send(
      new StartQueryCommand({
        logGroupName: group,
        startTime: 0,
        endTime: now() - 7200,
        queryString: 'stats count(*)',
      }),
    );
    const out = await logs.send(new GetQueryResultsCommand({ queryId }));
    expect(out.results).to.deep.equal([[{ field: 'count(*)', value: '0' }]]);
    expect(out.statistics?.recordsScanned).to.equal(0);
  });

  it('denies StartQuery to a user without logs:StartQuery, and records the denial', async () => {
    const denied = await failure(
      new CloudWatchLogsClient(range.clientConfig({ credentials: analyst })).send(
        new StartQueryCommand({
          logGroupName: group,
          startTime: now() - 60,
          endTime: now(),
          queryString: 'fields @message',
        }),
      ),
    );
    expect(denied.name).to.equal('AccessDeniedException');
    expect(denied.message).to.contain('logs:StartQuery');
    const cli = await range.awsFails(['logs', 'describe-queries'], { env: envOf(analyst) });
    expect(cli.stderr).to.contain('AccessDeniedException');
    expect(
      range
        .events('StartQuery')
        .some((e) => e.errorCode === 'AccessDenied' || e.errorCode === 'AccessDeniedException'),
    ).to.equal(true);
  });
  it('authorizes StartQuery on each log group it names, in logGroupNames or as ARNs in logGroupIdentifiers', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'app/secrets' }));
    const trailOnly = (
      await userWith(range, 'trail-analyst', [
        {
          Effect: 'Allow',
          Action: 'logs:StartQuery',
          Resource: `arn:aws:logs:${range.region}:${range.accountId}:log-group:CloudTrail/*`,
        },
      ])
    ).credentials;
    const client = new CloudWatchLogsClient(range.clientConfig({ credentials: trailOnly }));
    const query = { startTime: now() - 60, endTime: now(), queryString: 'fields @message' };
    const byName = await client.send(new StartQueryCommand({ ...query, logGroupNames: [group] }));
    expect(byName.queryId).to.be.a('string');
    const arn = `arn:aws:logs:${range.region}:${range.accountId}:log-group:${group}`;
    const byArn = await client.send(new StartQueryCommand({ ...query, logGroupIdentifiers: [arn] }));
    expect(byArn.queryId).to.be.a('string');
    const denied = await failure(
      client.send(new StartQueryCommand({ ...query, logGroupNames: [group, 'app/secrets'] })),
    );
    expect(denied.name).to.equal('AccessDeniedException');
    expect(denied.message).to.contain(`log-group:app/secrets:*`);
    client.destroy();
  });
});
