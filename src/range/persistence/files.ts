/** File steps that survive a crash at any point: write to a temporary name, sync, rename, sync the folder. */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const SNAPSHOT_FILE = 'range-state.json';
export const LOG_FILE = 'range-state.log';
export const HISTORY_FILE = 'cloudtrail-events.jsonl';

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Make a rename or a new file in `dir` durable. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeAll(fd: number, data: Buffer): void {
  let at = 0;
  while (at < data.length) at += writeSync(fd, data, at, data.length - at);
}

/** Write many small strings in about 1 MB writes. */
export function writeChunked(fd: number, parts: Iterable<string>): void {
  let chunk: string[] = [];
  let size = 0;
  for (const part of parts) {
    chunk.push(part);
    size += part.length;
    if (size >= 1 << 20) {
      writeAll(fd, Buffer.from(chunk.join(''), 'utf8'));
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length) writeAll(fd, Buffer.from(chunk.join(''), 'utf8'));
}

/** Replace `file` with `data` so that a crash leaves either the old or the new content, never a mix. */
export function writeFileAtomic(file: string, data: string | Iterable<string>): void {
  const tmp = join(dirname(file), `.${basename(file)}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    if (typeof data === 'string') writeAll(fd, Buffer.from(data, 'utf8'));
    else writeChunked(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDir(dirname(file));
}

/** Keep a file that cannot be used under a new name beside it (`<name>.corrupt-<time>`); returns that name. */
export function moveAside(file: string, why: 'corrupt' | 'reset', at: Date): string | undefined {
  if (!existsSync(file)) return undefined;
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  let target = `${file}.${why}-${stamp}`;
  for (let n = 2; existsSync(target); n++) target = `${file}.${why}-${stamp}-${n}`;
  renameSync(file, target);
  syncDir(dirname(file));
  return target;
}
