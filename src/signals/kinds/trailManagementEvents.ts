import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const trailManagementEvents = defineSignalKind({
  name: 'trailManagementEvents',
  family: 'state',
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
});
