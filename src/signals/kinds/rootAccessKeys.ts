import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect } from '../params.js';
import { accountSummary } from '../reads/iam.js';
import { Absent } from '../reader.js';

export const rootAccessKeys = defineSignalKind({
  name: 'rootAccessKeys',
  family: 'state',
  reads: ['iam:GetAccountSummary', 'iam:GetAccessKeyLastUsed'],
  summary:
    'The account root user has access keys (GetAccountSummary AccountAccessKeysPresent), or a given root key exists.',
  params: z.strictObject({
    accessKeyId: z
      .string()
      .min(1)
      .optional()
      .describe(
        "One root key (the one the injection created); without it, any root key counts. On the range, root always has the range's own key.",
      ),
    expect: expect(['present', 'absent'], 'Whether root access keys must exist.'),
  }),
  describe: (p) =>
    p.accessKeyId
      ? `Root access key ${p.accessKeyId} ${p.expect === 'present' ? 'exists' : 'is deleted'}`
      : `The root user ${p.expect === 'present' ? 'has' : 'has no'} access keys`,
  probe: async (ctx, p) => {
    if (p.accessKeyId) {
      // Whose key it is, asked each tick: IAM names root as the owner while the key exists.
      const id = p.accessKeyId;
      const out = await ctx.reader.once(`iam:GetAccessKeyLastUsed ${id} (root key)`, () =>
        ctx.reader.callOrAbsent('iam:GetAccessKeyLastUsed', { AccessKeyId: id }, ['AccessDenied']),
      );
      const present = !(out instanceof Absent) && out.UserName === 'root';
      const summary = `GetAccessKeyLastUsed: root access key ${id} ${present ? 'exists' : 'does not exist'}`;
      return observed(ctx, present === (p.expect === 'present'), summary);
    }
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
    ...(p.accessKeyId ? { resource: p.accessKeyId } : {}),
    accept: (e) => e.identityType === 'Root' && !hasUserName(e.requestParameters),
  }),
});

function hasUserName(params: unknown): boolean {
  return typeof (params as { userName?: unknown } | null)?.userName === 'string';
}
