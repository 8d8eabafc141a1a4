/**
 * The journal: the single record of an exercise, `.sirs/exercises/<id>/journal.jsonl`. Append-only;
 * each entry is written and flushed to disk *before* the step it describes is acted on, so status,
 * cleanup, scoring and reports can all be derived from it after anything, including a crash.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { JournalEntry, JournalEntryBody } from './entries.js';

export type { JournalEntry, JournalEntryBody } from './entries.js';

/** Where journals live: `$SIRS_STATE_DIR` or `.sirs` in the working directory. */
export function stateDir(cwd = process.cwd()): string {
  return resolve(cwd, process.env.SIRS_STATE_DIR ?? '.sirs');
}

export function exercisesDir(root = stateDir()): string {
  return join(root, 'exercises');
}

export function journalPath(exerciseId: string, root = stateDir()): string {
  return join(exercisesDir(root), exerciseId, 'journal.jsonl');
}

const SECRET_KEY = /secret|password|sessiontoken|privatekey|plaintext/i;

/** A member or output name whose value is a secret (redacted wherever sirs writes). */
export function isSecretName(name: string): boolean {
  return SECRET_KEY.test(name);
}

/** Never let a secret reach the disk, whatever a caller put in an entry. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] =
      SECRET_KEY.test(k) && v !== undefined && v !== null && typeof v !== 'boolean'
        ? '[redacted]'
        : redactSecrets(v, depth + 1);
  }
  return out;
}

export class JournalWriter {
  private fd: number | undefined;
  private seq: number;

  private constructor(
    readonly path: string,
    fd: number,
    seq: number,
    private readonly now: () => Date,
  ) {
    this.fd = fd;
    this.seq = seq;
  }

  /** Open (creating folders with owner-only permissions) for appending; continues the sequence numbers. */
  static open(path: string, now: () => Date = () => new Date()): JournalWriter {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    const existing = existsSync(path) ? readJournal(path).length : 0;
    const fd = openSync(path, 'a', 0o600);
    return new JournalWriter(path, fd, existing, now);
  }

  /** Append one entry and flush it to disk before returning. */
  append<T extends JournalEntryBody>(body: T): JournalEntry {
    if (this.fd === undefined) throw new Error(`journal ${this.path} is closed`);
    const entry = {
      seq: this.seq++,
      time: this.now().toISOString(),
      ...(redactSecrets(body) as T),
    } as JournalEntry;
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
    return entry;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Read a journal. A last line cut short by a crash mid-write is ignored; any other bad line is an
 * error naming the line, since a journal is only ever appended to.
 */
export function readJournal(path: string): JournalEntry[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const out: JournalEntry[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as JournalEntry);
    } catch {
      const last = i === lines.length - 1 || (i === lines.length - 2 && lines[lines.length - 1] === '');
      if (!last) throw new Error(`${path}:${i + 1}: not a journal entry`);
    }
  });
  return out;
}

/** Ids of every exercise with a journal, oldest first by folder name. */
export function listJournals(root = stateDir()): string[] {
  const dir = exercisesDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => existsSync(join(dir, id, 'journal.jsonl')))
    .sort();
}
