import type {
  AttachedPolicy,
  GetAccountAuthorizationDetailsRequest,
  GetAccountAuthorizationDetailsResponse,
  GroupDetail,
  ManagedPolicyDetail,
  PolicyDetail,
  RoleDetail,
  UserDetail,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { awsManagedPolicies } from '../aws-policies.js';
import { encodeDocument } from '../documents.js';
import { attachmentsOf, policyNamed, policyOut, versionDocument, type ManagedPolicy } from '../policies.js';
import { byName, iamOf, keyOf, type IamGroup, type IamRole, type IamState, type IamUser } from '../store.js';
import { checks, pageOf, tagsOut } from '../validate.js';
import { profileOut } from './instance-profiles.js';

/*
 * GetAccountAuthorizationDetails: the whole of an account's IAM in one (paginated) answer, the snapshot
 * a responder takes before changing anything. Every policy document in it is URL-encoded (RFC 3986), as
 * the API reference says; the AWS CLI decodes them. One page runs over users, groups, roles and then
 * managed policies as one list, MaxItems entities at a time.
 */

const ENTITY_TYPES = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

type Entry =
  | { kind: 'user'; user: IamUser }
  | { kind: 'group'; group: IamGroup }
  | { kind: 'role'; role: IamRole }
  | { kind: 'policy'; policy: ManagedPolicy };

function inlineList(inline: Readonly<Record<string, string>>): PolicyDetail[] | undefined {
  const names = Object.keys(inline).sort((a, b) => a.localeCompare(b));
  return names.map((name) => ({ PolicyName: name, PolicyDocument: encodeDocument(inline[name] ?? '') }));
}

function attachedList(ctx: CallContext, iam: IamState, arns: readonly string[]): AttachedPolicy[] {
  return arns.map((arn) => {
    const p = policyNamed(ctx, iam, arn, 'read');
    return { PolicyName: (p.aws ?? p.local).PolicyName, PolicyArn: arn };
  });
}

function boundaryOf(arn: string | undefined) {
  return arn
    ? {
        PermissionsBoundary: {
          PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const,
          PermissionsBoundaryArn: arn,
        },
      }
    : {};
}

function userDetail(ctx: CallContext, iam: IamState, u: IamUser): UserDetail {
  return {
    Path: u.Path,
    UserName: u.UserName,
    UserId: u.UserId,
    Arn: u.Arn,
    CreateDate: u.CreateDate,
    UserPolicyList: inlineList(u.inlinePolicies),
    GroupList: u.groups.map((g) => iam.groups[keyOf(g)]?.GroupName ?? g),
    AttachedManagedPolicies: attachedList(ctx, iam, u.attachedPolicies),
    ...boundaryOf(u.PermissionsBoundary),
    ...(u.Tags.length ? { Tags: tagsOut(u.Tags) } : {}),
  };
}

function groupDetail(ctx: CallContext, iam: IamState, g: IamGroup): GroupDetail {
  return {
    Path: g.Path,
    GroupName: g.GroupName,
    GroupId: g.GroupId,
    Arn: g.Arn,
    CreateDate: g.CreateDate,
    GroupPolicyList: inlineList(g.inlinePolicies),
    AttachedManagedPolicies: attachedList(ctx, iam, g.attachedPolicies),
  };
}

function roleDetail(ctx: CallContext, iam: IamState, r: IamRole): RoleDetail {
  const profiles = byName(
    Object.values(iam.instanceProfiles).filter((p) => p.roles.some((n) => keyOf(n) === keyOf(r.RoleName))),
    (p) => p.InstanceProfileName,
  );
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: r.CreateDate,
    AssumeRolePolicyDocument: encodeDocument(r.trustPolicy),
    InstanceProfileList: profiles.map((p) => profileOut(iam, p, false)),
    RolePolicyList: inlineList(r.inlinePolicies),
    AttachedManagedPolicies: attachedList(ctx, iam, r.attachedPolicies),
    ...boundaryOf(r.PermissionsBoundary),
    ...(r.Tags.length ? { Tags: tagsOut(r.Tags) } : {}),
    RoleLastUsed: {},
  };
}

