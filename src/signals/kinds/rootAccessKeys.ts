import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect } from '../params.js';

export const rootAccessKeys = defineSignalKind({
  name: 'rootAccessKeys',
  family: 'state',
  summary: 'The account root user has access keys (GetAccountSummary AccountAccessKeysPresent).',
  params: z.strictObject({
    expect: expect(['present', 'absent'], 'Whether root access keys must exist.'),
  }),
  describe: (p) => `The root user ${p.expect === 'present' ? 'has' : 'has no'} access keys`,
});
