import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { patchState } from '../reads/operations.js';

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
  probe: async (ctx, p) => {
    const state = await patchState(ctx.reader, p.instance);
    if (!state)
      return observed(
        ctx,
        false,
        `Instance ${p.instance} has no patch state (not managed by Systems Manager, or never scanned)`,
      );
    const missing = state.MissingCount ?? 0;
    const failed = state.FailedCount ?? 0;
    const compliant = missing + failed === 0;
    const scanned = state.OperationEndTime
      ? ` (last ${state.Operation ?? 'scan'} ${new Date(state.OperationEndTime).toISOString()})`
      : '';
    const summary = `Instance ${p.instance} is ${compliant ? 'patch compliant' : 'not patch compliant'}: ${missing} missing, ${failed} failed${scanned}`;
    return observed(ctx, compliant === (p.expect === 'compliant'), summary);
  },
  // A patch run a responder started (AWS-RunPatchBaseline); its send time and sender stand for the fix.
  attribution: (p) =>
    p.expect === 'compliant'
      ? { eventNames: ['SendCommand', 'StartAutomationExecution'], resource: p.instance }
      : undefined,
});
