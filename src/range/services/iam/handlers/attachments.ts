import type {
  AttachGroupPolicyRequest,
  AttachRolePolicyRequest,
  AttachUserPolicyRequest,
  DetachGroupPolicyRequest,
  DetachRolePolicyRequest,
  DetachUserPolicyRequest,
  ListAttachedGroupPoliciesRequest,
  ListAttachedGroupPoliciesResponse,
  ListAttachedRolePoliciesRequest,
  ListAttachedRolePoliciesResponse,
  ListAttachedUserPoliciesRequest,
  ListAttachedUserPoliciesResponse,
  ListEntitiesForPolicyRequest,
  ListEntitiesForPolicyResponse,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { attachmentsOf, checkPolicyArn, policyNamed } from '../policies.js';
import { byName, groupNamed, iamOf, roleNamed, userNamed, type IamState } from '../store.js';
import { checks, pageOf, underPath } from '../validate.js';

type Kind = 'User' | 'Group' | 'Role';

/** Managed policies attached to one entity: at most 10, as IAM's default quota. */
const ATTACHED_QUOTA = 10;

function holder(iam: IamState, kind: Kind, name: string): { id: string; attached: string[] } {
  if (kind === 'User') {
    const u = userNamed(iam, name);
    return { id: u.UserId, attached: u.attachedPolicies };
  }
  if (kind === 'Group') {
    const g = groupNamed(iam, name);
    return { id: g.GroupId, attached: g.attachedPolicies };
  }
  const r = roleNamed(iam, name);
  return { id: r.RoleId, attached: r.attachedPolicies };
}

function nameCheck(kind: Kind, name: string | undefined): void {
  checks()
    .name(`${kind}Name`, name, kind === 'Role' ? 64 : 128)
    .done();
}

function attach(
  ctx: CallContext,
  kind: Kind,
  name: string | undefined,
  arn: string | undefined,
): Record<string, never> {
  nameCheck(kind, name);
  const iam = iamOf(ctx);
  const h = holder(iam, kind, name ?? '');
  const policy = policyNamed(ctx, iam, arn ?? '', 'attach');
  const policyArn = (policy.aws ?? policy.local).Arn;
  if (h.attached.includes(policyArn)) return {};
  if (h.attached.length >= ATTACHED_QUOTA) {
    throw new ServiceError(
      'LimitExceeded',
      `Cannot exceed quota for PoliciesPer${kind}: ${ATTACHED_QUOTA}`,
      409,
    );
  }
  h.attached.push(policyArn);
  return {};
}

function detach(
  ctx: CallContext,
  kind: Kind,
  name: string | undefined,
  arn: string | undefined,
): Record<string, never> {
  nameCheck(kind, name);
  const iam = iamOf(ctx);
  const h = holder(iam, kind, name ?? '');
  checkPolicyArn(arn ?? '');
  const at = h.attached.indexOf(arn ?? '');
  if (at < 0) throw new ServiceError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
  h.attached.splice(at, 1);
  return {};
}

function listAttached(
  ctx: CallContext,
  kind: Kind,
  name: string | undefined,
  input: { PathPrefix?: string; Marker?: string; MaxItems?: number },
) {
  nameCheck(kind, name);
  checks().string('PathPrefix', input.PathPrefix, { min: 1, max: 512 }).done();
  const iam = iamOf(ctx);
  const h = holder(iam, kind, name ?? '');
  const attached = h.attached
    .map((arn) => {
      const p = policyNamed(ctx, iam, arn, 'read');
      return p.aws ?? p.local;
    })
    .filter((p) => underPath(p.Path, input.PathPrefix))
    .map((p) => ({ PolicyName: p.PolicyName, PolicyArn: p.Arn }));
  const { page, ...more } = pageOf(attached, input, [`ListAttached${kind}Policies`, h.id, input.PathPrefix]);
  return { AttachedPolicies: page, ...more };
}

export const attachUserPolicy = (ctx: CallContext, i: AttachUserPolicyRequest) =>
  attach(ctx, 'User', i.UserName, i.PolicyArn);
export const attachGroupPolicy = (ctx: CallContext, i: AttachGroupPolicyRequest) =>
  attach(ctx, 'Group', i.GroupName, i.PolicyArn);
export const attachRolePolicy = (ctx: CallContext, i: AttachRolePolicyRequest) =>
  attach(ctx, 'Role', i.RoleName, i.PolicyArn);
export const detachUserPolicy = (ctx: CallContext, i: DetachUserPolicyRequest) =>
  detach(ctx, 'User', i.UserName, i.PolicyArn);
export const detachGroupPolicy = (ctx: CallContext, i: DetachGroupPolicyRequest) =>
  detach(ctx, 'Group', i.GroupName, i.PolicyArn);
export const detachRolePolicy = (ctx: CallContext, i: DetachRolePolicyRequest) =>
  detach(ctx, 'Role', i.RoleName, i.PolicyArn);
export const listAttachedUserPolicies = (
  ctx: CallContext,
  i: ListAttachedUserPoliciesRequest,
): ListAttachedUserPoliciesResponse => listAttached(ctx, 'User', i.UserName, i);
export const listAttachedGroupPolicies = (
  ctx: CallContext,
  i: ListAttachedGroupPoliciesRequest,
): ListAttachedGroupPoliciesResponse => listAttached(ctx, 'Group', i.GroupName, i);
export const listAttachedRolePolicies = (
  ctx: CallContext,
  i: ListAttachedRolePoliciesRequest,
): ListAttachedRolePoliciesResponse => listAttached(ctx, 'Role', i.RoleName, i);

export function listEntitiesForPolicy(
  ctx: CallContext,
  input: ListEntitiesForPolicyRequest,
): ListEntitiesForPolicyResponse {
  checks()
    .oneOf('EntityFilter', input.EntityFilter, [
      'User',
      'Role',
      'Group',
      'LocalManagedPolicy',
      'AWSManagedPolicy',
    ])
    .oneOf('PolicyUsageFilter', input.PolicyUsageFilter, ['PermissionsPolicy', 'PermissionsBoundary'])
    .pathPrefix('PathPrefix', input.PathPrefix)
    .done();
  const iam = iamOf(ctx);
  const policy = policyNamed(ctx, iam, input.PolicyArn ?? '', 'read');
  const a = attachmentsOf(iam, (policy.aws ?? policy.local).Arn);
  const usage = input.PolicyUsageFilter;
  const users =
    usage === 'PermissionsBoundary'
      ? a.boundaryUsers
      : usage === 'PermissionsPolicy'
        ? a.users
        : [...new Set([...a.users, ...a.boundaryUsers])];
  const roles =
    usage === 'PermissionsBoundary'
      ? a.boundaryRoles
      : usage === 'PermissionsPolicy'
        ? a.roles
        : [...new Set([...a.roles, ...a.boundaryRoles])];
  const groups = usage === 'PermissionsBoundary' ? [] : a.groups;
  const want = (k: Kind) => input.EntityFilter === undefined || input.EntityFilter === k;
  // One page runs over groups, then users, then roles, as one list.
  const entities = [
    ...(want('Group')
      ? byName(groups, (g) => g.GroupName)
          .filter((g) => underPath(g.Path, input.PathPrefix))
          .map((g) => ({ kind: 'Group' as const, name: g.GroupName, id: g.GroupId }))
      : []),
    ...(want('User')
      ? byName(users, (u) => u.UserName)
          .filter((u) => underPath(u.Path, input.PathPrefix))
          .map((u) => ({ kind: 'User' as const, name: u.UserName, id: u.UserId }))
      : []),
    ...(want('Role')
      ? byName(roles, (r) => r.RoleName)
          .filter((r) => underPath(r.Path, input.PathPrefix))
          .map((r) => ({ kind: 'Role' as const, name: r.RoleName, id: r.RoleId }))
      : []),
  ];
  const { page, ...more } = pageOf(entities, input, [
    'ListEntitiesForPolicy',
    input.PolicyArn,
    input.EntityFilter,
    input.PathPrefix,
    usage,
  ]);
  return {
    PolicyGroups: page.filter((e) => e.kind === 'Group').map((e) => ({ GroupName: e.name, GroupId: e.id })),
    PolicyUsers: page.filter((e) => e.kind === 'User').map((e) => ({ UserName: e.name, UserId: e.id })),
    PolicyRoles: page.filter((e) => e.kind === 'Role').map((e) => ({ RoleName: e.name, RoleId: e.id })),
    ...more,
  };
}
