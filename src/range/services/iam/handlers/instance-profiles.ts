import type {
  AddRoleToInstanceProfileRequest,
  CreateInstanceProfileRequest,
  CreateInstanceProfileResponse,
  DeleteInstanceProfileRequest,
  GetInstanceProfileRequest,
  GetInstanceProfileResponse,
  InstanceProfile,
  ListInstanceProfilesForRoleRequest,
  ListInstanceProfilesForRoleResponse,
  ListInstanceProfilesRequest,
  ListInstanceProfilesResponse,
  RemoveRoleFromInstanceProfileRequest,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { iamId } from '../../../ids.js';
import {
  arnOf,
  byName,
  iamOf,
  instanceProfileNamed,
  keyOf,
  roleNamed,
  type IamInstanceProfile,
  type IamRole,
  type IamState,
} from '../store.js';
import { checks, mergeTags, pageOf, tagsOut, underPath } from '../validate.js';
import { roleOut } from './roles.js';
import { conflict } from './users.js';

export function profileOut(iam: IamState, p: IamInstanceProfile, full = true): InstanceProfile {
  const roles = p.roles.map((n) => iam.roles[keyOf(n)]).filter((r): r is IamRole => r !== undefined);
  return {
    Path: p.Path,
    InstanceProfileName: p.InstanceProfileName,
    InstanceProfileId: p.InstanceProfileId,
    Arn: p.Arn,
    CreateDate: p.CreateDate,
    Roles: roles.map((r) => roleOut(r, false)),
    ...(full ? { Tags: tagsOut(p.Tags) } : {}),
  };
}

export function createInstanceProfile(
  ctx: CallContext,
  input: CreateInstanceProfileRequest,
): CreateInstanceProfileResponse {
  const name = input.InstanceProfileName ?? '';
  const path = input.Path ?? '/';
  checks().path('Path', input.Path).name('InstanceProfileName', name, 128).tags('Tags', input.Tags).done();
  const iam = iamOf(ctx);
  if (iam.instanceProfiles[keyOf(name)]) {
    throw new ServiceError('EntityAlreadyExists', `Instance Profile ${name} already exists.`, 409);
  }
  const profile: IamInstanceProfile = {
    InstanceProfileName: name,
    InstanceProfileId: iamId('AIPA'),
    Arn: arnOf(ctx.accountId, 'instance-profile', path, name),
    Path: path,
    CreateDate: ctx.now,
    roles: [],
    Tags: mergeTags([], input.Tags),
  };
  iam.instanceProfiles[keyOf(name)] = profile;
  return { InstanceProfile: profileOut(iam, profile) };
}

export function getInstanceProfile(
  ctx: CallContext,
  input: GetInstanceProfileRequest,
): GetInstanceProfileResponse {
  checks().name('InstanceProfileName', input.InstanceProfileName, 128).done();
  const iam = iamOf(ctx);
  return { InstanceProfile: profileOut(iam, instanceProfileNamed(iam, input.InstanceProfileName ?? '')) };
}

export function deleteInstanceProfile(
  ctx: CallContext,
  input: DeleteInstanceProfileRequest,
): Record<string, never> {
  checks().name('InstanceProfileName', input.InstanceProfileName, 128).done();
  const iam = iamOf(ctx);
  const profile = instanceProfileNamed(iam, input.InstanceProfileName ?? '');
  if (profile.roles.length)
    throw conflict('Cannot delete entity, must remove roles from instance profile first.');
  delete iam.instanceProfiles[keyOf(profile.InstanceProfileName)];
  return {};
}

export function listInstanceProfiles(
  ctx: CallContext,
  input: ListInstanceProfilesRequest,
): ListInstanceProfilesResponse {
  checks().pathPrefix('PathPrefix', input.PathPrefix).done();
  const iam = iamOf(ctx);
  const profiles = byName(
    Object.values(iam.instanceProfiles).filter((p) => underPath(p.Path, input.PathPrefix)),
    (p) => p.InstanceProfileName,
  );
  const { page, ...more } = pageOf(profiles, input, ['ListInstanceProfiles', input.PathPrefix]);
  return { InstanceProfiles: page.map((p) => profileOut(iam, p, false)), ...more };
}

export function listInstanceProfilesForRole(
  ctx: CallContext,
  input: ListInstanceProfilesForRoleRequest,
): ListInstanceProfilesForRoleResponse {
  checks().name('RoleName', input.RoleName).done();
  const iam = iamOf(ctx);
  const role = roleNamed(iam, input.RoleName ?? '');
  const profiles = byName(
    Object.values(iam.instanceProfiles).filter((p) => p.roles.some((n) => keyOf(n) === keyOf(role.RoleName))),
    (p) => p.InstanceProfileName,
  );
  const { page, ...more } = pageOf(profiles, input, ['ListInstanceProfilesForRole', role.RoleId]);
  return { InstanceProfiles: page.map((p) => profileOut(iam, p, false)), ...more };
}

export function addRoleToInstanceProfile(
  ctx: CallContext,
  input: AddRoleToInstanceProfileRequest,
): Record<string, never> {
  checks()
    .name('InstanceProfileName', input.InstanceProfileName, 128)
    .name('RoleName', input.RoleName)
    .done();
  const iam = iamOf(ctx);
  const profile = instanceProfileNamed(iam, input.InstanceProfileName ?? '');
  const role = roleNamed(iam, input.RoleName ?? '');
  // An instance profile holds one role; AWS words a second one as a quota.
  if (profile.roles.length >= 1) {
    throw new ServiceError(
      'LimitExceeded',
      'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
      409,
    );
  }
  profile.roles.push(role.RoleName);
  return {};
}

export function removeRoleFromInstanceProfile(
  ctx: CallContext,
  input: RemoveRoleFromInstanceProfileRequest,
): Record<string, never> {
  checks()
    .name('InstanceProfileName', input.InstanceProfileName, 128)
    .name('RoleName', input.RoleName)
    .done();
  const iam = iamOf(ctx);
  const profile = instanceProfileNamed(iam, input.InstanceProfileName ?? '');
  const role = roleNamed(iam, input.RoleName ?? '');
  const before = profile.roles.length;
  profile.roles = profile.roles.filter((n) => keyOf(n) !== keyOf(role.RoleName));
  if (profile.roles.length === before) {
    throw new ServiceError('NoSuchEntity', `The role with name ${role.RoleName} cannot be found.`, 404);
  }
  return {};
}
