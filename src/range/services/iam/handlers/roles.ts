import type {
  CreateRoleRequest,
  CreateRoleResponse,
  DeleteRoleRequest,
  GetRoleRequest,
  GetRoleResponse,
  ListRoleTagsRequest,
  ListRoleTagsResponse,
  ListRolesRequest,
  ListRolesResponse,
  Role,
  TagRoleRequest,
  UntagRoleRequest,
  UpdateAssumeRolePolicyRequest,
  UpdateRoleRequest,
  UpdateRoleResponse,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { iamId } from '../../../ids.js';
import { checkTrustPolicy, decodeDocument, encodeDocument, policySize } from '../documents.js';
import { arnOf, byName, iamOf, keyOf, roleNamed, type IamRole, type IamState } from '../store.js';
import { checks, mergeTags, pageOf, removeTags, tagsOut, underPath } from '../validate.js';
import { checkBoundary, conflict } from './users.js';
import { record } from '../../../records.js';

const TRUST_POLICY_QUOTA = 2048;

export function roleOut(r: IamRole, full = true): Role {
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: r.CreateDate,
    AssumeRolePolicyDocument: encodeDocument(r.trustPolicy),
    ...(r.Description !== undefined ? { Description: r.Description } : {}),
    MaxSessionDuration: r.MaxSessionDuration,
    ...(full && r.PermissionsBoundary
      ? {
          PermissionsBoundary: {
            PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
            PermissionsBoundaryArn: r.PermissionsBoundary,
          },
        }
      : {}),
    ...(full ? { Tags: tagsOut(r.Tags), RoleLastUsed: {} } : {}),
  };
}

/** Validate a trust policy as IAM does, and return it decoded. */
function trustPolicyOf(ctx: CallContext, iam: IamState, raw: string): string {
  const doc = decodeDocument(raw);
  checkTrustPolicy(
    doc,
    ctx.accountId,
    (kind, name) => (kind === 'user' ? iam.users : iam.roles)[keyOf(name)] !== undefined,
  );
  if (policySize(doc) > TRUST_POLICY_QUOTA) {
    throw new ServiceError(
      'LimitExceeded',
      `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_QUOTA}`,
      409,
    );
  }
  return doc;
}

export function createRole(ctx: CallContext, input: CreateRoleRequest): CreateRoleResponse {
  const name = input.RoleName ?? '';
  const path = input.Path ?? '/';
  checks()
    .path('Path', input.Path)
    .name('RoleName', name)
    .string('Description', input.Description, { max: 1000 })
    .int('MaxSessionDuration', input.MaxSessionDuration, 3600, 43200)
    .tags('Tags', input.Tags)
    .done();
  const iam = iamOf(ctx);
  if (iam.roles[keyOf(name)])
    throw new ServiceError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
  const trustPolicy = trustPolicyOf(ctx, iam, input.AssumeRolePolicyDocument ?? '');
  checkBoundary(ctx, iam, input.PermissionsBoundary);
  const role: IamRole = {
    RoleName: name,
    RoleId: iamId('AROA'),
    Arn: arnOf(ctx.accountId, 'role', path, name),
    Path: path,
    CreateDate: ctx.now,
    trustPolicy,
    ...(input.Description !== undefined ? { Description: input.Description } : {}),
    MaxSessionDuration: input.MaxSessionDuration ?? 3600,
    Tags: mergeTags([], input.Tags),
    ...(input.PermissionsBoundary ? { PermissionsBoundary: input.PermissionsBoundary } : {}),
    inlinePolicies: record(),
    attachedPolicies: [],
  };
  iam.roles[keyOf(name)] = role;
  return { Role: roleOut(role) };
}

export function getRole(ctx: CallContext, input: GetRoleRequest): GetRoleResponse {
  checks().name('RoleName', input.RoleName).done();
  return { Role: roleOut(roleNamed(iamOf(ctx), input.RoleName ?? '')) };
}

export function listRoles(ctx: CallContext, input: ListRolesRequest): ListRolesResponse {
  checks().pathPrefix('PathPrefix', input.PathPrefix).done();
  const roles = byName(
    Object.values(iamOf(ctx).roles).filter((r) => underPath(r.Path, input.PathPrefix)),
    (r) => r.RoleName,
  );
  const { page, ...more } = pageOf(roles, input, ['ListRoles', input.PathPrefix]);
  return { Roles: page.map((r) => roleOut(r, false)), ...more };
}

export function deleteRole(ctx: CallContext, input: DeleteRoleRequest): Record<string, never> {
  checks().name('RoleName', input.RoleName).done();
  const iam = iamOf(ctx);
  const role = roleNamed(iam, input.RoleName ?? '');
  if (
    Object.values(iam.instanceProfiles).some((p) => p.roles.some((n) => keyOf(n) === keyOf(role.RoleName)))
  ) {
    throw conflict('Cannot delete entity, must remove roles from instance profile first.');
  }
  if (Object.keys(role.inlinePolicies).length)
    throw conflict('Cannot delete entity, must delete policies first.');
  if (role.attachedPolicies.length) throw conflict('Cannot delete entity, must detach all policies first.');
  delete iam.roles[keyOf(role.RoleName)];
  return {};
}

export function updateRole(ctx: CallContext, input: UpdateRoleRequest): UpdateRoleResponse {
  checks()
    .name('RoleName', input.RoleName)
    .string('Description', input.Description, { max: 1000 })
    .int('MaxSessionDuration', input.MaxSessionDuration, 3600, 43200)
    .done();
  const role = roleNamed(iamOf(ctx), input.RoleName ?? '');
  if (input.Description !== undefined) role.Description = input.Description;
  if (input.MaxSessionDuration !== undefined) role.MaxSessionDuration = input.MaxSessionDuration;
  return {};
}

export function updateAssumeRolePolicy(
  ctx: CallContext,
  input: UpdateAssumeRolePolicyRequest,
): Record<string, never> {
  checks().name('RoleName', input.RoleName).done();
  const iam = iamOf(ctx);
  const role = roleNamed(iam, input.RoleName ?? '');
  role.trustPolicy = trustPolicyOf(ctx, iam, input.PolicyDocument ?? '');
  return {};
}

export function tagRole(ctx: CallContext, input: TagRoleRequest): Record<string, never> {
  checks().name('RoleName', input.RoleName).tags('Tags', input.Tags).done();
  const role = roleNamed(iamOf(ctx), input.RoleName ?? '');
  role.Tags = mergeTags(role.Tags, input.Tags);
  return {};
}

export function untagRole(ctx: CallContext, input: UntagRoleRequest): Record<string, never> {
  checks().name('RoleName', input.RoleName).done();
  const role = roleNamed(iamOf(ctx), input.RoleName ?? '');
  role.Tags = removeTags(role.Tags, input.TagKeys);
  return {};
}

export function listRoleTags(ctx: CallContext, input: ListRoleTagsRequest): ListRoleTagsResponse {
  checks().name('RoleName', input.RoleName).done();
  const role = roleNamed(iamOf(ctx), input.RoleName ?? '');
  const { page, ...more } = pageOf(role.Tags, input, ['ListRoleTags', role.RoleId]);
  return { Tags: page, ...more };
}
