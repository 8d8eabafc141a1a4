import { identityState, type Principal } from '../../src/range/identity.js';
import { record } from '../../src/range/records.js';
import { iamState, keyOf } from '../../src/range/services/iam/store.js';
import type { TestRange } from './harness.js';

export const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';

/**
 * An IAM user of another account on the range, with an access key and the managed policies given
 * (AdministratorAccess by default): the range has no Organizations to create accounts, so the user is
 * written into that account's stores. Its policies count as on AWS: a caller from another account needs
 * its own account's permission as well as the resource owner's.
 */
export function otherAccountUser(
  range: TestRange,
  opts: {
    accountId?: string;
    userName: string;
    accessKeyId: string;
    secretAccessKey: string;
    policyArns?: string[];
    inlinePolicies?: Record<string, string>;
  },
): { accessKeyId: string; secretAccessKey: string; principal: Principal } {
  const accountId = opts.accountId ?? '210987654321';
  const arn = `arn:aws:iam::${accountId}:user/${opts.userName}`;
  const userId = `AIDA${opts.accessKeyId.slice(4)}`.slice(0, 21);
  const principal: Principal = {
    type: 'IAMUser',
    accountId,
    arn,
    principalId: userId,
    userName: opts.userName,
  };
  const iam = range.engine.state.get(iamState, accountId, range.region);
  iam.users[keyOf(opts.userName)] = {
    UserName: opts.userName,
    UserId: userId,
    Arn: arn,
    Path: '/',
    CreateDate: new Date(),
    Tags: [],
    inlinePolicies: record(opts.inlinePolicies ?? {}),
    attachedPolicies: opts.policyArns ?? [ADMINISTRATOR_ACCESS],
    groups: [],
    mfaDevices: [],
  };
  range.engine.state.get(identityState, '', '').credentials[opts.accessKeyId] = {
    accessKeyId: opts.accessKeyId,
    secretAccessKey: opts.secretAccessKey,
    status: 'Active',
    createdAt: new Date(),
    principal,
  };
  return { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey, principal };
}
