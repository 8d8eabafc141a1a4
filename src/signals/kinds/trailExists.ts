import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { findTrail } from '../reads/cloudtrail.js';

export const trailExists = defineSignalKind({
  name: 'trailExists',
  family: 'state',
  reads: ['cloudtrail:DescribeTrails'],
  summary: 'A CloudTrail trail exists or has been deleted.',
  params: z.strictObject({
    trail: resource('Trail name or ARN.'),
    expect: expect(['present', 'absent'], 'Whether the trail must exist.'),
  }),
  describe: (p) => `Trail ${p.trail} ${p.expect === 'present' ? 'exists' : 'does not exist'}`,
  probe: async (ctx, p) => {
    const trail = await findTrail(ctx.reader, p.trail);
    ctx.knownAs(p.trail, trail?.Name, trail?.TrailARN);
    return trail
      ? observed(
          ctx,
          p.expect === 'present',
          `Trail ${trail.TrailARN ?? p.trail} exists (home region ${trail.HomeRegion ?? '?'})`,
        )
      : observed(
          ctx,
          p.expect === 'absent',
          `No trail named ${p.trail} is visible in ${ctx.exercise.region}`,
        );
  },
  attribution: (p) => ({
    eventNames: p.expect === 'present' ? ['CreateTrail'] : ['DeleteTrail'],
    resource: p.trail,
  }),
});
