import type { Policy } from '@aws-sdk/client-iam';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { awsManagedPolicy, type AwsManagedPolicy } from './aws-policies.js';
import type { IamGroup, IamManagedPolicy, IamRole, IamState, IamUser } from './store.js';
import { tagsOut } from './validate.js';

/** A managed policy as IAM's read operations see it: AWS managed (shared, read-only) or the account's own. */
export type ManagedPolicy =
  { aws: AwsManagedPolicy; local?: undefined } | { aws?: undefined; local: IamManagedPolicy };

const POLICY_ARN = /^arn:aws:iam::(aws|\d{12}):policy\/(?:[\u0021-\u007E]*\/)?[\w+=,.@-]+$/;

export function checkPolicyArn(arn: string): void {
  if (!POLICY_ARN.test(arn)) throw new ServiceError('InvalidInput', `ARN ${arn} is not valid.`);
}

/**
 * Resolve a policy ARN. IAM words the miss differently when attaching ("does not exist or is not
 * attachable") and when reading ("was not found").
 */
export function policyNamed(
  ctx: CallContext,
  iam: IamState,
  arn: string,
  purpose: 'attach' | 'read',
): ManagedPolicy {
  checkPolicyArn(arn);
  const aws = awsManagedPolicy(arn);
  if (aws) return { aws };
  const local = arn.startsWith(`arn:aws:iam::${ctx.accountId}:`) ? iam.policies[arn] : undefined;
  if (local) return { local };
  throw new ServiceError(
    'NoSuchEntity',
    purpose === 'attach'
      ? `Policy ${arn} does not exist or is not attachable.`
      : `Policy ${arn} was not found.`,
    404,
  );
}

export function localPolicy(ctx: CallContext, iam: IamState, arn: string): IamManagedPolicy {
  const p = policyNamed(ctx, iam, arn, 'read');
  if (p.aws) {
    throw new ServiceError(
      'AccessDenied',
      `User: ${ctx.principal.arn} is not authorized to perform: iam:${ctx.operation} on resource: policy ${arn}`,
      403,
    );
  }
  return p.local;
}

export interface Attachments {
  users: IamUser[];
  groups: IamGroup[];
  roles: IamRole[];
  boundaryUsers: IamUser[];
  boundaryRoles: IamRole[];
}

export function attachmentsOf(iam: IamState, arn: string): Attachments {
  const users = Object.values(iam.users);
  const roles = Object.values(iam.roles);
  return {
    users: users.filter((u) => u.attachedPolicies.includes(arn)),
    groups: Object.values(iam.groups).filter((g) => g.attachedPolicies.includes(arn)),
    roles: roles.filter((r) => r.attachedPolicies.includes(arn)),
    boundaryUsers: users.filter((u) => u.PermissionsBoundary === arn),
    boundaryRoles: roles.filter((r) => r.PermissionsBoundary === arn),
  };
}

export function attachmentCount(iam: IamState, arn: string): number {
  const a = attachmentsOf(iam, arn);
  return a.users.length + a.groups.length + a.roles.length;
}

/** The Policy element; list operations leave out the description and tags, as in AWS. */
export function policyOut(iam: IamState, p: ManagedPolicy, full: boolean): Policy {
  const base = p.aws ?? p.local;
  const a = attachmentsOf(iam, base.Arn);
  return {
    PolicyName: base.PolicyName,
    PolicyId: base.PolicyId,
    Arn: base.Arn,
    Path: base.Path,
    DefaultVersionId: base.DefaultVersionId,
    AttachmentCount: a.users.length + a.groups.length + a.roles.length,
    PermissionsBoundaryUsageCount: a.boundaryUsers.length + a.boundaryRoles.length,
    IsAttachable: true,
    ...(full && base.Description ? { Description: base.Description } : {}),
    CreateDate: base.CreateDate,
    UpdateDate: base.UpdateDate,
    ...(full && p.local ? { Tags: tagsOut(p.local.Tags) } : {}),
  };
}

/** The document of a policy version, or undefined when the version does not exist. */
export function versionDocument(
  p: ManagedPolicy,
  versionId: string,
): { Document: string; CreateDate: Date } | undefined {
  if (p.aws)
    return p.aws.DefaultVersionId === versionId
      ? { Document: p.aws.Document, CreateDate: p.aws.UpdateDate }
      : undefined;
  return p.local.versions[versionId];
}
