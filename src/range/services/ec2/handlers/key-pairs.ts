import type {
  CreateKeyPairRequest,
  DeleteKeyPairRequest,
  DeleteKeyPairResult,
  DescribeKeyPairsRequest,
  DescribeKeyPairsResult,
  ImportKeyPairRequest,
  ImportKeyPairResult,
  KeyPair,
  KeyPairInfo,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { ec2Id } from '../../../ids.js';
import { authorizedKeysLine, createKey, importedFingerprint, parsePublicKey } from '../key-material.js';
import { applyFilters, applyTagSpecs, tagSpecsFor, tagsOf, type FilterTable } from '../query.js';
import { invalidParameter, isWellFormed, kinds, malformed, missingParameter } from '../resources.js';
import { ec2Of, type Ec2State, type KeyPairRecord } from '../store.js';

export function keyPairNotFound(name: string): ServiceError {
  return new ServiceError('InvalidKeyPair.NotFound', `The key pair '${name}' does not exist`);
}

export function keyPairNamed(s: Ec2State, name: string): KeyPairRecord | undefined {
  return Object.values(s.keyPairs).find((k) => k.name === name);
}

/** Key names: up to 255 ASCII characters, unique in the region. */
function checkNewName(s: Ec2State, name: string): void {
  if (name === '' || name.length > 255 || !/^[\x20-\x7e]+$/.test(name)) {
    throw invalidParameter(`Value (${name}) for parameter keyName is invalid. Up to 255 ASCII characters.`);
  }
  if (keyPairNamed(s, name))
    throw new ServiceError('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`);
}

function keep(
  ctx: CallContext,
  s: Ec2State,
  input: { KeyName?: string; TagSpecifications?: CreateKeyPairRequest['TagSpecifications'] },
  fields: Omit<KeyPairRecord, 'id' | 'name' | 'createTime'>,
): KeyPairRecord {
  const specs = tagSpecsFor(input.TagSpecifications, ['key-pair']);
  const key: KeyPairRecord = { id: ec2Id('key'), name: input.KeyName ?? '', createTime: ctx.now, ...fields };
  s.keyPairs[key.id] = key;
  applyTagSpecs(s, specs, 'key-pair', key.id);
  return key;
}

/**
 * The private key goes to the caller in this answer only: the range keeps the public half, and the
 * model marks KeyMaterial sensitive, so CloudTrail never records it.
 */
export async function createKeyPair(ctx: CallContext, input: CreateKeyPairRequest): Promise<KeyPair> {
  const s = ec2Of(ctx);
  const name = input.KeyName ?? '';
  checkNewName(s, name);
  const keyType = input.KeyType ?? 'rsa';
  if (keyType !== 'rsa' && keyType !== 'ed25519') {
    throw invalidParameter(
      `Value (${String(keyType)}) for parameter KeyType is invalid. Valid values are rsa, ed25519.`,
    );
  }
  const format = input.KeyFormat ?? 'pem';
  if (format === 'ppk') {
    throw new ServiceError(
      'UnsupportedOperation',
      'The range does not produce PuTTY (ppk) private keys; create the key pair with KeyFormat pem.',
    );
  }
  if (format !== 'pem')
    throw invalidParameter(`Value (${String(format)}) for parameter KeyFormat is invalid.`);
  tagSpecsFor(input.TagSpecifications, ['key-pair']);
  const created = await createKey(keyType, name);
  // Generation awaited: another call may have taken the name meanwhile.
  checkNewName(s, name);
  const key = keep(ctx, s, input, {
    keyType,
    fingerprint: created.fingerprint,
    publicKey: authorizedKeysLine(created.key, name),
  });
  return {
    KeyFingerprint: key.fingerprint,
    KeyMaterial: created.material,
    KeyName: key.name,
    KeyPairId: key.id,
    Tags: tagsOf(s, key.id),
  };
}

export function importKeyPair(ctx: CallContext, input: ImportKeyPairRequest): ImportKeyPairResult {
  const s = ec2Of(ctx);
  const name = input.KeyName ?? '';
  checkNewName(s, name);
  const material = input.PublicKeyMaterial ? Buffer.from(input.PublicKeyMaterial) : Buffer.alloc(0);
  const parsed = parsePublicKey(material);
  if (!parsed) throw new ServiceError('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');
  const key = keep(ctx, s, input, {
    keyType: parsed.keyType,
    fingerprint: importedFingerprint(parsed),
    publicKey: authorizedKeysLine(parsed, parsed.comment ?? ''),
  });
  return { KeyFingerprint: key.fingerprint, KeyName: key.name, KeyPairId: key.id, Tags: tagsOf(s, key.id) };
}

const keyFilters: FilterTable<KeyPairRecord> = {
  'key-pair-id': (k) => k.id,
  'key-name': (k) => k.name,
  fingerprint: (k) => k.fingerprint,
  'key-type': (k) => k.keyType,
};

export function describeKeyPairs(ctx: CallContext, input: DescribeKeyPairsRequest): DescribeKeyPairsResult {
  const s = ec2Of(ctx);
  let keys = Object.values(s.keyPairs);
  if (input.KeyNames?.length) {
    keys = [...new Set(input.KeyNames)].map(
      (name) => keyPairNamed(s, name) ?? throwing(keyPairNotFound(name)),
    );
  }
  if (input.KeyPairIds?.length) {
    for (const id of input.KeyPairIds) {
      if (!isWellFormed(kinds.keyPair, id)) throw malformed(kinds.keyPair, id);
      if (!s.keyPairs[id]) throw keyPairNotFound(id);
    }
    keys = keys.filter((k) => input.KeyPairIds!.includes(k.id));
  }
  const selected = applyFilters(s, keys, input.Filters, keyFilters);
  return {
    KeyPairs: selected.map((k): KeyPairInfo => ({
      KeyPairId: k.id,
      KeyFingerprint: k.fingerprint,
      KeyName: k.name,
      KeyType: k.keyType,
      Tags: tagsOf(s, k.id) ?? [],
      PublicKey: input.IncludePublicKey ? k.publicKey : undefined,
      CreateTime: k.createTime,
    })),
  };
}

function throwing(err: ServiceError): never {
  throw err;
}

/**
 * By name, deleting a key pair that does not exist succeeds, as EC2 answers; by id, it must exist.
 * Instances launched with the key keep their KeyName.
 */
export function deleteKeyPair(ctx: CallContext, input: DeleteKeyPairRequest): DeleteKeyPairResult {
  const s = ec2Of(ctx);
  let key: KeyPairRecord | undefined;
  if (input.KeyPairId !== undefined) {
    if (!isWellFormed(kinds.keyPair, input.KeyPairId)) throw malformed(kinds.keyPair, input.KeyPairId);
    key = s.keyPairs[input.KeyPairId];
    if (!key) throw keyPairNotFound(input.KeyPairId);
  } else if (input.KeyName !== undefined) {
    key = keyPairNamed(s, input.KeyName);
  } else {
    throw missingParameter('KeyName or KeyPairId');
  }
  if (key) {
    delete s.keyPairs[key.id];
    delete s.tags[key.id];
  }
  return { Return: true, KeyPairId: key?.id };
}
