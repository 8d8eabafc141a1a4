import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const flowLogs = defineSignalKind({
  name: 'flowLogs',
  family: 'state',
  summary: 'VPC flow logs are enabled or disabled for a VPC, subnet or network interface.',
  params: z.strictObject({
    resource: resource('VPC, subnet or ENI id the flow log is attached to.'),
    expect: expect(['enabled', 'disabled'], 'Whether an active flow log must exist.'),
  }),
  describe: (p) => `Flow logs for ${p.resource} are ${p.expect}`,
});
