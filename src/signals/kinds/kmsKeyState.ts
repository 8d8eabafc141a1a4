import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const kmsKeyState = defineSignalKind({
  name: 'kmsKeyState',
  family: 'state',
  summary: 'A KMS key is enabled, disabled or pending deletion.',
  params: z.strictObject({
    key: resource('Key id, key ARN or alias (alias/...).'),
    expect: expect(['enabled', 'disabled', 'pending-deletion'], 'The key state.'),
  }),
  describe: (p) => `KMS key ${p.key} is ${p.expect === 'pending-deletion' ? 'pending deletion' : p.expect}`,
});
