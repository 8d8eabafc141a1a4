/**
 * Drills: unattended exercises (autopilot unless told otherwise, confirmed, always torn down) that write
 * JUnit XML and JSON results and fail when any phase missed its target; optionally on a cron schedule,
 * never two at once.
 *
 * A drill with a time limit is compressed, not cut short: exercise time runs `longest time limit /
 * --time-limit` times faster than the clock (the controller's time scale, as `sirs start --time-scale`),
 * so targets, hints and autopilot steps keep their place in the scenario and the longest scenario (or
 * campaign) ends exactly at the limit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TargetOptions } from '../aws/target.js';
import { SirsError, UsageError } from '../errors.js';
import type { ExerciseListener } from '../exercise/events.js';
import { readJournal, stateDir } from '../exercise/journal.js';
import type { LoopExplanation } from './explain.js';
import { MAX_TIME_SCALE, startExercise, type ExerciseResult } from '../exercise/run.js';
import { loadExercise } from '../scenario/load.js';
import { durationMs as durationOf, formatDuration } from '../scenario/duration.js';
import { SCHEDULE_FORMS } from '../schedule/cron.js';
import type { ControllerEvent } from './controller.js';
import { controllerLivePhase } from './live.js';
import { junitXml } from './results.js';
import { listScenarios } from '../scenario/list.js';

export interface DrillOptions {
  scenarios: readonly string[];
  target: TargetOptions;
  autopilot: boolean;
  /** `--defenses`: the team's automation, deployed before injection (range) or named (AWS). */
  defenses?: readonly string[];
  timeLimitMs?: number;
  tickMs?: number;
  timeScale?: number;
  exerciseId?: string;
  junitPath?: string;
  resultsPath?: string;
  configPath?: string;
  skipPermissionCheck?: boolean;
  cwd?: string;
  emit: ExerciseListener;
  onControllerEvent(e: ControllerEvent): void;
  signal: AbortSignal;
  teardownSignal?: AbortSignal;
}

export interface DrillResult {
  exercise: ExerciseResult;
  passed: boolean;
  junit: string;
  results: string;
  clock: DrillClock;
  /** With defences: what AWS said about each of their loops (why the automation did or did not act). */
  explanations: LoopExplanation[];
}

/** How a drill's exercise time relates to the clock. */
export interface DrillClock {
  /** Exercise time runs this many times faster than the clock (1: real time). */
  timeScale: number;
  /** The drill's time limit on the clock (`--time-limit`), when one was given. */
  timeLimitMs?: number;
  /** The longest scenario's (or campaign's) own time limit, in exercise time. */
  longestMs: number;
}

/**
 * The drill's clock: `--time-scale` as given, or the compression that fits the longest scenario (a
 * campaign: its last stage's end) into `--time-limit`. A limit longer than every scenario changes nothing.
 */
export function drillClock(
  scenarios: readonly string[],
  opts: { timeLimitMs?: number; timeScale?: number; cwd?: string },
): DrillClock {
  const units = loadExercise(scenarios, { cwd: opts.cwd ?? process.cwd() });
  const longestMs = Math.max(...units.scenarios.map((l) => (l.atMs ?? 0) + durationOf(l.scenario.timeLimit)));
  if (opts.timeScale && opts.timeLimitMs)
    throw new UsageError('drill-clock', '--time-limit and --time-scale both set the drill’s pace: give one');
  if (!opts.timeLimitMs) return { timeScale: opts.timeScale ?? 1, longestMs };
  const timeScale = Math.max(1, longestMs / opts.timeLimitMs);
  if (timeScale > MAX_TIME_SCALE) {
    throw new UsageError(
      'bad-time-limit',
      `--time-limit ${formatDuration(opts.timeLimitMs)} would compress ${formatDuration(longestMs)} of exercise more than ${MAX_TIME_SCALE}×`,
      {
        suggestions: [
          `give at least --time-limit ${formatDuration(Math.ceil(longestMs / MAX_TIME_SCALE / 1000) * 1000)}`,
        ],
      },
    );
  }
  return { timeScale, timeLimitMs: opts.timeLimitMs, longestMs };
}

