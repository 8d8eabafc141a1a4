/**
 * Whole scenarios on the range, in seconds: an exercise under the controller with exercise time running
 * faster than the clock (`timeScale`), and a scripted human responder that acts through its own SDK
 * session (not sirs' user agent) or the real aws CLI. Each shipped scenario is run three ways: the
 * autopilot (every phase on target), nobody (timed out, nothing met), and a human-style fix by another
 * API path than the autopilot's, whose score is computed by hand in the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiSession } from '../../src/aws/api.js';
import { writeAck } from '../../src/controller/channel.js';
import type { ControllerEvent } from '../../src/controller/controller.js';
import { controllerLivePhase } from '../../src/controller/live.js';
import { scoreJournal, type ExerciseScore, type ScenarioScore } from '../../src/controller/scoring.js';
import type { JournalEntry } from '../../src/exercise/entries.js';
import { readJournal } from '../../src/exercise/journal.js';
import { startExercise, type ExerciseResult, type LiveContext } from '../../src/exercise/run.js';
import type { TestRange } from '../range/harness.js';

export interface Responder {
  exerciseId: string;
  /** The scenario's stack outputs. */
  outputs: Record<string, string>;
  /** Results of the scenario's inject actions that have an id (secrets included). */
  actions: Record<string, Record<string, unknown>>;
  /** Another scenario's outputs and action results (a campaign's stages, as they are injected). */
  outputsOf(scenario: string): Record<string, string>;
  actionsOf(scenario: string): Record<string, Record<string, unknown>>;
  /** An AWS call as a responder (the range's administrator, no sirs user agent). */
  call(api: string, input?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** `sirs ack` as a responder. */
  ack(finding: string, resource?: string, note?: string): Promise<void>;
  /** The real aws CLI against the range (JSON output parsed). */
  aws(args: string[]): Promise<unknown>;
  /** Wait for a controller event (default: 60 s). */
  waitFor(pred: (e: ControllerEvent) => boolean, timeoutMs?: number): Promise<ControllerEvent>;
}

export interface ScenarioRun {
  result: ExerciseResult;
  entries: JournalEntry[];
  score: ExerciseScore;
  /** The one scenario's score. */
  scenario: ScenarioScore;
  events: ControllerEvent[];
  /** Entries of one type. */
  of<T extends JournalEntry['type']>(type: T): Array<Extract<JournalEntry, { type: T }>>;
}

export interface RunOptions {
  autopilot?: boolean;
  /** Exercise time per clock time (default 10: a 45-minute scenario in 4.5 minutes at most). */
  timeScale?: number;
  tickMs?: number;
  /** A human responder, run once the exercise is live. */
  respond?: (r: Responder) => Promise<void>;
  /** End the exercise this long (clock time) after the responder finished, if it is not resolved by then. */
  graceMs?: number;
}

export async function runScenario(
  range: TestRange,
  scenario: string,
  opts: RunOptions = {},
): Promise<ScenarioRun> {
  const cwd = mkdtempSync(join(tmpdir(), `sirs-scenario-${scenario}-`));
  const abort = new AbortController();
  const events: ControllerEvent[] = [];
  const waiters = new Set<{ pred: (e: ControllerEvent) => boolean; resolve: (e: ControllerEvent) => void }>();
  const controller = controllerLivePhase({
    ...(opts.tickMs ? { tickMs: opts.tickMs } : {}),
    onEvent: (e) => {
      events.push(e);
      for (const w of waiters) {
        if (!w.pred(e)) continue;
        waiters.delete(w);
        w.resolve(e);
      }
    },
  });
  let responderError: unknown;
  const session = new ApiSession({ ...range.clientConfig(), maxAttempts: 3 });
  const live = async (ctx: LiveContext) => {
    const ending = controller(ctx);
    if (opts.respond) {
      const responder: Responder = {
        exerciseId: ctx.exerciseId,
        outputs: ctx.outputs[scenario] ?? {},
        actions: ctx.actions[scenario] ?? {},
        outputsOf: (id) => ctx.outputs[id] ?? {},
        actionsOf: (id) => ctx.actions[id] ?? {},
        call: (api, input = {}) => session.call(api, input),
        ack: async (finding, resource, note) => {
          await writeAck(session, ctx.exerciseId, {
            finding,
            ...(resource ? { resource } : {}),
            ...(note ? { note } : {}),
          });
        },
        aws: (args) => range.aws(args),
        waitFor: (pred, timeoutMs = 60_000) => {
          const seen = events.find(pred);
          if (seen) return Promise.resolve(seen);
          return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
              if (waiters.delete(w)) reject(new Error(`no matching controller event in ${timeoutMs} ms`));
            }, timeoutMs);
            const w = {
              pred,
              resolve: (e: ControllerEvent) => {
                clearTimeout(timer);
                resolve(e);
              },
            };
            waiters.add(w);
          });
        },
      };
      try {
        await opts.respond(responder);
      } catch (err) {
        responderError = err;
        abort.abort();
      }
      const grace = setTimeout(() => abort.abort(), opts.graceMs ?? 15_000);
      try {
        return await ending;
      } finally {
        clearTimeout(grace);
      }
    }
    return ending;
  };
  try {
    const result = await startExercise({
      scenarios: [scenario],
      target: range.sirsTarget(),
      exerciseId:
        `t-${scenario}`.slice(0, 28).replace(/-$/, '') + `-${Math.random().toString(16).slice(2, 5)}`,
      cwd,
      emit: () => {},
      confirm: async () => true,
      signal: abort.signal,
      live,
      autopilot: !!opts.autopilot,
      timeScale: opts.timeScale ?? 10,
      pollMs: 50,
    });
    if (responderError) throw responderError;
    const entries = readJournal(result.journal);
    const score = scoreJournal(entries);
    if (!score) throw new Error(`the exercise never went live: ${result.error?.message ?? result.endReason}`);
    return {
      result,
      entries,
      score,
      scenario: score.scenarios[0]!,
      events,
      of: (type) => entries.filter((e) => e.type === type) as never,
    };
  } finally {
    session.destroy();
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** The points of each phase, for comparing with a hand-computed breakdown. */
export function phasePoints(s: ScenarioScore): Record<string, number> {
  return Object.fromEntries(s.phases.map((p) => [p.phase, p.points]));
}
