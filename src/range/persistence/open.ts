/**
 * Opening a state folder: read the snapshot, the CloudTrail history and the log; replay the log; and
 * when something is damaged, stop with a RangeStateError (nothing changed) unless the person starting
 * the range chose `repair` (keep what reads well) or `reset` (start empty). Either way the files that
 * were not used are kept beside the new ones, renamed, never deleted.
 */
import { join } from 'node:path';
import type { EventHistory, StoredEvent } from '../history.js';
import type { StateRegistry } from '../state.js';
import { applyPatch, PatchMismatch } from './diff.js';
import { HISTORY_FILE, LOG_FILE, SNAPSHOT_FILE, ensureDir, moveAside } from './files.js';
import { HistoryFile } from './history-file.js';
import { StateJournal } from './journal.js';
import { RangeStateError, type StateProblem, type StateRecovery } from './problems.js';
import { readHistory, readLog, readSnapshot } from './read.js';

export interface OpenStateOptions {
  dir: string;
  recovery?: StateRecovery;
  /** Warnings for the person running the range (what a repair or reset did). */
  log: (message: string) => void;
}

export function openState(
  registry: StateRegistry,
  history: EventHistory,
  opts: OpenStateOptions,
): StateJournal {
  const { dir, log } = opts;
  ensureDir(dir);
  const files = {
    snapshot: join(dir, SNAPSHOT_FILE),
    history: join(dir, HISTORY_FILE),
    log: join(dir, LOG_FILE),
  };
  const snapshot = readSnapshot(files.snapshot);
  const stored = readHistory(files.history);
  const logged = readLog(files.log);
  const problems: StateProblem[] = [];
  for (const p of [snapshot.problem, stored.problem, logged.problem]) if (p) problems.push(p);
  const now = new Date();

  if (opts.recovery === 'reset') {
    const moved: string[] = [];
    for (const file of Object.values(files)) {
      const to = moveAside(file, problems.some((p) => p.file === file) ? 'corrupt' : 'reset', now);
      if (to) moved.push(to);
    }
    log(
      `range: --reset-state: starting with an empty range in ${dir}` +
        (moved.length ? `; the previous state is kept as ${moved.join(', ')}` : ''),
    );
    return new StateJournal(
      dir,
      registry,
      history,
      new HistoryFile(files.history, 0),
      {
        seq: 0,
        unfiled: [],
        historyStale: true,
      },
      log,
    );
  }
  if (problems.some((p) => p.newer) || (problems.length > 0 && opts.recovery !== 'repair')) {
    throw new RangeStateError(dir, problems);
  }

  registry.replace(snapshot.slots);
  for (const e of stored.events) history.restore(e);
  history.continueFrom(snapshot.nextEventSeq);
  let historyStale = stored.tornTail || stored.problem !== undefined;
  const unfiled: StoredEvent[] = [];
  let seq = Number.isFinite(snapshot.lastSeq) ? snapshot.lastSeq : 0;
  let replayed = 0;
  for (const record of logged.records) {
    const fresh = record.seq > snapshot.lastSeq;
    if (fresh && record.reset) {
      history.reset();
      historyStale = true;
    }
    try {
      if (fresh) for (const p of record.patches) applyPatch(registry.slots(), p);
    } catch (err) {
      if (!(err instanceof PatchMismatch)) throw err;
      const problem: StateProblem = {
        file: files.log,
        found: `logged change ${replayed + 1} does not fit the snapshot (${err.message})`,
        keeps: `the ${replayed} change${replayed === 1 ? '' : 's'} logged before it`,
      };
      if (opts.recovery !== 'repair') throw new RangeStateError(dir, [...problems, problem]);
      problems.push(problem);
      break;
    }
    for (const e of record.events) {
      if (e.seq < history.sequence) continue;
      history.restore(e);
      unfiled.push(e);
    }
    seq = Math.max(seq, record.seq);
    replayed++;
  }
  if (logged.tornTail) {
    log(
      `range: ${files.log}: dropped an incomplete last record (${logged.tornTail}): the range stopped while ` +
        'writing it, before answering the call',
    );
  }
  if (problems.length > 0) {
    for (const p of problems) {
      const to = moveAside(p.file, 'corrupt', now);
      if (p.file === files.history) historyStale = true;
      log(
        `range: --repair: ${p.file}: ${p.found}; kept ${p.keeps}${to ? `; the damaged file is kept as ${to}` : ''}`,
      );
    }
  }
  return new StateJournal(
    dir,
    registry,
    history,
    new HistoryFile(files.history, historyStale ? 0 : stored.lines),
    { seq, unfiled, historyStale },
    log,
  );
}

/**
 * The stores as a range started on `dir` would find them (snapshot plus log), without starting one or
 * changing anything: for tests and tools that look at a state folder. Throws on a damaged folder.
 */
export function readStateFolder(dir: string): Record<string, unknown> {
  const snapshot = readSnapshot(join(dir, SNAPSHOT_FILE));
  const logged = readLog(join(dir, LOG_FILE));
  const problems = [snapshot.problem, logged.problem].filter((p): p is StateProblem => p !== undefined);
  if (problems.length) throw new RangeStateError(dir, problems);
  for (const record of logged.records) {
    if (record.seq > snapshot.lastSeq) for (const p of record.patches) applyPatch(snapshot.slots, p);
  }
  return snapshot.slots;
}
