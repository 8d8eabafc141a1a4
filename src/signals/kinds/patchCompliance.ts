import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const patchCompliance = defineSignalKind({
  name: 'patchCompliance',
  family: 'state',
  summary: "An instance's Systems Manager patch compliance is compliant or non-compliant.",
  params: z.strictObject({
    instance: resource('EC2 instance id (i-...) or managed instance id.'),
    expect: expect(['compliant', 'non-compliant'], 'The patch compliance status.'),
  }),
  describe: (p) =>
    `Instance ${p.instance} is ${p.expect === 'compliant' ? 'patch compliant' : 'not patch compliant'}`,
});
