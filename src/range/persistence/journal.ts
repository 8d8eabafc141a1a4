/**
 * Durable range state (`--state-dir`): a write the range has answered survives a crash.
 *
 * Every answered call appends what it changed (the state members it touched, see diff.ts) and its
 * CloudTrail event to an append-only log, and the answer leaves only after the log is fsynced. Calls
 * that finish while an fsync runs share the next one (group commit), so durability costs latency, not
 * throughput. When the log grows past twice the snapshot, the whole state is written as a new snapshot
 * (atomically), new events are appended to the CloudTrail history file, and the log starts over.
 * Start-up reads the snapshot, the history and the log, in that order; see read.ts.
 */
import { closeSync, fstatSync, fsync, fsyncSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EventHistory, StoredEvent } from '../history.js';
import type { StateRegistry } from '../state.js';
import { encode } from './codec.js';
import { frame } from './frames.js';
import { LOG_FILE, SNAPSHOT_FILE, ensureDir, syncDir, writeAll, writeFileAtomic } from './files.js';
import type { HistoryFile } from './history-file.js';
import { LOG_FORMAT, STATE_FORMAT, STATE_VERSION } from './problems.js';

const fsyncAsync = promisify(fsync);
/** The log is compacted into a snapshot once it is larger than this and than twice the snapshot. */
const MIN_LOG_BYTES = 4 * 1024 * 1024;

interface Waiter {
  since: number;
  done: (failure: Error | undefined) => void;
}

export class StateJournal {
  readonly dir: string;
  private fd: number;
  private logBytes = 0;
  private snapshotBytes = 0;
  private seq: number;
  private waiters: Waiter[] = [];
  private draining = false;
  private failure?: Error;
  /** Events in the log but not yet in the history file. */
  private unfiled: StoredEvent[] = [];
  private resetPending = false;
  private closed = false;
  /** The history file holds events the history no longer has (a reset, a torn or repaired file). */
  private historyStale: boolean;

  constructor(
    dir: string,
    private readonly registry: StateRegistry,
    private readonly history: EventHistory,
    private readonly historyFile: HistoryFile,
    opts: { seq: number; unfiled: StoredEvent[]; historyStale: boolean },
    private readonly log: (message: string) => void,
  ) {
    this.dir = dir;
    this.seq = opts.seq;
    this.unfiled = opts.unfiled;
    this.historyStale = opts.historyStale;
    ensureDir(dir);
    this.fd = openSync(join(dir, LOG_FILE), 'a', 0o600);
    this.logBytes = fstatSync(this.fd).size;
    history.journal();
  }

  /**
   * Resolves once every change made by calls that started at `since` (see StateRegistry.begin) and
   * every CloudTrail event recorded so far are on disk; resolves with the error if they cannot be.
   */
  commit(since: number): Promise<Error | undefined> {
    if (this.failure) return Promise.resolve(this.failure);
    // A call still running when the range stopped: its answer goes nowhere.
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((done) => {
      this.waiters.push({ since, done });
      if (!this.draining) {
        this.draining = true;
        // Calls that finish in this turn of the event loop share the write and the fsync.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Everything changed since the last write, wherever it was changed (work scheduled on the clock). */
  sweep(): Promise<Error | undefined> {
    return this.commit(Number.NEGATIVE_INFINITY);
  }

  /** The range was reset: the next record says so, so a replay empties the stores and the history too. */
  markReset(): void {
    this.resetPending = true;
    this.historyStale = true;
  }

  private async drain(): Promise<void> {
    while (this.waiters.length > 0) {
      const batch = this.waiters;
      this.waiters = [];
      let failure: Error | undefined;
      try {
        const since = Math.min(...batch.map((w) => w.since));
        if (this.append(since)) await fsyncAsync(this.fd);
        if (this.logBytes > Math.max(MIN_LOG_BYTES, 2 * this.snapshotBytes)) this.compact();
      } catch (err) {
        failure = this.fail(err);
      }
      for (const w of batch) w.done(failure);
    }
    this.draining = false;
  }

  private fail(err: unknown): Error {
    const e = err instanceof Error ? err : new Error(String(err));
    if (!this.failure) {
      this.failure = e;
      this.log(
        `range: writing the state to ${this.dir} failed (${e.message}); calls are refused from now on`,
      );
    }
    return e;
  }

  /** Write one log record with the changes and new events; false when there was nothing to write. */
  private append(since: number): boolean {
    const patches = this.registry.changes(since);
    const events = this.history.takeUnjournaled();
    if (patches.length === 0 && events.length === 0 && !this.resetPending) return false;
    const record: Record<string, unknown> = { seq: ++this.seq };
    if (this.resetPending) record.r = true;
    if (patches.length) record.p = patches;
    if (events.length) record.e = events.map(encode);
    this.resetPending = false;
    const bytes = frame(Buffer.from(JSON.stringify(record), 'utf8'));
    writeAll(this.fd, bytes);
    this.logBytes += bytes.length;
    for (const e of events) this.unfiled.push(e);
    return true;
  }

  /**
   * Write the whole state as the snapshot and start the log over. Synchronous, so that no call changes
   * the state halfway: its changes are either in the snapshot or in the next log record.
   */
  compact(): void {
    if (this.failure) throw this.failure;
    const events = this.history.takeUnjournaled();
    for (const e of events) this.unfiled.push(e);
    // The log holds records up to `seq`; the snapshot holds their changes and every change since.
    const seq = this.seq;
    this.historyFile.add(this.unfiled, this.history, this.historyStale);
    this.unfiled = [];
    this.historyStale = false;
    const text = snapshotText(this.registry.slots(), seq, this.history.sequence);
    writeFileAtomic(join(this.dir, SNAPSHOT_FILE), text);
    this.registry.rebase();
    this.resetPending = false;
    this.snapshotBytes = Buffer.byteLength(text);
    ftruncateSync(this.fd, 0);
    const header = frame(Buffer.from(JSON.stringify({ format: LOG_FORMAT, version: STATE_VERSION })));
    writeAll(this.fd, header);
    fsyncSync(this.fd);
    syncDir(this.dir);
    this.logBytes = header.length;
  }

  /** Write everything and close the log (a clean stop). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.sweep();
    while (this.draining) await new Promise((r) => setImmediate(r));
    try {
      if (!this.failure) this.compact();
    } finally {
      this.abandon();
    }
  }

  /** Close the log without writing anything more (the range failed to start). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** The snapshot file's content: the state format, its version, and where the log and history continue. */
export function snapshotText(slots: Record<string, unknown>, lastSeq: number, nextEventSeq: number): string {
  return JSON.stringify({
    format: STATE_FORMAT,
    version: STATE_VERSION,
    savedAt: new Date().toISOString(),
    lastSeq,
    nextEventSeq,
    slots: encode(slots),
  });
}
