import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One store per service, keyed by account and region (or by account alone for global services such
 * as IAM). Stores are plain data so that the whole range can be written to `--state-dir` and read
 * back after a restart; Dates and Buffers survive the round trip.
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

export class StateRegistry {
  private data: Record<string, unknown> = {};
  private dirty = false;

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
    return value;
  }

  /** Every slot of one state, with its account and region (for cross-region views like S3 buckets). */
  all<T>(def: StateDef<T>): Array<{ accountId?: string; region?: string; value: T }> {
    const out: Array<{ accountId?: string; region?: string; value: T }> = [];
    for (const [slot, value] of Object.entries(this.data)) {
      const [key, accountId, region] = slot.split('/');
      if (key === def.key) out.push({ accountId, region, value: value as T });
    }
    return out;
  }

  markDirty(): void {
    this.dirty = true;
  }

  reset(): void {
    this.data = {};
    this.dirty = true;
  }

  serialize(): string {
    return JSON.stringify(
      this.data,
      function replacer(this: Record<string, unknown>, key: string, value: unknown) {
        const original = this[key];
        if (original instanceof Date) return { $date: original.toISOString() };
        if (Buffer.isBuffer(original)) return { $b64: original.toString('base64') };
        if (original instanceof Uint8Array) return { $b64: Buffer.from(original).toString('base64') };
        return value;
      },
    );
  }

  load(text: string): void {
    this.data = JSON.parse(text, (_key, value: unknown) => {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const v = value as Record<string, unknown>;
        if (typeof v.$date === 'string' && Object.keys(v).length === 1) return new Date(v.$date);
        if (typeof v.$b64 === 'string' && Object.keys(v).length === 1) return Buffer.from(v.$b64, 'base64');
      }
      return value;
    }) as Record<string, unknown>;
  }

  /** Write the state atomically if anything may have changed since the last save. */
  saveTo(dir: string, force = false): void {
    if (!this.dirty && !force) return;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'range-state.json');
    writeFileSync(`${file}.tmp`, this.serialize(), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    this.dirty = false;
  }

  loadFrom(dir: string): boolean {
    const file = join(dir, 'range-state.json');
    if (!existsSync(file)) return false;
    this.load(readFileSync(file, 'utf8'));
    this.dirty = false;
    return true;
  }
}
