/**
 * Drills: unattended exercises (autopilot unless told otherwise, confirmed, always torn down) that write
 * JUnit XML and JSON results and fail when any phase missed its target; optionally on a cron schedule,
 * never two at once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TargetOptions } from '../aws/target.js';
import { SirsError } from '../errors.js';
import type { ExerciseListener } from '../exercise/events.js';
import { stateDir } from '../exercise/journal.js';
import { startExercise, type ExerciseResult } from '../exercise/run.js';
import type { ControllerEvent } from './controller.js';
import { controllerLivePhase } from './live.js';
import { junitXml } from './results.js';
import { listScenarios } from '../scenario/list.js';

export interface DrillOptions {
  scenarios: readonly string[];
  target: TargetOptions;
  autopilot: boolean;
  timeLimitMs?: number;
  tickMs?: number;
  timeScale?: number;
  exerciseId?: string;
  junitPath?: string;
  resultsPath?: string;
  configPath?: string;
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
}

export async function runDrill(opts: DrillOptions): Promise<DrillResult> {
  const started = new Date();
  const exercise = await startExercise({
    scenarios: opts.scenarios,
    target: opts.target,
    ...(opts.exerciseId ? { exerciseId: opts.exerciseId } : {}),
    autopilot: opts.autopilot,
    ...(opts.timeLimitMs ? { timeLimitMs: opts.timeLimitMs } : {}),
    ...(opts.timeScale ? { timeScale: opts.timeScale } : {}),
    ...(opts.configPath ? { configPath: opts.configPath } : {}),
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
  const passed =
    !exercise.error && exercise.leftovers.length === 0 && !!exercise.score && !exercise.score.missedTargets;
  for (const f of [junit, results]) mkdirSync(dirname(f), { recursive: true });
  if (exercise.score) {
    writeFileSync(
      junit,
      junitXml(exercise.exerciseId, exercise.score, { timestamp: started.toISOString(), durationMs }),
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
    `${JSON.stringify({ exerciseId: exercise.exerciseId, passed, startedAt: started.toISOString(), durationMs, endReason: exercise.endReason, score: exercise.score ?? null, leftovers: exercise.leftovers, error: exercise.error ?? null }, null, 2)}\n`,
  );
  return { exercise, passed, junit, results };
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
    throw new SirsError(
      'bad-schedule',
      `--schedule "${cron}" is not a cron expression: ${(err as Error).message}`,
      {
        suggestions: ['e.g. "0 9 * * 1-5" (09:00 on weekdays) or "*/30 * * * *" (every 30 minutes)'],
      },
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
