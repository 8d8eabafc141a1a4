import { expect } from 'chai';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeInstancesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { failure, startTestRange, type TestRange } from './harness.js';

/**
 * The range evaluates IAM policies for users and role sessions (IAM User Guide, "Policy evaluation
 * logic") and answers a denial with each service's own error ("Troubleshoot access denied error
 * messages"): the code and status the SDK and the CLI see, and a CloudTrail event carrying them.
 */
describe('range: IAM authorization of users and role sessions', function () {
  this.timeout(120_000);
  let range: TestRange;
  let iam: IAMClient;
  let acct: string;
  const logged: string[] = [];

  async function userWithKey(name: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    await iam.send(new CreateUserCommand({ UserName: name }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  }
  const envOf = (k: { accessKeyId: string; secretAccessKey: string }) => ({
    AWS_ACCESS_KEY_ID: k.accessKeyId,
    AWS_SECRET_ACCESS_KEY: k.secretAccessKey,
  });
  const allow = (statements: Array<Record<string, unknown>>) =>
    JSON.stringify({ Version: '2012-10-17', Statement: statements });

  before(async () => {
    range = await startTestRange({ log: (m) => logged.push(m) });
    iam = new IAMClient(range.clientConfig());
    acct = range.accountId;
  });
  after(() => range.stop());

  it('answers a user without policies with each service own denial, as the SDK sees it', async () => {
    const key = await userWithKey('nobody');
    const who = `arn:aws:iam::${acct}:user/nobody`;
    const cfg = range.clientConfig({ credentials: key });
    const cases: Array<[string, Promise<unknown>, string, number, string]> = [
      [
        'ec2',
        new EC2Client(cfg).send(new DescribeInstancesCommand({})),
        'UnauthorizedOperation',
        403,
        'ec2:DescribeInstances',
      ],
      ['iam', new IAMClient(cfg).send(new ListUsersCommand({})), 'AccessDenied', 403, 'iam:ListUsers'],
      [
        'cloudtrail',
        new CloudTrailClient(cfg).send(new DescribeTrailsCommand({})),
        'AccessDeniedException',
        400,
        'cloudtrail:DescribeTrails',
      ],
      [
        'logs',
        new CloudWatchLogsClient(cfg).send(new DescribeLogGroupsCommand({})),
        'AccessDeniedException',
        400,
        'logs:DescribeLogGroups',
      ],
      ['kms', new KMSClient(cfg).send(new ListKeysCommand({})), 'AccessDeniedException', 400, 'kms:ListKeys'],
      [
        'ssm',
        new SSMClient(cfg).send(new DescribeParametersCommand({})),
        'AccessDeniedException',
        400,
        'ssm:DescribeParameters',
      ],
      [
        'sns',
        new SNSClient(cfg).send(new ListTopicsCommand({})),
        'AuthorizationErrorException',
        403,
        'sns:ListTopics',
      ],
      [
        'cloudwatch',
        new CloudWatchClient(cfg).send(new DescribeAlarmsCommand({})),
        'AccessDenied',
        403,
        'cloudwatch:DescribeAlarms',
      ],
      [
        'cloudformation',
        new CloudFormationClient(cfg).send(new ListStacksCommand({})),
        'AccessDenied',
        403,
        'cloudformation:ListStacks',
      ],
    ];
    for (const [service, call, code, status, action] of cases) {
      const err = await failure(call);
      expect(err.name, service).to.equal(code);
      expect(err.$metadata.httpStatusCode, service).to.equal(status);
      expect(err.message, service).to.contain(`User: ${who} is not authorized to perform: ${action}`);
      expect(err.message, service).to.contain(`because no identity-based policy allows the ${action} action`);
    }
    // CloudWatch alarms are a resource type: the message names the alarms the request is on.
    const alarms = await failure(new CloudWatchClient(cfg).send(new DescribeAlarmsCommand({})));
    expect(alarms.message).to.contain(`on resource: arn:aws:cloudwatch:${range.region}:${acct}:alarm:*`);
    // EC2 wraps the reason and appends an opaque encoded message.
    const ec2 = await failure(new EC2Client(cfg).send(new DescribeInstancesCommand({})));
    expect(ec2.message).to.match(
      new RegExp(
        `^You are not authorized to perform this operation\\. User: ${who} is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action\\. Encoded authorization failure message: [\\w-]+$`,
      ),
    );
    // GetCallerIdentity needs no permission, as on AWS.
    const me = await new STSClient(cfg).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).to.equal(who);
    // Nor does GetSessionToken: policies cannot control authentication operations.
    const session = await new STSClient(cfg).send(new GetSessionTokenCommand({}));
    expect(session.Credentials?.AccessKeyId).to.match(/^ASIA/);
  });

  it('records each denial in CloudTrail with the service error code and message', async () => {
    const key = await userWithKey('recon');
    await range.awsFails(['ec2', 'describe-instances'], { env: envOf(key) });
    await range.awsFails(['iam', 'list-users'], { env: envOf(key) });
    const denied = [...range.engine.history.entries()]
      .filter((e) => e.accessKeyId === key.accessKeyId)
      .map((e) => e.record);
    const ec2 = denied.find((r) => r.eventName === 'DescribeInstances');
    expect(ec2?.errorCode).to.equal('Client.UnauthorizedOperation');
    expect(ec2?.errorMessage).to.contain('ec2:DescribeInstances');
    const listUsers = denied.find((r) => r.eventName === 'ListUsers');
    expect(listUsers?.errorCode).to.equal('AccessDenied');
    expect(listUsers?.errorMessage).to.equal(
      `User: arn:aws:iam::${acct}:user/recon is not authorized to perform: iam:ListUsers because no identity-based policy allows the iam:ListUsers action`,
    );
  });

  it('checks resource-level permissions on the ARN of the resource the request names (CLI)', async () => {
    const ec2 = new EC2Client(range.clientConfig());
    const vpc = (await range.aws(['ec2', 'create-vpc', '--cidr-block', '10.9.0.0/16'])) as {
      Vpc: { VpcId: string };
    };
    const mine = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'mine', Description: 'x', VpcId: vpc.Vpc.VpcId }),
    );
    const other = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'other', Description: 'x', VpcId: vpc.Vpc.VpcId }),
    );
    const key = await userWithKey('netops');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'netops',
        PolicyName: 'one-group',
        PolicyDocument: allow([
          {
            Effect: 'Allow',
            Action: 'ec2:AuthorizeSecurityGroupIngress',
            Resource: `arn:aws:ec2:*:${acct}:security-group/${mine.GroupId}`,
          },
        ]),
      }),
    );
    const rule = ['--protocol', 'tcp', '--port', '443', '--cidr', '10.0.0.0/8'];
    await range.aws(['ec2', 'authorize-security-group-ingress', '--group-id', mine.GroupId!, ...rule], {
      env: envOf(key),
    });
    const denied = await range.awsFails(
      ['ec2', 'authorize-security-group-ingress', '--group-id', other.GroupId!, ...rule],
      { env: envOf(key) },
    );
    expect(denied.stderr).to.contain('(UnauthorizedOperation)');
    expect(denied.stderr).to.contain(
      `is not authorized to perform: ec2:AuthorizeSecurityGroupIngress on resource: arn:aws:ec2:${range.region}:${acct}:security-group/${other.GroupId} because no identity-based policy allows`,
    );

    // aws:ResourceTag: the exercise's own resources only, by their sirs:exercise tag.
    const tagged = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'tagged',
        Description: 'x',
        VpcId: vpc.Vpc.VpcId,
        TagSpecifications: [
          { ResourceType: 'security-group', Tags: [{ Key: 'sirs:exercise', Value: 'ex-1' }] },
        ],
      }),
    );
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'netops',
        PolicyName: 'exercise-groups',
        PolicyDocument: allow([
          {
            Effect: 'Allow',
            Action: 'ec2:RevokeSecurityGroupIngress',
            Resource: '*',
            Condition: { StringEquals: { 'aws:ResourceTag/sirs:exercise': 'ex-1' } },
          },
        ]),
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: tagged.GroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    const asNetops = new EC2Client(range.clientConfig({ credentials: key }));
    const revoke = (GroupId: string) =>
      asNetops.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      );
    await revoke(tagged.GroupId!);
    const untagged = await failure(revoke(other.GroupId!));
    expect(untagged.name).to.equal('UnauthorizedOperation');
  });

  it('evaluates conditions on the request context: source address, user name variables', async () => {
    const key = await userWithKey('analyst');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'analyst',
        PolicyName: 'from-the-office',
        PolicyDocument: allow([
          {
            Effect: 'Allow',
            Action: 'iam:GetUser',
            Resource: 'arn:aws:iam::*:user/${aws:username}',
            Condition: {
              IpAddress: { 'aws:SourceIp': '127.0.0.0/8' },
              Bool: { 'aws:SecureTransport': 'true' },
              StringEquals: { 'aws:ResourceAccount': acct },
            },
          },
          {
            Effect: 'Allow',
            Action: 'iam:ListUsers',
            Resource: '*',
            Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
          },
        ]),
      }),
    );
    const me = (await range.aws(['iam', 'get-user'], { env: envOf(key) })) as { User: { UserName: string } };
    expect(me.User.UserName).to.equal('analyst');
    const other = await range.awsFails(['iam', 'get-user', '--user-name', 'nobody'], { env: envOf(key) });
    expect(other.stderr).to.contain(`on resource: arn:aws:iam::${acct}:user/nobody`);
    const elsewhere = await range.awsFails(['iam', 'list-users'], { env: envOf(key) });
    expect(elsewhere.stderr).to.contain('(AccessDenied)');
  });

  it('names a condition key the range does not supply in its log once, and the condition does not match', async () => {
    const key = await userWithKey('vpn-only');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'vpn-only',
        PolicyName: 'vpc-endpoint',
        PolicyDocument: allow([
          {
            Sid: 'OnlyThroughTheEndpoint',
            Effect: 'Allow',
            Action: 'iam:ListUsers',
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
          },
        ]),
      }),
    );
    const cfg = range.clientConfig({ credentials: key });
    for (let i = 0; i < 3; i++) {
      const err = await failure(new IAMClient(cfg).send(new ListUsersCommand({})));
      expect(err.name).to.equal('AccessDenied');
    }
    const lines = logged.filter((m) => m.includes('aws:SourceVpce'));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.contain("statement 'OnlyThroughTheEndpoint'");
    expect(lines[0]).to.contain(`arn:aws:iam::${acct}:user/vpn-only/inline/vpc-endpoint`);
  });

  it('names it too when S3, which checks its own requests, meets such a key in a bucket policy', async () => {
    await range.aws(['s3api', 'create-bucket', '--bucket', 'vpce-only']);
    await range.aws([
      's3api',
      'put-bucket-policy',
      '--bucket',
      'vpce-only',
      '--policy',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyOutsideTheEndpoint',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: ['arn:aws:s3:::vpce-only', 'arn:aws:s3:::vpce-only/*'],
            Condition: { StringEquals: { 's3:DataAccessPointAccount': '111122223333' } },
          },
        ],
      }),
    ]);
    const key = await userWithKey('s3-reader');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 's3-reader',
        PolicyName: 'read',
        PolicyDocument: allow([
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::vpce-only' },
        ]),
      }),
    );
    const env = envOf(key);
    for (let i = 0; i < 2; i++)
      await range.aws(['s3api', 'list-objects-v2', '--bucket', 'vpce-only'], { env });
    const lines = logged.filter((m) => m.includes('s3:DataAccessPointAccount'));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.contain("statement 'DenyOutsideTheEndpoint'");
  });

  it('checks the calls CloudFormation makes for a user with the user permissions (aws:CalledVia)', async () => {
    const key = await userWithKey('deployer');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'deployer',
        PolicyName: 'stacks-only',
        PolicyDocument: allow([{ Effect: 'Allow', Action: 'cloudformation:*', Resource: '*' }]),
      }),
    );
    const template = JSON.stringify({
      Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.20.0.0/16' } } },
    });
    const cfg = range.clientConfig({ credentials: key });
    await range.aws(
      ['cloudformation', 'create-stack', '--stack-name', 'denied', '--template-body', template],
      {
        env: envOf(key),
      },
    );
    const cfn = new CloudFormationClient(cfg);
    let status = '';
    let reason = '';
    for (let i = 0; i < 200 && !/(COMPLETE|FAILED)$/.test(status); i++) {
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'denied' }))).Stacks?.[0];
      status = stack?.StackStatus ?? '';
      reason = stack?.StackStatusReason ?? '';
      if (!/(COMPLETE|FAILED)$/.test(status)) await new Promise((r) => setTimeout(r, 25));
    }
    expect(status).to.match(/ROLLBACK_COMPLETE|CREATE_FAILED/);
    const events = (await range.aws([
      'cloudformation',
      'describe-stack-events',
      '--stack-name',
      'denied',
    ])) as {
      StackEvents: Array<{ ResourceStatusReason?: string }>;
    };
    const why = [reason, ...events.StackEvents.map((e) => e.ResourceStatusReason ?? '')].join('\n');
    expect(why).to.contain('ec2:CreateVpc');
    const createVpc = range.events('CreateVpc').find((r) => r.errorCode !== undefined);
    expect(createVpc?.errorCode).to.equal('Client.UnauthorizedOperation');

    // Allowed only through CloudFormation: the same user may then create it via the stack, not directly.
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'deployer',
        PolicyName: 'vpcs-via-cfn',
        PolicyDocument: allow([
          {
            Effect: 'Allow',
            Action: 'ec2:*',
            Resource: '*',
            Condition: { 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } },
          },
        ]),
      }),
    );
    const direct = await range.awsFails(['ec2', 'create-vpc', '--cidr-block', '10.30.0.0/16'], {
      env: envOf(key),
    });
    expect(direct.stderr).to.contain('(UnauthorizedOperation)');
    await range.aws(
      ['cloudformation', 'create-stack', '--stack-name', 'allowed', '--template-body', template],
      {
        env: envOf(key),
      },
    );
    status = '';
    for (let i = 0; i < 200 && !/(COMPLETE|FAILED)$/.test(status); i++) {
      status =
        (await cfn.send(new DescribeStacksCommand({ StackName: 'allowed' }))).Stacks?.[0]?.StackStatus ?? '';
      if (!/(COMPLETE|FAILED)$/.test(status)) await new Promise((r) => setTimeout(r, 25));
    }
    const events2 = (await range.aws([
      'cloudformation',
      'describe-stack-events',
      '--stack-name',
      'allowed',
    ])) as {
      StackEvents: Array<{ ResourceStatusReason?: string }>;
    };
    expect(status, events2.StackEvents.map((e) => e.ResourceStatusReason ?? '').join('\n')).to.equal(
      'CREATE_COMPLETE',
    );
  });

  it('leaves the built-in administrator and root unrestricted', async () => {
    await iam.send(
      new AttachUserPolicyCommand({
        UserName: 'range-admin',
        PolicyArn: 'arn:aws:iam::aws:policy/AWSDenyAll',
      }),
    );
    const users = await iam.send(new ListUsersCommand({}));
    expect(users.Users?.length).to.be.greaterThan(0);
    const root = new IAMClient(range.clientConfig({ credentials: range.rootCredentials }));
    expect((await root.send(new ListUsersCommand({}))).Users?.length).to.be.greaterThan(0);
  });
});
