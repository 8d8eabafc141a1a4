/**
 * What an exercise leaves for its after-action review, in its folder beside the journal: the responders'
 * CloudTrail activity (read before teardown) and the reports (report.md, report.html, report.json),
 * written at the end of `sirs start` and `sirs drill` and again by `sirs report --refresh`. Files are
 * owner-only, like the journal.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { JournalWriter } from '../exercise/journal.js';
import { readJournal, stateDir } from '../exercise/journal.js';
import type { JournalEntry, TargetRecord } from '../exercise/entries.js';
import {
  readActivity,
  readActivityFile,
  writeActivity,
  type ActivityEvent,
  type LookupSession,
} from './activity.js';
import { loadHistory } from './history.js';
import { buildReport } from './model.js';
import { renderReport, type ReportFormat } from './render.js';

export const ACTIVITY_FILE = 'activity.jsonl';
/** The formats written into the exercise folder. */
export const EXERCISE_FORMATS: readonly ReportFormat[] = ['md', 'html', 'json'];

/**
 * LookupEvents pace: AWS allows 2 requests/s per account and region, and sirs keeps to it there. A range
 * is local and answers a caller over its limit with ThrottlingException, which the reader waits out before
 * going on at half the pace: there sirs reads as fast as the range lets it (a standalone range keeps AWS's
 * 2/s unless started otherwise; the in-process one allows 10).
 */
export function lookupRate(target: Pick<TargetRecord, 'kind' | 'ephemeral'>): number {
  return target.kind === 'range' ? 0 : 2;
}

/** Resource ids the exercise's scenarios involve, from the journal. */
export function knownResources(entries: readonly JournalEntry[]): string[] {
  return [...new Set(entries.flatMap((e) => (e.type === 'scenario.defined' ? e.scenario.resources : [])))];
}

/**
 * When each of sirs' stacks was being created or deleted (from its request to its end), in epoch ms:
 * CloudFormation's calls then are the inject's or the teardown's, never a responder's.
 */
export function injectingWindows(entries: readonly JournalEntry[]): Array<[number, number]> {
  const created = new Map<string, number>();
  const deleted = new Map<string, number>();
  const out: Array<[number, number]> = [];
  for (const e of entries) {
    if (e.type === 'stack.create-requested') created.set(e.stackName, Date.parse(e.time));
    else if ((e.type === 'stack.created' || e.type === 'stack.failed') && created.has(e.stackName))
      out.push([created.get(e.stackName)!, Date.parse(e.time)]);
    else if (e.type === 'stack.delete-requested') deleted.set(e.stackName, Date.parse(e.time));
    else if ((e.type === 'stack.deleted' || e.type === 'stack.delete-failed') && deleted.has(e.stackName))
      out.push([deleted.get(e.stackName)!, Date.parse(e.time)]);
  }
  return out;
}

/**
 * The exercise's CloudTrail window (from going live until now), read and kept in activity.jsonl, and
 * journaled. The caller turns a throw into a warning: a report without activity is still a report.
 */
export async function recordActivity(p: {
  exerciseId: string;
  journal: JournalWriter;
  session: LookupSession;
  targetKind: 'range' | 'aws';
  signal?: AbortSignal;
  refreshed?: boolean;
  /** The window's end (default: now). */
  to?: Date;
  maxPages?: number;
}): Promise<{ file: string; events: number; pages: number; truncated: boolean; note?: string }> {
  const entries = readJournal(p.journal.path);
  const created = entries.find((e) => e.type === 'exercise.created');
  const live = entries.find((e) => e.type === 'exercise.live');
  if (!live) throw new Error('the exercise never went live: there is no activity to read');
  const file = join(dirname(p.journal.path), ACTIVITY_FILE);
  const from = new Date(live.time);
  const to = p.to ?? new Date();
  const read = await readActivity({
    session: p.session,
    exerciseId: p.exerciseId,
    from,
    to,
    knownResources: knownResources(entries),
    injecting: injectingWindows(entries),
    perSecond: lookupRate(created?.type === 'exercise.created' ? created.target : { kind: p.targetKind }),
    ...(p.maxPages ? { maxPages: p.maxPages } : {}),
    ...(p.signal ? { signal: p.signal } : {}),
  });
  writeActivity(file, read.events);
  p.journal.append({
    type: 'activity.recorded',
    file: ACTIVITY_FILE,
    events: read.events.length,
    window: { from: from.toISOString(), to: to.toISOString() },
    pages: read.pages,
    ...(read.truncated ? { truncated: true } : {}),
    ...(read.note ? { note: read.note } : {}),
    ...(p.refreshed ? { refreshed: true } : {}),
  });
  return {
    file,
    events: read.events.length,
    pages: read.pages,
    truncated: read.truncated,
    ...(read.note ? { note: read.note } : {}),
  };
}

/** The activity an exercise recorded (the file the last activity.recorded entry names, in its folder). */
export function recordedActivity(entries: readonly JournalEntry[], journalFile: string): ActivityEvent[] {
  const recorded = entries.findLast((e) => e.type === 'activity.recorded');
  if (recorded?.type !== 'activity.recorded') return [];
  return readActivityFile(join(dirname(journalFile), basename(recorded.file)));
}

/** Write report.md, report.html and report.json into the exercise folder; returns their paths. */
export function writeExerciseReports(p: { journalFile: string; root?: string; now?: Date }): string[] {
  const entries = readJournal(p.journalFile);
  const model = buildReport(entries, recordedActivity(entries, p.journalFile), {
    generatedAt: (p.now ?? new Date()).toISOString(),
    history: loadHistory(p.root ?? stateDir()),
  });
  const files: string[] = [];
  for (const format of EXERCISE_FORMATS) {
    const file = join(dirname(p.journalFile), `report.${format}`);
    writeFileSync(file, renderReport(model, format), { mode: 0o600 });
    chmodSync(file, 0o600);
    files.push(file);
  }
  return files;
}

/**
 * At the end of the live phase, before teardown (the window closes, and an in-process range takes its
 * CloudTrail with it). Never throws: a failure is a warning and the exercise goes on to teardown. An
 * interrupted exercise reads less, so that teardown starts soon.
 */
export async function recordActivityBeforeTeardown(p: {
  exerciseId: string;
  journal: JournalWriter;
  session: LookupSession;
  targetKind: 'range' | 'aws';
  interrupted: boolean;
  signal?: AbortSignal;
  warn(message: string): void;
}): Promise<void> {
  try {
    const r = await recordActivity({ ...p, ...(p.interrupted ? { maxPages: 20 } : {}) });
    if (r.note) p.warn(`responder activity: ${r.note}`);
  } catch (err) {
    p.warn(`responder activity was not recorded: ${(err as Error).message}`);
  }
}

/** At the very end: the reports, journaled. Never throws (a failure is a warning). */
export function writeReportsAtEnd(p: { journal: JournalWriter; warn(message: string): void }): string[] {
  try {
    const files = writeExerciseReports({
      journalFile: p.journal.path,
      root: dirname(dirname(dirname(p.journal.path))),
    });
    p.journal.append({ type: 'reports.written', files });
    return files;
  } catch (err) {
    p.warn(`the after-action report was not written: ${(err as Error).message}`);
    return [];
  }
}
