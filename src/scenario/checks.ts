import { findSignalKind } from '../signals/registry.js';
import { didYouMean } from './did-you-mean.js';
import { formatDuration, parseDuration } from './duration.js';
import { isRecord, valueAt } from './issues.js';
import type { CheckContext } from './context.js';
import type { PathSegment } from './problem.js';
import { API_CALL, PHASE_NAMES } from './schema.js';
import { basename, extname } from 'node:path';

/**
 * Semantic checks a schema cannot express. Each works on the raw data and skips what is malformed (the
 * schema reports that), so that one broken field never hides problems elsewhere in the file.
 */
export function checkStructure(ctx: CheckContext): void {
  checkIdMatchesFile(ctx);
  checkPhases(ctx);
  checkTimes(ctx);
  checkAutopilotSteps(ctx);
  checkSteadyState(ctx);
  checkServices(ctx);
}

/** Services sirs can drive (the AWS SDK clients it ships); `logs` is CloudWatch Logs. */
export const KNOWN_SERVICES = [
  'cloudformation',
  'cloudtrail',
  'cloudwatch',
  'config',
  'ec2',
  'events',
  'iam',
  'kms',
  'lambda',
  'logs',
  's3',
  's3control',
  'sns',
  'ssm',
  'sts',
];

function checkIdMatchesFile(ctx: CheckContext): void {
  const id = ctx.data.id;
  const stem = basename(ctx.file, extname(ctx.file));
  if (typeof id === 'string' && id !== stem) {
    ctx.at(
      ['id'],
      'id-mismatch',
      `id "${id}" does not match the file name "${basename(ctx.file)}"`,
      `rename the file to ${id}.yaml or set id: ${stem}`,
    );
  }
}

function checkPhases(ctx: CheckContext): void {
  const phases = ctx.data.phases;
  if (!isRecord(phases)) return;
  for (const name of PHASE_NAMES) {
    const phase = phases[name];
    if (!isRecord(phase)) continue;
    const hasAny = phase.any !== undefined;
    const hasAll = phase.all !== undefined;
    if (hasAny && hasAll) {
      ctx.at(
        ['phases', name, 'all'],
        'phase-any-all',
        `${name}: give either any or all, not both`,
        'any: the phase ends when one condition holds; all: when every one does',
      );
    } else if (!hasAny && !hasAll) {
      ctx.at(
        ['phases', name],
        'phase-any-all',
        `${name}: needs the conditions that end it, under any: or all:`,
      );
    }
  }
}

function durationAt(ctx: CheckContext, path: PathSegment[]): number | undefined {
  const v = valueAt(ctx.data, path);
  if (typeof v !== 'string') return undefined;
  const r = parseDuration(v);
  return r.ok ? r.ms : undefined;
}

function checkTimes(ctx: CheckContext): void {
  const limit = durationAt(ctx, ['timeLimit']);
  const limitText = limit === undefined ? '' : formatDuration(limit);
  let previous: { name: string; ms: number } | undefined;
  for (const name of PHASE_NAMES) {
    const ms = durationAt(ctx, ['phases', name, 'target']);
    if (ms === undefined) continue;
    if (previous && ms < previous.ms) {
      ctx.at(
        ['phases', name, 'target'],
        'phase-order',
        `${name} target ${formatDuration(ms)} is earlier than the ${previous.name} target ${formatDuration(previous.ms)}`,
        'phase targets go detect ≤ contain ≤ recover',
      );
    }
    if (limit !== undefined && ms > limit) {
      ctx.at(
        ['phases', name, 'target'],
        'phase-after-limit',
        `${name} target ${formatDuration(ms)} is after the time limit ${limitText}`,
        'raise timeLimit or lower the target',
      );
    }
    previous = { name, ms };
  }
  if (limit === undefined) return;
  const hints = ctx.data.hints;
  if (Array.isArray(hints)) {
    hints.forEach((_, i) => {
      const at = durationAt(ctx, ['hints', i, 'at']);
      if (at !== undefined && at >= limit) {
        ctx.at(
          ['hints', i, 'at'],
          'hint-after-limit',
          `hint at ${formatDuration(at)} would never be shown: the time limit is ${limitText}`,
          'hints must come before timeLimit',
        );
      }
    });
  }
  const steps = ctx.data.autopilot;
  if (Array.isArray(steps)) {
    steps.forEach((_, i) => {
      const at = durationAt(ctx, ['autopilot', i, 'at']);
      if (at !== undefined && at > limit) {
        ctx.at(
          ['autopilot', i, 'at'],
          'autopilot-after-limit',
          `autopilot step at ${formatDuration(at)} is after the time limit ${limitText}`,
        );
      }
    });
  }
}

function checkAutopilotSteps(ctx: CheckContext): void {
  const steps = ctx.data.autopilot;
  if (!Array.isArray(steps)) return;
  steps.forEach((step, i) => {
    if (!isRecord(step)) return;
    const hasAck = step.ack !== undefined;
    const hasCall = step.call !== undefined;
    if (hasAck && hasCall) {
      ctx.at(
        ['autopilot', i, 'call'],
        'autopilot-step',
        'an autopilot step either acks or calls, not both',
        'split it into two steps',
      );
    } else if (!hasAck && !hasCall) {
      ctx.at(
        ['autopilot', i],
        'autopilot-step',
        'an autopilot step needs ack: {...} or call: <service>:<Operation>',
      );
    } else if (hasAck) {
      for (const key of ['input', 'as'] as const) {
        if (step[key] !== undefined)
          ctx.at(['autopilot', i, key], 'autopilot-step', `"${key}" only applies to a call step`, undefined, {
            key: true,
          });
      }
    }
  });
}

function checkSteadyState(ctx: CheckContext): void {
  const checks = ctx.data.steadyState;
  if (!Array.isArray(checks)) return;
  checks.forEach((condition, i) => {
    if (!isRecord(condition)) return;
    const keys = Object.keys(condition);
    const kind = keys.length === 1 ? findSignalKind(keys[0]!) : undefined;
    if (kind && kind.family !== 'state') {
      ctx.at(
        ['steadyState', i, kind.name],
        'steady-state-kind',
        `steady-state checks must be resource-state signals; ${kind.name} is an ${kind.family} signal`,
        'steady state is what must stay true, such as sgIngress or bucketPublic',
        { key: true },
      );
    }
  });
}

function checkServices(ctx: CheckContext): void {
  const calls: PathSegment[][] = [];
  const actions = valueAt(ctx.data, ['inject', 'actions']);
  if (Array.isArray(actions)) actions.forEach((_, i) => calls.push(['inject', 'actions', i, 'call']));
  const steps = ctx.data.autopilot;
  if (Array.isArray(steps)) steps.forEach((_, i) => calls.push(['autopilot', i, 'call']));
  for (const path of calls) {
    const call = valueAt(ctx.data, path);
    if (typeof call !== 'string' || !API_CALL.test(call)) continue;
    const service = call.slice(0, call.indexOf(':'));
    if (!KNOWN_SERVICES.includes(service)) {
      ctx.at(
        path,
        'unknown-service',
        `unknown service "${service}" in ${call}`,
        didYouMean(service, KNOWN_SERVICES) ?? `services: ${KNOWN_SERVICES.join(', ')}`,
      );
    }
  }
}
