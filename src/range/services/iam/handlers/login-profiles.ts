import type {
  CreateLoginProfileRequest,
  CreateLoginProfileResponse,
  DeleteLoginProfileRequest,
  GetLoginProfileRequest,
  GetLoginProfileResponse,
  LoginProfile,
  UpdateLoginProfileRequest,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { iamOf, userNamed, type IamState, type IamUser } from '../store.js';
import { checks } from '../validate.js';

const SYMBOLS = /[!@#$%^&*()_+\-=[\]{}|']/;

function violation(message: string): ServiceError {
  return new ServiceError('PasswordPolicyViolation', message);
}

/**
 * Passwords must satisfy the account's password policy, or AWS's default one when none is set (at
 * least 8 characters mixing at least three of upper case, lower case, digits and symbols).
 * Reuse prevention is not checked: the range keeps no password history.
 */
export function checkPassword(iam: IamState, password: string): void {
  const p = iam.passwordPolicy;
  if (!p) {
    const kinds = [/[A-Z]/, /[a-z]/, /[0-9]/, SYMBOLS].filter((re) => re.test(password)).length;
    if (password.length < 8 || kinds < 3)
      throw violation('Password does not conform to the account password policy.');
    return;
  }
  if (password.length < p.MinimumPasswordLength)
    throw violation(`Password should have a minimum length of ${p.MinimumPasswordLength}`);
  if (p.RequireSymbols && !SYMBOLS.test(password))
    throw violation('Password should have at least one symbol');
  if (p.RequireNumbers && !/[0-9]/.test(password))
    throw violation('Password should have at least one number');
  if (p.RequireUppercaseCharacters && !/[A-Z]/.test(password))
    throw violation('Password should have at least one uppercase letter');
  if (p.RequireLowercaseCharacters && !/[a-z]/.test(password))
    throw violation('Password should have at least one lowercase letter');
}

function profileOut(user: IamUser): LoginProfile {
  const lp = user.loginProfile;
  if (!lp)
    throw new ServiceError('NoSuchEntity', `Login Profile for User ${user.UserName} cannot be found.`, 404);
  return {
    UserName: user.UserName,
    CreateDate: lp.CreateDate,
    PasswordResetRequired: lp.PasswordResetRequired,
  };
}

export function createLoginProfile(
  ctx: CallContext,
  input: CreateLoginProfileRequest,
): CreateLoginProfileResponse {
  checks().name('UserName', input.UserName).string('Password', input.Password, { min: 1, max: 128 }).done();
  const iam = iamOf(ctx);
  const user = userNamed(iam, input.UserName ?? '');
  if (user.loginProfile)
    throw new ServiceError(
      'EntityAlreadyExists',
      `Login Profile for user ${user.UserName} already exists.`,
      409,
    );
  checkPassword(iam, input.Password ?? '');
  user.loginProfile = {
    CreateDate: ctx.now,
    PasswordResetRequired: input.PasswordResetRequired ?? false,
    passwordLastChanged: ctx.now,
  };
  return { LoginProfile: profileOut(user) };
}

export function getLoginProfile(ctx: CallContext, input: GetLoginProfileRequest): GetLoginProfileResponse {
  checks().name('UserName', input.UserName).done();
  return { LoginProfile: profileOut(userNamed(iamOf(ctx), input.UserName ?? '')) };
}

export function updateLoginProfile(
  ctx: CallContext,
  input: UpdateLoginProfileRequest,
): Record<string, never> {
  checks().name('UserName', input.UserName).string('Password', input.Password, { min: 1, max: 128 }).done();
  const iam = iamOf(ctx);
  const user = userNamed(iam, input.UserName ?? '');
  profileOut(user);
  const lp = user.loginProfile as NonNullable<IamUser['loginProfile']>;
  if (input.Password !== undefined) {
    checkPassword(iam, input.Password);
    lp.passwordLastChanged = ctx.now;
  }
  if (input.PasswordResetRequired !== undefined) lp.PasswordResetRequired = input.PasswordResetRequired;
  return {};
}

export function deleteLoginProfile(
  ctx: CallContext,
  input: DeleteLoginProfileRequest,
): Record<string, never> {
  checks().name('UserName', input.UserName).done();
  const user = userNamed(iamOf(ctx), input.UserName ?? '');
  profileOut(user);
  delete user.loginProfile;
  return {};
}
