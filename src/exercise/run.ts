/**
 * `sirs start`: load, preflight, plan, confirm, journal, apply, live, and teardown in `finally`, on
 * success, failure and interrupt alike. The live phase is pluggable (the controller drives it); this
 * module owns the lifecycle around it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SirsError } from '../errors.js';
import { loadScenario, type LoadedScenario } from '../scenario/load.js';
import type { ApiSession } from '../aws/api.js';
import {
  resolveTarget,
  sirsVersion,
  userAgentFor,
  type Target,
  type TargetOptions,
  type UserAgent,
} from '../aws/target.js';
import { applyPlan, type StackOutputs } from './apply.js';
import { loadConfig } from './config.js';
import type { EndReason, Leftover } from './entries.js';
import type { ExerciseListener } from './events.js';
import { JournalWriter, journalPath, readJournal, stateDir } from './journal.js';
import { deriveExercise } from './derive.js';
import { scoreJournal, type ExerciseScore } from '../controller/scoring.js';
import { checkExerciseId, generateExerciseId, planExercise, type InjectionPlan } from './plan.js';
import { preflight, type Identity } from './preflight.js';
import { teardown } from './teardown.js';

export interface LiveContext {
  exerciseId: string;
  scenarios: readonly LoadedScenario[];
  outputs: StackOutputs;
  identity: Identity;
  target: Target;
  session: ApiSession;
  userAgent: UserAgent;
  journal: JournalWriter;
  emit: ExerciseListener;
  /** Aborted when the facilitator interrupts (Ctrl-C, SIGTERM). */
  signal: AbortSignal;
  autopilot: boolean;
  /** Shortened time limit (drills), if any. */
  timeLimitMs?: number;
}

export type LivePhase = (ctx: LiveContext) => Promise<EndReason>;

export interface ConfirmationSummary {
  exerciseId: string;
  identity: Identity;
  target: string;
  plan: InjectionPlan;
}

export interface StartOptions {
  scenarios: readonly string[];
  target: TargetOptions;
  exerciseId?: string;
  keep?: boolean;
  autopilot?: boolean;
  timeLimitMs?: number;
  configPath?: string;
  cwd?: string;
  emit: ExerciseListener;
  /** Asked before anything is created; false refuses. The CLI skips it with --yes. */
  confirm: (summary: ConfirmationSummary) => Promise<boolean>;
  /** First interrupt: stop injecting or end the live phase, then tear down. */
  signal: AbortSignal;
  /** Second interrupt: stop waiting for teardown (finish later with `sirs cleanup`). */
  teardownSignal?: AbortSignal;
  live?: LivePhase;
  pollMs?: number;
}

export interface ExerciseResult {
  exerciseId: string;
  /** The score, when a controller ran the live phase. */
  score?: ExerciseScore;
  journal: string;
  endReason: EndReason;
  outputs: StackOutputs;
  leftovers: Leftover[];
  kept: boolean;
  error?: { code: string; message: string };
}

/** Without a controller the exercise stays live until the facilitator ends it. */
export const waitForInterrupt: LivePhase = (ctx) =>
  new Promise((resolve) => {
    if (ctx.signal.aborted) return resolve('facilitator');
    ctx.signal.addEventListener('abort', () => resolve('facilitator'), { once: true });
  });

