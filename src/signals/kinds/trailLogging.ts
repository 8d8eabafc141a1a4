import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const trailLogging = defineSignalKind({
  name: 'trailLogging',
  family: 'state',
  summary: 'A CloudTrail trail is logging or stopped (GetTrailStatus).',
  params: z.strictObject({
    trail: resource('Trail name or ARN.'),
    expect: expect(['logging', 'stopped'], 'Whether the trail must be logging or stopped.'),
  }),
  describe: (p) => `Trail ${p.trail} is ${p.expect === 'logging' ? 'logging' : 'stopped'}`,
});
