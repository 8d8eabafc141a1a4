import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { kmsKey } from '../reads/operations.js';

const STATES = { enabled: 'Enabled', disabled: 'Disabled', 'pending-deletion': 'PendingDeletion' } as const;

export const kmsKeyState = defineSignalKind({
  name: 'kmsKeyState',
  family: 'state',
  reads: ['kms:DescribeKey'],
  summary: 'A KMS key is enabled, disabled or pending deletion.',
  params: z.strictObject({
    key: resource('Key id, key ARN or alias (alias/...).'),
    expect: expect(['enabled', 'disabled', 'pending-deletion'], 'The key state.'),
  }),
  describe: (p) => `KMS key ${p.key} is ${p.expect === 'pending-deletion' ? 'pending deletion' : p.expect}`,
  probe: async (ctx, p) => {
    const key = await kmsKey(ctx.reader, p.key);
    if (!key) return observed(ctx, false, `KMS key ${p.key} does not exist`);
    // Events name the key by id or ARN, whatever the condition calls it.
    ctx.knownAs(p.key, key.KeyId, key.Arn);
    const deletion = key.DeletionDate ? ` (deletion on ${new Date(key.DeletionDate).toISOString()})` : '';
    const summary = `KMS key ${key.KeyId ?? p.key} is ${key.KeyState ?? 'in an unknown state'}${deletion}`;
    return observed(ctx, key.KeyState === STATES[p.expect], summary);
  },
  attribution: (p) => ({
    eventNames:
      p.expect === 'enabled'
        ? ['EnableKey']
        : p.expect === 'disabled'
          ? ['DisableKey', 'CancelKeyDeletion']
          : ['ScheduleKeyDeletion'],
    resource: p.key,
  }),
});
