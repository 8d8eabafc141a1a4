/** `sirs status` and `sirs exercises`: everything derived from journals, nothing asked of AWS. */
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { closest } from '../scenario/did-you-mean.js';
import { deriveExercise, type ExerciseSummary } from './derive.js';
import { journalPath, listJournals, readJournal, stateDir } from './journal.js';

export interface ExerciseListing {
  id: string;
  state: ExerciseSummary['state'];
  scenarios: string[];
  target: string;
  startedAt?: string;
  endedAt?: string;
  liveStacks: number;
}

export function listExercises(cwd?: string): ExerciseListing[] {
  const root = stateDir(cwd);
  return listJournals(root)
    .map((id) => deriveExercise(id, readJournal(journalPath(id, root))))
    .sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? ''))
    .map((s) => ({
      id: s.id,
      state: s.state,
      scenarios: s.scenarios,
      target: s.target?.description ?? 'unknown',
      ...(s.startedAt ? { startedAt: s.startedAt } : {}),
      ...(s.endedAt ? { endedAt: s.endedAt } : {}),
      liveStacks: s.liveStacks.length,
    }));
}

/** One exercise's summary; without an id, the most recently started one. */
export function exerciseStatus(id: string | undefined, cwd?: string): ExerciseSummary {
  const root = stateDir(cwd);
  const ids = listJournals(root);
  if (ids.length === 0) {
    throw new UsageError('no-exercises', `no exercise journals in ${root}`, {
      suggestions: ['start one with: sirs start <scenario>'],
    });
  }
  let chosen = id;
  if (!chosen) {
    const all = listExercises(cwd);
    chosen = all[all.length - 1]?.id ?? ids[ids.length - 1];
  }
  const path = journalPath(chosen!, root);
  if (!existsSync(path)) {
    const near = closest(chosen!, ids);
    throw new UsageError('unknown-exercise', `no exercise ${chosen} in ${root}`, {
      suggestions: [near ? `did you mean ${near}?` : `known exercises: ${ids.slice(-10).join(', ')}`],
    });
  }
  return deriveExercise(chosen!, readJournal(path));
}
