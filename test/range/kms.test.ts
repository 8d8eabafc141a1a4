import { expect } from 'chai';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { ManualClock } from '../../src/range/clock.js';
import { failure, startTestRange, type TestRange } from './harness.js';

const DAY = 86_400_000;

interface KeyMeta {
  KeyId: string;
  Arn: string;
  KeyState: string;
  Enabled: boolean;
  DeletionDate?: string | number;
  KeyManager: string;
}

/** The error an SDK call fails with (never resolves silently). */

describe('range: KMS', function () {
  this.timeout(60_000);
  let range: TestRange;
  let kms: KMSClient;
  const clock = new ManualClock(Date.parse('2026-05-04T09:00:00Z'));

  before(async () => {
    range = await startTestRange({ clock });
    kms = new KMSClient(range.clientConfig());
  });
  after(() => range.stop());

  async function newKey(description: string): Promise<KeyMeta> {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: description }));
    return KeyMetadata as KeyMeta;
  }

  describe('keys and aliases', () => {
    it('creates keys with AWS defaults and the default key policy, over the SDK and the CLI', async () => {
      const { KeyMetadata: sdk } = await kms.send(
        new CreateKeyCommand({ Description: 'orders data', Tags: [{ TagKey: 'team', TagValue: 'blue' }] }),
      );
      expect(sdk).to.include({
        AWSAccountId: range.accountId,
        Description: 'orders data',
        Enabled: true,
        KeyState: 'Enabled',
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        MultiRegion: false,
      });
      expect(sdk?.KeyId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(sdk?.Arn).to.equal(`arn:aws:kms:${range.region}:${range.accountId}:key/${sdk?.KeyId}`);
      expect(sdk?.EncryptionAlgorithms).to.deep.equal(['SYMMETRIC_DEFAULT']);
      expect(sdk?.CreationDate?.getTime()).to.equal(clock.now().getTime());

      const cli = (await range.aws(['kms', 'create-key', '--description', 'from the cli'])) as {
        KeyMetadata: KeyMeta;
      };
      expect(cli.KeyMetadata).to.include({ KeyState: 'Enabled', Description: 'from the cli' });

      const policy = await kms.send(new GetKeyPolicyCommand({ KeyId: sdk?.KeyId, PolicyName: 'default' }));
      expect(JSON.parse(policy.Policy ?? '{}')).to.deep.include({
        Statement: [
          {
            Sid: 'Enable IAM User Permissions',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${range.accountId}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      });
      const listed = (await range.aws(['kms', 'list-keys'])) as {
        Keys: Array<{ KeyId: string; KeyArn: string }>;
      };
      expect(listed.Keys.map((k) => k.KeyId)).to.include.members([sdk?.KeyId, cli.KeyMetadata.KeyId]);
      const tags = await kms.send(new ListResourceTagsCommand({ KeyId: sdk?.KeyId }));
      expect(tags.Tags).to.deep.equal([{ TagKey: 'team', TagValue: 'blue' }]);

      const event = range.events('CreateKey').at(-1);
      expect(event?.eventSource).to.equal('kms.amazonaws.com');
      expect(event?.readOnly).to.equal(false);
      expect(event?.requestParameters).to.deep.equal({ description: 'from the cli' });
      expect((event?.responseElements as { keyMetadata: { keyId: string } }).keyMetadata.keyId).to.equal(
        cli.KeyMetadata.KeyId,
      );
    });

    it('finds a key by id, key ARN, alias name and alias ARN, and follows alias updates', async () => {
      const a = await newKey('a');
      const b = await newKey('b');
      await range.aws(['kms', 'create-alias', '--alias-name', 'alias/orders', '--target-key-id', a.KeyId]);
      const aliasArn = `arn:aws:kms:${range.region}:${range.accountId}:alias/orders`;
      for (const ref of [a.KeyId, a.Arn, 'alias/orders', aliasArn]) {
        const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: ref }));
        expect(KeyMetadata?.KeyId, ref).to.equal(a.KeyId);
      }
      const byKey = await kms.send(new ListAliasesCommand({ KeyId: a.KeyId }));
      expect(byKey.Aliases?.map((x) => [x.AliasName, x.AliasArn, x.TargetKeyId])).to.deep.equal([
        ['alias/orders', aliasArn, a.KeyId],
      ]);

      await range.aws(['kms', 'update-alias', '--alias-name', 'alias/orders', '--target-key-id', b.Arn]);
      const cli = (await range.aws(['kms', 'describe-key', '--key-id', 'alias/orders'])) as {
        KeyMetadata: KeyMeta;
      };
      expect(cli.KeyMetadata.KeyId).to.equal(b.KeyId);

      // AWS's predefined aliases are listed without a target until their key exists.
      const all = (await range.aws(['kms', 'list-aliases'])) as {
        Aliases: Array<{ AliasName: string; TargetKeyId?: string }>;
      };
      expect(all.Aliases.find((x) => x.AliasName === 'alias/aws/s3')).to.deep.equal({
        AliasName: 'alias/aws/s3',
        AliasArn: `arn:aws:kms:${range.region}:${range.accountId}:alias/aws/s3`,
      });
      expect(all.Aliases.find((x) => x.AliasName === 'alias/orders')?.TargetKeyId).to.equal(b.KeyId);

      await range.aws(['kms', 'delete-alias', '--alias-name', 'alias/orders']);
      const gone = await failure(kms.send(new DescribeKeyCommand({ KeyId: 'alias/orders' })));
      expect(gone.name).to.equal('NotFoundException');
      expect(gone.message).to.equal(`Alias ${aliasArn} is not found.`);
      expect(range.events('DeleteAlias').at(-1)?.requestParameters).to.deep.equal({
        aliasName: 'alias/orders',
      });
    });

    it('refuses bad alias names, reserved aliases, duplicates and unknown keys as KMS does', async () => {
      const key = await newKey('alias rules');
      const noPrefix = await range.awsFails([
        'kms',
        'create-alias',
        '--alias-name',
        'orders',
        '--target-key-id',
        key.KeyId,
      ]);
      expect(noPrefix.stderr)
        .to.contain('(ValidationException)')
        .and.contain('Alias must start with the prefix "alias/"');
      const reserved = await failure(
        kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: key.KeyId })),
      );
      expect(reserved.name).to.equal('NotAuthorizedException');
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/dup', TargetKeyId: key.KeyId }));
      const dup = await range.awsFails([
        'kms',
        'create-alias',
        '--alias-name',
        'alias/dup',
        '--target-key-id',
        key.KeyId,
      ]);
      expect(dup.stderr).to.contain('(AlreadyExistsException)').and.contain(`alias/dup already exists`);
      const missing = '0b6b2f54-0000-4000-8000-000000000000';
      const unknown = await failure(kms.send(new DescribeKeyCommand({ KeyId: missing })));
      expect(unknown.name).to.equal('NotFoundException');
      expect(unknown.message).to.equal(
        `Key 'arn:aws:kms:${range.region}:${range.accountId}:key/${missing}' does not exist`,
      );
      expect(range.events('CreateAlias').at(-1)?.errorCode).to.equal('AlreadyExistsException');
    });

    it('creates the AWS managed key behind alias/aws/ssm on first use, and nobody may delete it', async () => {
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ssm' }));
      expect(KeyMetadata).to.include({ KeyManager: 'AWS', KeyState: 'Enabled' });
      const again = (await range.aws(['kms', 'describe-key', '--key-id', 'alias/aws/ssm'])) as {
        KeyMetadata: KeyMeta;
      };
      expect(again.KeyMetadata.KeyId).to.equal(KeyMetadata?.KeyId);
      const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: KeyMetadata?.KeyId }));
      expect(rotation.KeyRotationEnabled).to.equal(true);
      const denied = await range.awsFails([
        'kms',
        'schedule-key-deletion',
        '--key-id',
        KeyMetadata?.KeyId ?? '',
      ]);
      expect(denied.stderr).to.contain('(AccessDeniedException)').and.contain('kms:ScheduleKeyDeletion');
    });
  });

  describe('deletion, rotation, policies and tags', () => {
    it('schedules deletion on the range clock, refuses use meanwhile, cancels back to Disabled', async () => {
      const key = await newKey('doomed');
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: key.KeyId }));
      const tooSoon = await range.awsFails([
        'kms',
        'schedule-key-deletion',
        '--key-id',
        key.KeyId,
        '--pending-window-in-days',
        '5',
      ]);
      expect(tooSoon.stderr).to.contain('(ValidationException)').and.contain('greater than or equal to 7');

      const scheduled = (await range.aws([
        'kms',
        'schedule-key-deletion',
        '--key-id',
        key.KeyId,
        '--pending-window-in-days',
        '7',
      ])) as {
        KeyId: string;
        KeyState: string;
        DeletionDate: number | string;
        PendingWindowInDays: number;
      };
      expect(scheduled).to.include({ KeyId: key.Arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
      const due = clock.now().getTime() + 7 * DAY;
      expect(
        new Date(
          typeof scheduled.DeletionDate === 'number' ? scheduled.DeletionDate * 1000 : scheduled.DeletionDate,
        ).getTime(),
      ).to.equal(due);
      const described = await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
      expect(described.KeyMetadata).to.include({
        KeyState: 'PendingDeletion',
        Enabled: false,
        PendingDeletionWindowInDays: 7,
      });
      expect(described.KeyMetadata?.DeletionDate?.getTime()).to.equal(due);

      const inUse = await failure(
        kms.send(new EncryptCommand({ KeyId: 'alias/doomed', Plaintext: Buffer.from('x') })),
      );
      expect(inUse.name).to.equal('KMSInvalidStateException');
      expect(inUse.message).to.equal(`${key.Arn} is pending deletion.`);
      const twice = await failure(kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId })));
      expect(twice.name).to.equal('KMSInvalidStateException');

      const cancelled = (await range.aws(['kms', 'cancel-key-deletion', '--key-id', key.KeyId])) as {
        KeyId: string;
      };
      expect(cancelled.KeyId).to.equal(key.Arn);
      const after = await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
      expect(after.KeyMetadata).to.include({ KeyState: 'Disabled', Enabled: false });
      expect(after.KeyMetadata?.DeletionDate).to.equal(undefined);
      const notPending = await failure(kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId })));
      expect(notPending.message).to.equal(`${key.Arn} is not pending deletion.`);
      const events = range
        .events('ScheduleKeyDeletion')
        .filter((e) => e.requestParameters?.keyId === key.KeyId);
      expect(events.map((e) => e.errorCode)).to.deep.equal([
        'ValidationException',
        undefined,
        'KMSInvalidStateException',
      ]);
      expect(events[1]?.requestParameters).to.deep.equal({ keyId: key.KeyId, pendingWindowInDays: 7 });
    });

    it('deletes the key and its aliases once the pending window has passed on the range clock', async () => {
      const key = await newKey('gone');
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/gone', TargetKeyId: key.KeyId }));
      const { DeletionDate } = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
      expect(DeletionDate?.getTime()).to.equal(clock.now().getTime() + 30 * DAY);
      clock.advance(30 * DAY - 1000);
      expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).to.equal(
        'PendingDeletion',
      );
      clock.advance(1000);
      const gone = await range.awsFails(['kms', 'describe-key', '--key-id', key.KeyId]);
      expect(gone.stderr).to.contain('(NotFoundException)');
      const keys = await kms.send(new ListKeysCommand({}));
      expect(keys.Keys?.map((k) => k.KeyId)).not.to.include(key.KeyId);
      const aliases = await kms.send(new ListAliasesCommand({}));
      expect(aliases.Aliases?.map((a) => a.AliasName)).not.to.include('alias/gone');
    });

    it('turns rotation on and off, replaces the key policy, tags and untags', async () => {
      const key = await newKey('admin');
      expect(
        (await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).KeyRotationEnabled,
      ).to.equal(false);
      await range.aws(['kms', 'enable-key-rotation', '--key-id', key.KeyId]);
      const on = (await range.aws(['kms', 'get-key-rotation-status', '--key-id', key.KeyId])) as {
        KeyRotationEnabled: boolean;
        RotationPeriodInDays: number;
      };
      expect(on).to.include({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
      await range.aws(['kms', 'disable-key-rotation', '--key-id', key.KeyId]);
      expect(
        (await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).KeyRotationEnabled,
      ).to.equal(false);

      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ops',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${range.accountId}:role/ops` },
            Action: 'kms:Decrypt',
            Resource: '*',
          },
        ],
      });
      await range.aws([
        'kms',
        'put-key-policy',
        '--key-id',
        key.KeyId,
        '--policy-name',
        'default',
        '--policy',
        policy,
      ]);
      const got = (await range.aws([
        'kms',
        'get-key-policy',
        '--key-id',
        key.KeyId,
        '--policy-name',
        'default',
      ])) as { Policy: string };
      expect(JSON.parse(got.Policy)).to.deep.equal(JSON.parse(policy));
      const names = (await range.aws(['kms', 'list-key-policies', '--key-id', key.KeyId])) as {
        PolicyNames: string[];
      };
      expect(names.PolicyNames).to.deep.equal(['default']);
      const malformed = await range.awsFails([
        'kms',
        'put-key-policy',
        '--key-id',
        key.KeyId,
        '--policy-name',
        'default',
        '--policy',
        '{not json',
      ]);
      expect(malformed.stderr).to.contain('(MalformedPolicyDocumentException)');
      const otherName = await failure(
        kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'extra' })),
      );
      expect(otherName.name).to.equal('NotFoundException');

      await kms.send(
        new TagResourceCommand({
          KeyId: key.KeyId,
          Tags: [
            { TagKey: 'env', TagValue: 'range' },
            { TagKey: 'owner', TagValue: 'sec' },
          ],
        }),
      );
      await range.aws(['kms', 'untag-resource', '--key-id', key.KeyId, '--tag-keys', 'owner']);
      const tags = (await range.aws(['kms', 'list-resource-tags', '--key-id', key.KeyId])) as {
        Tags: unknown[];
      };
      expect(tags.Tags).to.deep.equal([{ TagKey: 'env', TagValue: 'range' }]);
      const reserved = await failure(
        kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'aws:x', TagValue: '1' }] })),
      );
      expect(reserved.name).to.equal('TagException');
      // AWS itself may: CloudFormation puts its aws:cloudformation:* tags on the keys of a stack.
      const created = (await range.engine.dispatch(
        undefined,
        'kms',
        'CreateKey',
        { Tags: [{ TagKey: 'aws:cloudformation:stack-name', TagValue: 'crypto' }] },
        { invokedBy: 'cloudformation.amazonaws.com' },
      )) as { KeyMetadata: KeyMeta };
      const stackTags = await kms.send(new ListResourceTagsCommand({ KeyId: created.KeyMetadata.KeyId }));
      expect(stackTags.Tags).to.deep.equal([{ TagKey: 'aws:cloudformation:stack-name', TagValue: 'crypto' }]);
      await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    });
  });
});
