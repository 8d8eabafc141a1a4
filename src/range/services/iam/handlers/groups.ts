import type {
  AddUserToGroupRequest,
  CreateGroupRequest,
  CreateGroupResponse,
  DeleteGroupRequest,
  GetGroupRequest,
  GetGroupResponse,
  Group,
  ListGroupsForUserRequest,
  ListGroupsForUserResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  RemoveUserFromGroupRequest,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { iamId } from '../../../ids.js';
import {
  arnOf,
  byName,
  groupNamed,
  iamOf,
  keyOf,
  userNamed,
  type IamGroup,
  type IamState,
} from '../store.js';
import { checks, pageOf, underPath } from '../validate.js';
import { conflict, userOut } from './users.js';
import { record } from '../../../records.js';

function groupOut(g: IamGroup): Group {
  return { Path: g.Path, GroupName: g.GroupName, GroupId: g.GroupId, Arn: g.Arn, CreateDate: g.CreateDate };
}

const GROUPS_PER_USER = 10;

export function createGroup(ctx: CallContext, input: CreateGroupRequest): CreateGroupResponse {
  const name = input.GroupName ?? '';
  const path = input.Path ?? '/';
  checks().path('Path', input.Path).name('GroupName', name, 128).done();
  const iam = iamOf(ctx);
  if (iam.groups[keyOf(name)])
    throw new ServiceError('EntityAlreadyExists', `Group with name ${name} already exists.`, 409);
  const group: IamGroup = {
    GroupName: name,
    GroupId: iamId('AGPA'),
    Arn: arnOf(ctx.accountId, 'group', path, name),
    Path: path,
    CreateDate: ctx.now,
    inlinePolicies: record(),
    attachedPolicies: [],
  };
  iam.groups[keyOf(name)] = group;
  return { Group: groupOut(group) };
}

function membersOf(iam: IamState, g: IamGroup) {
  return byName(
    Object.values(iam.users).filter((u) => u.groups.some((n) => keyOf(n) === keyOf(g.GroupName))),
    (u) => u.UserName,
  );
}

export function getGroup(ctx: CallContext, input: GetGroupRequest): GetGroupResponse {
  checks().name('GroupName', input.GroupName, 128).done();
  const iam = iamOf(ctx);
  const group = groupNamed(iam, input.GroupName ?? '');
  const { page, ...more } = pageOf(membersOf(iam, group), input, ['GetGroup', group.GroupId]);
  return { Group: groupOut(group), Users: page.map((u) => userOut(u, false)), ...more };
}

export function listGroups(ctx: CallContext, input: ListGroupsRequest): ListGroupsResponse {
  checks().pathPrefix('PathPrefix', input.PathPrefix).done();
  const groups = byName(
    Object.values(iamOf(ctx).groups).filter((g) => underPath(g.Path, input.PathPrefix)),
    (g) => g.GroupName,
  );
  const { page, ...more } = pageOf(groups, input, ['ListGroups', input.PathPrefix]);
  return { Groups: page.map(groupOut), ...more };
}

export function deleteGroup(ctx: CallContext, input: DeleteGroupRequest): Record<string, never> {
  checks().name('GroupName', input.GroupName, 128).done();
  const iam = iamOf(ctx);
  const group = groupNamed(iam, input.GroupName ?? '');
  if (membersOf(iam, group).length)
    throw conflict('Cannot delete entity, must remove users from group first.');
  if (Object.keys(group.inlinePolicies).length)
    throw conflict('Cannot delete entity, must delete policies first.');
  if (group.attachedPolicies.length) throw conflict('Cannot delete entity, must detach all policies first.');
  delete iam.groups[keyOf(group.GroupName)];
  return {};
}

export function addUserToGroup(ctx: CallContext, input: AddUserToGroupRequest): Record<string, never> {
  checks().name('GroupName', input.GroupName, 128).name('UserName', input.UserName).done();
  const iam = iamOf(ctx);
  const group = groupNamed(iam, input.GroupName ?? '');
  const user = userNamed(iam, input.UserName ?? '');
  if (user.groups.some((n) => keyOf(n) === keyOf(group.GroupName))) return {};
  if (user.groups.length >= GROUPS_PER_USER) {
    throw new ServiceError('LimitExceeded', `Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`, 409);
  }
  user.groups.push(group.GroupName);
  return {};
}

export function removeUserFromGroup(
  ctx: CallContext,
  input: RemoveUserFromGroupRequest,
): Record<string, never> {
  checks().name('GroupName', input.GroupName, 128).name('UserName', input.UserName).done();
  const iam = iamOf(ctx);
  const group = groupNamed(iam, input.GroupName ?? '');
  const user = userNamed(iam, input.UserName ?? '');
  const before = user.groups.length;
  user.groups = user.groups.filter((n) => keyOf(n) !== keyOf(group.GroupName));
  if (user.groups.length === before) {
    throw new ServiceError(
      'NoSuchEntity',
      `User ${user.UserName} does not exist in group ${group.GroupName}.`,
      404,
    );
  }
  return {};
}

export function listGroupsForUser(
  ctx: CallContext,
  input: ListGroupsForUserRequest,
): ListGroupsForUserResponse {
  checks().name('UserName', input.UserName, 128).done();
  const iam = iamOf(ctx);
  const user = userNamed(iam, input.UserName ?? '');
  const groups = byName(
    user.groups.map((n) => iam.groups[keyOf(n)]).filter((g): g is IamGroup => g !== undefined),
    (g) => g.GroupName,
  );
  const { page, ...more } = pageOf(groups, input, ['ListGroupsForUser', user.UserId]);
  return { Groups: page.map(groupOut), ...more };
}
