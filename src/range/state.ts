import { emptyRecord } from './persistence/codec.js';
import { StateDiffer, type Patch } from './persistence/diff.js';
import { SNAPSHOT_FILE, ensureDir, writeFileAtomic } from './persistence/files.js';
import { snapshotText } from './persistence/journal.js';
import { join } from 'node:path';

/**
 * One store per service, keyed by account and region (or by account alone for global services such
 * as IAM). Stores are plain data so that the whole range can be written to `--state-dir` and read
 * back after a restart (see persistence/); Dates and Buffers survive the round trip, and every
 * object comes back with a null prototype.
 */
export type StateScope = 'regional' | 'account' | 'range';

export interface StateDef<T> {
  readonly key: string;
  readonly scope: StateScope;
  readonly create: () => T;
}

export function defineState<T>(key: string, scope: StateScope, create: () => T): StateDef<T> {
  return { key, scope, create };
}

/** Where the registry's changes go to disk (the journal of `--state-dir`). */
export interface StateCommitter {
  commit(since: number): Promise<Error | undefined>;
  /** Write the whole state as a snapshot now. */
  compact(): void;
}

export class StateRegistry {
  private data = emptyRecord();
  private dirty = false;
  /** Per slot, the request tick when it was last handed out: a slot not handed out has not changed. */
  private touched = new Map<string, number>();
  private tick = 0;
  private differ?: StateDiffer;
  private committer?: StateCommitter;

  get<T>(def: StateDef<T>, accountId: string, region: string): T {
    const slot =
      def.scope === 'range'
        ? def.key
        : def.scope === 'account'
          ? `${def.key}/${accountId}`
          : `${def.key}/${accountId}/${region}`;
    let value = this.data[slot] as T | undefined;
    if (value === undefined) {
      value = def.create();
      this.data[slot] = value;
    }
    if (this.differ) this.touched.set(slot, this.tick);
    return value;
  }

  /** Every slot of one state, with its account and region (for cross-region views like S3 buckets). */
  all<T>(def: StateDef<T>): Array<{ accountId?: string; region?: string; value: T }> {
    const out: Array<{ accountId?: string; region?: string; value: T }> = [];
    for (const [slot, value] of Object.entries(this.data)) {
      const [key, accountId, region] = slot.split('/');
      if (key !== def.key) continue;
      if (this.differ) this.touched.set(slot, this.tick);
      out.push({ accountId, region, value: value as T });
    }
    return out;
  }

  /** Something may have changed outside a call (work scheduled on the clock): a sweep looks at everything. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Whether anything may have changed since the last `takeDirty`. */
  takeDirty(): boolean {
    const was = this.dirty;
    this.dirty = false;
    return was;
  }

  reset(): void {
    this.data = emptyRecord();
    this.dirty = true;
  }

  /**
   * A call starts: returns the tick to hand to `commit` when it ends. Every slot the call is handed
   * from now on carries this tick or a later one, so its commit writes them all, even a slot it
   * changes after an await, through a reference it got earlier.
   */
  begin(): number {
    return ++this.tick;
  }

  /**
   * With `--state-dir`, resolves once the changes of every call begun at `since` or later are on disk
   * (with an error when they could not be written); without, at once.
   */
  commit(since: number): Promise<Error | undefined> | undefined {
    return this.committer?.commit(since);
  }

  /** Log changes to `committer` from now on (the state as it is now is what is on disk). */
  attach(committer: StateCommitter): void {
    this.committer = committer;
    this.differ = new StateDiffer();
    this.rebase();
  }

  /** What changed in the slots handed out at tick `since` or later (every slot: -Infinity). */
  changes(since: number): Patch[] {
    const out: Patch[] = [];
    if (!this.differ) return out;
    let slots: Iterable<string>;
    if (since === Number.NEGATIVE_INFINITY) {
      slots = new Set([...Object.keys(this.data), ...this.differ.slots()]);
    } else {
      const list: string[] = [];
      for (const [slot, at] of this.touched) if (at >= since) list.push(slot);
      slots = list;
    }
    this.differ.diff(this.data, slots, out);
    return out;
  }

  /** The state as it is now is what is on disk (after a snapshot). */
  rebase(): void {
    this.differ?.rebase(this.data);
  }

  /** The slots themselves (for a snapshot, and for replaying the log on them). */
  slots(): Record<string, unknown> {
    return this.data;
  }

  /**
   * Write the whole state to `dir` now (with `--state-dir`, as a snapshot that starts a new log). The
   * state is always written: `_force` is kept for callers of the old periodic save.
   */
  saveTo(dir: string, _force?: boolean): void {
    if (this.committer) this.committer.compact();
    else {
      ensureDir(dir);
      writeFileAtomic(join(dir, SNAPSHOT_FILE), snapshotText(this.data, 0, 0));
    }
  }

  /** Take the slots read from a snapshot. */
  replace(slots: Record<string, unknown>): void {
    this.data = slots;
  }
}