export async function startExercise(opts: StartOptions): Promise<ExerciseResult> {
  const cwd = opts.cwd ?? process.cwd();
  const { config, file: configFile } = loadConfig({ path: opts.configPath, cwd });
  const loaded = opts.scenarios.map((s) => loadScenario(s, { cwd }));
  const exerciseId = opts.exerciseId ?? generateExerciseId(new Date());
  checkExerciseId(exerciseId);
  const stateRoot = stateDir(cwd);
  const target = await resolveTarget(opts.target);
  const userAgent = userAgentFor(exerciseId);
  const session = target.session({ userAgent });
  let journal: JournalWriter | undefined;
  try {
    const identity = await preflight({
      session,
      target,
      config,
      configFile,
      scenarios: loaded.map((l) => l.scenario),
      exerciseId,
      stateRoot,
      namePrefix: config.namePrefix,
    });
    opts.emit({
      type: 'preflight',
      accountId: identity.accountId,
      ...(identity.accountAlias ? { accountAlias: identity.accountAlias } : {}),
      region: identity.region,
      principalArn: identity.principalArn,
      target: target.description,
    });
    const plan = planExercise({
      exerciseId,
      scenarios: loaded.map((l) => ({
        scenario: l.scenario,
        templateBody: readFileSync(resolve(cwd, l.template.file), 'utf8'),
      })),
      config,
      accountId: identity.accountId,
      region: identity.region,
    });
    if (!(await opts.confirm({ exerciseId, identity, target: target.description, plan }))) {
      throw new SirsError('not-confirmed', 'the exercise was not started: nothing was created');
    }
    opts.signal.throwIfAborted();

    // From here on everything is journaled before it happens.
    const path = journalPath(exerciseId, stateRoot);
    journal = JournalWriter.open(path);
    journal.append({
      type: 'exercise.created',
      exerciseId,
      scenarios: loaded.map((l) => l.scenario.id),
      target: {
        kind: target.kind,
        region: identity.region,
        description: target.description,
        accountId: identity.accountId,
        principalArn: identity.principalArn,
        ...(target.endpoint ? { endpoint: target.endpoint } : {}),
        ...(target.kind === 'range' && !opts.target.endpointUrl ? { ephemeral: true } : {}),
        ...(identity.accountAlias ? { accountAlias: identity.accountAlias } : {}),
        ...(opts.target.profile ? { profile: opts.target.profile } : {}),
      },
      sirsVersion: sirsVersion(),
      options: {
        keep: !!opts.keep,
        autopilot: !!opts.autopilot,
        ...(opts.timeLimitMs ? { timeLimitMs: opts.timeLimitMs } : {}),
      },
    });
    journal.append({
      type: 'plan',
      stacks: plan.stacks.map(({ templateBody: _t, ...s }) => s),
      actions: plan.actions.map(({ input: _i, ...a }) => a),
    });
    return await runPlanned({
      opts,
      exerciseId,
      path,
      journal,
      plan,
      target,
      session,
      identity,
      loaded,
      userAgent,
    });
  } finally {
    journal?.close();
    session.destroy();
    await target.close();
  }
}

async function runPlanned(p: {
  opts: StartOptions;
  exerciseId: string;
  path: string;
  journal: JournalWriter;
  plan: InjectionPlan;
  target: Target;
  session: ApiSession;
  identity: Identity;
  loaded: LoadedScenario[];
  userAgent: UserAgent;
}): Promise<ExerciseResult> {
  const { opts, journal } = p;
  const pollMs = opts.pollMs ?? (p.target.kind === 'range' ? 100 : 5000);
  let outputs: StackOutputs = {};
  let endReason: EndReason = 'failed';
  let error: ExerciseResult['error'];
  let leftovers: Leftover[] = [];
  const onInterrupt = () =>
    journal.append({ type: 'exercise.interrupted', signal: String(opts.signal.reason ?? 'SIGINT') });
  opts.signal.addEventListener('abort', onInterrupt, { once: true });
  try {
    outputs = await applyPlan({
      plan: p.plan,
      journal,
      target: p.target,
      session: p.session,
      userAgent: p.userAgent,
      accountId: p.identity.accountId,
      emit: opts.emit,
      signal: opts.signal,
      pollMs,
    });
    journal.append({ type: 'exercise.live' });
    const env = p.target.responderEnv();
    opts.emit({ type: 'live', exerciseId: p.exerciseId, ...(env ? { env } : {}) });
    endReason = await (opts.live ?? waitForInterrupt)({
      exerciseId: p.exerciseId,
      scenarios: p.loaded,
      outputs,
      identity: p.identity,
      target: p.target,
      session: p.session,
      userAgent: p.userAgent,
      journal,
      emit: opts.emit,
      signal: opts.signal,
      autopilot: !!opts.autopilot,
      ...(opts.timeLimitMs ? { timeLimitMs: opts.timeLimitMs } : {}),
    });
    journal.append({ type: 'exercise.ending', reason: endReason });
  } catch (err) {
    endReason = opts.signal.aborted ? 'interrupted' : 'failed';
    const e = err instanceof SirsError ? err : undefined;
    error = {
      code: e?.code ?? 'error',
      message: opts.signal.aborted ? 'interrupted by the facilitator' : (err as Error).message,
    };
    journal.append({ type: 'exercise.error', message: error.message, code: error.code });
    journal.append({ type: 'exercise.ending', reason: endReason });
  } finally {
    opts.signal.removeEventListener('abort', onInterrupt);
    if (opts.keep) {
      journal.append({ type: 'teardown.skipped', reason: '--keep: everything is left for inspection' });
    } else {
      const summary = deriveExercise(p.exerciseId, readJournal(p.path));
      leftovers = await teardown({
        exerciseId: p.exerciseId,
        stackNames: summary.liveStacks,
        tempKeys: summary.liveKeys,
        channels: summary.liveChannels,
        journal,
        session: p.session,
        emit: opts.emit,
        pollMs,
        signal: opts.teardownSignal,
      });
    }
  }
  const score = scoreJournal(readJournal(p.path));
  return {
    exerciseId: p.exerciseId,
    journal: p.path,
    endReason,
    outputs,
    leftovers,
    kept: !!opts.keep,
    ...(score ? { score } : {}),
    ...(error ? { error } : {}),
  };
}
