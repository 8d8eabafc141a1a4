import { expect } from 'chai';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  IAMClient,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { ManualClock } from '../../src/range/index.js';
import { failure, startTestRange, type TestRange } from './harness.js';

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const doc = (statements: Array<Record<string, unknown>>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });
const ALLOW_ALL = doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
const envOf = (k: Keys): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: k.accessKeyId,
  AWS_SECRET_ACCESS_KEY: k.secretAccessKey,
  ...(k.sessionToken ? { AWS_SESSION_TOKEN: k.sessionToken } : {}),
});

/**
 * The containment steps of the AWS incident-response playbooks work on the range because it evaluates
 * IAM like AWS ("Policy evaluation logic", IAM User Guide): an explicit deny wins at once, an
 * aws:TokenIssueTime deny revokes older sessions, a permissions boundary and a session policy cap what
 * an identity policy grants, and denied reconnaissance leaves an AccessDenied trail in CloudTrail.
 */
describe('range: IAM containment a responder uses', function () {
  this.timeout(120_000);
  let range: TestRange;
  let iam: IAMClient;
  let acct: string;
  // Near the wall clock: session keys expire by the range clock and signatures are dated by the wall clock.
  const clock = new ManualClock(Date.now());

  async function userWithKey(name: string): Promise<Keys> {
    await iam.send(new CreateUserCommand({ UserName: name }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  }
  async function roleTrustingAccount(name: string): Promise<string> {
    const out = await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: doc([
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' },
        ]),
      }),
    );
    return out.Role!.Arn!;
  }
  async function assume(caller: Keys, roleArn: string, extra: Record<string, unknown> = {}): Promise<Keys> {
    const sts = new STSClient(range.clientConfig({ credentials: caller }));
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ir', ...extra }));
    return {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
  }

  before(async () => {
    range = await startTestRange({ clock });
    iam = new IAMClient(range.clientConfig());
    acct = range.accountId;
  });
  after(() => range.stop());

  it('an explicit deny attached to a compromised user stops its key at once (SDK and CLI)', async () => {
    const key = await userWithKey('compromised');
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'compromised', PolicyName: 'all', PolicyDocument: ALLOW_ALL }),
    );
    const asUser = new IAMClient(range.clientConfig({ credentials: key }));
    expect((await asUser.send(new ListUsersCommand({}))).Users?.length).to.be.greaterThan(0);
    await range.aws(['ec2', 'describe-instances'], { env: envOf(key) });

    await range.aws([
      'iam',
      'attach-user-policy',
      '--user-name',
      'compromised',
      '--policy-arn',
      'arn:aws:iam::aws:policy/AWSDenyAll',
    ]);
    const who = `arn:aws:iam::${acct}:user/compromised`;
    const sdk = await failure(asUser.send(new ListUsersCommand({})));
    expect(sdk.name).to.equal('AccessDenied');
    expect(sdk.message).to.equal(
      `User: ${who} is not authorized to perform: iam:ListUsers with an explicit deny in an identity-based policy`,
    );
    const cli = await range.awsFails(['ec2', 'describe-instances'], { env: envOf(key) });
    expect(cli.stderr).to.contain(
      'An error occurred (UnauthorizedOperation) when calling the DescribeInstances operation',
    );
    expect(cli.stderr).to.contain(
      `User: ${who} is not authorized to perform: ec2:DescribeInstances with an explicit deny in an identity-based policy`,
    );
  });

  it('an AWSRevokeOlderSessions deny on aws:TokenIssueTime ends sessions issued before, not new ones', async () => {
    const dev = await userWithKey('dev');
    const roleArn = await roleTrustingAccount('app');
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'all', PolicyDocument: ALLOW_ALL }),
    );
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'dev',
        PolicyName: 'assume-app',
        PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }]),
      }),
    );
    const stolen = await assume(dev, roleArn);
    await range.aws(['iam', 'list-users'], { env: envOf(stolen) });

    clock.advance(10 * 60_000);
    const revokedAt = clock.now().toISOString();
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'app',
        PolicyName: 'AWSRevokeOlderSessions',
        PolicyDocument: doc([
          {
            Effect: 'Deny',
            Action: ['*'],
            Resource: ['*'],
            Condition: { DateLessThan: { 'aws:TokenIssueTime': revokedAt } },
          },
        ]),
      }),
    );
    const old = await range.awsFails(['iam', 'list-users'], { env: envOf(stolen) });
    expect(old.stderr).to.contain(
      `User: arn:aws:sts::${acct}:assumed-role/app/ir is not authorized to perform: iam:ListUsers with an explicit deny in an identity-based policy`,
    );
    const oldSdk = await failure(
      new EC2Client(range.clientConfig({ credentials: stolen })).send(new DescribeInstancesCommand({})),
    );
    expect(oldSdk.name).to.equal('UnauthorizedOperation');

    clock.advance(1000);
    const fresh = await assume(dev, roleArn);
    await range.aws(['iam', 'list-users'], { env: envOf(fresh) });
    await new EC2Client(range.clientConfig({ credentials: fresh })).send(new DescribeInstancesCommand({}));
  });

  it('a force-MFA policy denies a long-term key but not a session issued with the user MFA device', async () => {
    const key = await userWithKey('admin-person');
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'admin-person', PolicyName: 'all', PolicyDocument: ALLOW_ALL }),
    );
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'admin-person',
        PolicyName: 'force-mfa',
        PolicyDocument: doc([
          {
            Sid: 'DenyAllExceptListedIfNoMFA',
            Effect: 'Deny',
            NotAction: ['sts:GetSessionToken', 'iam:ListMFADevices'],
            Resource: '*',
            Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
          },
        ]),
      }),
    );
    const serial = `arn:aws:iam::${acct}:mfa/admin-person`;
    await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'admin-person' }));
    await iam.send(
      new EnableMFADeviceCommand({
        UserName: 'admin-person',
        SerialNumber: serial,
        AuthenticationCode1: '123456',
        AuthenticationCode2: '654321',
      }),
    );
    const longTerm = await failure(
      new EC2Client(range.clientConfig({ credentials: key })).send(new DescribeInstancesCommand({})),
    );
    expect(longTerm.message).to.contain(
      'ec2:DescribeInstances with an explicit deny in an identity-based policy',
    );

    const sts = new STSClient(range.clientConfig({ credentials: key }));
    const wrong = await failure(
      sts.send(
        new GetSessionTokenCommand({
          SerialNumber: `arn:aws:iam::${acct}:mfa/someone-else`,
          TokenCode: '123456',
        }),
      ),
    );
    expect([wrong.name, wrong.message]).to.deep.equal([
      'AccessDenied',
      'MultiFactorAuthentication failed with invalid MFA one time pass code.',
    ]);
    const noMfa = await sts.send(new GetSessionTokenCommand({}));
    const withoutMfa = await failure(
      new EC2Client(
        range.clientConfig({
          credentials: {
            accessKeyId: noMfa.Credentials!.AccessKeyId!,
            secretAccessKey: noMfa.Credentials!.SecretAccessKey!,
            sessionToken: noMfa.Credentials!.SessionToken!,
          },
        }),
      ).send(new DescribeInstancesCommand({})),
    );
    expect(withoutMfa.name).to.equal('UnauthorizedOperation');
    const mfa = await sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: '246810' }));
    await range.aws(['ec2', 'describe-instances'], {
      env: envOf({
        accessKeyId: mfa.Credentials!.AccessKeyId!,
        secretAccessKey: mfa.Credentials!.SecretAccessKey!,
        sessionToken: mfa.Credentials!.SessionToken!,
      }),
    });
  });

  it('a permissions boundary limits a backdoor role to what the boundary allows', async () => {
    const dev = await userWithKey('attacker');
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'attacker', PolicyName: 'all', PolicyDocument: ALLOW_ALL }),
    );
    const boundary = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'describe-only',
        PolicyDocument: doc([
          { Effect: 'Allow', Action: ['ec2:Describe*', 'sts:GetCallerIdentity'], Resource: '*' },
        ]),
      }),
    );
    // The backdoor role an attacker made, under the boundary the account requires of new roles.
    const created = (await range.aws([
      'iam',
      'create-role',
      '--role-name',
      'backdoor',
      '--assume-role-policy-document',
      doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }]),
      '--permissions-boundary',
      boundary.Policy!.Arn!,
    ])) as { Role: { Arn: string } };
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'backdoor',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    const session = await assume(dev, created.Role.Arn, { RoleSessionName: 'persist' });
    await range.aws(['ec2', 'describe-instances'], { env: envOf(session) });
    const denied = await range.awsFails(['iam', 'create-user', '--user-name', 'another-backdoor'], {
      env: envOf(session),
    });
    expect(denied.stderr).to.contain(
      `User: arn:aws:sts::${acct}:assumed-role/backdoor/persist is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${acct}:user/another-backdoor because no permissions boundary allows the iam:CreateUser action`,
    );
  });

  it('a stolen key that may only read S3 gets AccessDenied everywhere else, and lookup-events finds the burst', async () => {
    const key = await userWithKey('s3-reader');
    await iam.send(
      new AttachUserPolicyCommand({
        UserName: 's3-reader',
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      }),
    );
    await range.aws(['s3api', 'list-buckets'], { env: envOf(key) });
    const who = `arn:aws:iam::${acct}:user/s3-reader`;
    const recon: Array<[string[], string, string]> = [
      [['iam', 'list-users'], 'AccessDenied', 'iam:ListUsers'],
      [['ec2', 'describe-instances'], 'UnauthorizedOperation', 'ec2:DescribeInstances'],
      [['cloudtrail', 'describe-trails'], 'AccessDeniedException', 'cloudtrail:DescribeTrails'],
      [['kms', 'list-keys'], 'AccessDeniedException', 'kms:ListKeys'],
      [['iam', 'list-roles'], 'AccessDenied', 'iam:ListRoles'],
    ];
    for (const [args, code, action] of recon) {
      const r = await range.awsFails(args, { env: envOf(key) });
      expect(r.stderr).to.contain(`(${code})`);
      expect(r.stderr).to.contain(
        `User: ${who} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
      );
    }
    const found = (await range.aws([
      'cloudtrail',
      'lookup-events',
      '--lookup-attributes',
      `AttributeKey=AccessKeyId,AttributeValue=${key.accessKeyId}`,
    ])) as { Events: Array<{ EventName: string; CloudTrailEvent: string }> };
    const denied = found.Events.map(
      (e) => JSON.parse(e.CloudTrailEvent) as { errorCode?: string; eventName: string },
    )
      .filter((e) => e.errorCode !== undefined)
      .map((e) => `${e.eventName} ${e.errorCode}`)
      .sort();
    expect(denied).to.deep.equal([
      'DescribeInstances Client.UnauthorizedOperation',
      'DescribeTrails AccessDeniedException',
      'ListKeys AccessDeniedException',
      'ListRoles AccessDenied',
      'ListUsers AccessDenied',
    ]);
  });

  it('session policies narrow an assumed role: inline Policy and PolicyArns', async () => {
    const dev = await userWithKey('oncall');
    const roleArn = await roleTrustingAccount('ops');
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'ops', PolicyName: 'all', PolicyDocument: ALLOW_ALL }),
    );
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'oncall',
        PolicyName: 'assume',
        PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }]),
      }),
    );
    const narrowed = (await range.aws(
      [
        'sts',
        'assume-role',
        '--role-arn',
        roleArn,
        '--role-session-name',
        'triage',
        '--policy',
        doc([{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }]),
      ],
      { env: envOf(dev) },
    )) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
      PackedPolicySize: number;
    };
    expect(narrowed.PackedPolicySize).to.be.within(1, 100);
    const keys: Keys = {
      accessKeyId: narrowed.Credentials.AccessKeyId,
      secretAccessKey: narrowed.Credentials.SecretAccessKey,
      sessionToken: narrowed.Credentials.SessionToken,
    };
    await range.aws(['ec2', 'describe-instances'], { env: envOf(keys) });
    const denied = await failure(
      new IAMClient(range.clientConfig({ credentials: keys })).send(new ListUsersCommand({})),
    );
    expect(denied.message).to.equal(
      `User: arn:aws:sts::${acct}:assumed-role/ops/triage is not authorized to perform: iam:ListUsers because no session policy allows the iam:ListUsers action`,
    );

    const readOnly = await assume(dev, roleArn, {
      RoleSessionName: 'readonly',
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/AWSDenyAll' }],
    });
    const deny = await failure(
      new EC2Client(range.clientConfig({ credentials: readOnly })).send(new DescribeInstancesCommand({})),
    );
    expect(deny.message).to.contain('with an explicit deny in a session policy');

    const malformed = await failure(assume(dev, roleArn, { Policy: '{not json' }));
    expect(malformed.name).to.equal('MalformedPolicyDocumentException');
    expect((malformed as { Code?: string }).Code ?? malformed.name).to.match(/MalformedPolicyDocument/);
    const tooLong = await range.awsFails(
      [
        'sts',
        'assume-role',
        '--role-arn',
        roleArn,
        '--role-session-name',
        'x1',
        '--policy',
        `{"Version":"2012-10-17","Statement":[],"Pad":"${'x'.repeat(2100)}"}`,
      ],
      { env: envOf(dev) },
    );
    expect(tooLong.stderr).to.contain('(ValidationError)');
    expect(tooLong.stderr).to.contain('Member must have length less than or equal to 2048');
  });
});
