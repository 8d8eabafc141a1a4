/**
 * Trends: how a team's TTD / TTC / TTR and scores changed across past exercises of the same scenarios.
 * `historyRun` and `buildTrends` are pure; `loadHistory` reads every journal in the state directory.
 */
import { scoreJournal } from '../controller/scoring.js';
import type { JournalEntry } from '../exercise/entries.js';
import { journalPath, listJournals, readJournal } from '../exercise/journal.js';
import type { PhaseName } from '../scenario/schema.js';
import { REPORT_SCHEMA_VERSION, type HistoryReport, type Trend } from './schema.js';

/** One scored exercise, as trends need it. */
export interface HistoryRun {
  exerciseId: string;
  createdAt: string;
  total: number;
  grade: 'A' | 'B' | 'C' | 'D' | 'F';
  scenarios: Array<{
    id: string;
    title: string;
    points: number;
    met: Partial<Record<PhaseName, number>>;
    targets: Partial<Record<PhaseName, number>>;
  }>;
}

/** A journal's run, when it was scored (went live under the controller). */
export function historyRun(entries: readonly JournalEntry[]): HistoryRun | undefined {
  const created = entries.find((e) => e.type === 'exercise.created');
  const score = scoreJournal(entries);
  if (!created || created.type !== 'exercise.created' || !score) return undefined;
  return {
    exerciseId: created.exerciseId,
    createdAt: created.time,
    total: score.total,
    grade: score.grade,
    scenarios: score.scenarios.map((s) => ({
      id: s.id,
      title: s.title,
      points: s.points,
      met: Object.fromEntries(
        s.phases.filter((p) => p.metAtMs !== undefined).map((p) => [p.phase, p.metAtMs]),
      ),
      targets: Object.fromEntries(s.phases.map((p) => [p.phase, p.targetMs])),
    })),
  };
}

/**
 * One trend per scenario (all scenarios found when `scenarioIds` is empty), runs oldest first, up to and
 * including `upTo` (an ISO time) when given.
 */
export function buildTrends(
  runs: readonly HistoryRun[],
  scenarioIds: readonly string[] = [],
  upTo?: string,
): Trend[] {
  const chosen = runs
    .filter((r) => upTo === undefined || r.createdAt <= upTo)
    .slice()
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.exerciseId.localeCompare(b.exerciseId));
  const ids = scenarioIds.length
    ? [...scenarioIds]
    : [...new Set(chosen.flatMap((r) => r.scenarios.map((s) => s.id)))].sort();
  return ids.map((id) => {
    const rows = chosen.flatMap((r) => {
      const s = r.scenarios.find((x) => x.id === id);
      return s ? [{ r, s }] : [];
    });
    const last = rows.at(-1);
    const trend: Trend = {
      scenario: id,
      title: last?.s.title ?? id,
      targets: last ? times(last.s.targets) : {},
      runs: rows.map(({ r, s }) => ({
        exerciseId: r.exerciseId,
        at: r.createdAt,
        ...times(s.met),
        points: s.points,
        grade: r.grade,
      })),
    };
    if (rows.length >= 2) {
      const a = trend.runs[0]!;
      const b = trend.runs.at(-1)!;
      const diff = (x?: number, y?: number) => (x !== undefined && y !== undefined ? y - x : undefined);
      const ttd = diff(a.ttdMs, b.ttdMs);
      const ttc = diff(a.ttcMs, b.ttcMs);
      const ttr = diff(a.ttrMs, b.ttrMs);
      trend.change = {
        points: Math.round((b.points - a.points) * 10) / 10,
        ...(ttd !== undefined ? { ttdMs: ttd } : {}),
        ...(ttc !== undefined ? { ttcMs: ttc } : {}),
        ...(ttr !== undefined ? { ttrMs: ttr } : {}),
      };
    }
    return trend;
  });
}

function times(m: Partial<Record<PhaseName, number>>): { ttdMs?: number; ttcMs?: number; ttrMs?: number } {
  return {
    ...(m.detect !== undefined ? { ttdMs: m.detect } : {}),
    ...(m.contain !== undefined ? { ttcMs: m.contain } : {}),
    ...(m.recover !== undefined ? { ttrMs: m.recover } : {}),
  };
}

export function buildHistoryReport(
  runs: readonly HistoryRun[],
  scenarioIds: readonly string[],
  generatedAt: string,
): HistoryReport {
  return {
    schema: 'sirs-report',
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'history',
    generatedAt,
    exercises: runs.length,
    trends: buildTrends(runs, scenarioIds),
  };
}

/** Every scored exercise in the state directory; a journal that cannot be read is skipped. */
export function loadHistory(root: string): HistoryRun[] {
  const out: HistoryRun[] = [];
  for (const id of listJournals(root)) {
    try {
      const run = historyRun(readJournal(journalPath(id, root)));
      if (run) out.push(run);
    } catch {
      // A damaged journal says nothing about trends.
    }
  }
  return out;
}
