import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { loginProfile as readLoginProfile } from '../reads/iam.js';

export const loginProfile = defineSignalKind({
  name: 'loginProfile',
  family: 'state',
  reads: ['iam:GetLoginProfile'],
  summary: 'An IAM user has (or no longer has) a console password (login profile).',
  params: z.strictObject({
    user: resource('IAM user name.'),
    expect: expect(['present', 'absent'], 'Whether the login profile must exist.'),
  }),
  describe: (p) => `User ${p.user} ${p.expect === 'present' ? 'has' : 'does not have'} a console password`,
  probe: async (ctx, p) => {
    const profile = await readLoginProfile(ctx.reader, p.user);
    if (!profile) return observed(ctx, p.expect === 'absent', `User ${p.user} has no console password`);
    const created = profile.CreateDate ? ` (created ${new Date(profile.CreateDate).toISOString()})` : '';
    return observed(ctx, p.expect === 'present', `User ${p.user} has a console password${created}`);
  },
  attribution: (p) => ({
    eventNames: p.expect === 'present' ? ['CreateLoginProfile'] : ['DeleteLoginProfile', 'DeleteUser'],
    resource: p.user,
  }),
});
