import { expect } from 'chai';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { failure, startTestRange, type TestRange } from './harness.js';

const trust = (statement: Record<string, unknown>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...statement }],
  });

describe('range: STS AssumeRole against IAM roles and their trust policies', function () {
  this.timeout(120_000);
  let range: TestRange;
  let iam: IAMClient;
  let acct: string;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
    acct = range.accountId;
  });
  after(() => range.stop());

  it('lets AssumeRole through only when the trust policy allows the caller', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'dev' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'dev' }));
    const devEnv = {
      AWS_ACCESS_KEY_ID: AccessKey!.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: AccessKey!.SecretAccessKey!,
    };
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'breakglass',
        AssumeRolePolicyDocument: trust({ Principal: { AWS: `arn:aws:iam::${acct}:user/dev` } }),
      }),
    );
    const roleArn = `arn:aws:iam::${acct}:role/breakglass`;

    const assumed = (await range.aws(
      ['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'incident-42'],
      { env: devEnv },
    )) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
      AssumedRoleUser: { Arn: string };
    };
    expect(assumed.AssumedRoleUser.Arn).to.equal(`arn:aws:sts::${acct}:assumed-role/breakglass/incident-42`);
    const session = new STSClient(
      range.clientConfig({
        credentials: {
          accessKeyId: assumed.Credentials.AccessKeyId,
          secretAccessKey: assumed.Credentials.SecretAccessKey,
          sessionToken: assumed.Credentials.SessionToken,
        },
      }),
    );
    expect((await session.send(new GetCallerIdentityCommand({}))).Arn).to.equal(assumed.AssumedRoleUser.Arn);
    expect(range.events('GetCallerIdentity').at(-1)?.userIdentity).to.deep.include({ type: 'AssumedRole' });

    // The admin user is not in the trust policy.
    const sts = new STSClient(range.clientConfig());
    const denied = await failure(
      sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'admin' })),
    );
    expect([denied.name, denied.message, denied.$metadata?.httpStatusCode]).to.deep.equal([
      'AccessDenied',
      `User: arn:aws:iam::${acct}:user/range-admin is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    ]);
    const rootEnv = {
      AWS_ACCESS_KEY_ID: range.rootCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: range.rootCredentials.secretAccessKey,
    };
    const root = await range.awsFails(
      ['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'rt'],
      { env: rootEnv },
    );
    expect(root.stderr).to.contain('AccessDenied').and.contain('Roles may not be assumed by root accounts.');

    // Trusting the account lets its principals in; an ExternalId condition must match.
    await range.aws([
      'iam',
      'update-assume-role-policy',
      '--role-name',
      'breakglass',
      '--policy-document',
      trust({ Principal: { AWS: acct }, Condition: { StringEquals: { 'sts:ExternalId': 'ticket-7' } } }),
    ]);
    expect(
      (await failure(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'a1' })))).name,
    ).to.equal('AccessDenied');
    const ok = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'a2', ExternalId: 'ticket-7' }),
    );
    expect(ok.AssumedRoleUser?.Arn).to.equal(`arn:aws:sts::${acct}:assumed-role/breakglass/a2`);
    const tooLong = await failure(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: 'a3',
          ExternalId: 'ticket-7',
          DurationSeconds: 7200,
        }),
      ),
    );
    expect(tooLong.message).to.equal(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );

    // An explicit Deny wins.
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: 'breakglass',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
            { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${acct}:user/dev` }, Action: 'sts:*' },
          ],
        }),
      }),
    );
    expect(
      (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'a4' }))).Credentials,
    ).to.be.an('object');
    const devSts = new STSClient(
      range.clientConfig({
        credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! },
      }),
    );
    expect(
      (await failure(devSts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'd1' })))).name,
    ).to.equal('AccessDenied');

    const events = range.events('AssumeRole');
    expect(events.map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'ok',
      'AccessDenied',
      'AccessDenied',
      'AccessDenied',
      'ok',
      'ValidationError',
      'ok',
      'AccessDenied',
    ]);
    expect(events[0]?.userIdentity).to.deep.include({ userName: 'dev' });
    expect(events[0]?.requestParameters).to.deep.include({ roleArn, roleSessionName: 'incident-42' });
  });
});