function policyDetail(iam: IamState, p: ManagedPolicy): ManagedPolicyDetail {
  const base = p.aws ?? p.local;
  const versionIds = p.aws
    ? [p.aws.DefaultVersionId]
    : Object.keys(p.local.versions).sort((a, b) => Number(b.slice(1)) - Number(a.slice(1)));
  const out = policyOut(iam, p, true);
  return {
    PolicyName: out.PolicyName,
    PolicyId: out.PolicyId,
    Arn: out.Arn,
    Path: out.Path,
    DefaultVersionId: out.DefaultVersionId,
    AttachmentCount: out.AttachmentCount,
    PermissionsBoundaryUsageCount: out.PermissionsBoundaryUsageCount,
    IsAttachable: out.IsAttachable,
    ...(out.Description ? { Description: out.Description } : {}),
    CreateDate: out.CreateDate,
    UpdateDate: out.UpdateDate,
    PolicyVersionList: versionIds.map((id) => {
      const v = versionDocument(p, id);
      return {
        Document: encodeDocument(v?.Document ?? ''),
        VersionId: id,
        IsDefaultVersion: base.DefaultVersionId === id,
        CreateDate: v?.CreateDate ?? base.CreateDate,
      };
    }),
  };
}

/** AWS managed policies appear only where the account uses them (attached, or as a boundary). */
function inUse(iam: IamState, arn: string): boolean {
  const a = attachmentsOf(iam, arn);
  return (
    a.users.length + a.groups.length + a.roles.length + a.boundaryUsers.length + a.boundaryRoles.length > 0
  );
}

export function getAccountAuthorizationDetails(
  ctx: CallContext,
  input: GetAccountAuthorizationDetailsRequest,
): GetAccountAuthorizationDetailsResponse {
  const filter = input.Filter ?? [];
  const c = checks();
  filter.forEach((f) => c.oneOf('Filter.member', f, ENTITY_TYPES));
  c.done();
  const want = (t: EntityType) => filter.length === 0 || filter.includes(t);
  const iam = iamOf(ctx);
  const entries: Entry[] = [
    ...(want('User')
      ? byName(Object.values(iam.users), (u) => u.UserName).map((user) => ({ kind: 'user' as const, user }))
      : []),
    ...(want('Group')
      ? byName(Object.values(iam.groups), (g) => g.GroupName).map((group) => ({
          kind: 'group' as const,
          group,
        }))
      : []),
    ...(want('Role')
      ? byName(Object.values(iam.roles), (r) => r.RoleName).map((role) => ({ kind: 'role' as const, role }))
      : []),
    ...(want('LocalManagedPolicy')
      ? byName(Object.values(iam.policies), (p) => p.PolicyName).map((local) => ({
          kind: 'policy' as const,
          policy: { local },
        }))
      : []),
    ...(want('AWSManagedPolicy')
      ? awsManagedPolicies
          .filter((aws) => inUse(iam, aws.Arn))
          .sort((a, b) => a.PolicyName.localeCompare(b.PolicyName))
          .map((aws) => ({ kind: 'policy' as const, policy: { aws } }))
      : []),
  ];
  const { page, ...more } = pageOf(entries, input, ['GetAccountAuthorizationDetails', [...filter].sort()]);
  const out: GetAccountAuthorizationDetailsResponse = {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: [],
    Policies: [],
  };
  for (const e of page) {
    if (e.kind === 'user') out.UserDetailList?.push(userDetail(ctx, iam, e.user));
    else if (e.kind === 'group') out.GroupDetailList?.push(groupDetail(ctx, iam, e.group));
    else if (e.kind === 'role') out.RoleDetailList?.push(roleDetail(ctx, iam, e.role));
    else out.Policies?.push(policyDetail(iam, e.policy));
  }
  return { ...out, ...more };
}
