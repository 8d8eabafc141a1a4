import type {
  DeleteRolePermissionsBoundaryRequest,
  DeleteUserPermissionsBoundaryRequest,
  PutRolePermissionsBoundaryRequest,
  PutUserPermissionsBoundaryRequest,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { policyNamed } from '../policies.js';
import { iamOf, roleNamed, userNamed, type IamRole } from '../store.js';
import { checks } from '../validate.js';

/*
 * Permissions boundaries: the managed policy that caps what a user or role may do. The authorizer
 * reads the stored ARN on every request (effective.ts), so putting one contains the entity at once and
 * deleting it lifts the cap.
 */

/** The ARN of the managed policy to use as a boundary: AWS managed or the account's own. */
function boundaryArn(ctx: CallContext, arn: string | undefined): string {
  const policy = policyNamed(ctx, iamOf(ctx), arn ?? '', 'attach');
  return (policy.aws ?? policy.local).Arn;
}

/**
 * Service-linked roles (path /aws-service-role/) belong to their service, and IAM Identity Center's
 * roles (/aws-reserved/) to Identity Center: IAM refuses to change either.
 */
function modifiable(role: IamRole): IamRole {
  if (role.Path.startsWith('/aws-service-role/') || role.Path.startsWith('/aws-reserved/')) {
    throw new ServiceError(
      'UnmodifiableEntity',
      `Cannot perform the operation on the protected role '${role.RoleName}' - this role is only modifiable by AWS`,
      400,
    );
  }
  return role;
}

export function putUserPermissionsBoundary(
  ctx: CallContext,
  input: PutUserPermissionsBoundaryRequest,
): Record<string, never> {
  checks().name('UserName', input.UserName, 128).done();
  const user = userNamed(iamOf(ctx), input.UserName ?? '');
  user.PermissionsBoundary = boundaryArn(ctx, input.PermissionsBoundary);
  return {};
}

export function deleteUserPermissionsBoundary(
  ctx: CallContext,
  input: DeleteUserPermissionsBoundaryRequest,
): Record<string, never> {
  checks().name('UserName', input.UserName, 128).done();
  const user = userNamed(iamOf(ctx), input.UserName ?? '');
  delete user.PermissionsBoundary;
  return {};
}

export function putRolePermissionsBoundary(
  ctx: CallContext,
  input: PutRolePermissionsBoundaryRequest,
): Record<string, never> {
  checks().name('RoleName', input.RoleName).done();
  const role = modifiable(roleNamed(iamOf(ctx), input.RoleName ?? ''));
  role.PermissionsBoundary = boundaryArn(ctx, input.PermissionsBoundary);
  return {};
}

export function deleteRolePermissionsBoundary(
  ctx: CallContext,
  input: DeleteRolePermissionsBoundaryRequest,
): Record<string, never> {
  checks().name('RoleName', input.RoleName).done();
  const role = modifiable(roleNamed(iamOf(ctx), input.RoleName ?? ''));
  delete role.PermissionsBoundary;
  return {};
}
