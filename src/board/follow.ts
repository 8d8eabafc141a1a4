/**
 * Follows a journal as it grows: each `poll()` reads only the bytes appended since the last one, and keeps
 * a line cut short by a writer mid-append for the next call. The file may not exist yet (the board can
 * start before the exercise's first entry) or be written by another process (`sirs board` beside `sirs
 * start`, or a journal on a shared folder).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { JournalEntry } from '../exercise/entries.js';

const CHUNK = 1 << 16;

export class JournalFollower {
  readonly entries: JournalEntry[] = [];
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);

  constructor(readonly path: string) {}

  /** Read what was appended; returns how many new entries there are. */
  poll(): number {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return 0;
    }
    const before = this.entries.length;
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) return 0; // never shrinks: an append-only file replaced under us is ignored
      const buf = Buffer.alloc(CHUNK);
      const chunks: Buffer[] = [];
      while (this.offset < size) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK, size - this.offset), this.offset);
        if (n <= 0) break;
        chunks.push(Buffer.from(buf.subarray(0, n)));
        this.offset += n;
      }
      // Split on the last newline byte, so a character cut by a writer mid-append is decoded whole later.
      const bytes = Buffer.concat([this.partial, ...chunks]);
      const end = bytes.lastIndexOf(0x0a);
      this.partial = Buffer.from(bytes.subarray(end + 1));
      if (end < 0) return 0;
      for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          this.entries.push(JSON.parse(line) as JournalEntry);
        } catch {
          // A line the journal writer would never produce: skipped here, `sirs status` names it.
        }
      }
    } finally {
      closeSync(fd);
    }
    return this.entries.length - before;
  }
}
