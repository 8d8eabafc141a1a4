import { expect } from 'chai';
import {
  EC2Client,
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  S3Client,
  PutBucketTaggingCommand,
  GetBucketTaggingCommand,
  PutObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  HeadObjectCommand,
} from '@aws-sdk/client-s3';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { IAMClient, CreateUserCommand } from '@aws-sdk/client-iam';
import { startTestRange, type TestRange } from './harness.js';
import type { ServiceDefinition } from '../../src/range/context.js';
import { ServiceError } from '../../src/range/errors.js';
import { stsService } from '../../src/range/services/sts/index.js';
import { iamService } from '../../src/range/services/iam/index.js';
import { decodeCbor, encodeCbor } from '../../src/range/protocol/cbor.js';

/** Echo services: each handler records the input the codec parsed and answers a canned output. */
const seen: Record<string, unknown> = {};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Echo = (input: any) => unknown;
function echo(name: string, eventSource: string, outputs: Record<string, Echo>): ServiceDefinition {
  const handlers: ServiceDefinition['handlers'] = {};
  for (const [op, out] of Object.entries(outputs)) {
    handlers[op] = (_ctx, input: Parameters<Echo>[0]) => {
      seen[`${name}:${op}`] = input;
      return out(input);
    };
  }
  return { name, eventSource, handlers };
}

const created = new Date('2026-11-28T10:00:00.000Z');
const objects: Record<string, Buffer> = {};

const services: ServiceDefinition[] = [
  stsService,
  {
    ...iamService,
    ...echo('iam', 'iam.amazonaws.com', {
      CreateUser: (i: { UserName: string; Tags?: unknown[] }) => {
        if (i.UserName === 'taken')
          throw new ServiceError('EntityAlreadyExists', 'User with name taken already exists.', 409);
        return {
          User: {
            UserName: i.UserName,
            UserId: 'AIDAEXAMPLE',
            Arn: `arn:aws:iam::123456789012:user/${i.UserName}`,
            Path: '/',
            CreateDate: created,
            Tags: i.Tags,
          },
        };
      },
    }),
    seedAccount: iamService.seedAccount,
    globalEvents: true,
  },
  echo('ec2', 'ec2.amazonaws.com', {
    AuthorizeSecurityGroupIngress: () => ({
      Return: true,
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-0123456789abcdef0',
          GroupId: 'sg-1',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: '0.0.0.0/0',
        },
      ],
    }),
    DescribeSecurityGroups: () => ({
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          GroupName: 'web',
          Description: 'web tier',
          VpcId: 'vpc-1',
          OwnerId: '123456789012',
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 22,
              ToPort: 22,
              IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh <anywhere> & more' }],
              Ipv6Ranges: [],
              PrefixListIds: [],
              UserIdGroupPairs: [],
            },
          ],
          IpPermissionsEgress: [],
          Tags: [{ Key: 'sirs:exercise', Value: 'x1' }],
        },
      ],
    }),
  }),
  echo('cloudtrail', 'cloudtrail.amazonaws.com', {
    LookupEvents: () => ({
      Events: [
        {
          EventId: 'e1',
          EventName: 'StopLogging',
          EventTime: created,
          Resources: [{ ResourceType: 'AWS::CloudTrail::Trail', ResourceName: 'main' }],
          CloudTrailEvent: '{"eventName":"StopLogging"}',
        },
      ],
      NextToken: 'next',
    }),
  }),
  echo('s3', 's3.amazonaws.com', {
    PutBucketTagging: () => ({}),
    GetBucketTagging: (i: { Bucket: string }) => {
      if (i.Bucket === 'missing')
        throw new ServiceError('NoSuchBucket', 'The specified bucket does not exist', 404, {
          fields: { BucketName: 'missing' },
        });
      return {
        TagSet: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '<2>' },
        ],
      };
    },
    PutObject: (i: { Key: string; Body: Buffer }) => {
      objects[i.Key] = i.Body;
      return { ETag: '"abc"' };
    },
    GetObject: (i: { Key: string }) => ({
      Body: objects[i.Key],
      ContentLength: objects[i.Key]?.length,
      ContentType: 'text/plain',
      Metadata: { owner: 'sirs' },
      LastModified: created,
      ETag: '"abc"',
    }),
    HeadObject: (i: { Key: string }) => ({
      ContentLength: objects[i.Key]?.length ?? 0,
      ETag: '"abc"',
      LastModified: created,
    }),
    ListObjectsV2: (i: { Bucket: string; Prefix?: string }) => ({
      Name: i.Bucket,
      Prefix: i.Prefix,
      KeyCount: 2,
      MaxKeys: 1000,
      IsTruncated: false,
      Contents: [
        { Key: 'a.txt', Size: 1, LastModified: created, ETag: '"x"', StorageClass: 'STANDARD' },
        { Key: 'b/c.txt', Size: 2, LastModified: created, ETag: '"y"', StorageClass: 'STANDARD' },
      ],
    }),
  }),
  echo('monitoring', 'monitoring.amazonaws.com', {
    PutMetricAlarm: () => ({}),
    DescribeAlarms: () => ({
      MetricAlarms: [
        {
          AlarmName: 'stop-logging',
          StateValue: 'ALARM',
          StateUpdatedTimestamp: created,
          Threshold: 1,
          Dimensions: [{ Name: 'Trail', Value: 'main' }],
        },
      ],
    }),
  }),
];

