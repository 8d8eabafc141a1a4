import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect } from '../params.js';
import { accountSummary } from '../reads/iam.js';

export const rootAccessKeys = defineSignalKind({
  name: 'rootAccessKeys',
  family: 'state',
  summary: 'The account root user has access keys (GetAccountSummary AccountAccessKeysPresent).',
  params: z.strictObject({
    expect: expect(['present', 'absent'], 'Whether root access keys must exist.'),
  }),
  describe: (p) => `The root user ${p.expect === 'present' ? 'has' : 'has no'} access keys`,
  probe: async (ctx, p) => {
    const present = (await accountSummary(ctx.reader)).AccountAccessKeysPresent === 1;
    const summary = `GetAccountSummary: AccountAccessKeysPresent is ${present ? 1 : 0}`;
    return observed(ctx, present === (p.expect === 'present'), summary);
  },
  // Root managing its own keys: a call by root that names no user.
  attribution: (p) => ({
    eventNames:
      p.expect === 'present'
        ? ['CreateAccessKey', 'UpdateAccessKey']
        : ['DeleteAccessKey', 'UpdateAccessKey'],
    accept: (e) => e.identityType === 'Root' && !hasUserName(e.requestParameters),
  }),
});

function hasUserName(params: unknown): boolean {
  return typeof (params as { userName?: unknown } | null)?.userName === 'string';
}
