import type {
  DeleteGroupPolicyRequest,
  DeleteRolePolicyRequest,
  DeleteUserPolicyRequest,
  GetGroupPolicyRequest,
  GetGroupPolicyResponse,
  GetRolePolicyRequest,
  GetRolePolicyResponse,
  GetUserPolicyRequest,
  GetUserPolicyResponse,
  ListGroupPoliciesRequest,
  ListGroupPoliciesResponse,
  ListRolePoliciesRequest,
  ListRolePoliciesResponse,
  ListUserPoliciesRequest,
  ListUserPoliciesResponse,
  PutGroupPolicyRequest,
  PutRolePolicyRequest,
  PutUserPolicyRequest,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { checkIdentityPolicy, decodeDocument, encodeDocument, policySize } from '../documents.js';
import { groupNamed, iamOf, roleNamed, userNamed } from '../store.js';
import { checks, pageOf } from '../validate.js';

/** Inline policies of users, groups and roles differ only in their quota and their wording. */
type Kind = 'user' | 'group' | 'role';

const QUOTA: Record<Kind, number> = { user: 2048, group: 5120, role: 10240 };
const MEMBER: Record<Kind, string> = { user: 'UserName', group: 'GroupName', role: 'RoleName' };

function holder(
  ctx: CallContext,
  kind: Kind,
  name: string,
): { name: string; id: string; policies: Record<string, string> } {
  const iam = iamOf(ctx);
  if (kind === 'user') {
    const u = userNamed(iam, name);
    return { name: u.UserName, id: u.UserId, policies: u.inlinePolicies };
  }
  if (kind === 'group') {
    const g = groupNamed(iam, name);
    return { name: g.GroupName, id: g.GroupId, policies: g.inlinePolicies };
  }
  const r = roleNamed(iam, name);
  return { name: r.RoleName, id: r.RoleId, policies: r.inlinePolicies };
}

function put(
  ctx: CallContext,
  kind: Kind,
  entity: string | undefined,
  policyName: string | undefined,
  raw: string | undefined,
): Record<string, never> {
  const name = policyName ?? '';
  checks()
    .name(MEMBER[kind], entity, kind === 'role' ? 64 : 128)
    .name('PolicyName', name, 128)
    .done();
  const h = holder(ctx, kind, entity ?? '');
  const doc = decodeDocument(raw ?? '');
  checkIdentityPolicy(doc);
  // The quota covers all of an entity's inline policies together.
  const others = Object.entries(h.policies).filter(([n]) => n !== name);
  const total = others.reduce((sum, [, d]) => sum + policySize(d), policySize(doc));
  if (total > QUOTA[kind]) {
    throw new ServiceError(
      'LimitExceeded',
      `Maximum policy size of ${QUOTA[kind]} bytes exceeded for ${kind} ${h.name}`,
      409,
    );
  }
  h.policies[name] = doc;
  return {};
}

function get(
  ctx: CallContext,
  kind: Kind,
  entity: string | undefined,
  policyName: string | undefined,
): { name: string; policy: string; doc: string } {
  checks()
    .name(MEMBER[kind], entity, kind === 'role' ? 64 : 128)
    .name('PolicyName', policyName, 128)
    .done();
  const h = holder(ctx, kind, entity ?? '');
  const doc = h.policies[policyName ?? ''];
  if (doc === undefined)
    throw new ServiceError(
      'NoSuchEntity',
      `The ${kind} policy with name ${policyName} cannot be found.`,
      404,
    );
  return { name: h.name, policy: policyName ?? '', doc: encodeDocument(doc) };
}

function remove(
  ctx: CallContext,
  kind: Kind,
  entity: string | undefined,
  policyName: string | undefined,
): Record<string, never> {
  get(ctx, kind, entity, policyName);
  delete holder(ctx, kind, entity ?? '').policies[policyName ?? ''];
  return {};
}

function list(
  ctx: CallContext,
  kind: Kind,
  entity: string | undefined,
  page: { Marker?: string; MaxItems?: number },
) {
  checks()
    .name(MEMBER[kind], entity, kind === 'role' ? 64 : 128)
    .done();
  const h = holder(ctx, kind, entity ?? '');
  const { page: names, ...more } = pageOf(Object.keys(h.policies).sort(), page, [
    `List${kind}Policies`,
    h.id,
  ]);
  return { PolicyNames: names, ...more };
}

export const putUserPolicy = (ctx: CallContext, i: PutUserPolicyRequest) =>
  put(ctx, 'user', i.UserName, i.PolicyName, i.PolicyDocument);
export const putGroupPolicy = (ctx: CallContext, i: PutGroupPolicyRequest) =>
  put(ctx, 'group', i.GroupName, i.PolicyName, i.PolicyDocument);
export const putRolePolicy = (ctx: CallContext, i: PutRolePolicyRequest) =>
  put(ctx, 'role', i.RoleName, i.PolicyName, i.PolicyDocument);

export function getUserPolicy(ctx: CallContext, i: GetUserPolicyRequest): GetUserPolicyResponse {
  const g = get(ctx, 'user', i.UserName, i.PolicyName);
  return { UserName: g.name, PolicyName: g.policy, PolicyDocument: g.doc };
}
export function getGroupPolicy(ctx: CallContext, i: GetGroupPolicyRequest): GetGroupPolicyResponse {
  const g = get(ctx, 'group', i.GroupName, i.PolicyName);
  return { GroupName: g.name, PolicyName: g.policy, PolicyDocument: g.doc };
}
export function getRolePolicy(ctx: CallContext, i: GetRolePolicyRequest): GetRolePolicyResponse {
  const g = get(ctx, 'role', i.RoleName, i.PolicyName);
  return { RoleName: g.name, PolicyName: g.policy, PolicyDocument: g.doc };
}

export const deleteUserPolicy = (ctx: CallContext, i: DeleteUserPolicyRequest) =>
  remove(ctx, 'user', i.UserName, i.PolicyName);
export const deleteGroupPolicy = (ctx: CallContext, i: DeleteGroupPolicyRequest) =>
  remove(ctx, 'group', i.GroupName, i.PolicyName);
export const deleteRolePolicy = (ctx: CallContext, i: DeleteRolePolicyRequest) =>
  remove(ctx, 'role', i.RoleName, i.PolicyName);

export const listUserPolicies = (ctx: CallContext, i: ListUserPoliciesRequest): ListUserPoliciesResponse =>
  list(ctx, 'user', i.UserName, i);
export const listGroupPolicies = (ctx: CallContext, i: ListGroupPoliciesRequest): ListGroupPoliciesResponse =>
  list(ctx, 'group', i.GroupName, i);
export const listRolePolicies = (ctx: CallContext, i: ListRolePoliciesRequest): ListRolePoliciesResponse =>
  list(ctx, 'role', i.RoleName, i);
