import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect } from '../params.js';
import { accountSummary } from '../reads/iam.js';

export const rootMfa = defineSignalKind({
  name: 'rootMfa',
  family: 'state',
  reads: ['iam:GetAccountSummary'],
  summary: 'MFA is enabled or disabled on the account root user (GetAccountSummary AccountMFAEnabled).',
  params: z.strictObject({
    expect: expect(['enabled', 'disabled'], 'Whether root MFA must be enabled.'),
  }),
  describe: (p) => `MFA on the root user is ${p.expect}`,
  probe: async (ctx, p) => {
    const enabled = (await accountSummary(ctx.reader)).AccountMFAEnabled === 1;
    return observed(
      ctx,
      enabled === (p.expect === 'enabled'),
      `GetAccountSummary: AccountMFAEnabled is ${enabled ? 1 : 0}`,
    );
  },
  // Root acting on its own device: root as the caller, naming no IAM user (or the user "root").
  attribution: (p) => ({
    eventNames:
      p.expect === 'enabled' ? ['EnableMFADevice'] : ['DeactivateMFADevice', 'DeleteVirtualMFADevice'],
    accept: (e) => {
      const user = (e.requestParameters as { userName?: unknown } | null)?.userName;
      return e.identityType === 'Root' && (user === undefined || user === 'root');
    },
  }),
});
