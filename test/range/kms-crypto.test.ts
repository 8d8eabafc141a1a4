import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  KMSClient,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { ManualClock } from '../../src/range/clock.js';
import { failure, startTestRange, type TestRange } from './harness.js';

interface KeyMeta {
  KeyId: string;
  Arn: string;
  KeyState: string;
  Enabled: boolean;
  DeletionDate?: string | number;
  KeyManager: string;
}

/** The error an SDK call fails with (never resolves silently). */

describe('range: KMS cryptography', function () {
  this.timeout(60_000);
  let range: TestRange;
  let kms: KMSClient;
  const clock = new ManualClock(Date.parse('2026-05-04T09:00:00Z'));
  const dir = mkdtempSync(join(tmpdir(), 'sirs-kms-'));

  before(async () => {
    range = await startTestRange({ clock });
    kms = new KMSClient(range.clientConfig());
  });
  after(() => range.stop());

  async function newKey(description: string): Promise<KeyMeta> {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: description }));
    return KeyMetadata as KeyMeta;
  }

  describe('cryptography', () => {
    const secret = 'db-password: correct horse battery staple';

    it('encrypts and decrypts for real through the SDK and the CLI, in both directions', async () => {
      const key = await newKey('crypto');
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/crypto', TargetKeyId: key.KeyId }));
      const context = { purpose: 'game-day' };
      const sdk = await kms.send(
        new EncryptCommand({
          KeyId: 'alias/crypto',
          Plaintext: Buffer.from(secret),
          EncryptionContext: context,
        }),
      );
      expect(sdk.KeyId).to.equal(key.Arn);
      expect(Buffer.from(sdk.CiphertextBlob ?? []).includes(Buffer.from(secret))).to.equal(false);

      // The CLI decrypts what the SDK encrypted, without being told the key.
      const blobFile = join(dir, 'sdk.bin');
      writeFileSync(blobFile, sdk.CiphertextBlob ?? new Uint8Array());
      const cliPlain = (await range.aws([
        'kms',
        'decrypt',
        '--ciphertext-blob',
        `fileb://${blobFile}`,
        '--encryption-context',
        'purpose=game-day',
      ])) as { Plaintext: string; KeyId: string };
      expect(Buffer.from(cliPlain.Plaintext, 'base64').toString()).to.equal(secret);
      expect(cliPlain.KeyId).to.equal(key.Arn);

      // The SDK decrypts what the CLI encrypted.
      const plainFile = join(dir, 'plain.txt');
      writeFileSync(plainFile, secret);
      const cliBlob = (await range.aws([
        'kms',
        'encrypt',
        '--key-id',
        key.KeyId,
        '--plaintext',
        `fileb://${plainFile}`,
      ])) as {
        CiphertextBlob: string;
      };
      const back = await kms.send(
        new DecryptCommand({ CiphertextBlob: Buffer.from(cliBlob.CiphertextBlob, 'base64') }),
      );
      expect(Buffer.from(back.Plaintext ?? []).toString()).to.equal(secret);

      // A different encryption context does not decrypt.
      const wrong = await failure(
        kms.send(
          new DecryptCommand({ CiphertextBlob: sdk.CiphertextBlob, EncryptionContext: { purpose: 'other' } }),
        ),
      );
      expect(wrong.name).to.equal('InvalidCiphertextException');
      const noContext = await range.awsFails(['kms', 'decrypt', '--ciphertext-blob', `fileb://${blobFile}`]);
      expect(noContext.stderr).to.contain('(InvalidCiphertextException)');
      const other = await newKey('other');
      const incorrect = await failure(
        kms.send(
          new DecryptCommand({
            CiphertextBlob: sdk.CiphertextBlob,
            KeyId: other.KeyId,
            EncryptionContext: context,
          }),
        ),
      );
      expect(incorrect.name).to.equal('IncorrectKeyException');

      // ReEncrypt moves the ciphertext under another key without exposing it.
      const moved = await kms.send(
        new ReEncryptCommand({
          CiphertextBlob: sdk.CiphertextBlob,
          SourceEncryptionContext: context,
          DestinationKeyId: other.KeyId,
        }),
      );
      expect(moved).to.include({ SourceKeyId: key.Arn, KeyId: other.Arn });
      const moveBack = await kms.send(new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob }));
      expect(Buffer.from(moveBack.Plaintext ?? []).toString()).to.equal(secret);
    });

    it('generates data keys whose ciphertext decrypts to the plaintext key', async () => {
      const key = await newKey('data keys');
      const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));
      expect(dk.Plaintext).to.have.length(32);
      const opened = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
      expect(Buffer.from(opened.Plaintext ?? []).equals(Buffer.from(dk.Plaintext ?? []))).to.equal(true);
      const cli = (await range.aws([
        'kms',
        'generate-data-key',
        '--key-id',
        key.Arn,
        '--number-of-bytes',
        '16',
      ])) as {
        Plaintext: string;
        CiphertextBlob: string;
      };
      expect(Buffer.from(cli.Plaintext, 'base64')).to.have.length(16);
      const without = await kms.send(
        new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, KeySpec: 'AES_128' }),
      );
      expect(without).not.to.have.property('Plaintext');
      expect(without.CiphertextBlob?.length).to.be.greaterThan(28);
      const both = await failure(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId })));
      expect(both.name).to.equal('ValidationException');
    });

    it('records cryptographic calls as read-only management events that never show a plaintext', () => {
      for (const name of ['Encrypt', 'Decrypt', 'GenerateDataKey', 'ReEncrypt']) {
        const events = range.events(name);
        expect(events.length, name).to.be.greaterThan(0);
        expect(events[0]?.managementEvent).to.equal(true);
      }
      // KMS's cryptographic operations are all read events in CloudTrail, ReEncrypt included.
      for (const name of ['Encrypt', 'Decrypt', 'GenerateDataKey', 'ReEncrypt'])
        expect(range.events(name)[0]?.readOnly, name).to.equal(true);
      expect(range.events('Encrypt')[0]?.requestParameters).to.deep.include({
        keyId: 'alias/crypto',
        encryptionContext: { purpose: 'game-day' },
      });
      const everything = JSON.stringify(range.events());
      expect(everything).not.to.contain(secret);
      expect(everything).not.to.contain(Buffer.from(secret).toString('base64'));
      expect(everything).not.to.contain(Buffer.from(secret).toString('base64').slice(0, 24));
    });

    it('refuses a disabled key with DisabledException and works again once enabled', async () => {
      const key = await newKey('switch');
      await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
      const described = (await range.aws(['kms', 'describe-key', '--key-id', key.KeyId])) as {
        KeyMetadata: KeyMeta;
      };
      expect(described.KeyMetadata).to.include({ KeyState: 'Disabled', Enabled: false });
      const sdk = await failure(
        kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })),
      );
      expect(sdk.name).to.equal('DisabledException');
      expect(sdk.message).to.equal(`${key.Arn} is disabled.`);
      const cli = await range.awsFails([
        'kms',
        'generate-data-key',
        '--key-id',
        key.KeyId,
        '--key-spec',
        'AES_256',
      ]);
      expect(cli.stderr).to.contain('(DisabledException)');
      expect(range.events('Encrypt').at(-1)?.errorCode).to.equal('DisabledException');
      await range.aws(['kms', 'enable-key', '--key-id', key.KeyId]);
      const ok = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }));
      expect(ok.KeyId).to.equal(key.Arn);
    });
  });

  it('keeps keys and their secrets across a restart with a state directory, so old ciphertexts still decrypt', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sirs-kms-state-'));
    const first = await startTestRange({ stateDir });
    const before = new KMSClient(first.clientConfig());
    const { KeyMetadata } = await before.send(new CreateKeyCommand({ Description: 'durable' }));
    await before.send(
      new CreateAliasCommand({ AliasName: 'alias/durable', TargetKeyId: KeyMetadata?.KeyId }),
    );
    const sealed = await before.send(
      new EncryptCommand({
        KeyId: 'alias/durable',
        Plaintext: Buffer.from('kept'),
        EncryptionContext: { a: 'b' },
      }),
    );
    await first.stop();
    const second = await startTestRange({ stateDir });
    try {
      const after = new KMSClient(second.clientConfig());
      const opened = await after.send(
        new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { a: 'b' } }),
      );
      expect(Buffer.from(opened.Plaintext ?? []).toString()).to.equal('kept');
      expect(opened.KeyId).to.equal(KeyMetadata?.Arn);
      const byAlias = await after.send(new DescribeKeyCommand({ KeyId: 'alias/durable' }));
      expect(byAlias.KeyMetadata?.CreationDate?.getTime()).to.equal(KeyMetadata?.CreationDate?.getTime());
    } finally {
      await second.stop();
    }
  });
});
