import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type {
  DecryptRequest,
  DecryptResponse,
  EncryptRequest,
  EncryptResponse,
  GenerateDataKeyRequest,
  GenerateDataKeyResponse,
  GenerateDataKeyWithoutPlaintextRequest,
  GenerateDataKeyWithoutPlaintextResponse,
  GenerateRandomRequest,
  GenerateRandomResponse,
  ReEncryptRequest,
  ReEncryptResponse,
} from '@aws-sdk/client-kms';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { findKey, kmsStore, requireUsable, validation } from './keys.js';
import type { StoredKey } from './store.js';

/**
 * Real encryption: AES-256-GCM under each key's secret material. A ciphertext blob is
 *   "RKMS" | version 1 | key id length | key id | 12-byte IV | 16-byte tag | ciphertext
 * so Decrypt finds the key without a KeyId, and the encryption context is the GCM additional data, so
 * a different context fails authentication exactly where KMS answers InvalidCiphertextException.
 */
const MAGIC = Buffer.from('RKMS');
const VERSION = 1;

type EncryptionContext = Record<string, string> | undefined;

function aad(context: EncryptionContext): Buffer {
  const entries = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries));
}

function seal(key: StoredKey, plaintext: Uint8Array, context: EncryptionContext): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.material, iv);
  cipher.setAAD(aad(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const id = Buffer.from(key.keyId, 'ascii');
  return Buffer.concat([MAGIC, Buffer.from([VERSION, id.length]), id, iv, cipher.getAuthTag(), body]);
}

function invalidCiphertext(): ServiceError {
  return new ServiceError('InvalidCiphertextException', '');
}

function keyIdOf(blob: Buffer): string {
  if (blob.length < 6 || !blob.subarray(0, 4).equals(MAGIC) || blob[4] !== VERSION) throw invalidCiphertext();
  const idLength = blob[5] ?? 0;
  if (blob.length < 6 + idLength + 28) throw invalidCiphertext();
  return blob.subarray(6, 6 + idLength).toString('ascii');
}

function open(key: StoredKey, blob: Buffer, context: EncryptionContext): Buffer {
  const start = 6 + (blob[5] ?? 0);
  const iv = blob.subarray(start, start + 12);
  const tag = blob.subarray(start + 12, start + 28);
  const decipher = createDecipheriv('aes-256-gcm', key.material, iv);
  decipher.setAAD(aad(context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(blob.subarray(start + 28)), decipher.final()]);
  } catch {
    throw invalidCiphertext();
  }
}

/** The key that can encrypt: enabled, symmetric, for encryption (AWS managed keys are created on first use). */
function encryptionKey(ctx: CallContext, keyId: string): StoredKey {
  const key = findKey(ctx, keyId, { createManaged: true });
  requireUsable(key);
  requireSymmetric(ctx, key);
  return key;
}

function requireSymmetric(ctx: CallContext, key: StoredKey): void {
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') {
    throw new ServiceError(
      'InvalidKeyUsageException',
      `${key.arn} key usage is ${key.keyUsage} which is not valid for ${ctx.operation}.`,
    );
  }
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new ServiceError(
      'UnsupportedOperationException',
      `The range implements ${ctx.operation} for SYMMETRIC_DEFAULT keys only; ${key.arn} is ${key.keySpec}.`,
    );
  }
}

function checkAlgorithm(algorithm: string | undefined): void {
  if (algorithm !== undefined && algorithm !== 'SYMMETRIC_DEFAULT') {
    throw new ServiceError(
      'InvalidKeyUsageException',
      `The encryption algorithm ${algorithm} is not valid for a symmetric key.`,
    );
  }
}

/** The key a ciphertext was made with, checked against an optional KeyId naming it. */
function decryptionKey(ctx: CallContext, blob: Buffer, keyId: string | undefined): StoredKey {
  const embedded = keyIdOf(blob);
  const key = kmsStore(ctx).keys[embedded];
  if (!key) {
    throw new ServiceError(
      'AccessDeniedException',
      'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.',
    );
  }
  if (keyId !== undefined && findKey(ctx, keyId).keyId !== key.keyId) {
    throw new ServiceError(
      'IncorrectKeyException',
      'The key ID in the request does not identify a CMK that can perform this operation.',
    );
  }
  requireUsable(key);
  return key;
}

