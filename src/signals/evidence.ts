import type { Observation, ProbeContext } from './types.js';

/** A state seen by the probe itself: dated with the probe's time (attribution may date it better). */
export function observed(ctx: ProbeContext, met: boolean, summary: string): Observation {
  return {
    status: met ? 'met' : 'not-met',
    evidence: { summary, source: 'probe', at: ctx.at.toISOString() },
  };
}
