import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const trailExists = defineSignalKind({
  name: 'trailExists',
  family: 'state',
  summary: 'A CloudTrail trail exists or has been deleted.',
  params: z.strictObject({
    trail: resource('Trail name or ARN.'),
    expect: expect(['present', 'absent'], 'Whether the trail must exist.'),
  }),
  describe: (p) => `Trail ${p.trail} ${p.expect === 'present' ? 'exists' : 'does not exist'}`,
});
