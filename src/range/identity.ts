import { defineState } from './state.js';
import { record } from './records.js';

/** Who made a call, as CloudTrail's userIdentity and STS GetCallerIdentity describe it. */
export interface Principal {
  type: 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSAccount' | 'AWSService';
  accountId: string;
  arn: string;
  principalId: string;
  userName?: string;
  /** For AWSService principals: the service acting (`lambda.amazonaws.com`), as `Principal: { Service }` names it. */
  service?: string;
  /** For assumed-role sessions: the role and the session. */
  session?: {
    roleArn: string;
    roleName: string;
    roleId: string;
    sessionName: string;
    createdAt: Date;
    mfaAuthenticated: boolean;
  };
}

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  status: 'Active' | 'Inactive';
  expiration?: Date;
  /** When the credential was issued: a session's `aws:TokenIssueTime`. */
  createdAt: Date;
  principal: Principal;
  /** STS AssumeRole's `Policy`: an inline session policy, as submitted. */
  sessionPolicy?: string;
  /** STS AssumeRole's `PolicyArns`: managed policies that act as session policies. */
  sessionPolicyArns?: string[];
  /**
   * The session was issued with a valid MFA code (GetSessionToken with SerialNumber and TokenCode):
   * `aws:MultiFactorAuthPresent`. Assumed-role sessions also say so on `principal.session`.
   */
  mfaAuthenticated?: boolean;
}

export interface KeyUsage {
  lastUsedDate: Date;
  serviceName: string;
  region: string;
}

export interface IdentityState {
  credentials: Record<string, Credential>;
  lastUsed: Record<string, KeyUsage>;
}

/** Every credential the range accepts, across accounts: the access key selects the principal. */
export const identityState = defineState<IdentityState>('identity', 'range', () => ({
  credentials: record(),
  lastUsed: record(),
}));

export function rootPrincipal(accountId: string): Principal {
  return { type: 'Root', accountId, arn: `arn:aws:iam::${accountId}:root`, principalId: accountId };
}

/**
 * A service acting in an account on its own behalf, e.g. Lambda assuming a function's execution role:
 * a trust policy lets it in with `"Principal": { "Service": "lambda.amazonaws.com" }`, and CloudTrail
 * records it as `userIdentity: { type: "AWSService", invokedBy: <service> }`.
 */
export function servicePrincipal(service: string, accountId: string): Principal {
  return { type: 'AWSService', accountId, arn: service, principalId: service, service };
}

export const anonymousPrincipal: Principal = {
  type: 'AWSAccount',
  accountId: 'anonymous',
  arn: '',
  principalId: '',
};

/**
 * The default account's key ids, and the published demo secrets a range uses only when started with
 * `wellKnownKeys` (tests and demos): otherwise its secrets are random (see auth/keys.ts).
 */
export const wellKnownKeys = {
  admin: {
    accessKeyId: 'AKIASIRSRANGEADMIN01',
    secretAccessKey: 'sirs-range-admin-secret-not-a-real-key-00',
  },
  root: { accessKeyId: 'AKIASIRSRANGEROOT001', secretAccessKey: 'sirs-range-root-secret-not-a-real-key-000' },
} as const;

export const DEFAULT_ADMIN_USER = 'range-admin';

/** Give the default account's administrator and root keys the range's configured secrets. */
export function installRangeKeys(
  ids: IdentityState,
  keys: {
    admin: { accessKeyId: string; secretAccessKey: string };
    root: { accessKeyId: string; secretAccessKey: string };
  },
): void {
  for (const key of [keys.admin, keys.root]) {
    const cred = Object.hasOwn(ids.credentials, key.accessKeyId)
      ? ids.credentials[key.accessKeyId]
      : undefined;
    if (cred) cred.secretAccessKey = key.secretAccessKey;
  }
}
