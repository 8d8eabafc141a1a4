import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const userAdmin = defineSignalKind({
  name: 'userAdmin',
  family: 'state',
  summary: 'An IAM user has (or no longer has) administrator access, directly or through a group.',
  params: z.strictObject({
    user: resource('IAM user name.'),
    expect: expect(['present', 'absent'], 'Whether administrator access must be present or absent.'),
  }),
  describe: (p) => `User ${p.user} ${p.expect === 'present' ? 'has' : 'does not have'} administrator access`,
});