function checkBlob(member: string, value: Uint8Array | undefined, max: number): Buffer {
  const buf = Buffer.from(value ?? new Uint8Array());
  if (buf.length < 1)
    throw validation(
      `Value at '${member}' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  if (buf.length > max) {
    throw validation(
      `Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
  }
  return buf;
}

export function encrypt(ctx: CallContext, input: EncryptRequest): EncryptResponse {
  const plaintext = checkBlob('plaintext', input.Plaintext, 4096);
  checkAlgorithm(input.EncryptionAlgorithm);
  const key = encryptionKey(ctx, input.KeyId ?? '');
  return {
    CiphertextBlob: seal(key, plaintext, input.EncryptionContext),
    KeyId: key.arn,
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
}

export function decrypt(ctx: CallContext, input: DecryptRequest): DecryptResponse {
  const blob = checkBlob('ciphertextBlob', input.CiphertextBlob, 6144);
  checkAlgorithm(input.EncryptionAlgorithm);
  const key = decryptionKey(ctx, blob, input.KeyId);
  return {
    Plaintext: open(key, blob, input.EncryptionContext),
    KeyId: key.arn,
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
}

export function reEncrypt(ctx: CallContext, input: ReEncryptRequest): ReEncryptResponse {
  const blob = checkBlob('ciphertextBlob', input.CiphertextBlob, 6144);
  checkAlgorithm(input.SourceEncryptionAlgorithm);
  checkAlgorithm(input.DestinationEncryptionAlgorithm);
  const source = decryptionKey(ctx, blob, input.SourceKeyId);
  const plaintext = open(source, blob, input.SourceEncryptionContext);
  const destination = encryptionKey(ctx, input.DestinationKeyId ?? '');
  return {
    CiphertextBlob: seal(destination, plaintext, input.DestinationEncryptionContext),
    SourceKeyId: source.arn,
    KeyId: destination.arn,
    SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
}

function dataKeyLength(numberOfBytes: number | undefined, keySpec: string | undefined): number {
  if ((numberOfBytes === undefined) === (keySpec === undefined)) {
    throw new ServiceError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  if (keySpec !== undefined) return keySpec === 'AES_128' ? 16 : 32;
  const n = numberOfBytes ?? 0;
  if (n < 1 || n > 1024) {
    throw validation(
      `Value '${n}' at 'numberOfBytes' failed to satisfy constraint: Member must have value ${n < 1 ? 'greater than or equal to 1' : 'less than or equal to 1024'}`,
    );
  }
  return n;
}

export function generateDataKey(ctx: CallContext, input: GenerateDataKeyRequest): GenerateDataKeyResponse {
  const length = dataKeyLength(input.NumberOfBytes, input.KeySpec);
  const key = encryptionKey(ctx, input.KeyId ?? '');
  const plaintext = randomBytes(length);
  return {
    CiphertextBlob: seal(key, plaintext, input.EncryptionContext),
    Plaintext: plaintext,
    KeyId: key.arn,
  };
}

export function generateDataKeyWithoutPlaintext(
  ctx: CallContext,
  input: GenerateDataKeyWithoutPlaintextRequest,
): GenerateDataKeyWithoutPlaintextResponse {
  const { CiphertextBlob, KeyId } = generateDataKey(ctx, input);
  return { CiphertextBlob, KeyId };
}

export function generateRandom(_ctx: CallContext, input: GenerateRandomRequest): GenerateRandomResponse {
  const n = input.NumberOfBytes ?? 0;
  if (n < 1 || n > 1024) {
    throw validation(
      `Value '${n}' at 'numberOfBytes' failed to satisfy constraint: Member must have value ${n < 1 ? 'greater than or equal to 1' : 'less than or equal to 1024'}`,
    );
  }
  return { Plaintext: randomBytes(n) };
}
