import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind, type ProbeContext } from '../types.js';
import { expect, resource } from '../params.js';
import { instance as ec2Instance } from '../reads/ec2.js';
import { associations, patchState, selectsInstance } from '../reads/operations.js';

export const patchCompliance = defineSignalKind({
  name: 'patchCompliance',
  family: 'state',
  reads: ['ec2:DescribeInstances', 'ssm:DescribeInstancePatchStates', 'ssm:ListAssociations'],
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
    if (compliant && p.expect === 'compliant') await learnAssociations(ctx, p.instance);
    return observed(ctx, compliant === (p.expect === 'compliant'), summary);
  },
  // A patch run a responder started (AWS-RunPatchBaseline by SendCommand, a State Manager association,
  // an automation); its start time and starter stand for the fix. The run takes minutes, during which
  // the instance is still seen non-compliant: the cause is looked for since it was first seen so.
  attribution: (p) =>
    p.expect === 'compliant'
      ? {
          eventNames: [
            'SendCommand',
            'StartAutomationExecution',
            'CreateAssociation',
            'StartAssociationsOnce',
          ],
          resource: p.instance,
          slow: true,
        }
      : undefined,
});

/**
 * StartAssociationsOnce names associations, not instances, and CreateAssociation by tag names neither
 * (only its resources name the association): the ids of the associations that select the instance, by
 * id or by its tags, count as its names. Only for dating; an answer missing here leaves the probe's time.
 */
async function learnAssociations(ctx: ProbeContext, instance: string): Promise<void> {
  try {
    const [all, i] = await Promise.all([
      associations(ctx.reader),
      // Without the tags (not readable), associations by id still count.
      ec2Instance(ctx.reader, instance).catch(() => undefined),
    ]);
    const tags = Object.fromEntries((i?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    const mine = all.filter((a) => selectsInstance(a, instance, tags));
    ctx.knownAs(instance, ...mine.map((a) => a.AssociationId));
  } catch {
    // Not readable (not permitted, throttled): StartAssociationsOnce cannot be attributed this time.
  }
}
