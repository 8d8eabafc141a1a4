import { randomBytes } from 'node:crypto';
import type { KeyMetadata } from '@aws-sdk/client-kms';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { uuid } from '../../ids.js';
import { kmsState, predefinedAliases, type KmsState, type StoredKey } from './store.js';
import { record } from '../../records.js';

/**
 * Finding keys the way KMS does (key id, key ARN, alias name, alias ARN), the key-state rules every
 * operation shares, and KeyMetadata.
 */

export function keyArn(ctx: CallContext, keyId: string): string {
  return `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${keyId}`;
}

export function aliasArn(ctx: CallContext, aliasName: string): string {
  return `arn:aws:kms:${ctx.region}:${ctx.accountId}:${aliasName}`;
}

/** The store of this call, without the keys whose deletion date has passed on the range clock. */
export function kmsStore(ctx: CallContext): KmsState {
  const s = ctx.state(kmsState);
  const now = ctx.now.getTime();
  for (const key of Object.values(s.keys)) {
    if (key.state !== 'PendingDeletion' || !key.deletionDate || key.deletionDate.getTime() > now) continue;
    // Deleting a key deletes its aliases with it, as in AWS.
    delete s.keys[key.keyId];
    for (const alias of Object.values(s.aliases))
      if (alias.targetKeyId === key.keyId) delete s.aliases[alias.name];
  }
  return s;
}

export function validation(message: string): ServiceError {
  return new ServiceError('ValidationException', `1 validation error detected: ${message}`);
}

const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const ARN = /^arn:aws[a-z-]*:kms:([^:]*):([^:]*):(key|alias)\/(.+)$/;

export interface FindOptions {
  /**
   * DescribeKey and the cryptographic operations create the AWS managed key behind a predefined alias
   * (`alias/aws/ssm`) on first use, as AWS services do.
   */
  createManaged?: boolean;
  /**
   * The key-management operations (EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion,
   * UpdateKeyDescription) take a key id or key ARN only; AWS's API reference for each: "Specify the key
   * ID or key ARN of the KMS key". An alias is not found there.
   */
  idOrArnOnly?: boolean;
}

/** Resolve a KeyId parameter (key id, key ARN, alias name or alias ARN) to a key of this account and region. */
export function findKey(ctx: CallContext, ref: string, opts: FindOptions = {}): StoredKey {
  const s = kmsStore(ctx);
  const arn = ARN.exec(ref);
  if (opts.idOrArnOnly && (ref.startsWith('alias/') || arn?.[3] === 'alias'))
    throw new ServiceError('NotFoundException', `Invalid keyId ${ref}`);
  if (arn) {
    const [, region, account, type, rest = ''] = arn;
    if (region !== ctx.region || account !== ctx.accountId) {
      throw type === 'alias'
        ? aliasNotFound(ref)
        : new ServiceError('NotFoundException', `Key '${ref}' does not exist`);
    }
    return type === 'alias' ? findByAlias(ctx, s, `alias/${rest}`, opts) : findById(ctx, s, rest);
  }
  if (ref.startsWith('alias/')) return findByAlias(ctx, s, ref, opts);
  return findById(ctx, s, ref);
}

function findById(ctx: CallContext, s: KmsState, keyId: string): StoredKey {
  if (!KEY_ID.test(keyId)) throw new ServiceError('NotFoundException', `Invalid keyId '${keyId}'`);
  const key = s.keys[keyId];
  if (!key) throw new ServiceError('NotFoundException', `Key '${keyArn(ctx, keyId)}' does not exist`);
  return key;
}

function findByAlias(ctx: CallContext, s: KmsState, name: string, opts: FindOptions): StoredKey {
  const alias = s.aliases[name];
  if (alias) {
    const key = s.keys[alias.targetKeyId];
    if (key) return key;
  }
  const description = predefinedAliases[name];
  if (description && opts.createManaged) return createManagedKey(ctx, s, name, description);
  throw aliasNotFound(aliasArn(ctx, name));
}

function aliasNotFound(arn: string): ServiceError {
  return new ServiceError('NotFoundException', `Alias ${arn} is not found.`);
}

