import type {
  AliasListEntry,
  CreateAliasRequest,
  DeleteAliasRequest,
  ListAliasesRequest,
  ListAliasesResponse,
  UpdateAliasRequest,
} from '@aws-sdk/client-kms';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import {
  aliasArn,
  checkLimit,
  findKey,
  invalidMarker,
  kmsStore,
  requireCustomerManaged,
  requireNotPendingDeletion,
  validation,
} from './keys.js';
import { predefinedAliases } from './store.js';

/** Alias names: the `alias/` prefix, then letters, digits, `/`, `_` and `-`; `alias/aws/` belongs to AWS. */
function checkAliasName(name: string): void {
  if (!/^[a-zA-Z0-9:/_-]+$/.test(name) || name.length > 256) {
    throw validation(
      `Value '${name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$`,
    );
  }
  if (!name.startsWith('alias/')) {
    throw new ServiceError(
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  if (name.startsWith('alias/aws/')) throw new ServiceError('NotAuthorizedException', '');
  if (name === 'alias/' || name.includes(':'))
    throw new ServiceError('InvalidAliasNameException', `Alias name ${name} is not valid.`);
}

/** The key an alias points to: a customer managed key that is not pending deletion, named by id or ARN. */
function targetOf(ctx: CallContext, targetKeyId: string) {
  if (targetKeyId.startsWith('alias/') || /:alias\//.test(targetKeyId)) {
    throw validation(
      `Value '${targetKeyId}' at 'targetKeyId' is an alias: an alias must point to a key id or key ARN.`,
    );
  }
  const key = findKey(ctx, targetKeyId);
  requireCustomerManaged(ctx, key);
  requireNotPendingDeletion(key);
  return key;
}

export function createAlias(ctx: CallContext, input: CreateAliasRequest): Record<string, never> {
  const name = input.AliasName ?? '';
  checkAliasName(name);
  const s = kmsStore(ctx);
  if (s.aliases[name]) {
    throw new ServiceError(
      'AlreadyExistsException',
      `An alias with the name ${aliasArn(ctx, name)} already exists`,
    );
  }
  const key = targetOf(ctx, input.TargetKeyId ?? '');
  s.aliases[name] = {
    name,
    arn: aliasArn(ctx, name),
    targetKeyId: key.keyId,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  return {};
}

export function updateAlias(ctx: CallContext, input: UpdateAliasRequest): Record<string, never> {
  const name = input.AliasName ?? '';
  checkAliasName(name);
  const alias = kmsStore(ctx).aliases[name];
  if (!alias) throw new ServiceError('NotFoundException', `Alias ${aliasArn(ctx, name)} is not found.`);
  const key = targetOf(ctx, input.TargetKeyId ?? '');
  alias.targetKeyId = key.keyId;
  alias.updatedAt = ctx.now;
  return {};
}

export function deleteAlias(ctx: CallContext, input: DeleteAliasRequest): Record<string, never> {
  const name = input.AliasName ?? '';
  checkAliasName(name);
  const s = kmsStore(ctx);
  if (!s.aliases[name])
    throw new ServiceError('NotFoundException', `Alias ${aliasArn(ctx, name)} is not found.`);
  delete s.aliases[name];
  return {};
}

export function listAliases(ctx: CallContext, input: ListAliasesRequest): ListAliasesResponse {
  const s = kmsStore(ctx);
  const entries: AliasListEntry[] = Object.values(s.aliases).map((a) => ({
    AliasName: a.name,
    AliasArn: a.arn,
    TargetKeyId: a.targetKeyId,
    CreationDate: a.createdAt,
    LastUpdatedDate: a.updatedAt,
  }));
  let list = entries;
  if (input.KeyId) {
    const key = findKey(ctx, input.KeyId);
    list = entries.filter((e) => e.TargetKeyId === key.keyId);
  } else {
    // AWS's predefined aliases are listed, without a target, until their managed key exists.
    for (const name of Object.keys(predefinedAliases)) {
      if (!s.aliases[name]) list.push({ AliasName: name, AliasArn: aliasArn(ctx, name) });
    }
  }
  list.sort((a, b) => (a.AliasName ?? '').localeCompare(b.AliasName ?? ''));
  const { page, nextToken } = paginate(list, {
    token: input.Marker,
    max: checkLimit(input.Limit, 100),
    defaultMax: 50,
    query: input.KeyId ?? '',
    invalidToken: invalidMarker,
  });
  return { Aliases: page, NextMarker: nextToken, Truncated: nextToken !== undefined };
}
