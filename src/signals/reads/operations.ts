/**
 * KMS keys once a tick each, aliases once a tick, ciphertexts decrypted once a tick each (plaintext
 * wiped at once); CloudWatch alarms and SSM patch states batched by name / instance id;
 * State Manager associations once a tick.
 */
import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { AliasListEntry, KeyMetadata } from '@aws-sdk/client-kms';
import type { Association, InstancePatchState } from '@aws-sdk/client-ssm';
import { Absent, allPages, type BatchSpec, type Reader } from '../reader.js';

export function kmsKey(reader: Reader, key: string): Promise<KeyMetadata | undefined> {
  return reader.once(`kms:DescribeKey ${key}`, async () => {
    const out = await reader.callOrAbsent('kms:DescribeKey', { KeyId: key }, ['NotFoundException']);
    return out instanceof Absent ? undefined : (out.KeyMetadata as KeyMetadata);
  });
}

export type Alarm = (MetricAlarm | CompositeAlarm) & { AlarmName?: string; StateValue?: string };

const alarms: BatchSpec<Alarm> = {
  name: 'cloudwatch:DescribeAlarms',
  maxSize: 100,
  async fetch(reader, names) {
    const pages = await allPages(reader, 'cloudwatch:DescribeAlarms', {
      AlarmNames: names,
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
    const found = new Map<string, Alarm>();
    for (const p of pages) {
      for (const a of [...((p.MetricAlarms as Alarm[]) ?? []), ...((p.CompositeAlarms as Alarm[]) ?? [])]) {
        if (a.AlarmName) found.set(a.AlarmName, a);
      }
    }
    return found;
  },
};

export function alarm(reader: Reader, name: string): Promise<Alarm | undefined> {
  return reader.load(alarms, name);
}

const patchStates: BatchSpec<InstancePatchState> = {
  name: 'ssm:DescribeInstancePatchStates',
  maxSize: 50,
  async fetch(reader, ids) {
    const found = new Map<string, InstancePatchState>();
    let token: string | undefined;
    do {
      const out = await reader.callOrAbsent(
        'ssm:DescribeInstancePatchStates',
        { InstanceIds: ids, MaxResults: 50, ...(token ? { NextToken: token } : {}) },
        ['InvalidInstanceId'],
      );
      // An id SSM refuses is split out of the batch by the reader; the others stay known.
      if (out instanceof Absent) return out;
      for (const s of (out.InstancePatchStates as InstancePatchState[] | undefined) ?? []) {
        if (s.InstanceId) found.set(s.InstanceId, s);
      }
      token = out.NextToken as string | undefined;
    } while (token);
    return found;
  },
};

export function patchState(reader: Reader, instanceId: string): Promise<InstancePatchState | undefined> {
  return reader.load(patchStates, instanceId);
}

/** Every State Manager association of the account and region. */
export function associations(reader: Reader): Promise<Association[]> {
  return reader.once('ssm:ListAssociations', async () => {
    const pages = await allPages(reader, 'ssm:ListAssociations', { MaxResults: 50 });
    return pages.flatMap((p) => (p.Associations as Association[] | undefined) ?? []);
  });
}

/** Whether an association applies to the instance by its id (or to every instance); tag targets are not resolved. */
export function targetsInstance(a: Association, instanceId: string): boolean {
  if (a.InstanceId === instanceId) return true;
  return (a.Targets ?? []).some(
    (t) => t.Key === 'InstanceIds' && (t.Values ?? []).some((v) => v === instanceId || v === '*'),
  );
}

/** Every KMS alias of the account and region, once a tick. */
export function kmsAliases(reader: Reader): Promise<AliasListEntry[]> {
  return reader.once('kms:ListAliases', async () => {
    const aliases: AliasListEntry[] = [];
    let marker: string | undefined;
    do {
      const out = await reader.call('kms:ListAliases', { Limit: 100, ...(marker ? { Marker: marker } : {}) });
      aliases.push(...((out.Aliases as AliasListEntry[] | undefined) ?? []));
      marker = out.Truncated ? (out.NextMarker as string | undefined) : undefined;
    } while (marker);
    return aliases;
  });
}

/** What a Decrypt answered: the plaintext's length only (the plaintext itself is wiped), or why it failed. */
export type DecryptAnswer =
  { decrypts: true; keyArn?: string; bytes: number } | { decrypts: false; code: string; message: string };

/**
 * Errors that mean "this ciphertext does not decrypt now" (the key disabled, pending deletion, deleted,
 * another key, a wrong encryption context), as opposed to a failed read: KMS Decrypt's error list.
 */
const UNDECRYPTABLE = [
  'DisabledException',
  'KMSInvalidStateException',
  'NotFoundException',
  'IncorrectKeyException',
  'InvalidCiphertextException',
];

/**
 * Decrypt a base64 ciphertext, once a tick per ciphertext, key and context. The plaintext never leaves
 * this function: it is overwritten as soon as its length is known, so nothing secret reaches the
 * evidence or the journal.
 */
export function kmsDecrypt(
  reader: Reader,
  ciphertext: string,
  key: string,
  context?: Record<string, string>,
): Promise<DecryptAnswer> {
  const id = `kms:Decrypt ${key} ${JSON.stringify(context ?? {})} ${ciphertext}`;
  return reader.once(id, async (): Promise<DecryptAnswer> => {
    const out = await reader.callOrAbsent(
      'kms:Decrypt',
      {
        CiphertextBlob: Buffer.from(ciphertext, 'base64'),
        KeyId: key,
        ...(context ? { EncryptionContext: context } : {}),
      },
      UNDECRYPTABLE,
    );
    if (out instanceof Absent) return { decrypts: false, code: out.code, message: out.message };
    const plaintext = out.Plaintext as Uint8Array | undefined;
    const bytes = plaintext?.length ?? 0;
    plaintext?.fill(0);
    delete out.Plaintext;
    return { decrypts: true, keyArn: out.KeyId as string | undefined, bytes };
  });
}

/**
 * Whether an association applies to the instance, given the instance's tags: by id (or every instance),
 * or by `tag:<key>` / `tag-key` targets, as State Manager selects them. Resource groups are not resolved.
 */
export function selectsInstance(
  a: Association,
  instanceId: string,
  tags: Readonly<Record<string, string>>,
): boolean {
  const targets = a.Targets ?? [];
  if (a.InstanceId === instanceId || targetsInstance(a, instanceId)) return true;
  if (targets.length === 0) return false;
  return targets.every((t) => {
    const values = t.Values ?? [];
    if (t.Key === 'tag-key') return values.some((k) => Object.hasOwn(tags, k));
    if (t.Key?.startsWith('tag:')) {
      const key = t.Key.slice(4);
      return Object.hasOwn(tags, key) && values.includes(tags[key]!);
    }
    return false;
  });
}