export function defaultKeyPolicy(accountId: string): string {
  const policy = {
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
  return JSON.stringify(policy, null, 2);
}

/** AWS managed keys let the account use them only through their service, and only read them directly. */
function managedKeyPolicy(ctx: CallContext, service: string): string {
  const policy = {
    Version: '2012-10-17',
    Id: `auto-${service}-1`,
    Statement: [
      {
        Sid: `Allow access through ${service} for all principals in the account that are authorized to use ${service}`,
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:CreateGrant',
          'kms:DescribeKey',
        ],
        Resource: '*',
        Condition: {
          StringEquals: {
            'kms:CallerAccount': ctx.accountId,
            'kms:ViaService': `${service}.${ctx.region}.amazonaws.com`,
          },
        },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ctx.accountId}:root` },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
        Resource: '*',
      },
    ],
  };
  return JSON.stringify(policy, null, 2);
}

export function newKey(
  ctx: CallContext,
  props: {
    description: string;
    keyUsage: string;
    keySpec: string;
    keyManager: 'AWS' | 'CUSTOMER';
    policy: string;
  },
): StoredKey {
  const keyId = uuid();
  const key: StoredKey = {
    keyId,
    arn: keyArn(ctx, keyId),
    createdAt: ctx.now,
    description: props.description,
    keyUsage: props.keyUsage,
    keySpec: props.keySpec,
    keyManager: props.keyManager,
    state: 'Enabled',
    policy: props.policy,
    tags: [],
    material: randomBytes(32),
  };
  ctx.state(kmsState).keys[keyId] = key;
  return key;
}

function createManagedKey(ctx: CallContext, s: KmsState, aliasName: string, description: string): StoredKey {
  const service = aliasName.slice('alias/aws/'.length);
  const key = newKey(ctx, {
    description,
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyManager: 'AWS',
    policy: managedKeyPolicy(ctx, service),
  });
  // AWS managed keys rotate every year and that cannot be turned off.
  key.rotation = { periodInDays: 365, nextRotationDate: new Date(ctx.now.getTime() + 365 * 86_400_000) };
  s.aliases[aliasName] = {
    name: aliasName,
    arn: aliasArn(ctx, aliasName),
    targetKeyId: key.keyId,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  return key;
}

/** Cryptographic operations need an enabled key (AWS's key-state table, notes 1 and 3). */
export function requireUsable(key: StoredKey): void {
  if (key.state === 'Disabled') throw new ServiceError('DisabledException', `${key.arn} is disabled.`);
  requireNotPendingDeletion(key);
}

export function requireNotPendingDeletion(key: StoredKey): void {
  if (key.state === 'PendingDeletion')
    throw new ServiceError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
}

/** The key policy of an AWS managed key lets nobody change the key: the account gets AccessDenied. */
export function requireCustomerManaged(ctx: CallContext, key: StoredKey): void {
  if (key.keyManager === 'CUSTOMER') return;
  const action = `kms:${ctx.operation}`;
  throw new ServiceError(
    'AccessDeniedException',
    `User: ${ctx.principal.arn} is not authorized to perform: ${action} on resource: ${key.arn} because no resource-based policy allows the ${action} action`,
  );
}

const algorithms: Record<string, Partial<Record<string, string[]>>> = record({
  SYMMETRIC_DEFAULT: { ENCRYPT_DECRYPT: ['SYMMETRIC_DEFAULT'] },
  RSA_2048: { ENCRYPT_DECRYPT: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'], SIGN_VERIFY: rsaSigning() },
  RSA_3072: { ENCRYPT_DECRYPT: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'], SIGN_VERIFY: rsaSigning() },
  RSA_4096: { ENCRYPT_DECRYPT: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'], SIGN_VERIFY: rsaSigning() },
  ECC_NIST_P256: { SIGN_VERIFY: ['ECDSA_SHA_256'] },
  ECC_NIST_P384: { SIGN_VERIFY: ['ECDSA_SHA_384'] },
  ECC_NIST_P521: { SIGN_VERIFY: ['ECDSA_SHA_512'] },
  ECC_SECG_P256K1: { SIGN_VERIFY: ['ECDSA_SHA_256'] },
  HMAC_224: { GENERATE_VERIFY_MAC: ['HMAC_SHA_224'] },
  HMAC_256: { GENERATE_VERIFY_MAC: ['HMAC_SHA_256'] },
  HMAC_384: { GENERATE_VERIFY_MAC: ['HMAC_SHA_384'] },
  HMAC_512: { GENERATE_VERIFY_MAC: ['HMAC_SHA_512'] },
});

function rsaSigning(): string[] {
  return ['SHA_256', 'SHA_384', 'SHA_512'].flatMap((h) => [`RSASSA_PSS_${h}`, `RSASSA_PKCS1_V1_5_${h}`]);
}

/** The algorithms of a key spec and usage; undefined when KMS does not allow that combination. */
export function algorithmsOf(keySpec: string, keyUsage: string): string[] | undefined {
  return algorithms[keySpec]?.[keyUsage];
}

export function keyMetadata(ctx: CallContext, key: StoredKey): KeyMetadata {
  const algs = algorithmsOf(key.keySpec, key.keyUsage) ?? [];
  return {
    AWSAccountId: ctx.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: key.createdAt,
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage as KeyMetadata['KeyUsage'],
    KeyState: key.state,
    DeletionDate: key.state === 'PendingDeletion' ? key.deletionDate : undefined,
    PendingDeletionWindowInDays: key.state === 'PendingDeletion' ? key.pendingWindowInDays : undefined,
    Origin: 'AWS_KMS',
    KeyManager: key.keyManager,
    CustomerMasterKeySpec: key.keySpec as KeyMetadata['CustomerMasterKeySpec'],
    KeySpec: key.keySpec as KeyMetadata['KeySpec'],
    EncryptionAlgorithms:
      key.keyUsage === 'ENCRYPT_DECRYPT' ? (algs as KeyMetadata['EncryptionAlgorithms']) : undefined,
    SigningAlgorithms:
      key.keyUsage === 'SIGN_VERIFY' ? (algs as KeyMetadata['SigningAlgorithms']) : undefined,
    MacAlgorithms:
      key.keyUsage === 'GENERATE_VERIFY_MAC' ? (algs as KeyMetadata['MacAlgorithms']) : undefined,
    MultiRegion: false,
  };
}

export function checkLimit(limit: number | undefined, max: number): number | undefined {
  if (limit === undefined) return undefined;
  if (limit < 1 || limit > max) {
    throw validation(
      `Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value ${limit < 1 ? 'greater than or equal to 1' : `less than or equal to ${max}`}`,
    );
  }
  return limit;
}

export function invalidMarker(): ServiceError {
  return new ServiceError(
    'InvalidMarkerException',
    'The marker is not valid: it was not returned by a previous call to this operation.',
  );
}
