import { expect } from 'chai';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateTopicCommand,
  PublishCommand,
  SetTopicAttributesCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { failure, startTestRange, type TestRange } from './harness.js';
import { otherAccountUser } from './other-account.js';

type Keys = { accessKeyId: string; secretAccessKey: string };

/**
 * KMS key policies and SNS topic policies are resource-based policies the engine's authorizer evaluates
 * with the caller's IAM policies ("Policy evaluation logic", IAM User Guide; "Key policies", KMS
 * Developer Guide; "Using identity-based policies with Amazon SNS").
 */
describe('range: KMS key policies and SNS topic policies', function () {
  this.timeout(60_000);
  let range: TestRange;
  let iam: IAMClient;
  let acct: string;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
    acct = range.accountId;
  });
  after(() => range.stop());

  async function user(name: string, opts: { inline?: object; attached?: string[] } = {}): Promise<Keys> {
    await iam.send(new CreateUserCommand({ UserName: name }));
    if (opts.inline)
      await iam.send(
        new PutUserPolicyCommand({
          UserName: name,
          PolicyName: 'p',
          PolicyDocument: JSON.stringify(opts.inline),
        }),
      );
    for (const arn of opts.attached ?? [])
      await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  }
  const env = (k: Keys) => ({ AWS_ACCESS_KEY_ID: k.accessKeyId, AWS_SECRET_ACCESS_KEY: k.secretAccessKey });
  const allow = (action: string) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
  });
  const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

  describe('KMS', () => {
    const kms = (k?: Keys) => new KMSClient(range.clientConfig(k ? { credentials: k } : {}));
    const encrypt = (k: Keys, keyId: string) =>
      kms(k).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('secret') }));

    it('lets IAM policies count where the default key policy enables them (SDK and CLI)', async () => {
      const { KeyMetadata } = await kms().send(new CreateKeyCommand({ Description: 'default policy' }));
      const keyArn = KeyMetadata!.Arn!;
      const allowed = await user('kms-user', { inline: allow('kms:Encrypt') });
      expect((await encrypt(allowed, keyArn)).KeyId).to.equal(keyArn);
      const other = await user('kms-nobody');
      const cli = await range.awsFails(['kms', 'encrypt', '--key-id', keyArn, '--plaintext', 'aGk='], {
        env: env(other),
      });
      expect(cli.stderr).to.contain('AccessDeniedException');
      expect(cli.stderr).to.contain(
        `User: arn:aws:iam::${acct}:user/kms-nobody is not authorized to perform: kms:Encrypt on resource: ${keyArn} because no identity-based policy allows the kms:Encrypt action`,
      );
    });

    it('ignores IAM policies when the key policy does not enable them, and lets it grant alone', async () => {
      const keyPolicy = {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'KeyUserOnly',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${acct}:user/key-user` },
            Action: 'kms:Encrypt',
            Resource: '*',
          },
          {
            Sid: 'NotThisOne',
            Effect: 'Deny',
            Principal: { AWS: `arn:aws:iam::${acct}:user/key-denied` },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      };
      const { KeyMetadata } = await kms().send(
        new CreateKeyCommand({ Policy: JSON.stringify(keyPolicy), BypassPolicyLockoutSafetyCheck: true }),
      );
      const keyId = KeyMetadata!.KeyId!;
      const keyUser = await user('key-user');
      expect((await encrypt(keyUser, keyId)).CiphertextBlob).to.have.length.greaterThan(0);
      const powerful = await user('key-admin-policy', { attached: [ADMIN] });
      const err = await failure(encrypt(powerful, keyId));
      expect(err.name).to.equal('AccessDeniedException');
      expect(err.message).to.contain('because no resource-based policy allows the kms:Encrypt action');
      const denied = await user('key-denied', { attached: [ADMIN] });
      expect((await failure(encrypt(denied, keyId))).message).to.contain(
        'with an explicit deny in a resource-based policy',
      );
    });
  });

  describe('SNS', () => {
    const sns = (k?: Keys) => new SNSClient(range.clientConfig(k ? { credentials: k } : {}));

    it('applies a topic policy: its Deny binds the owner account, its Allow opens the topic to another account', async () => {
      const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'alerts' }));
      const publisher = await user('publisher', { inline: allow('sns:Publish') });
      await sns(publisher).send(new PublishCommand({ TopicArn, Message: 'first' }));

      const partner = otherAccountUser(range, {
        userName: 'notifier',
        accessKeyId: 'AKIAPARTNERNOTIFIER1',
        secretAccessKey: 'partner-notifier-secret-not-a-real-key-1',
      });
      const asPartner = { accessKeyId: partner.accessKeyId, secretAccessKey: partner.secretAccessKey };
      expect(
        (await failure(sns(asPartner).send(new PublishCommand({ TopicArn, Message: 'x' })))).name,
      ).to.equal('AuthorizationErrorException');

      await sns().send(
        new SetTopicAttributesCommand({
          TopicArn,
          AttributeName: 'Policy',
          AttributeValue: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::210987654321:root' },
                Action: 'sns:Publish',
                Resource: TopicArn,
              },
              {
                Effect: 'Deny',
                Principal: { AWS: `arn:aws:iam::${acct}:user/publisher` },
                Action: 'sns:Publish',
                Resource: TopicArn,
              },
            ],
          }),
        }),
      );
      expect((await sns(asPartner).send(new PublishCommand({ TopicArn, Message: 'y' }))).MessageId).to.be.a(
        'string',
      );
      const err = await failure(sns(publisher).send(new PublishCommand({ TopicArn, Message: 'z' })));
      expect(err.name).to.equal('AuthorizationErrorException');
      expect(err.message).to.match(
        new RegExp(
          `^User: arn:aws:iam::${acct}:user/publisher is not authorized to perform: sns:Publish on resource: ${TopicArn} with an explicit deny in a resource-based policy$`,
          'i',
        ),
      );
    });
  });
});
