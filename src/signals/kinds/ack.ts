import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { findingName } from '../params.js';

export const ackParams = z.strictObject({
  finding: findingName,
  resource: z
    .string()
    .min(1)
    .optional()
    .describe('The resource the finding is about, e.g. {{outputs.WebSgId}}.'),
});

export const ack = defineSignalKind({
  name: 'ack',
  family: 'ack',
  reads: [],
  summary: 'A responder declared a finding with `sirs ack` (optionally naming the resource).',
  params: ackParams,
  describe: (p) =>
    `A responder acknowledges the finding "${p.finding}"${p.resource ? ` on ${p.resource}` : ''}`,
});
