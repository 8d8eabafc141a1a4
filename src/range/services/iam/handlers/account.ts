import type {
  CreateAccountAliasRequest,
  DeleteAccountAliasRequest,
  GetAccountPasswordPolicyResponse,
  GetAccountSummaryResponse,
  ListAccountAliasesRequest,
  ListAccountAliasesResponse,
  UpdateAccountPasswordPolicyRequest,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { attachmentCount } from '../policies.js';
import { ROOT_MFA_OWNER, iamOf, iamState, noSuchEntity } from '../store.js';
import { checks, pageOf } from '../validate.js';
import { awsManagedPolicies } from '../aws-policies.js';

/** IAM's default quotas, as GetAccountSummary reports them beside the counts. */
const QUOTAS = {
  UsersQuota: 5000,
  GroupsQuota: 300,
  ServerCertificatesQuota: 20,
  UserPolicySizeQuota: 2048,
  GroupPolicySizeQuota: 5120,
  GroupsPerUserQuota: 10,
  SigningCertificatesPerUserQuota: 2,
  AccessKeysPerUserQuota: 2,
  AttachedPoliciesPerGroupQuota: 10,
  AttachedPoliciesPerRoleQuota: 10,
  AttachedPoliciesPerUserQuota: 10,
  PoliciesQuota: 1500,
  PolicySizeQuota: 6144,
  PolicyVersionsInUseQuota: 10000,
  VersionsPerPolicyQuota: 5,
  RolesQuota: 1000,
  RolePolicySizeQuota: 10240,
  InstanceProfilesQuota: 1000,
  AssumeRolePolicySizeQuota: 2048,
  GlobalEndpointTokenVersion: 1,
};

export function getAccountSummary(ctx: CallContext): GetAccountSummaryResponse {
  const iam = iamOf(ctx);
  const devices = Object.values(iam.mfaDevices);
  const policyArns = [...awsManagedPolicies.map((p) => p.Arn), ...Object.keys(iam.policies)];
  return {
    SummaryMap: {
      ...QUOTAS,
      Users: Object.keys(iam.users).length,
      Groups: Object.keys(iam.groups).length,
      Roles: Object.keys(iam.roles).length,
      Policies: Object.keys(iam.policies).length,
      InstanceProfiles: Object.keys(iam.instanceProfiles).length,
      PolicyVersionsInUse: policyArns.reduce((n, arn) => n + attachmentCount(iam, arn), 0),
      MFADevices: devices.length,
      MFADevicesInUse: devices.filter((d) => d.owner !== undefined).length,
      AccountMFAEnabled: devices.some((d) => d.owner === ROOT_MFA_OWNER) ? 1 : 0,
      // The root's keys, the range's own root key included (see access-keys.ts).
      AccountAccessKeysPresent: Object.values(iam.accessKeys).some((k) => k.root) ? 1 : 0,
      AccountSigningCertificatesPresent: Object.values(iam.signingCertificates).some((c) => c.root) ? 1 : 0,
      ServerCertificates: 0,
      Providers: 0,
    },
  };
}

const ALIAS = {
  re: /^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/,
  text: '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$',
};

export function createAccountAlias(
  ctx: CallContext,
  input: CreateAccountAliasRequest,
): Record<string, never> {
  const alias = input.AccountAlias ?? '';
  checks().string('AccountAlias', alias, { min: 3, max: 63, pattern: ALIAS }).done();
  // Aliases are unique across AWS; on the range, across its accounts.
  const taken = ctx
    .allState(iamState)
    .some((s) => s.accountId !== ctx.accountId && (s.value.aliases ?? []).includes(alias));
  if (taken) throw new ServiceError('EntityAlreadyExists', `The account alias ${alias} already exists.`, 409);
  // An account has one alias: a new one replaces it.
  iamOf(ctx).aliases = [alias];
  return {};
}

export function deleteAccountAlias(
  ctx: CallContext,
  input: DeleteAccountAliasRequest,
): Record<string, never> {
  const alias = input.AccountAlias ?? '';
  checks().string('AccountAlias', alias, { min: 3, max: 63, pattern: ALIAS }).done();
  const iam = iamOf(ctx);
  if (!iam.aliases.includes(alias)) throw noSuchEntity(`The account alias ${alias} cannot be found.`);
  iam.aliases = iam.aliases.filter((a) => a !== alias);
  return {};
}

export function listAccountAliases(
  ctx: CallContext,
  input: ListAccountAliasesRequest,
): ListAccountAliasesResponse {
  const { page, ...more } = pageOf(iamOf(ctx).aliases, input, ['ListAccountAliases']);
  return { AccountAliases: page, ...more };
}

export function updateAccountPasswordPolicy(
  ctx: CallContext,
  input: UpdateAccountPasswordPolicyRequest,
): Record<string, never> {
  checks()
    .int('MinimumPasswordLength', input.MinimumPasswordLength, 6, 128)
    .int('MaxPasswordAge', input.MaxPasswordAge, 1, 1095)
    .int('PasswordReusePrevention', input.PasswordReusePrevention, 1, 24)
    .done();
  // Omitted settings fall back to their defaults, as in AWS: the call replaces the whole policy.
  iamOf(ctx).passwordPolicy = {
    MinimumPasswordLength: input.MinimumPasswordLength ?? 6,
    RequireSymbols: input.RequireSymbols ?? false,
    RequireNumbers: input.RequireNumbers ?? false,
    RequireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
    RequireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
    AllowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
    ...(input.MaxPasswordAge !== undefined ? { MaxPasswordAge: input.MaxPasswordAge } : {}),
    ...(input.PasswordReusePrevention !== undefined
      ? { PasswordReusePrevention: input.PasswordReusePrevention }
      : {}),
    ...(input.HardExpiry !== undefined ? { HardExpiry: input.HardExpiry } : {}),
  };
  return {};
}

function noPasswordPolicy(ctx: CallContext): ServiceError {
  return noSuchEntity(`The Password Policy with domain name ${ctx.accountId} cannot be found.`);
}

export function getAccountPasswordPolicy(ctx: CallContext): GetAccountPasswordPolicyResponse {
  const p = iamOf(ctx).passwordPolicy;
  if (!p) throw noPasswordPolicy(ctx);
  return { PasswordPolicy: { ...p, ExpirePasswords: (p.MaxPasswordAge ?? 0) > 0 } };
}

export function deleteAccountPasswordPolicy(ctx: CallContext): Record<string, never> {
  const iam = iamOf(ctx);
  if (!iam.passwordPolicy) throw noPasswordPolicy(ctx);
  delete iam.passwordPolicy;
  return {};
}
