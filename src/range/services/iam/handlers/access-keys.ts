import type {
  AccessKeyMetadata,
  CreateAccessKeyRequest,
  CreateAccessKeyResponse,
  DeleteAccessKeyRequest,
  GetAccessKeyLastUsedRequest,
  GetAccessKeyLastUsedResponse,
  ListAccessKeysRequest,
  ListAccessKeysResponse,
  UpdateAccessKeyRequest,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { identityState, rootPrincipal } from '../../../identity.js';
import { iamId, secretKey } from '../../../ids.js';
import {
  iamOf,
  keyOf,
  targetUser,
  userPrincipal,
  type IamAccessKey,
  type IamState,
  type IamUser,
} from '../store.js';
import { checks, pageOf } from '../validate.js';

/*
 * Access keys are the one IAM resource the engine reads on every request: creating, deactivating,
 * reactivating and deleting a key updates the shared identity table at once, so a key made with
 * CreateAccessKey signs requests immediately (a backdoor key really works) and a deactivated one is
 * refused with InvalidClientTokenId.
 *
 * Root keys: the range's own root key (the one `sirs range start` prints, standing for a console
 * session) is an access key of the root user like any other: ListAccessKeys as root lists it,
 * GetAccountSummary counts it (AccountAccessKeysPresent) and the credential report shows it, as IAM
 * would. Scenarios that inject root keys judge the keys they created (rootAccessKeys with an
 * accessKeyId), so a responder never has to lock the range out of root to score.
 */

const KEYS_PER_USER = 2;

function keysOf(iam: IamState, user: IamUser | undefined): IamAccessKey[] {
  return Object.values(iam.accessKeys)
    .filter((k) => (user ? !k.root && keyOf(k.UserName) === keyOf(user.UserName) : k.root === true))
    .sort((a, b) => a.CreateDate.getTime() - b.CreateDate.getTime());
}

function metadataOf(k: IamAccessKey): AccessKeyMetadata {
  return {
    ...(k.root ? {} : { UserName: k.UserName }),
    AccessKeyId: k.AccessKeyId,
    Status: k.Status,
    CreateDate: k.CreateDate,
  };
}

/** The key named in the call, owned by the user (or root) the call is about. */
function ownedKey(
  ctx: CallContext,
  iam: IamState,
  userName: string | undefined,
  accessKeyId: string,
): IamAccessKey {
  const user = targetUser(ctx, iam, userName);
  const key = iam.accessKeys[accessKeyId];
  const owned = key && (user ? !key.root && keyOf(key.UserName) === keyOf(user.UserName) : key.root === true);
  if (!key || !owned)
    throw new ServiceError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`, 404);
  return key;
}

export function createAccessKey(ctx: CallContext, input: CreateAccessKeyRequest): CreateAccessKeyResponse {
  checks().name('UserName', input.UserName, 128).done();
  const iam = iamOf(ctx);
  const user = targetUser(ctx, iam, input.UserName);
  if (keysOf(iam, user).length >= KEYS_PER_USER) {
    throw new ServiceError(
      'LimitExceeded',
      `Cannot exceed quota for AccessKeysPerUser: ${KEYS_PER_USER}`,
      409,
    );
  }
  const key: IamAccessKey = {
    AccessKeyId: iamId('AKIA'),
    UserName: user?.UserName ?? '',
    Status: 'Active',
    CreateDate: ctx.now,
    ...(user ? {} : { root: true }),
  };
  const secret = secretKey();
  iam.accessKeys[key.AccessKeyId] = key;
  ctx.state(identityState).credentials[key.AccessKeyId] = {
    accessKeyId: key.AccessKeyId,
    secretAccessKey: secret,
    status: 'Active',
    createdAt: ctx.now,
    principal: user ? userPrincipal(ctx.accountId, user) : rootPrincipal(ctx.accountId),
  };
  return {
    AccessKey: { ...metadataOf(key), SecretAccessKey: secret } as CreateAccessKeyResponse['AccessKey'],
  };
}

export function updateAccessKey(ctx: CallContext, input: UpdateAccessKeyRequest): Record<string, never> {
  checks()
    .name('UserName', input.UserName, 128)
    .string('AccessKeyId', input.AccessKeyId, { min: 16, max: 128 })
    .oneOf('Status', input.Status, ['Active', 'Inactive'])
    .done();
  const iam = iamOf(ctx);
  const key = ownedKey(ctx, iam, input.UserName, input.AccessKeyId ?? '');
  key.Status = input.Status as IamAccessKey['Status'];
  const cred = ctx.state(identityState).credentials[key.AccessKeyId];
  if (cred) cred.status = key.Status;
  return {};
}

export function deleteAccessKey(ctx: CallContext, input: DeleteAccessKeyRequest): Record<string, never> {
  checks()
    .name('UserName', input.UserName, 128)
    .string('AccessKeyId', input.AccessKeyId, { min: 16, max: 128 })
    .done();
  const iam = iamOf(ctx);
  const key = ownedKey(ctx, iam, input.UserName, input.AccessKeyId ?? '');
  delete iam.accessKeys[key.AccessKeyId];
  const ids = ctx.state(identityState);
  delete ids.credentials[key.AccessKeyId];
  delete ids.lastUsed[key.AccessKeyId];
  return {};
}

export function listAccessKeys(ctx: CallContext, input: ListAccessKeysRequest): ListAccessKeysResponse {
  checks().name('UserName', input.UserName, 128).done();
  const iam = iamOf(ctx);
  const user = targetUser(ctx, iam, input.UserName);
  const { page, ...more } = pageOf(keysOf(iam, user), input, ['ListAccessKeys', user?.UserId ?? 'root']);
  return { AccessKeyMetadata: page.map(metadataOf), ...more };
}

export function getAccessKeyLastUsed(
  ctx: CallContext,
  input: GetAccessKeyLastUsedRequest,
): GetAccessKeyLastUsedResponse {
  checks().string('AccessKeyId', input.AccessKeyId, { min: 16, max: 128 }).done();
  const id = input.AccessKeyId ?? '';
  const key = iamOf(ctx).accessKeys[id];
  if (!key) {
    throw new ServiceError(
      'AccessDenied',
      `User: ${ctx.principal.arn} is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key ${id}`,
      403,
    );
  }
  const used = ctx.state(identityState).lastUsed[id];
  return {
    UserName: key.root ? 'root' : key.UserName,
    AccessKeyLastUsed: used
      ? { LastUsedDate: used.lastUsedDate, ServiceName: used.serviceName, Region: used.region }
      : { ServiceName: 'N/A', Region: 'N/A' },
  };
}