export async function runDrill(opts: DrillOptions): Promise<DrillResult> {
  const started = new Date();
  const clock = drillClock(opts.scenarios, opts);
  const exercise = await startExercise({
    scenarios: opts.scenarios,
    target: opts.target,
    ...(opts.exerciseId ? { exerciseId: opts.exerciseId } : {}),
    autopilot: opts.autopilot,
    ...(opts.defenses?.length ? { defenses: opts.defenses } : {}),
    ...(clock.timeScale !== 1 ? { timeScale: clock.timeScale } : {}),
    ...(opts.configPath ? { configPath: opts.configPath } : {}),
    ...(opts.skipPermissionCheck ? { skipPermissionCheck: true } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    keep: false,
    emit: opts.emit,
    confirm: async () => true,
    signal: opts.signal,
    ...(opts.teardownSignal ? { teardownSignal: opts.teardownSignal } : {}),
    live: controllerLivePhase({
      ...(opts.tickMs ? { tickMs: opts.tickMs } : {}),
      onEvent: opts.onControllerEvent,
    }),
  });
  const dir = join(stateDir(opts.cwd), 'drills', exercise.exerciseId);
  const junit = opts.junitPath ?? join(dir, 'junit.xml');
  const results = opts.resultsPath ?? join(dir, 'results.json');
  const durationMs = Date.now() - started.getTime();
  const explanations = readJournal(exercise.journal).flatMap((e) =>
    e.type === 'defenses.explained' ? e.loops : [],
  );
  const passed =
    !exercise.error && exercise.leftovers.length === 0 && !!exercise.score && !exercise.score.missedTargets;
  for (const f of [junit, results]) mkdirSync(dirname(f), { recursive: true });
  if (exercise.score) {
    writeFileSync(
      junit,
      junitXml(exercise.exerciseId, exercise.score, {
        timestamp: started.toISOString(),
        durationMs,
        timeScale: clock.timeScale,
        ...(clock.timeLimitMs ? { timeLimitMs: clock.timeLimitMs } : {}),
        explanations,
      }),
    );
  } else {
    // No score (injection failed): one failing case says why, so CI shows the reason.
    const reason = exercise.error?.message ?? 'the exercise never went live';
    writeFileSync(
      junit,
      `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sirs drill" tests="1" failures="1"><testsuite name="${exercise.exerciseId}" tests="1" failures="1"><testcase classname="sirs" name="inject"><failure message="${reason.replace(/[&<>"]/g, '')}"/></testcase></testsuite></testsuites>\n`,
    );
  }
  writeFileSync(
    results,
    `${JSON.stringify({ exerciseId: exercise.exerciseId, passed, startedAt: started.toISOString(), durationMs, clock: clockFacts(clock), endReason: exercise.endReason, score: exercise.score ?? null, ...(explanations.length ? { automation: explanations } : {}), leftovers: exercise.leftovers, error: exercise.error ?? null }, null, 2)}\n`,
  );
  return { exercise, passed, junit, results, clock, explanations };
}

/** The clock as results state it: score times are exercise time; divide by `timeScale` for the clock. */
export function clockFacts(clock: DrillClock): DrillClock & { note: string } {
  return {
    ...clock,
    note:
      clock.timeScale === 1
        ? 'real time: score times are clock times'
        : `compressed: exercise time ran ${Number(clock.timeScale.toFixed(2))}× faster than the clock (score times are exercise time; divide by timeScale for clock time)`,
  };
}

/** Run a drill at every time of a cron expression until the signal aborts; a run never overlaps another. */
export async function scheduleDrills(
  cron: string,
  run: () => Promise<unknown>,
  opts: { signal: AbortSignal; onError(err: unknown): void; onNext(next: Date | null): void },
): Promise<void> {
  const { Cron } = await import('croner');
  let job: InstanceType<typeof Cron> | undefined;
  try {
    job = new Cron(cron, { protect: true, paused: true }, async () => {
      try {
        await run();
      } catch (err) {
        opts.onError(err);
      }
      opts.onNext(job?.nextRun() ?? null);
    });
  } catch (err) {
    throw new UsageError(
      'bad-schedule',
      `--schedule "${cron}" is not a cron expression: ${(err as Error).message}`,
      { suggestions: SCHEDULE_FORMS },
    );
  }
  opts.onNext(job.nextRun());
  job.resume();
  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) return resolve();
    opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  job.stop();
}

/**
 * The library for `sirs drill --all`: every valid scenario of the shipped catalog (campaigns repeat their
 * stages, so they are left out), without those that cannot run on the target.
 */
export function libraryFor(target: 'range' | 'aws'): {
  scenarios: string[];
  skipped: Array<{ id: string; reason: string }>;
} {
  const list = listScenarios();
  const skipped: Array<{ id: string; reason: string }> = list.invalid.map((f) => ({
    id: f.file,
    reason: `invalid (${f.problems} problem${f.problems === 1 ? '' : 's'}): sirs validate ${f.file}`,
  }));
  const scenarios: string[] = [];
  for (const s of list.scenarios) {
    if (s.kind !== 'scenario') continue;
    if (!s.targets.includes(target))
      skipped.push({ id: s.id, reason: `runs only on ${s.targets.join(', ')}` });
    else scenarios.push(s.id);
  }
  if (scenarios.length === 0)
    throw new SirsError('empty-library', `no scenario of the library can run on ${target}`);
  return { scenarios, skipped };
}
