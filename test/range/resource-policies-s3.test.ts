import { expect } from 'chai';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ManualClock } from '../../src/range/index.js';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { failure, startTestRange, type TestRange } from './harness.js';
import { otherAccountUser } from './other-account.js';

/**
 * S3 on the range's one policy evaluator, as "How Amazon S3 authorizes a request" (S3 User Guide) and
 * "Policy evaluation logic" (IAM User Guide) describe: within the bucket owner's account the caller's
 * identity-based policies or the bucket policy may allow; from another account both must; an explicit
 * deny anywhere wins.
 */
describe('range: S3 authorizes with IAM policies and bucket policies', function () {
  this.timeout(60_000);
  let range: TestRange;
  let iam: IAMClient;
  let admin: S3Client;
  let acct: string;
  const bucket = 'evidence-locker';
  const object = `arn:aws:s3:::${bucket}/report.txt`;

  // Near the wall clock: signatures are dated by the wall clock, sessions by the range clock.
  const clock = new ManualClock(Date.now());
  before(async () => {
    range = await startTestRange({ clock });
    iam = new IAMClient(range.clientConfig());
    admin = new S3Client(range.clientConfig());
    acct = range.accountId;
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'report.txt', Body: 'findings' }));
  });
  after(() => range.stop());

  /** A user of the range's account with the given inline policy (none: no permissions at all). */
  async function user(name: string, inline?: object, attached: string[] = []) {
    await iam.send(new CreateUserCommand({ UserName: name }));
    if (inline)
      await iam.send(
        new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(inline) }),
      );
    for (const arn of attached)
      await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    const credentials = {
      accessKeyId: AccessKey!.AccessKeyId!,
      secretAccessKey: AccessKey!.SecretAccessKey!,
    };
    return {
      s3: new S3Client(range.clientConfig({ credentials })),
      env: { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    };
  }
  const allow = (action: string, resource: string) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
  });
  const read = (s3: S3Client) => s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'report.txt' }));
  const setPolicy = (statements: object[]) =>
    admin.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      }),
    );

  it("denies a user of the owner's account that no policy allows, with AWS's message (SDK and CLI)", async () => {
    const nobody = await user('nobody');
    const err = await failure(read(nobody.s3));
    expect(err.name).to.equal('AccessDenied');
    expect(err.message).to.equal(
      `User: arn:aws:iam::${acct}:user/nobody is not authorized to perform: s3:GetObject on resource: "${object}" because no identity-based policy allows the s3:GetObject action`,
    );
    const cli = await range.awsFails(['s3api', 'list-buckets'], { env: nobody.env });
    expect(cli.stderr).to.contain('AccessDenied').and.contain('s3:ListAllMyBuckets');
    const create = await failure(nobody.s3.send(new CreateBucketCommand({ Bucket: 'nobodys-bucket' })));
    expect(create.message).to.contain('because no identity-based policy allows the s3:CreateBucket action');
    // The management events carry the denial, so a burst of them can be found in CloudTrail.
    const denied = range.events('ListBuckets').filter((e) => e.errorCode === 'AccessDenied');
    expect(denied).to.have.length(1);
    expect(denied[0]?.userIdentity).to.include({ arn: `arn:aws:iam::${acct}:user/nobody` });
  });

  it('allows by an identity-based policy alone, and by a bucket policy naming the user alone', async () => {
    const reader = await user('reader', allow('s3:GetObject', `arn:aws:s3:::${bucket}/*`));
    expect(await (await read(reader.s3)).Body?.transformToString()).to.equal('findings');
    // ListAllMyBuckets is another action: not allowed by that policy.
    expect((await failure(reader.s3.send(new ListBucketsCommand({})))).name).to.equal('AccessDenied');

    const named = await user('named');
    expect((await failure(read(named.s3))).name).to.equal('AccessDenied');
    await setPolicy([
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${acct}:user/named` },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ]);
    expect(await (await read(named.s3)).Body?.transformToString()).to.equal('findings');
  });

  it("does not let a bucket policy naming the account stand in for the user's own policies", async () => {
    // Naming the account delegates to the account's identity-based policies ("Policy evaluation logic").
    const delegated = await user('delegated');
    await setPolicy([
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${acct}:root` },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ]);
    expect((await failure(read(delegated.s3))).name).to.equal('AccessDenied');
  });

  it('lets an explicit deny win: in the bucket policy over an identity allow, and the other way round', async () => {
    const full = await user('full', allow('s3:*', '*'));
    await setPolicy([
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: { StringEquals: { 'aws:username': 'full' } },
      },
    ]);
    const err = await failure(read(full.s3));
    expect(err.message).to.equal(
      `User: arn:aws:iam::${acct}:user/full is not authorized to perform: s3:GetObject on resource: "${object}" with an explicit deny in a resource-based policy`,
    );

    // The responder's containment: AWSDenyAll on the user beats the bucket policy naming it.
    const contained = await user('contained', undefined, ['arn:aws:iam::aws:policy/AWSDenyAll']);
    await setPolicy([
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${acct}:user/contained` },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ]);
    const stopped = await failure(read(contained.s3));
    expect(stopped.message).to.contain('with an explicit deny in an identity-based policy');
  });

  it('keeps a user within its permissions boundary', async () => {
    await iam.send(
      new CreateUserCommand({
        UserName: 'bounded',
        PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      }),
    );
    await iam.send(
      new AttachUserPolicyCommand({
        UserName: 'bounded',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'bounded' }));
    const s3 = new S3Client(
      range.clientConfig({
        credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! },
      }),
    );
    await s3.send(new ListBucketsCommand({}));
    const err = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x' })));
    expect(err.message).to.equal(
      `User: arn:aws:iam::${acct}:user/bounded is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${bucket}/x" because no permissions boundary allows the s3:PutObject action`,
    );
  });

  it('requires both sides across accounts: the bucket policy and the caller’s own policies', async () => {
    const partnerAccount = '210987654321';
    const allowed = otherAccountUser(range, {
      accountId: partnerAccount,
      userName: 'auditor',
      accessKeyId: 'AKIAPARTNERAUDITOR01',
      secretAccessKey: 'partner-auditor-secret-not-a-real-key-01',
    });
    const unprivileged = otherAccountUser(range, {
      accountId: partnerAccount,
      userName: 'intern',
      accessKeyId: 'AKIAPARTNERINTERN001',
      secretAccessKey: 'partner-intern-secret-not-a-real-key-001',
      policyArns: [],
    });
    const client = (c: { accessKeyId: string; secretAccessKey: string }) =>
      new S3Client(
        range.clientConfig({
          credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
        }),
      );
    // No bucket policy for them: their own administrator rights do not reach another account's bucket.
    await setPolicy([
      { Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: `arn:aws:s3:::${bucket}` },
    ]);
    const bare = await failure(read(client(allowed)));
    expect(bare.name).to.equal('AccessDenied');
    expect(bare.message).to.equal('Access Denied');

    await setPolicy([
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${partnerAccount}:root` },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ]);
    expect(await (await read(client(allowed))).Body?.transformToString()).to.equal('findings');
    // The partner account's intern has no identity-based allow of its own.
    expect((await failure(read(client(unprivileged)))).name).to.equal('AccessDenied');
  });

  it("ends a role's older sessions at S3 too (an aws:TokenIssueTime deny), not newer ones", async () => {
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: 'stolen',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'stolen',
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      }),
    );
    const session = async (name: string) => {
      const { Credentials } = await new STSClient(range.clientConfig()).send(
        new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: name }),
      );
      return new S3Client(
        range.clientConfig({
          credentials: {
            accessKeyId: Credentials!.AccessKeyId!,
            secretAccessKey: Credentials!.SecretAccessKey!,
            sessionToken: Credentials!.SessionToken!,
          },
        }),
      );
    };
    const old = await session('attacker');
    expect(await (await read(old)).Body?.transformToString()).to.equal('findings');
    clock.advance(60_000);
    // The "Revoke active sessions" policy IAM writes: deny everything to tokens issued before now.
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'stolen',
        PolicyName: 'AWSRevokeOlderSessions',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Action: ['*'],
              Resource: ['*'],
              Condition: { DateLessThan: { 'aws:TokenIssueTime': clock.now().toISOString() } },
            },
          ],
        }),
      }),
    );
    const err = await failure(read(old));
    expect(err.message).to.equal(
      `User: arn:aws:sts::${acct}:assumed-role/stolen/attacker is not authorized to perform: s3:GetObject on resource: "${object}" with an explicit deny in an identity-based policy`,
    );
    clock.advance(1000);
    const fresh = await session('responder');
    expect(await (await read(fresh)).Body?.transformToString()).to.equal('findings');
  });
});
