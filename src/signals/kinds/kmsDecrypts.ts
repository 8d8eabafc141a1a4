import { z } from 'zod';
import { scanPlaceholders } from '../../scenario/placeholders.js';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { kmsDecrypt, kmsKey } from '../reads/operations.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const hasPlaceholder = (s: string) => scanPlaceholders(s).tokens.length > 0;

export const kmsDecrypts = defineSignalKind({
  name: 'kmsDecrypts',
  family: 'state',
  reads: ['kms:DescribeKey', 'kms:Decrypt'],
  summary:
    'Data encrypted under a KMS key still decrypts (the key is usable and holds the right material) or not.',
  params: z.strictObject({
    key: resource('The KMS key the ciphertext must decrypt under: key id, key ARN or alias (alias/...).'),
    ciphertext: z
      .string()
      .refine((s) => hasPlaceholder(s) || (s.length % 4 === 0 && BASE64.test(s)), {
        error: 'must be base64, like the CiphertextBlob the AWS CLI prints, or a placeholder',
      })
      .describe(
        'The ciphertext, base64 (e.g. an SSM SecureString read without decryption: {{actions.<id>.Parameter.Value}}).',
      ),
    encryptionContext: z
      .record(z.string(), z.string())
      .optional()
      .describe(
        'The encryption context it was made with (SSM SecureStrings: { PARAMETER_ARN: <the parameter ARN> }).',
      ),
    expect: expect(
      ['decrypts', 'fails'],
      'decrypts: KMS decrypts it now; fails: KMS refuses (key disabled, pending deletion, deleted, wrong key or context).',
    ),
  }),
  describe: (p) =>
    p.expect === 'decrypts'
      ? `Data encrypted under KMS key ${p.key} decrypts`
      : `Data encrypted under KMS key ${p.key} no longer decrypts`,
  probe: async (ctx, p) => {
    const [answer, key] = await Promise.all([
      kmsDecrypt(ctx.reader, p.ciphertext, p.key, p.encryptionContext),
      kmsKey(ctx.reader, p.key),
    ]);
    // Events name the key by id or ARN, whatever the condition calls it.
    ctx.knownAs(p.key, key?.KeyId, key?.Arn);
    const state = key ? ` (key ${key.KeyId} is ${key.KeyState ?? 'in an unknown state'})` : '';
    // Only sizes and error codes: the plaintext is never part of the evidence.
    const summary = answer.decrypts
      ? `A ${Buffer.from(p.ciphertext, 'base64').length}-byte ciphertext decrypts under KMS key ${p.key} to ${answer.bytes} bytes${state}`
      : `A ciphertext under KMS key ${p.key} does not decrypt: ${answer.code}${state}`;
    return observed(ctx, answer.decrypts === (p.expect === 'decrypts'), summary);
  },
  // CancelKeyDeletion leaves the key disabled: only EnableKey makes the data readable again.
  attribution: (p) => ({
    eventNames: p.expect === 'decrypts' ? ['EnableKey'] : ['DisableKey', 'ScheduleKeyDeletion'],
    resource: p.key,
  }),
});
