import { expect } from 'chai';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { startTestRange, type TestRange } from './harness.js';

describe('range: STS and identity', () => {
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  it('answers GetCallerIdentity for the admin user over the SDK and the AWS CLI, and records it', async () => {
    const sts = new STSClient(range.clientConfig());
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Account).to.equal(range.accountId);
    expect(me.Arn).to.equal(`arn:aws:iam::${range.accountId}:user/range-admin`);
    const cli = (await range.aws(['sts', 'get-caller-identity'])) as { Arn: string };
    expect(cli.Arn).to.equal(me.Arn);
    const events = range.events('GetCallerIdentity');
    expect(events).to.have.length(2);
    const [sdkEvent, cliEvent] = events;
    expect(sdkEvent?.userIdentity).to.include({
      type: 'IAMUser',
      userName: 'range-admin',
      accessKeyId: range.credentials.accessKeyId,
    });
    expect(sdkEvent?.eventSource).to.equal('sts.amazonaws.com');
    expect(sdkEvent?.readOnly).to.equal(true);
    expect(cliEvent?.userAgent).to.match(/^aws-cli\//);
    expect(sdkEvent?.userAgent).to.match(/aws-sdk-js/);
  });

  it('lets the root credentials act as the account root, visible as such in CloudTrail', async () => {
    const sts = new STSClient(range.clientConfig({ credentials: range.rootCredentials }));
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).to.equal(`arn:aws:iam::${range.accountId}:root`);
    const last = range.events('GetCallerIdentity').at(-1);
    expect(last?.userIdentity).to.deep.include({ type: 'Root', arn: `arn:aws:iam::${range.accountId}:root` });
  });

  it('rejects an unknown access key as AWS does, with the SDK and the CLI', async () => {
    const sts = new STSClient(
      range.clientConfig({ credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' } }),
    );
    const err = await sts
      .send(new GetCallerIdentityCommand({}))
      .catch((e: unknown) => e as Error & { $metadata: { httpStatusCode: number } });
    expect(err).to.have.property('name', 'InvalidClientTokenId');
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).to.equal(403);
    const cli = await range.awsFails(['sts', 'get-caller-identity'], {
      env: { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000000' },
    });
    expect(cli.stderr).to.contain('InvalidClientTokenId');
  });

  it('issues session credentials that work and expire', async () => {
    const sts = new STSClient(range.clientConfig());
    const { Credentials } = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    expect(Credentials?.AccessKeyId).to.match(/^ASIA[A-Z2-7]{16}$/);
    const session = new STSClient(
      range.clientConfig({
        credentials: {
          accessKeyId: Credentials!.AccessKeyId!,
          secretAccessKey: Credentials!.SecretAccessKey!,
          sessionToken: Credentials!.SessionToken!,
        },
      }),
    );
    const me = await session.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).to.equal(`arn:aws:iam::${range.accountId}:user/range-admin`);
    // No secret reaches CloudTrail.
    const event = range.events('GetSessionToken').at(-1);
    expect(JSON.stringify(event)).not.to.contain(Credentials!.SecretAccessKey!);
    const err = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 60 })).catch((e: Error) => e);
    expect(err).to.have.property('name', 'ValidationError');
  });

  it('refuses AssumeRole on a role that does not exist', async () => {
    const sts = new STSClient(range.clientConfig());
    const err = await sts
      .send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${range.accountId}:role/nope`,
          RoleSessionName: 's1',
        }),
      )
      .catch((e: Error) => e);
    expect(err).to.have.property('name', 'AccessDenied');
    expect(range.events('AssumeRole').at(-1)?.errorCode).to.equal('AccessDenied');
  });
});
