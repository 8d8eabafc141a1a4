import type { CallContext } from '../../context.js';
import { DEFAULT_ADMIN_USER, identityState, rootPrincipal, wellKnownKeys } from '../../identity.js';
import { iamId } from '../../ids.js';
import { randomSecret } from '../../auth/keys.js';
import { ROOT_MFA_OWNER, iamOf } from './store.js';
import { record } from '../../records.js';

/**
 * Every account on the range starts with an administrator IAM user whose access key responders use,
 * and root credentials (for simulating root activity honestly). Key ids are fixed (the default
 * account's) or derived from the account id; secrets are random here, and the range then installs
 * its configured ones for the default account (see auth/keys.ts). The root starts with a virtual MFA
 * device, as a well-kept account's root does, so "root MFA removed" is a fault a scenario injects
 * (DeactivateMFADevice) rather than a finding every account starts with.
 */
export function seedIamAccount(ctx: CallContext): void {
  const accountId = ctx.accountId;
  const isDefault = accountId === ctx.range.accountId;
  const admin = isDefault ? keyWithId(wellKnownKeys.admin.accessKeyId) : derivedKeys(accountId, 'ADMIN');
  const root = isDefault ? keyWithId(wellKnownKeys.root.accessKeyId) : derivedKeys(accountId, 'ROOT0');
  const iam = iamOf(ctx);
  iam.createdAt = ctx.now;
  const ids = ctx.state(identityState);
  const userId = iamId('AIDA');
  iam.users[DEFAULT_ADMIN_USER] = {
    UserName: DEFAULT_ADMIN_USER,
    UserId: userId,
    Arn: `arn:aws:iam::${accountId}:user/${DEFAULT_ADMIN_USER}`,
    Path: '/',
    CreateDate: ctx.now,
    Tags: [{ Key: 'sirs:range', Value: 'built-in' }],
    inlinePolicies: record(),
    attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    groups: [],
    mfaDevices: [],
  };
  iam.accessKeys[admin.accessKeyId] = {
    AccessKeyId: admin.accessKeyId,
    UserName: DEFAULT_ADMIN_USER,
    Status: 'Active',
    CreateDate: ctx.now,
  };
  ids.credentials[admin.accessKeyId] = {
    ...admin,
    status: 'Active',
    createdAt: ctx.now,
    principal: {
      type: 'IAMUser',
      accountId,
      arn: `arn:aws:iam::${accountId}:user/${DEFAULT_ADMIN_USER}`,
      principalId: userId,
      userName: DEFAULT_ADMIN_USER,
    },
  };
  const rootMfa = `arn:aws:iam::${accountId}:mfa/root-account-mfa-device`;
  iam.mfaDevices[rootMfa] = {
    SerialNumber: rootMfa,
    seed: 'SIRSRANGEROOTMFASEEDNOTASECRET00',
    CreateDate: ctx.now,
    Tags: [],
    owner: ROOT_MFA_OWNER,
    EnableDate: ctx.now,
  };
  // The root's own key signs the range's root activity (it stands for a console session): it is an
  // access key like any other, listed, counted and reported, as IAM would for a root key.
  iam.accessKeys[root.accessKeyId] = {
    AccessKeyId: root.accessKeyId,
    UserName: '',
    Status: 'Active',
    CreateDate: ctx.now,
    root: true,
  };
  ids.credentials[root.accessKeyId] = {
    ...root,
    status: 'Active',
    createdAt: ctx.now,
    principal: rootPrincipal(accountId),
  };
}

function keyWithId(accessKeyId: string): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId, secretAccessKey: randomSecret() };
}

function derivedKeys(accountId: string, kind: string): { accessKeyId: string; secretAccessKey: string } {
  return keyWithId(`AKIA${kind}${accountId}`.slice(0, 20).padEnd(20, '0'));
}
