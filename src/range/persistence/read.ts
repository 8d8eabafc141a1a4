/**
 * Reading a state folder back, checking everything: each file is either read whole, or found damaged
 * with a description of what is wrong and of what `--repair` could keep. Nothing here writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { StoredEvent } from '../history.js';
import { decode, emptyRecord, isRecord } from './codec.js';
import { isPatch, type Patch } from './diff.js';
import { scanFrames } from './frames.js';
import { LOG_FORMAT, STATE_FORMAT, STATE_VERSION, type StateProblem } from './problems.js';

const SLOT_NAME = /^[A-Za-z0-9_-]+(\/[^/]*){0,2}$/;

export interface SnapshotRead {
  slots: Record<string, unknown>;
  /** The last log record the snapshot already holds; Infinity: replay no state changes from the log. */
  lastSeq: number;
  nextEventSeq: number;
  problem?: StateProblem;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function parseJson(text: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return `a JSON list${v.length === 0 ? ' ([])' : ''}`;
  if (v === null) return 'null';
  return `a JSON ${typeof v}`;
}

export function readSnapshot(file: string): SnapshotRead {
  const empty: SnapshotRead = { slots: emptyRecord(), lastSeq: 0, nextEventSeq: 0 };
  if (!existsSync(file)) return empty;
  const text = readFileSync(file, 'utf8');
  const problem = (found: string, keeps: string, newer?: boolean): SnapshotRead => ({
    ...empty,
    lastSeq: Number.POSITIVE_INFINITY,
    problem: { file, found, keeps, ...(newer ? { newer } : {}) },
  });
  const parsed = parseJson(text);
  if (parsed.error !== undefined) {
    return problem(
      `not valid JSON (${parsed.error}): the file is cut short or damaged`,
      'no stored state (the range starts from its built-in accounts; CloudTrail history is kept)',
    );
  }
  const top = parsed.value;
  if (!isRecord(top)) {
    return problem(`${kindOf(top)} where the range's state object belongs`, 'no stored state');
  }
  let slots: unknown = top;
  let lastSeq = 0;
  let nextEventSeq = 0;
  if (Object.hasOwn(top, 'format') || Object.hasOwn(top, 'version')) {
    if (top.format !== STATE_FORMAT) {
      return problem(
        `a JSON object that is not a sirs range state (format ${JSON.stringify(top.format)})`,
        'no stored state',
      );
    }
    if (typeof top.version === 'number' && Number.isInteger(top.version) && top.version > STATE_VERSION) {
      return problem(
        `state format version ${top.version}, written by a newer sirs (this one reads version ${STATE_VERSION})`,
        'nothing (upgrade sirs to read it)',
        true,
      );
    }
    if (top.version !== STATE_VERSION) {
      return problem(`an unknown state format version ${JSON.stringify(top.version)}`, 'no stored state');
    }
    if (!isRecord(top.slots))
      return problem(`"slots" is ${kindOf(top.slots)}, not an object`, 'no stored state');
    slots = top.slots;
    lastSeq = isCount(top.lastSeq) ? top.lastSeq : Number.NaN;
    nextEventSeq = isCount(top.nextEventSeq) ? top.nextEventSeq : 0;
  }
  // Before format version 1 the file was the bare object of slots: read it as such.
  const out = emptyRecord();
  const bad: string[] = [];
  for (const [name, value] of Object.entries(slots as Record<string, unknown>)) {
    if (SLOT_NAME.test(name) && isRecord(value)) out[name] = decode(value);
    else bad.push(name);
  }
  if (bad.length > 0 || Number.isNaN(lastSeq)) {
    const what = bad.length
      ? `${plural(bad.length, 'entry')} that ${bad.length === 1 ? 'is' : 'are'} not a store (${bad
          .slice(0, 3)
          .map((b) => JSON.stringify(b))
          .join(', ')}${bad.length > 3 ? ', ...' : ''})`
      : 'no valid "lastSeq"';
    return {
      slots: out,
      lastSeq: Number.POSITIVE_INFINITY,
      nextEventSeq,
      problem: {
        file,
        found: `a state object with ${what}`,
        keeps: `the ${plural(Object.keys(out).length, 'store')} that read well; changes logged after the snapshot are dropped`,
      },
    };
  }
  return { slots: out, lastSeq, nextEventSeq };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** A stored CloudTrail event read from disk, or undefined when it does not have the shape of one. */
export function toStoredEvent(v: unknown, seq: number): StoredEvent | undefined {
  if (!isRecord(v) || !isRecord(v.record) || typeof v.record.eventID !== 'string') return undefined;
  if (typeof v.accountId !== 'string' || typeof v.region !== 'string' || typeof v.time !== 'number')
    return undefined;
  if (!Array.isArray(v.resources)) return undefined;
  const e = v as unknown as StoredEvent;
  return {
    ...e,
    username: typeof v.username === 'string' ? v.username : '',
    accessKeyId: typeof v.accessKeyId === 'string' ? v.accessKeyId : '',
    seq: isCount(v.seq) ? v.seq : seq,
  };
}

export interface HistoryRead {
  events: StoredEvent[];
  /** Lines in the file (kept or not), to know when it is worth rewriting. */
  lines: number;
  /** A last line cut short by a crash while it was appended (its events are still in the log). */
  tornTail: boolean;
  problem?: StateProblem;
}

export function readHistory(file: string): HistoryRead {
  const out: HistoryRead = { events: [], lines: 0, tornTail: false };
  if (!existsSync(file)) return out;
  const buf = readFileSync(file);
  let bad = 0;
  let firstBad = 0;
  let next = 0;
  for (let at = 0; at < buf.length;) {
    let nl = buf.indexOf(10, at);
    const last = nl === -1;
    if (last) nl = buf.length;
    const line = buf.subarray(at, nl).toString('utf8');
    at = nl + 1;
    if (!line.trim()) continue;
    out.lines++;
    const parsed = parseJson(line);
    const event = parsed.error === undefined ? toStoredEvent(decode(parsed.value), next) : undefined;
    if (event && event.seq >= next) {
      out.events.push(event);
      next = event.seq + 1;
    } else if (last && parsed.error !== undefined) {
      out.tornTail = true;
    } else if (bad++ === 0) {
      firstBad = out.lines;
    }
  }
  if (bad > 0) {
    out.problem = {
      file,
      found: `${plural(bad, 'line')} that ${bad === 1 ? 'is' : 'are'} not a CloudTrail event (the first is line ${firstBad})`,
      keeps: `the ${plural(out.events.length, 'event')} that read well`,
    };
  }
  return out;
}

export interface LogRecord {
  seq: number;
  patches: Patch[];
  events: StoredEvent[];
  /** The range was reset (every store and the history emptied) before this record's changes. */
  reset: boolean;
}

export interface LogRead {
  records: LogRecord[];
  /** Bytes of the file that hold good records (the rest is a torn or damaged tail). */
  end: number;
  /** A last record cut short by a crash: never acknowledged, dropped. */
  tornTail?: string;
  problem?: StateProblem;
}

export function readLog(file: string): LogRead {
  if (!existsSync(file)) return { records: [], end: 0 };
  const scan = scanFrames(readFileSync(file));
  const records: LogRecord[] = [];
  const damaged = (found: string, newer?: boolean): LogRead => ({
    records,
    end: scan.end,
    problem: {
      file,
      found,
      keeps: newer
        ? 'nothing (upgrade sirs to read it)'
        : `the ${plural(records.length, 'change')} logged before it`,
      ...(newer ? { newer } : {}),
    },
  });
  const [header, ...rest] = scan.records;
  if (header) {
    const h = parseJson(header.toString('utf8')).value;
    if (!isRecord(h) || h.format !== LOG_FORMAT) return damaged('a file that is not a sirs range state log');
    if (typeof h.version !== 'number' || h.version > STATE_VERSION) {
      return damaged(`log format version ${JSON.stringify(h.version)}, written by a newer sirs`, true);
    }
  }
  let seq = -1;
  for (const [i, payload] of rest.entries()) {
    const record = toLogRecord(parseJson(payload.toString('utf8')).value);
    if (!record || record.seq <= seq) {
      return damaged(
        `record ${i + 1} has a good checksum but not the shape of a logged change (a bug in sirs)`,
      );
    }
    seq = record.seq;
    records.push(record);
  }
  if (scan.bad && !scan.bad.torn) {
    return damaged(`damaged at byte ${scan.bad.offset} (${scan.bad.reason}) with more data after it`);
  }
  return {
    records,
    end: scan.end,
    ...(scan.bad ? { tornTail: `${scan.bad.reason} at byte ${scan.bad.offset}` } : {}),
  };
}

function toLogRecord(v: unknown): LogRecord | undefined {
  if (!isRecord(v) || !isCount(v.seq)) return undefined;
  const p = v.p ?? [];
  const e = v.e ?? [];
  if (!Array.isArray(p) || !Array.isArray(e) || !p.every(isPatch)) return undefined;
  const events: StoredEvent[] = [];
  for (const raw of e) {
    const event = toStoredEvent(decode(raw), -1);
    if (!event || event.seq < 0) return undefined;
    events.push(event);
  }
  return { seq: v.seq, patches: p, events, reset: v.r === true };
}
