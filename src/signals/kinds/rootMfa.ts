import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect } from '../params.js';

export const rootMfa = defineSignalKind({
  name: 'rootMfa',
  family: 'state',
  summary: 'MFA is enabled or disabled on the account root user (GetAccountSummary AccountMFAEnabled).',
  params: z.strictObject({
    expect: expect(['enabled', 'disabled'], 'Whether root MFA must be enabled.'),
  }),
  describe: (p) => `MFA on the root user is ${p.expect}`,
});
