import type {
  CreateUserRequest,
  CreateUserResponse,
  DeleteUserRequest,
  GetUserRequest,
  GetUserResponse,
  ListUserTagsRequest,
  ListUserTagsResponse,
  ListUsersRequest,
  ListUsersResponse,
  TagUserRequest,
  UntagUserRequest,
  UpdateUserRequest,
  User,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { identityState } from '../../../identity.js';
import { iamId } from '../../../ids.js';
import { policyNamed } from '../policies.js';
import {
  arnOf,
  byName,
  iamOf,
  keyOf,
  targetUser,
  userNamed,
  userPrincipal,
  type IamState,
  type IamUser,
} from '../store.js';
import { checks, mergeTags, pageOf, removeTags, tagsOut, underPath } from '../validate.js';
import { record } from '../../../records.js';

export function userOut(u: IamUser, full = true): User {
  return {
    Path: u.Path,
    UserName: u.UserName,
    UserId: u.UserId,
    Arn: u.Arn,
    CreateDate: u.CreateDate,
    ...(u.PasswordLastUsed ? { PasswordLastUsed: u.PasswordLastUsed } : {}),
    ...(full && u.PermissionsBoundary
      ? {
          PermissionsBoundary: {
            PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
            PermissionsBoundaryArn: u.PermissionsBoundary,
          },
        }
      : {}),
    ...(full ? { Tags: tagsOut(u.Tags) } : {}),
  };
}

export function conflict(message: string): ServiceError {
  return new ServiceError('DeleteConflict', message, 409);
}

export function checkBoundary(ctx: CallContext, iam: IamState, arn: string | undefined): void {
  if (arn !== undefined) policyNamed(ctx, iam, arn, 'attach');
}

export function createUser(ctx: CallContext, input: CreateUserRequest): CreateUserResponse {
  const name = input.UserName ?? '';
  const path = input.Path ?? '/';
  checks().path('Path', input.Path).name('UserName', name).tags('Tags', input.Tags).done();
  const iam = iamOf(ctx);
  if (iam.users[keyOf(name)])
    throw new ServiceError('EntityAlreadyExists', `User with name ${name} already exists.`, 409);
  checkBoundary(ctx, iam, input.PermissionsBoundary);
  const user: IamUser = {
    UserName: name,
    UserId: iamId('AIDA'),
    Arn: arnOf(ctx.accountId, 'user', path, name),
    Path: path,
    CreateDate: ctx.now,
    Tags: mergeTags([], input.Tags),
    inlinePolicies: record(),
    attachedPolicies: [],
    groups: [],
    mfaDevices: [],
    ...(input.PermissionsBoundary ? { PermissionsBoundary: input.PermissionsBoundary } : {}),
  };
  iam.users[keyOf(name)] = user;
  return { User: userOut(user) };
}

export function getUser(ctx: CallContext, input: GetUserRequest): GetUserResponse {
  checks().name('UserName', input.UserName, 128).done();
  const iam = iamOf(ctx);
  const user = targetUser(ctx, iam, input.UserName);
  if (user) return { User: userOut(user) };
  // The account root, as AWS describes it to a root caller: no name or path, the account id as its id.
  return {
    User: {
      UserId: ctx.accountId,
      Arn: `arn:aws:iam::${ctx.accountId}:root`,
      CreateDate: iam.createdAt ?? ctx.now,
    } as User,
  };
}

export function listUsers(ctx: CallContext, input: ListUsersRequest): ListUsersResponse {
  checks().pathPrefix('PathPrefix', input.PathPrefix).done();
  const users = byName(
    Object.values(iamOf(ctx).users).filter((u) => underPath(u.Path, input.PathPrefix)),
    (u) => u.UserName,
  );
  const { page, ...more } = pageOf(users, input, ['ListUsers', input.PathPrefix]);
  // ListUsers leaves out tags and permissions boundaries, as in AWS.
  return { Users: page.map((u) => userOut(u, false)), ...more };
}

export function deleteUser(ctx: CallContext, input: DeleteUserRequest): Record<string, never> {
  checks().name('UserName', input.UserName, 128).done();
  const iam = iamOf(ctx);
  const user = userNamed(iam, input.UserName ?? '');
  const must = (what: string) => conflict(`Cannot delete entity, must ${what} first.`);
  if (user.loginProfile) throw must('delete login profile');
  if (Object.values(iam.accessKeys).some((k) => !k.root && keyOf(k.UserName) === keyOf(user.UserName)))
    throw must('delete access keys');
  // The other credentials a user can hold, as DeleteUser's API reference lists them.
  const owns = (items: Record<string, { UserName: string; root?: boolean }>) =>
    Object.values(items).some((c) => !c.root && keyOf(c.UserName) === keyOf(user.UserName));
  if (owns(iam.signingCertificates)) throw must('delete signing certificate');
  if (owns(iam.sshPublicKeys)) throw must('delete SSH public keys');
  if (owns(iam.serviceCredentials)) throw must('delete service specific credentials');
  if (user.mfaDevices.length) throw must('delete MFA device');
  if (Object.keys(user.inlinePolicies).length) throw must('delete policies');
  if (user.attachedPolicies.length) throw must('detach all policies');
  if (user.groups.length) throw must('remove users from group');
  delete iam.users[keyOf(user.UserName)];
  return {};
}

export function updateUser(ctx: CallContext, input: UpdateUserRequest): Record<string, never> {
  checks()
    .name('UserName', input.UserName, 128)
    .path('NewPath', input.NewPath)
    .name('NewUserName', input.NewUserName)
    .done();
  const iam = iamOf(ctx);
  const user = userNamed(iam, input.UserName ?? '');
  const newName = input.NewUserName ?? user.UserName;
  if (keyOf(newName) !== keyOf(user.UserName) && iam.users[keyOf(newName)]) {
    throw new ServiceError('EntityAlreadyExists', `User with name ${newName} already exists.`, 409);
  }
  const oldName = user.UserName;
  delete iam.users[keyOf(oldName)];
  user.UserName = newName;
  user.Path = input.NewPath ?? user.Path;
  user.Arn = arnOf(ctx.accountId, 'user', user.Path, newName);
  iam.users[keyOf(newName)] = user;
  // The user keeps its keys and its id: the keys now sign as the renamed user.
  const ids = ctx.state(identityState);
  for (const key of Object.values(iam.accessKeys)) {
    if (key.root || keyOf(key.UserName) !== keyOf(oldName)) continue;
    key.UserName = newName;
    const cred = ids.credentials[key.AccessKeyId];
    if (cred) cred.principal = userPrincipal(ctx.accountId, user);
  }
  for (const device of Object.values(iam.mfaDevices)) if (device.owner === oldName) device.owner = newName;
  for (const held of [
    ...Object.values(iam.sshPublicKeys),
    ...Object.values(iam.signingCertificates).filter((c) => !c.root),
    ...Object.values(iam.serviceCredentials),
  ]) {
    if (keyOf(held.UserName) === keyOf(oldName)) held.UserName = newName;
  }
  return {};
}

export function tagUser(ctx: CallContext, input: TagUserRequest): Record<string, never> {
  checks().name('UserName', input.UserName, 128).tags('Tags', input.Tags).done();
  const user = userNamed(iamOf(ctx), input.UserName ?? '');
  user.Tags = mergeTags(user.Tags, input.Tags);
  return {};
}

export function untagUser(ctx: CallContext, input: UntagUserRequest): Record<string, never> {
  checks().name('UserName', input.UserName, 128).done();
  const user = userNamed(iamOf(ctx), input.UserName ?? '');
  user.Tags = removeTags(user.Tags, input.TagKeys);
  return {};
}

export function listUserTags(ctx: CallContext, input: ListUserTagsRequest): ListUserTagsResponse {
  checks().name('UserName', input.UserName, 128).done();
  const user = userNamed(iamOf(ctx), input.UserName ?? '');
  const { page, ...more } = pageOf(user.Tags, input, ['ListUserTags', user.UserId]);
  return { Tags: page, ...more };
}
