import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { findTrail, trailStatus } from '../reads/cloudtrail.js';

export const trailLogging = defineSignalKind({
  name: 'trailLogging',
  family: 'state',
  summary: 'A CloudTrail trail is logging or stopped (GetTrailStatus).',
  params: z.strictObject({
    trail: resource('Trail name or ARN.'),
    expect: expect(['logging', 'stopped'], 'Whether the trail must be logging or stopped.'),
  }),
  describe: (p) => `Trail ${p.trail} is ${p.expect === 'logging' ? 'logging' : 'stopped'}`,
  probe: async (ctx, p) => {
    const trail = await findTrail(ctx.reader, p.trail);
    ctx.knownAs(p.trail, trail?.Name, trail?.TrailARN);
    const status = trail?.TrailARN ? await trailStatus(ctx.reader, trail.TrailARN) : undefined;
    if (!status)
      return observed(ctx, p.expect === 'stopped', `Trail ${p.trail} does not exist, so nothing logs`);
    const since = status.IsLogging ? status.StartLoggingTime : status.StopLoggingTime;
    const when = since ? ` since ${new Date(since).toISOString()}` : '';
    return status.IsLogging
      ? observed(ctx, p.expect === 'logging', `Trail ${p.trail} is logging${when}`)
      : observed(ctx, p.expect === 'stopped', `Trail ${p.trail} is not logging${when}`);
  },
  attribution: (p) => ({
    eventNames: p.expect === 'logging' ? ['StartLogging'] : ['StopLogging', 'DeleteTrail'],
    resource: p.trail,
  }),
});
