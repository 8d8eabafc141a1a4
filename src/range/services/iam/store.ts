import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import type { Principal } from '../../identity.js';
import { defineState } from '../../state.js';
import { record } from '../../records.js';

export interface IamTag {
  Key: string;
  Value: string;
}

export interface IamLoginProfile {
  CreateDate: Date;
  PasswordResetRequired: boolean;
  /** When the password was last set (credential report's password_last_changed). */
  passwordLastChanged?: Date;
}

export interface IamUser {
  UserName: string;
  UserId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  Tags: IamTag[];
  /** Inline policies: name → document as submitted (URL-decoded). */
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
  /** Names of the groups the user is in, as the groups spell them. */
  groups: string[];
  loginProfile?: IamLoginProfile;
  /** Serial numbers of the MFA devices enabled for the user. */
  mfaDevices: string[];
  PermissionsBoundary?: string;
  PasswordLastUsed?: Date;
}

export interface IamAccessKey {
  AccessKeyId: string;
  /** The owning user; empty for the account root's keys. */
  UserName: string;
  Status: 'Active' | 'Inactive';
  CreateDate: Date;
  /** A key of the account root (the "root access keys present" fault). */
  root?: boolean;
}

/** An SSH public key for CodeCommit (UploadSSHPublicKey); the body is public, kept as uploaded. */
export interface IamSshPublicKey {
  SSHPublicKeyId: string;
  UserName: string;
  /** The key as uploaded, and in each encoding GetSSHPublicKey returns. */
  SSHPublicKeyBody: string;
  ssh: string;
  pem: string;
  /** MD5 of the key's SSH wire form, colon-separated hex. */
  Fingerprint: string;
  Status: 'Active' | 'Inactive';
  UploadDate: Date;
}

/** An X.509 signing certificate (UploadSigningCertificate). */
export interface IamSigningCertificate {
  CertificateId: string;
  /** The owning user; empty for the account root's certificates. */
  UserName: string;
  CertificateBody: string;
  /** SHA-256 of the certificate's DER: one certificate belongs to one entity of the account. */
  fingerprint: string;
  Status: 'Active' | 'Inactive';
  UploadDate: Date;
  root?: boolean;
}

/**
 * A service-specific credential (CodeCommit HTTPS Git, Keyspaces). Its password is returned by
 * Create/Reset only and never stored: nothing on the range accepts it, so keeping it would only
 * put a secret on disk.
 */
export interface IamServiceCredential {
  ServiceSpecificCredentialId: string;
  UserName: string;
  ServiceName: string;
  ServiceUserName: string;
  Status: 'Active' | 'Inactive';
  CreateDate: Date;
}

export interface IamGroup {
  GroupName: string;
  GroupId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
}

export interface IamRole {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  /** The trust policy as submitted (URL-decoded). */
  trustPolicy: string;
  Description?: string;
  MaxSessionDuration: number;
  Tags: IamTag[];
  PermissionsBoundary?: string;
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
}

export interface IamInstanceProfile {
  InstanceProfileName: string;
  InstanceProfileId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  /** Names of the roles in the profile (at most one, as in AWS). */
  roles: string[];
  Tags: IamTag[];
}

export interface IamPolicyVersion {
  Document: string;
  CreateDate: Date;
}

/** A customer managed policy (AWS managed ones are a fixed catalogue, see aws-policies.ts). */
export interface IamManagedPolicy {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  Description?: string;
  CreateDate: Date;
  UpdateDate: Date;
  DefaultVersionId: string;
  versions: Record<string, IamPolicyVersion>;
  nextVersion: number;
  Tags: IamTag[];
}

export interface IamVirtualMfaDevice {
  SerialNumber: string;
  /** The TOTP seed, base32. */
  seed: string;
  CreateDate: Date;
  Tags: IamTag[];
  /** Who the device is enabled for: a user name, or ROOT_MFA_OWNER for the account root. */
  owner?: string;
  EnableDate?: Date;
}

export interface IamPasswordPolicy {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}

export interface IamCredentialReport {
  /** When generation started and when the report becomes available, on the range clock. */
  startedAt: Date;
  readyAt: Date;
  csv: string;
}

