/**
 * Runbooks for an exercise: rendered (without spoilers) into `.sirs/exercises/<id>/runbooks/` when it
 * goes live, and on demand by `sirs runbook`. The template is the scenario catalog's
 * `runbooks/<name>.md.hbs`.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedScenario } from '../scenario/load.js';
import { runbookOf } from '../scenario/schema.js';
import {
  renderRunbook,
  runbookContext,
  RunbookError,
  type ExerciseFacts,
  type RenderedRunbook,
} from './render.js';

export function runbookTemplatePath(loaded: LoadedScenario): string {
  return join(loaded.root, 'runbooks', `${runbookOf(loaded.scenario).name}.md.hbs`);
}

export function renderScenarioRunbook(
  loaded: LoadedScenario,
  facts: ExerciseFacts | undefined,
  opts: { spoilers?: boolean } = {},
): RenderedRunbook {
  const path = runbookTemplatePath(loaded);
  let template: string;
  try {
    template = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RunbookError(
      path,
      `cannot read the runbook: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const context = runbookContext(loaded.scenario, loaded.template.outputs, facts);
  return renderRunbook(template, loaded.scenario, context, { ...opts, file: path });
}

/**
 * Write each scenario's runbook (no spoilers) as `<dir>/<scenario>.md`, owner-only. A runbook that fails
 * to render is reported through `onError` and skipped: the exercise goes on without it.
 */
export function writeRunbooks(
  dir: string,
  scenarios: readonly LoadedScenario[],
  factsOf: (scenarioId: string) => ExerciseFacts,
  onError: (scenarioId: string, err: RunbookError) => void,
): Array<{ scenario: string; runbook: string; file: string }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files: Array<{ scenario: string; runbook: string; file: string }> = [];
  for (const l of scenarios) {
    let rendered: RenderedRunbook;
    try {
      rendered = renderScenarioRunbook(l, factsOf(l.scenario.id));
    } catch (err) {
      if (!(err instanceof RunbookError)) throw err;
      onError(l.scenario.id, err);
      continue;
    }
    const file = join(dir, `${l.scenario.id}.md`);
    writeFileSync(file, rendered.markdown, { mode: 0o600 });
    chmodSync(file, 0o600);
    files.push({ scenario: l.scenario.id, runbook: rendered.name, file });
  }
  return files;
}
