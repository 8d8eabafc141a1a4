import type { CallContext } from '../../context.js';
import { DEFAULT_ADMIN_USER, identityState, rootPrincipal, wellKnownKeys } from '../../identity.js';
import { iamId } from '../../ids.js';
import { iamState } from './store.js';

/**
 * Every account on the range starts with an administrator IAM user whose access key responders use,
 * and root credentials (for simulating root activity honestly). The default account's keys are
 * well known; other accounts get keys derived from their id.
 */
export function seedIamAccount(ctx: CallContext): void {
  const accountId = ctx.accountId;
  const isDefault = accountId === ctx.range.accountId;
  const admin = isDefault ? wellKnownKeys.admin : derivedKeys(accountId, 'ADMIN');
  const root = isDefault ? wellKnownKeys.root : derivedKeys(accountId, 'ROOT0');
  const iam = ctx.state(iamState);
  const ids = ctx.state(identityState);
  const userId = iamId('AIDA');
  iam.users[DEFAULT_ADMIN_USER] = {
    UserName: DEFAULT_ADMIN_USER,
    UserId: userId,
    Arn: `arn:aws:iam::${accountId}:user/${DEFAULT_ADMIN_USER}`,
    Path: '/',
    CreateDate: ctx.now,
    Tags: [{ Key: 'sirs:range', Value: 'built-in' }],
    inlinePolicies: {},
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
  ids.credentials[root.accessKeyId] = { ...root, status: 'Active', createdAt: ctx.now, principal: rootPrincipal(accountId) };
}

function derivedKeys(accountId: string, kind: string): { accessKeyId: string; secretAccessKey: string } {
  return {
    accessKeyId: `AKIA${kind}${accountId}`.slice(0, 20).padEnd(20, '0'),
    secretAccessKey: `sirs-range-${kind.toLowerCase()}-${accountId}-not-a-real-key`.slice(0, 40),
  };
}