export interface IamState {
  users: Record<string, IamUser>;
  accessKeys: Record<string, IamAccessKey>;
  groups: Record<string, IamGroup>;
  roles: Record<string, IamRole>;
  instanceProfiles: Record<string, IamInstanceProfile>;
  /** Customer managed policies by ARN. */
  policies: Record<string, IamManagedPolicy>;
  mfaDevices: Record<string, IamVirtualMfaDevice>;
  /** The other credentials of users, by id: SSH keys, signing certificates, service credentials. */
  sshPublicKeys: Record<string, IamSshPublicKey>;
  signingCertificates: Record<string, IamSigningCertificate>;
  serviceCredentials: Record<string, IamServiceCredential>;
  aliases: string[];
  passwordPolicy?: IamPasswordPolicy;
  credentialReport?: IamCredentialReport;
  /** When the account was "created" (the root row of the credential report, root GetUser). */
  createdAt?: Date;
}

/** The owner recorded on a virtual MFA device enabled for the account root. */
export const ROOT_MFA_OWNER = '<root>';

/** IAM is global: one store per account. Maps are keyed by lower-cased name: IAM names ignore case. */
export const iamState = defineState<IamState>('iam', 'account', emptyIam);

function emptyIam(): IamState {
  return {
    users: record(),
    accessKeys: record(),
    groups: record(),
    roles: record(),
    instanceProfiles: record(),
    policies: record(),
    mfaDevices: record(),
    sshPublicKeys: record(),
    signingCertificates: record(),
    serviceCredentials: record(),
    aliases: [],
  };
}

/** The IAM store of the call's account, with collections a store saved by an older range lacks. */
export function iamOf(ctx: CallContext, accountId?: string): IamState {
  const s = ctx.state(iamState, accountId ? { accountId } : undefined);
  const empty = emptyIam();
  for (const key of Object.keys(empty) as Array<keyof IamState>) {
    if (s[key] === undefined) (s as unknown as Record<string, unknown>)[key] = empty[key];
  }
  return s;
}

export const keyOf = (name: string): string => name.toLowerCase();

export function noSuchEntity(message: string): ServiceError {
  return new ServiceError('NoSuchEntity', message, 404);
}

export function userNamed(iam: IamState, name: string): IamUser {
  const u = iam.users[keyOf(name)];
  if (!u) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return u;
}

export function groupNamed(iam: IamState, name: string): IamGroup {
  const g = iam.groups[keyOf(name)];
  if (!g) throw noSuchEntity(`The group with name ${name} cannot be found.`);
  return g;
}

export function roleNamed(iam: IamState, name: string): IamRole {
  const r = iam.roles[keyOf(name)];
  if (!r) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return r;
}

export function instanceProfileNamed(iam: IamState, name: string): IamInstanceProfile {
  const p = iam.instanceProfiles[keyOf(name)];
  if (!p) throw noSuchEntity(`Instance Profile ${name} cannot be found.`);
  return p;
}

/**
 * Read-only view for STS AssumeRole: the role of an account by name, or undefined. STS reads IAM's
 * store through this one accessor so the store's shape stays IAM's business.
 */
export function findRole(
  ctx: CallContext,
  accountId: string,
  roleName: string,
): Readonly<IamRole> | undefined {
  return iamOf(ctx, accountId).roles[keyOf(roleName)];
}

export function userPrincipal(accountId: string, user: IamUser): Principal {
  return { type: 'IAMUser', accountId, arn: user.Arn, principalId: user.UserId, userName: user.UserName };
}

/** The IAM user a call was signed as, or undefined for root and role sessions. */
export function callerUser(ctx: CallContext, iam: IamState): IamUser | undefined {
  const p = ctx.principal;
  if (p.type !== 'IAMUser' || !p.userName) return undefined;
  return iam.users[keyOf(p.userName)];
}

/**
 * The user an operation with an optional UserName acts on: the named user, else the caller. Root acts
 * on itself (undefined); role sessions must name a user, as in AWS.
 */
export function targetUser(
  ctx: CallContext,
  iam: IamState,
  userName: string | undefined,
): IamUser | undefined {
  if (userName !== undefined) return userNamed(iam, userName);
  if (ctx.principal.type === 'Root') return undefined;
  const me = callerUser(ctx, iam);
  if (!me)
    throw new ServiceError('ValidationError', 'Must specify userName when calling with non-User credentials');
  return me;
}

export function arnOf(accountId: string, kind: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:${kind}${path}${name}`;
}

export function byName<T>(items: T[], name: (t: T) => string): T[] {
  return items.sort((a, b) => name(a).toLowerCase().localeCompare(name(b).toLowerCase()));
}
