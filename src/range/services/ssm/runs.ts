import type { CallContext } from '../../context.js';
import type { Ec2Instance } from './instances.js';
import { applyPatchRun, initialPatchState, isCompliant, patchCounts } from './patch-model.js';
import { ssmState, type SsmState, type StoredCommand, type StoredInvocation } from './store.js';

/**
 * Documents running on instances, on the range clock. Durations are what an operator would see in
 * AWS; tests move a ManualClock past them instead of waiting.
 */
export const runTimes = {
  /** From SendCommand until the agent picks the command up (Pending → InProgress). */
  deliveryMs: 2_000,
  patchScanMs: 20_000,
  /** AWS-RunPatchBaseline Install, realistic for a handful of packages (30–90 s in AWS). */
  patchInstallMs: 60_000,
  scriptMs: 3_000,
  /** An automation's single step (stop or start instances). */
  automationMs: 8_000,
};

export type InvocationStatus = 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'Cancelled';

export function invocationStatus(inv: StoredInvocation, now: Date): InvocationStatus {
  const t = now.getTime();
  if (inv.cancelledAt && inv.cancelledAt.getTime() <= t) return 'Cancelled';
  if (t < inv.startsAt.getTime()) return 'Pending';
  if (t < inv.endsAt.getTime()) return 'InProgress';
  return inv.outcome;
}

export function isFinal(status: string): boolean {
  return !['Pending', 'InProgress', 'Delayed', 'Cancelling'].includes(status);
}

/** The store of this call, with every invocation that has finished on the range clock settled. */
export function ssmStore(ctx: CallContext): SsmState {
  const s = ctx.state(ssmState);
  settle(s, ctx.now);
  return s;
}

/** Apply the effects of finished invocations exactly once (patches installed, compliance updated). */
export function settle(s: SsmState, now: Date): void {
  for (const inv of Object.values(s.invocations)) {
    if (inv.settled) continue;
    const status = invocationStatus(inv, now);
    if (!isFinal(status)) continue;
    inv.settled = true;
    const command = s.commands[inv.commandId];
    if (status !== 'Success' || command?.documentName !== 'AWS-RunPatchBaseline') continue;
    const state = s.patchStates[inv.instanceId];
    if (!state) continue;
    const before = state.missing.map((p) => p.kbId);
    const operation = command.parameters['Operation']?.[0] === 'Install' ? 'Install' : 'Scan';
    applyPatchRun(state, {
      operation,
      commandId: command.commandId,
      startedAt: inv.startsAt,
      endedAt: inv.endsAt,
      rebootOption: command.parameters['RebootOption']?.[0],
    });
    const counts = patchCounts(state);
    inv.output = [
      `Patch baseline: ${state.baselineId}`,
      `Patch group: ${state.patchGroup || '(none)'}`,
      `Operation: ${operation}`,
      operation === 'Install'
        ? before.length
          ? `Installed ${before.length} missing patch(es): ${before.join(', ')}`
          : 'No missing patches to install.'
        : `Scan found ${counts.MissingCount} missing patch(es).`,
      `Installed: ${counts.InstalledCount}, missing: ${counts.MissingCount}, failed: ${counts.FailedCount}`,
      `Compliance: ${isCompliant(state) ? 'COMPLIANT' : 'NON_COMPLIANT'}`,
      'The range simulates patching: nothing was executed on the instance.',
    ].join('\n');
  }
}

function durationOf(command: StoredCommand): number {
  if (command.documentName === 'AWS-RunPatchBaseline') {
    return command.parameters['Operation']?.[0] === 'Install'
      ? runTimes.patchInstallMs
      : runTimes.patchScanMs;
  }
  return runTimes.scriptMs;
}

function scriptOutput(command: StoredCommand): string {
  const lines = command.parameters['commands'] ?? [];
  return [
    `The range does not execute commands: it recorded ${lines.length} command line(s) and reports them as run.`,
    ...lines.map((l) => `$ ${l}`),
  ].join('\n');
}

/** Make sure each instance has a patch state (from its tags, the first time the range sees it). */
export function ensurePatchStates(s: SsmState, instances: Ec2Instance[]): void {
  for (const i of instances) s.patchStates[i.instanceId] ??= initialPatchState(i);
}

/** Record a command and its invocations, and settle them when they finish on the range clock. */
export function startCommand(
  ctx: CallContext,
  s: SsmState,
  command: StoredCommand,
  instances: Ec2Instance[],
): void {
  s.commands[command.commandId] = command;
  if (command.documentName === 'AWS-RunPatchBaseline') ensurePatchStates(s, instances);
  const startsAt = command.requestedAt.getTime() + runTimes.deliveryMs;
  const duration = durationOf(command);
  for (const i of instances) {
    s.invocations[`${command.commandId}/${i.instanceId}`] = {
      commandId: command.commandId,
      instanceId: i.instanceId,
      instanceName: i.privateDns,
      platform: i.platform,
      startsAt: new Date(startsAt),
      endsAt: new Date(startsAt + duration),
      settled: false,
      outcome: 'Success',
      output: command.documentName === 'AWS-RunPatchBaseline' ? '' : scriptOutput(command),
    };
  }
  if (instances.length > 0) {
    ctx.clock.schedule(runTimes.deliveryMs + duration, () => settle(ctx.state(ssmState), ctx.clock.now()));
  }
}

export function invocationsOf(s: SsmState, commandId: string): StoredInvocation[] {
  return Object.values(s.invocations).filter((inv) => inv.commandId === commandId);
}
