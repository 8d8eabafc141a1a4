import type { AdvancedEventSelector, EventSelector } from '@aws-sdk/client-cloudtrail';
import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { eventSelectors, findTrail } from '../reads/cloudtrail.js';

export interface Coverage {
  read: boolean;
  write: boolean;
  /** Selectors that record only part of the management events (excluded sources, other fields). */
  partial: string[];
}

/**
 * Which management events a trail's selectors record. Selectors add up (one read-only selector and
 * one write-only selector cover both); a selector that leaves out event sources covers nothing whole.
 */
export function managementCoverage(s: {
  EventSelectors?: EventSelector[];
  AdvancedEventSelectors?: AdvancedEventSelector[];
}): Coverage {
  const out: Coverage = { read: false, write: false, partial: [] };
  const add = (rw: string | undefined) => {
    if (rw === 'All' || rw === 'ReadOnly') out.read = true;
    if (rw === 'All' || rw === 'WriteOnly') out.write = true;
  };
  for (const sel of s.EventSelectors ?? []) {
    if (sel.IncludeManagementEvents === false) continue;
    if (sel.ExcludeManagementEventSources?.length) {
      out.partial.push(`a selector excludes ${sel.ExcludeManagementEventSources.join(', ')}`);
      continue;
    }
    add(sel.ReadWriteType ?? 'All');
  }
  for (const sel of s.AdvancedEventSelectors ?? []) {
    const fields = sel.FieldSelectors ?? [];
    const category = fields.find((f) => f.Field === 'eventCategory');
    if (!category?.Equals?.includes('Management')) continue;
    const others = fields.filter((f) => f.Field !== 'eventCategory' && f.Field !== 'readOnly');
    const name = sel.Name ? `selector "${sel.Name}"` : 'a selector';
    if (others.length) {
      out.partial.push(`${name} also filters on ${others.map((f) => f.Field).join(', ')}`);
      continue;
    }
    const ro = fields.find((f) => f.Field === 'readOnly');
    const only =
      ro?.Equals?.[0] ??
      (ro?.NotEquals?.[0] === 'true' ? 'false' : ro?.NotEquals?.[0] === 'false' ? 'true' : undefined);
    add(only === 'true' ? 'ReadOnly' : only === 'false' ? 'WriteOnly' : 'All');
  }
  return out;
}

export const trailManagementEvents = defineSignalKind({
  name: 'trailManagementEvents',
  family: 'state',
  reads: ['cloudtrail:DescribeTrails', 'cloudtrail:GetEventSelectors'],
  summary: "A trail's event selectors record (or no longer record) management events.",
  params: z.strictObject({
    trail: resource('Trail name or ARN.'),
    expect: expect(
      ['covered', 'not-covered'],
      'Whether management events (read and write) must be recorded.',
    ),
  }),
  describe: (p) =>
    `Trail ${p.trail} ${p.expect === 'covered' ? 'records' : 'does not record'} management events`,
  probe: async (ctx, p) => {
    const trail = await findTrail(ctx.reader, p.trail);
    ctx.knownAs(p.trail, trail?.Name, trail?.TrailARN);
    const selectors = trail?.TrailARN ? await eventSelectors(ctx.reader, trail.TrailARN) : undefined;
    if (!selectors) return observed(ctx, p.expect === 'not-covered', `Trail ${p.trail} does not exist`);
    const c = managementCoverage(selectors);
    const partial = c.partial.length ? `; ${c.partial.join('; ')}` : '';
    if (c.read && c.write)
      return observed(
        ctx,
        p.expect === 'covered',
        `Trail ${p.trail} records read and write management events${partial}`,
      );
    const which = c.read ? 'only read' : c.write ? 'only write' : 'no';
    return observed(
      ctx,
      p.expect === 'not-covered',
      `Trail ${p.trail} records ${which} management events${partial}`,
    );
  },
  attribution: (p) => ({
    eventNames: p.expect === 'covered' ? ['PutEventSelectors'] : ['PutEventSelectors', 'DeleteTrail'],
    resource: p.trail,
  }),
});
