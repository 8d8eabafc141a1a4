/**
 * The CloudTrail history file (`cloudtrail-events.jsonl`): one event per line, appended when the log is
 * compacted (the events are in the log until then), rewritten when more than half of it is past the
 * history's retention or after a reset.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import type { EventHistory, StoredEvent } from '../history.js';
import { encode } from './codec.js';
import { writeChunked, writeFileAtomic } from './files.js';

/** Lines past the retention that are tolerated before the file is rewritten, besides half the file. */
const SLACK = 10_000;

export class HistoryFile {
  constructor(
    readonly file: string,
    private lines: number,
  ) {}

  /** Put `events` (new since the last call) on disk, durably, with the rest of `history`. */
  add(events: readonly StoredEvent[], history: EventHistory, rewrite: boolean): void {
    if (rewrite || this.lines + events.length > 2 * history.size + SLACK) {
      writeFileAtomic(this.file, lines(history.entries()));
      this.lines = history.size;
      return;
    }
    if (events.length === 0) return;
    const fd = openSync(this.file, 'a', 0o600);
    try {
      writeChunked(fd, lines(events));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.lines += events.length;
  }
}

function* lines(events: Iterable<StoredEvent>): Iterable<string> {
  for (const e of events) yield `${JSON.stringify(encode(e))}\n`;
}
