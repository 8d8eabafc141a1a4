import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const loginProfile = defineSignalKind({
  name: 'loginProfile',
  family: 'state',
  summary: 'An IAM user has (or no longer has) a console password (login profile).',
  params: z.strictObject({
    user: resource('IAM user name.'),
    expect: expect(['present', 'absent'], 'Whether the login profile must exist.'),
  }),
  describe: (p) => `User ${p.user} ${p.expect === 'present' ? 'has' : 'does not have'} a console password`,
});