describe('range: protocol codecs (echo services)', () => {
  let range: TestRange;
  before(async () => {
    range = await startTestRange({ services });
  });
  after(() => range.stop());

  describe('EC2 query protocol', () => {
    it('reads flattened lists and writes item-wrapped camelCase XML the SDK parses', async () => {
      const ec2 = new EC2Client(range.clientConfig());
      const out = await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: 'sg-1',
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 22,
              ToPort: 22,
              IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'x' }],
            },
          ],
        }),
      );
      expect(seen['ec2:AuthorizeSecurityGroupIngress']).to.deep.equal({
        GroupId: 'sg-1',
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'x' }],
          },
        ],
      });
      expect(out.Return).to.equal(true);
      expect(out.SecurityGroupRules?.[0]).to.include({
        SecurityGroupRuleId: 'sgr-0123456789abcdef0',
        FromPort: 22,
        IsEgress: false,
      });
      const d = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-1', 'sg-2'] }));
      expect(seen['ec2:DescribeSecurityGroups']).to.deep.equal({ GroupIds: ['sg-1', 'sg-2'] });
      expect(d.SecurityGroups?.[0]?.IpPermissions?.[0]?.IpRanges?.[0]?.Description).to.equal(
        'ssh <anywhere> & more',
      );
      expect(d.SecurityGroups?.[0]?.Tags).to.deep.equal([{ Key: 'sirs:exercise', Value: 'x1' }]);
    });

    it('works with the AWS CLI, and CloudTrail shows EC2-style requestParameters', async () => {
      const out = (await range.aws([
        'ec2',
        'authorize-security-group-ingress',
        '--group-id',
        'sg-9',
        '--protocol',
        'tcp',
        '--port',
        '22',
        '--cidr',
        '0.0.0.0/0',
      ])) as { Return: boolean };
      expect(out.Return).to.equal(true);
      // The CLI turns --protocol/--port/--cidr into IpPermissions.
      expect(seen['ec2:AuthorizeSecurityGroupIngress']).to.deep.equal({
        GroupId: 'sg-9',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      });
      const described = (await range.aws(['ec2', 'describe-security-groups', '--group-ids', 'sg-1'])) as {
        SecurityGroups: Array<{ GroupName: string }>;
      };
      expect(described.SecurityGroups[0]?.GroupName).to.equal('web');
      const sdkEvent = range.events('AuthorizeSecurityGroupIngress')[0];
      expect(sdkEvent?.requestParameters).to.deep.equal({
        groupId: 'sg-1',
        ipPermissions: {
          items: [
            {
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              ipRanges: { items: [{ cidrIp: '0.0.0.0/0', description: 'x' }] },
            },
          ],
        },
      });
      expect(sdkEvent?.readOnly).to.equal(false);
      expect(sdkEvent?.responseElements).to.have.property('_return', true);
    });

    it('answers an operation the range does not implement with a clear 501 naming it', async () => {
      const err = await range.awsFails(['ec2', 'describe-images']);
      expect(err.stderr).to.contain('NotImplemented').and.to.contain('ec2:DescribeImages');
    });
  });

  describe('JSON 1.1 (CloudTrail)', () => {
    it('accepts both target prefixes and writes epoch-second timestamps', async () => {
      const ct = new CloudTrailClient(range.clientConfig());
      const out = await ct.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StopLogging' }],
          StartTime: created,
          MaxResults: 5,
        }),
      );
      expect(seen['cloudtrail:LookupEvents']).to.deep.equal({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StopLogging' }],
        StartTime: created,
        MaxResults: 5,
      });
      expect(out.Events?.[0]?.EventTime?.toISOString()).to.equal(created.toISOString());
      const cli = (await range.aws(['cloudtrail', 'lookup-events', '--max-items', '1'])) as {
        Events: Array<{ EventName: string }>;
      };
      expect(cli.Events[0]?.EventName).to.equal('StopLogging');
    });

    it('rejects an unknown key with UnrecognizedClientException', async () => {
      const ct = new CloudTrailClient(
        range.clientConfig({ credentials: { accessKeyId: 'AKIANOPE000000000000', secretAccessKey: 'x' } }),
      );
      const err = await ct.send(new LookupEventsCommand({})).catch((e: Error) => e);
      expect(err).to.have.property('name', 'UnrecognizedClientException');
    });
  });

  describe('REST-XML (S3)', () => {
    it('reads XML payloads and URI labels; writes XML the SDK parses; escapes values', async () => {
      const s3 = new S3Client(range.clientConfig());
      await s3.send(
        new PutBucketTaggingCommand({
          Bucket: 'b1',
          Tagging: { TagSet: [{ Key: 'team', Value: 'blue & red' }] },
        }),
      );
      expect(seen['s3:PutBucketTagging']).to.deep.include({
        Bucket: 'b1',
        Tagging: { TagSet: [{ Key: 'team', Value: 'blue & red' }] },
      });
      const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: 'b1' }));
      expect(tags.TagSet).to.deep.equal([
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: '<2>' },
      ]);
    });

    it('moves object bodies and metadata headers both ways, with greedy keys', async () => {
      const s3 = new S3Client(range.clientConfig());
      await s3.send(
        new PutObjectCommand({
          Bucket: 'b1',
          Key: 'dir/sub/file.txt',
          Body: 'hello range',
          Metadata: { owner: 'sirs' },
        }),
      );
      expect(seen['s3:PutObject']).to.deep.include({
        Bucket: 'b1',
        Key: 'dir/sub/file.txt',
        Metadata: { owner: 'sirs' },
      });
      expect(objects['dir/sub/file.txt']?.toString()).to.equal('hello range');
      const got = await s3.send(new GetObjectCommand({ Bucket: 'b1', Key: 'dir/sub/file.txt' }));
      expect(await got.Body?.transformToString()).to.equal('hello range');
      expect(got.Metadata).to.deep.equal({ owner: 'sirs' });
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'b1', Key: 'dir/sub/file.txt' }));
      expect(head.ContentLength).to.equal(11);
      const list = await s3.send(new ListObjectsV2Command({ Bucket: 'b1', Prefix: 'b/' }));
      expect(list.Contents?.map((c) => c.Key)).to.deep.equal(['a.txt', 'b/c.txt']);
      expect(seen['s3:ListObjectsV2']).to.deep.include({ Bucket: 'b1', Prefix: 'b/' });
    });

    it('decodes aws-chunked uploads from the AWS CLI and answers S3-shaped errors', async () => {
      const put = await range.aws([
        's3api',
        'put-object',
        '--bucket',
        'b2',
        '--key',
        'cli.txt',
        '--body',
        '/etc/hostname',
      ]);
      expect(put).to.have.property('ETag');
      const { readFileSync } = await import('node:fs');
      expect(objects['cli.txt']?.toString()).to.equal(readFileSync('/etc/hostname', 'utf8'));
      const err = await range.awsFails(['s3api', 'get-bucket-tagging', '--bucket', 'missing']);
      expect(err.stderr).to.contain('NoSuchBucket');
      const s3 = new S3Client(range.clientConfig());
      const sdkErr = await s3
        .send(new GetBucketTaggingCommand({ Bucket: 'missing' }))
        .catch((e: Error & { $metadata: { httpStatusCode: number } }) => e);
      expect(sdkErr).to.have.property('name', 'NoSuchBucket');
    });

    it('serves anonymous requests (no Authorization) as S3', async () => {
      objects['pub.txt'] = Buffer.from('public!');
      const res = await fetch(`${range.endpoint}/b1/pub.txt`);
      expect(res.status).to.equal(200);
      expect(await res.text()).to.equal('public!');
    });
  });

  describe('CloudWatch: JSON 1.0 (SDK), RPC v2 CBOR (AWS CLI), query (form POST)', () => {
    it('speaks JSON 1.0 with the SDK', async () => {
      const cw = new CloudWatchClient(range.clientConfig());
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: 'a1',
          MetricName: 'StopLogging',
          Namespace: 'Sec',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Statistic: 'Sum',
        }),
      );
      expect(seen['monitoring:PutMetricAlarm']).to.deep.include({
        AlarmName: 'a1',
        Period: 60,
        Threshold: 1,
      });
      const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['stop-logging'] }));
      expect(out.MetricAlarms?.[0]?.StateUpdatedTimestamp?.toISOString()).to.equal(created.toISOString());
    });

    it('speaks CBOR with the AWS CLI', async () => {
      const out = (await range.aws(['cloudwatch', 'describe-alarms', '--alarm-names', 'stop-logging'])) as {
        MetricAlarms: Array<{ StateValue: string; Dimensions: unknown[] }>;
      };
      expect(out.MetricAlarms[0]?.StateValue).to.equal('ALARM');
      expect(seen['monitoring:DescribeAlarms']).to.deep.equal({ AlarmNames: ['stop-logging'] });
    });

    it('round-trips CBOR values', () => {
      const v = {
        a: 1,
        b: -20,
        c: 1.5,
        d: 'text',
        e: [true, false, null],
        f: Buffer.from([1, 2]),
        g: new Date(1_700_000_000_000),
        big: 2 ** 40,
      };
      const back = decodeCbor(encodeCbor(v)) as Record<string, unknown>;
      expect(back).to.deep.equal({ ...v, e: [true, false, null] });
    });
  });

  describe('query protocol (IAM)', () => {
    it('reads member lists and writes wrapped results; errors carry the AWS code and status', async () => {
      const iam = new IAMClient(range.clientConfig());
      const out = await iam.send(
        new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'k', Value: 'v' }] }),
      );
      expect(seen['iam:CreateUser']).to.deep.equal({ UserName: 'alice', Tags: [{ Key: 'k', Value: 'v' }] });
      expect(out.User?.Tags).to.deep.equal([{ Key: 'k', Value: 'v' }]);
      expect(out.User?.CreateDate?.toISOString()).to.equal(created.toISOString());
      const err = await iam
        .send(new CreateUserCommand({ UserName: 'taken' }))
        .catch((e: Error & { $metadata: { httpStatusCode: number } }) => e);
      // The SDK names the error after the modelled exception for the code EntityAlreadyExists.
      expect(err).to.have.property('name', 'EntityAlreadyExistsException');
      expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).to.equal(409);
      const event = range.events('CreateUser').at(-1);
      expect(event?.errorCode).to.equal('EntityAlreadyExists');
      expect(event?.awsRegion).to.equal('us-east-1');
    });

    it('reports a missing required parameter as ValidationError', async () => {
      const res = await range.signedFetch('/', {
        service: 'iam',
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=CreateUser&Version=2010-05-08',
      });
      expect(res.status).to.equal(400);
      const text = await res.text();
      expect(text).to.contain('<Code>ValidationError</Code>').and.to.contain('userName');
    });
  });
});
