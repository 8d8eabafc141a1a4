/**
 * `sirs start`: load, preflight, plan, confirm, journal, apply, live, and teardown in `finally`, on
 * success, failure and interrupt alike. The live phase is pluggable (the controller drives it); this
 * module owns the lifecycle around it.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SirsError, UsageError } from '../errors.js';
import { writeRunbooks } from '../runbook/write.js';
import {
  loadExercise,
  type LoadedDecoy,
  type LoadedExercise,
  type LoadedScenario,
} from '../scenario/load.js';
import type { ApiSession } from '../aws/api.js';
import {
  resolveTarget,
  sirsVersion,
  userAgentFor,
  type Target,
  type TargetOptions,
  type UserAgent,
} from '../aws/target.js';
import { applyPlan, type ActionOutputs, type Injected, type StackOutputs } from './apply.js';
import type { ExerciseFacts } from '../runbook/render.js';
import { loadConfig } from './config.js';
import type { EndReason, Leftover } from './entries.js';
import type { ExerciseListener } from './events.js';
import { JournalWriter, journalPath, readJournal, stateDir } from './journal.js';
import { deriveExercise } from './derive.js';
import { scoreJournal, type ExerciseScore } from '../controller/scoring.js';
import {
  checkExerciseId,
  generateExerciseId,
  planExercise,
  resolvePlaceholders,
  type InjectionPlan,
} from './plan.js';
import { preflight, type Identity } from './preflight.js';
import { policyDefenses } from '../policy/defenses.js';
import { teardown } from './teardown.js';
import {
  loadDefenses,
  planDefenses,
  readInventory,
  type DefenseInventory,
  type DefenseSpec,
} from './defenses.js';
import { recordActivityBeforeTeardown, writeReportsAtEnd } from '../report/write.js';

export interface LiveContext {
  exerciseId: string;
  scenarios: readonly LoadedScenario[];
  outputs: StackOutputs;
  /** Responses of inject actions with an id, by scenario. */
  actions: ActionOutputs;
  /** Access keys inject actions created (`as: key:<id>`), in memory only. */
  keys: Injected['keys'];
  /** Campaign decoys (benign changes responders must leave alone), injected with the first stage. */
  decoys: readonly LoadedDecoy[];
  /** Inject a campaign stage that was due later (its stack and actions); outputs join `outputs`/`actions`. */
  injectStage(scenarioId: string): Promise<void>;
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
  /** The team's defences (`--defenses`): their functions, rules and Config rules, for attribution. */
  defenses?: DefenseInventory;
  /** Exercise time runs this many times faster than the clock (a 45-minute scenario in 15 at 3). */
  timeScale?: number;
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
  /** `--defenses`: templates or folders to deploy before injection (range), or what is deployed (AWS). */
  defenses?: readonly string[];
  exerciseId?: string;
  keep?: boolean;
  autopilot?: boolean;
  timeLimitMs?: number;
  /** Exercise time runs this many times faster than the clock (default 1). */
  timeScale?: number;
  configPath?: string;
  /** `--skip-permission-check`: inject without simulating the caller's permissions first. */
  skipPermissionCheck?: boolean;
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
  /** The responders' runbooks written for this exercise. */
  runbooks: Array<{ scenario: string; runbook: string; file: string }>;
  /** The after-action reports written into the exercise folder (report.md, .html, .json). */
  reports: string[];
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
  const units = loadExercise(opts.scenarios, { cwd });
  const loaded = units.scenarios;
  checkUnique(units);
  const exerciseId = opts.exerciseId ?? generateExerciseId(new Date());
  checkExerciseId(exerciseId);
  checkTimeScale(opts.timeScale);
  checkTargets(loaded, opts.target.target ?? 'range');
  const defenses = opts.defenses?.length
    ? loadDefenses(opts.defenses, { cwd, target: opts.target.target ?? 'range' })
    : [];
  const target = await resolveTarget(opts.target);
  const stateRoot = stateDir(cwd);
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
      permissions: {
        // Template defences are deployed on the range only; on AWS sirs only reads them.
        subject: {
          scenarios: loaded,
          decoys: units.decoys,
          defenses: policyDefenses(defenses, { deployed: target.kind === 'range' }),
        },
        ...(opts.defenses?.length ? { defensePaths: opts.defenses } : {}),
        skip: opts.skipPermissionCheck === true,
        warn: (message) => opts.emit({ type: 'warning', message }),
      },
    });
    opts.emit({
      type: 'preflight',
      accountId: identity.accountId,
      ...(identity.accountAlias ? { accountAlias: identity.accountAlias } : {}),
      region: identity.region,
      principalArn: identity.principalArn,
      target: target.description,
    });
    const scenarioPlan = planExercise({
      exerciseId,
      scenarios: [
        ...loaded.map((l) => ({
          scenario: l.scenario,
          templateBody: readFileSync(resolve(cwd, l.template.file), 'utf8'),
        })),
        ...units.decoys.map((d) => ({
          scenario: { id: d.decoy.id, inject: { stack: d.decoy.stack, actions: d.decoy.actions } },
          templateBody: readFileSync(resolve(cwd, d.template.file), 'utf8'),
        })),
      ],
      config,
      accountId: identity.accountId,
      region: identity.region,
    });
    // Defences go first in the plan: they are deployed before any fault (on AWS they already live).
    const plan = {
      ...scenarioPlan,
      stacks: [
        ...(target.kind === 'range' ? planDefenses(defenses, { exerciseId, config }) : []),
        ...scenarioPlan.stacks,
      ],
    };
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
      ...(units.decoys.length ? { decoys: units.decoys.map((d) => d.decoy.id) } : {}),
      ...(units.campaigns.length ? { campaigns: units.campaigns.map((c) => c.id) } : {}),
      ...(defenses.length
        ? {
            defenses: defenses.map((d) => ({
              id: d.id,
              ...(d.kind === 'template' ? { file: d.file } : { stackName: d.stackName }),
              deployed: target.kind === 'range' && d.kind === 'template',
            })),
          }
        : {}),
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
        ...(opts.timeScale && opts.timeScale !== 1 ? { timeScale: opts.timeScale } : {}),
      },
      facilitator: facilitatorName(),
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
      decoys: units.decoys,
      defenses,
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
  decoys: LoadedDecoy[];
  defenses: DefenseSpec[];
  userAgent: UserAgent;
}): Promise<ExerciseResult> {
  const { opts, journal } = p;
  const pollMs = opts.pollMs ?? (p.target.kind === 'range' ? 100 : 5000);
  let outputs: StackOutputs = {};
  let runbooks: ExerciseResult['runbooks'] = [];
  let endReason: EndReason = 'failed';
  let error: ExerciseResult['error'];
  let leftovers: Leftover[] = [];
  let wentLive = false;
  const warn = (message: string) => opts.emit({ type: 'warning', message });
  const onInterrupt = () =>
    journal.append({ type: 'exercise.interrupted', signal: String(opts.signal.reason ?? 'SIGINT') });
  opts.signal.addEventListener('abort', onInterrupt, { once: true });
  try {
    // Campaign stages due later are injected by the controller when their time comes.
    const later = new Set(p.loaded.filter((l) => (l.atMs ?? 0) > 0).map((l) => l.scenario.id));
    const apply = (only: (scenario: string) => boolean, into?: Injected) =>
      applyPlan(
        {
          plan: {
            ...p.plan,
            stacks: p.plan.stacks.filter((st) => only(st.scenario)),
            actions: p.plan.actions.filter((a) => only(a.scenario)),
          },
          journal,
          target: p.target,
          session: p.session,
          userAgent: p.userAgent,
          accountId: p.identity.accountId,
          emit: opts.emit,
          signal: opts.signal,
          pollMs,
        },
        into,
      );
    const defenseIds = new Set(p.defenses.map((d) => d.id));
    const injected = await apply((id) => defenseIds.has(id));
    const defenses = p.defenses.length ? await deployedDefenses(p, warn) : undefined;
    await apply((id) => !later.has(id) && !defenseIds.has(id), injected);
    outputs = injected.outputs;
    runbooks = writeExerciseRunbooks(
      { ...p, loaded: p.loaded.filter((l) => !later.has(l.scenario.id)) },
      injected,
    );
    journal.append({ type: 'exercise.live' });
    wentLive = true;
    const env = p.target.responderEnv();
    opts.emit({
      type: 'live',
      exerciseId: p.exerciseId,
      ...(env ? { env: { ...env, SIRS_EXERCISE: p.exerciseId } } : {}),
      runbooks: runbooks.map((r) => r.file),
      ...(p.decoys.length
        ? {
            changes: p.decoys.map((d) => ({
              title: d.decoy.title,
              ticket: resolvePlaceholders(d.decoy.ticket, {
                outputs: injected.outputs[d.decoy.id] ?? {},
                actions: injected.actions[d.decoy.id] ?? {},
                exerciseId: p.exerciseId,
                accountId: p.identity.accountId,
                region: p.identity.region,
              }),
            })),
          }
        : {}),
    });
    endReason = await (opts.live ?? waitForInterrupt)({
      exerciseId: p.exerciseId,
      scenarios: p.loaded,
      outputs,
      actions: injected.actions,
      keys: injected.keys,
      decoys: p.decoys,
      injectStage: async (scenarioId) => {
        await apply((id) => id === scenarioId, injected);
        const stage = p.loaded.filter((l) => l.scenario.id === scenarioId);
        const written = writeExerciseRunbooks({ ...p, loaded: stage }, injected);
        runbooks.push(...written);
        opts.emit({ type: 'stage.live', scenario: scenarioId, runbooks: written.map((r) => r.file) });
      },
      identity: p.identity,
      target: p.target,
      session: p.session,
      userAgent: p.userAgent,
      journal,
      emit: opts.emit,
      signal: opts.signal,
      autopilot: !!opts.autopilot,
      ...(opts.timeLimitMs ? { timeLimitMs: opts.timeLimitMs } : {}),
      ...(opts.timeScale ? { timeScale: opts.timeScale } : {}),
      ...(defenses ? { defenses } : {}),
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
    // The responders' CloudTrail activity, before teardown closes the window (and an in-process range
    // takes its CloudTrail with it).
    // Few SDK attempts: the reader waits out throttling itself, and an endpoint without CloudTrail
    // (moto answers 500) must not hold up teardown.
    if (wentLive) {
      const lookups = p.target.session({ userAgent: p.userAgent, maxAttempts: 2 });
      await recordActivityBeforeTeardown({
        exerciseId: p.exerciseId,
        journal,
        session: lookups,
        targetKind: p.target.kind,
        interrupted: opts.signal.aborted,
        ...(opts.teardownSignal ? { signal: opts.teardownSignal } : {}),
        warn,
      });
      lookups.destroy();
    }
    if (opts.keep) {
      journal.append({ type: 'teardown.skipped', reason: '--keep: everything is left for inspection' });
    } else {
      const summary = deriveExercise(p.exerciseId, readJournal(p.path));
      leftovers = await teardown({
        exerciseId: p.exerciseId,
        stackNames: summary.liveStacks,
        tempKeys: summary.liveKeys,
        channels: summary.liveChannels,
        created: summary.liveCreated,
        ...(p.target.canActAsRoot
          ? { rootSession: () => p.target.session({ userAgent: p.userAgent, as: 'root' }) }
          : {}),
        journal,
        session: p.session,
        emit: opts.emit,
        pollMs,
        signal: opts.teardownSignal,
      });
    }
  }
  const score = scoreJournal(readJournal(p.path));
  const reports = writeReportsAtEnd({ journal, warn });
  return {
    exerciseId: p.exerciseId,
    journal: p.path,
    endReason,
    outputs,
    runbooks,
    reports,
    leftovers,
    kept: !!opts.keep,
    ...(score ? { score } : {}),
    ...(error ? { error } : {}),
  };
}

/** What the defences hold, read from their stacks (journaled: reports and `sirs score` need no AWS). */
async function deployedDefenses(
  p: { plan: InjectionPlan; defenses: DefenseSpec[]; session: ApiSession; journal: JournalWriter },
  warn: (message: string) => void,
): Promise<DefenseInventory> {
  const inventory = await readInventory(
    p.session,
    p.defenses.map((spec) => ({
      spec,
      ...(spec.kind === 'template'
        ? { stackName: p.plan.stacks.find((s) => s.scenario === spec.id)?.stackName }
        : {}),
    })),
    warn,
  );
  p.journal.append({ type: 'defenses.ready', inventory });
  return inventory;
}

/** The scenarios' runbooks for responders, without spoilers, next to the journal. */
function writeExerciseRunbooks(
  p: {
    path: string;
    exerciseId: string;
    loaded: LoadedScenario[];
    identity: Identity;
    target: Target;
    journal: JournalWriter;
    opts: StartOptions;
  },
  injected: Injected,
): ExerciseResult['runbooks'] {
  const files = writeRunbooks(
    join(dirname(p.path), 'runbooks'),
    p.loaded,
    (id) => exerciseFacts(p, injected, id),
    (scenario, err) =>
      p.opts.emit({ type: 'warning', message: `no runbook for ${scenario}: ${err.message}` }),
  );
  p.journal.append({ type: 'runbooks.written', files });
  return files;
}

export function exerciseFacts(
  p: { exerciseId: string; identity: Identity; target: Target },
  injected: Pick<Injected, 'outputs' | 'actions'>,
  scenarioId: string,
): ExerciseFacts {
  return {
    exerciseId: p.exerciseId,
    accountId: p.identity.accountId,
    region: p.identity.region,
    target: {
      kind: p.target.kind,
      description: p.target.description,
      ...(p.target.endpoint ? { endpoint: p.target.endpoint } : {}),
    },
    outputs: injected.outputs[scenarioId] ?? {},
    actions: injected.actions[scenarioId] ?? {},
  };
}

function facilitatorName(): string {
  try {
    return process.env.SIRS_FACILITATOR || userInfo().username;
  } catch {
    return 'unknown';
  }
}

export const MAX_TIME_SCALE = 3600;

function checkTimeScale(scale: number | undefined): void {
  if (scale === undefined) return;
  if (!Number.isFinite(scale) || scale < 1 || scale > MAX_TIME_SCALE) {
    throw new UsageError('bad-time-scale', `--time-scale must be a number from 1 to ${MAX_TIME_SCALE}`, {
      suggestions: ['e.g. --time-scale 3 runs a 45-minute scenario in 15 minutes'],
    });
  }
}

/** A scenario that names its targets runs only there (one that drives the account root: the range only). */
function checkTargets(loaded: readonly LoadedScenario[], kind: Target['kind']): void {
  for (const l of loaded) {
    const targets = l.scenario.targets ?? ['range', 'aws'];
    if (!targets.includes(kind)) {
      throw new UsageError(
        'unsupported-target',
        `scenario ${l.scenario.id} runs only on ${targets.join(' and ')}, not on ${kind === 'aws' ? 'AWS' : 'the range'}`,
        {
          suggestions: [
            kind === 'aws' ? 'run it on the range: leave out --target aws' : 'run it with --target aws',
          ],
        },
      );
    }
  }
}

/** Each scenario and decoy runs once per exercise (a campaign's stages included). */
function checkUnique(units: LoadedExercise): void {
  const seen = new Set<string>();
  for (const id of [...units.scenarios.map((l) => l.scenario.id), ...units.decoys.map((d) => d.decoy.id)]) {
    if (seen.has(id)) {
      throw new UsageError(
        'duplicate-scenario',
        `scenario ${id} is named twice; an exercise runs each scenario once`,
        {
          suggestions: [
            'a campaign already includes its stages: name the campaign or the scenarios, not both',
          ],
        },
      );
    }
    seen.add(id);
  }
}
