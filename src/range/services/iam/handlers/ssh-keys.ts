import type {
  DeleteSSHPublicKeyRequest,
  GetSSHPublicKeyRequest,
  GetSSHPublicKeyResponse,
  ListSSHPublicKeysRequest,
  ListSSHPublicKeysResponse,
  SSHPublicKey,
  UpdateSSHPublicKeyRequest,
  UploadSSHPublicKeyRequest,
  UploadSSHPublicKeyResponse,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { iamId } from '../../../ids.js';
import { parseSshPublicKey } from '../public-keys.js';
import {
  iamOf,
  keyOf,
  noSuchEntity,
  targetUser,
  userNamed,
  type IamSshPublicKey,
  type IamState,
} from '../store.js';
import { PRINTABLE_BODY, checks, pageOf } from '../validate.js';

/*
 * SSH public keys let an IAM user reach CodeCommit over SSH: a backdoor that survives rotating the
 * user's access keys, so the compromised-credentials playbooks list and delete them.
 */

const KEYS_PER_USER = 5;
const KEY_ID = { re: /^[\w]+$/, text: '[\\w]+' };

function keysOf(iam: IamState, userName: string): IamSshPublicKey[] {
  return Object.values(iam.sshPublicKeys)
    .filter((k) => keyOf(k.UserName) === keyOf(userName))
    .sort((a, b) => a.UploadDate.getTime() - b.UploadDate.getTime());
}

function ownedKey(iam: IamState, userName: string, id: string): IamSshPublicKey {
  const user = userNamed(iam, userName);
  const key = iam.sshPublicKeys[id];
  if (!key || keyOf(key.UserName) !== keyOf(user.UserName))
    throw noSuchEntity(`The Public Key with id ${id} cannot be found.`);
  return key;
}

function keyOut(k: IamSshPublicKey, body: string): SSHPublicKey {
  return {
    UserName: k.UserName,
    SSHPublicKeyId: k.SSHPublicKeyId,
    Fingerprint: k.Fingerprint,
    SSHPublicKeyBody: body,
    Status: k.Status,
    UploadDate: k.UploadDate,
  };
}

export function uploadSSHPublicKey(
  ctx: CallContext,
  input: UploadSSHPublicKeyRequest,
): UploadSSHPublicKeyResponse {
  checks()
    .name('UserName', input.UserName)
    .string('SSHPublicKeyBody', input.SSHPublicKeyBody, { min: 1, max: 16384, pattern: PRINTABLE_BODY })
    .done();
  const iam = iamOf(ctx);
  const user = userNamed(iam, input.UserName ?? '');
  const parsed = parseSshPublicKey(input.SSHPublicKeyBody ?? '');
  const mine = keysOf(iam, user.UserName);
  if (mine.some((k) => k.Fingerprint === parsed.fingerprint)) {
    throw new ServiceError(
      'DuplicateSSHPublicKey',
      'The request was rejected because the SSH public key is already associated with the specified IAM user.',
      400,
    );
  }
  if (mine.length >= KEYS_PER_USER) {
    throw new ServiceError(
      'LimitExceeded',
      `Cannot exceed quota for PublicKeysPerUser: ${KEYS_PER_USER}`,
      409,
    );
  }
  const key: IamSshPublicKey = {
    SSHPublicKeyId: iamId('APKA'),
    UserName: user.UserName,
    SSHPublicKeyBody: input.SSHPublicKeyBody ?? '',
    ssh: parsed.ssh,
    pem: parsed.pem,
    Fingerprint: parsed.fingerprint,
    Status: 'Active',
    UploadDate: ctx.now,
  };
  iam.sshPublicKeys[key.SSHPublicKeyId] = key;
  return { SSHPublicKey: keyOut(key, key.SSHPublicKeyBody) };
}

export function getSSHPublicKey(ctx: CallContext, input: GetSSHPublicKeyRequest): GetSSHPublicKeyResponse {
  checks()
    .name('UserName', input.UserName)
    .string('SSHPublicKeyId', input.SSHPublicKeyId, { min: 20, max: 128, pattern: KEY_ID })
    .oneOf('Encoding', input.Encoding, ['SSH', 'PEM'])
    .done();
  const key = ownedKey(iamOf(ctx), input.UserName ?? '', input.SSHPublicKeyId ?? '');
  return { SSHPublicKey: keyOut(key, input.Encoding === 'PEM' ? key.pem : key.ssh) };
}

export function listSSHPublicKeys(
  ctx: CallContext,
  input: ListSSHPublicKeysRequest,
): ListSSHPublicKeysResponse {
  checks().name('UserName', input.UserName).done();
  const iam = iamOf(ctx);
  // The account root has no SSH keys: without a user name, root lists none.
  const user = targetUser(ctx, iam, input.UserName);
  const keys = user ? keysOf(iam, user.UserName) : [];
  const { page, ...more } = pageOf(keys, input, ['ListSSHPublicKeys', user?.UserId ?? 'root']);
  return {
    SSHPublicKeys: page.map((k) => ({
      UserName: k.UserName,
      SSHPublicKeyId: k.SSHPublicKeyId,
      Status: k.Status,
      UploadDate: k.UploadDate,
    })),
    ...more,
  };
}

export function updateSSHPublicKey(
  ctx: CallContext,
  input: UpdateSSHPublicKeyRequest,
): Record<string, never> {
  checks()
    .name('UserName', input.UserName)
    .string('SSHPublicKeyId', input.SSHPublicKeyId, { min: 20, max: 128, pattern: KEY_ID })
    .oneOf('Status', input.Status, ['Active', 'Inactive'])
    .done();
  const key = ownedKey(iamOf(ctx), input.UserName ?? '', input.SSHPublicKeyId ?? '');
  key.Status = input.Status as IamSshPublicKey['Status'];
  return {};
}

export function deleteSSHPublicKey(
  ctx: CallContext,
  input: DeleteSSHPublicKeyRequest,
): Record<string, never> {
  checks()
    .name('UserName', input.UserName)
    .string('SSHPublicKeyId', input.SSHPublicKeyId, { min: 20, max: 128, pattern: KEY_ID })
    .done();
  const iam = iamOf(ctx);
  const key = ownedKey(iam, input.UserName ?? '', input.SSHPublicKeyId ?? '');
  delete iam.sshPublicKeys[key.SSHPublicKeyId];
  return {};
}
