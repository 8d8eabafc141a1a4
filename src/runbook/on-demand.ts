/**
 * `sirs runbook`: one scenario's runbook on demand, for an exercise (facts from its journal alone) or
 * without one (every exercise fact a visible placeholder).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SirsError, UsageError } from '../errors.js';
import type { JournalEntry } from '../exercise/entries.js';
import { journalPath, readJournal, stateDir } from '../exercise/journal.js';
import { exerciseStatus } from '../exercise/status.js';
import { loadScenario } from '../scenario/load.js';
import { RunbookError, type ExerciseFacts } from './render.js';
import { renderScenarioRunbook } from './write.js';

export interface RunbookRequest {
  scenario: string;
  exerciseId?: string;
  spoilers?: boolean;
  out?: string;
  cwd?: string;
}

export interface RunbookResult {
  scenario: string;
  runbook: string;
  exerciseId?: string;
  spoilers: boolean;
  /** The labels responders must discover (their values only with --spoilers). */
  discover: Array<{ label: string; value?: string }>;
  file?: string;
  markdown: string;
}

/** What a runbook may say of an exercise, from its journal: target, account, region, outputs, action results. */
export function factsFromJournal(
  entries: readonly JournalEntry[],
  scenarioId: string,
): ExerciseFacts | undefined {
  const created = entries.find((e) => e.type === 'exercise.created');
  if (!created || created.type !== 'exercise.created') return undefined;
  const facts: ExerciseFacts = {
    exerciseId: created.exerciseId,
    accountId: created.target.accountId ?? '<account-id>',
    region: created.target.region,
    target: {
      kind: created.target.kind,
      description: created.target.description,
      ...(created.target.endpoint ? { endpoint: created.target.endpoint } : {}),
    },
    outputs: {},
    actions: {},
  };
  for (const e of entries) {
    if (e.type === 'stack.outputs' && e.scenario === scenarioId) facts.outputs = e.outputs;
    if (e.type === 'action.done' && e.scenario === scenarioId && e.id && e.output)
      facts.actions[e.id] = e.output;
  }
  return facts;
}

export function runbookOnDemand(req: RunbookRequest): RunbookResult {
  const cwd = req.cwd ?? process.cwd();
  const loaded = loadScenario(req.scenario, { cwd });
  let facts: ExerciseFacts | undefined;
  let exerciseId: string | undefined;
  if (req.exerciseId !== undefined) {
    const summary = exerciseStatus(req.exerciseId, cwd);
    exerciseId = summary.id;
    if (!summary.scenarios.includes(loaded.scenario.id)) {
      throw new UsageError(
        'scenario-not-in-exercise',
        `exercise ${summary.id} did not run ${loaded.scenario.id} (it ran ${summary.scenarios.join(', ') || 'nothing'})`,
      );
    }
    facts = factsFromJournal(readJournal(journalPath(summary.id, stateDir(cwd))), loaded.scenario.id);
  }
  let rendered;
  try {
    rendered = renderScenarioRunbook(loaded, facts, { spoilers: !!req.spoilers });
  } catch (err) {
    if (err instanceof RunbookError)
      throw new SirsError('runbook-invalid', err.message, { suggestions: [`sirs validate ${req.scenario}`] });
    throw err;
  }
  let file: string | undefined;
  if (req.out) {
    file = resolve(cwd, req.out);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, rendered.markdown, { mode: 0o600 });
  }
  return {
    scenario: loaded.scenario.id,
    runbook: rendered.name,
    ...(exerciseId ? { exerciseId } : {}),
    spoilers: !!req.spoilers,
    discover: rendered.discoveries.map((d) => ({
      label: d.label,
      ...(req.spoilers ? { value: d.value } : {}),
    })),
    ...(file ? { file } : {}),
    markdown: rendered.markdown,
  };
}
