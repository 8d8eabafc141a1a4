/**
 * Runs a compiled query over scanned events, command after command, as the syntax pages describe:
 * events come newest first (the default order, "descending sort order using @timestamp"), `filter`,
 * `fields`, `parse` and `display` work event by event, `stats`, `sort`, `dedup` and `limit` on the
 * whole list. Work is done in chunks that yield to the event loop, so a long scan never holds the
 * range up, and a stopped query ends at the next chunk.
 */
import { toText, type Value } from './functions.js';
import { formatTime, type ScannedEvent } from './fields.js';
import { evaluate, isTime, lookup, truthy, type Row } from './expressions.js';
import { dedup, sortRows } from './order.js';
import { MAX_LIMIT, type Command, type Named, type Query } from './syntax.js';
import { Aggregate } from './stats.js';

export interface QueryOutput {
  rows: Array<Array<{ field: string; value: string }>>;
  recordsScanned: number;
  recordsMatched: number;
  bytesScanned: number;
}

export class QueryCancelled extends Error {}

const CHUNK = 500;

async function pause(cancelled: () => boolean): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (cancelled()) throw new QueryCancelled('query stopped');
}

/** Run `query` over `events` (already newest first); columns follow `fields`/`display`/`stats`. */
export async function runQuery(
  query: Query,
  events: readonly ScannedEvent[],
  opts: { limit?: number; cancelled?: () => boolean } = {},
): Promise<QueryOutput> {
  const cancelled = opts.cancelled ?? (() => false);
  let rows: Row[] = [];
  let bytesScanned = 0;
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && i % CHUNK === 0) await pause(cancelled);
    const event = events[i] as ScannedEvent;
    bytesScanned += Buffer.byteLength(event.message);
    rows.push({ event, made: new Map() });
  }
  let columns: Named[] | undefined;
  let matched: number | undefined;
  for (const command of query.commands) {
    if (matched === undefined && (command.k === 'stats' || command.k === 'limit' || command.k === 'dedup'))
      matched = rows.length;
    switch (command.k) {
      case 'filter':
        rows = await keepChunked(rows, (r) => truthy(evaluate(command.expr, r)), cancelled);
        break;
      case 'fields':
        await eachChunked(rows, (r) => make(command.items, r), cancelled);
        columns = [
          ...(columns ?? []).filter((c) => !command.items.some((i) => i.name === c.name)),
          ...command.items,
        ];
        break;
      case 'display':
        await eachChunked(rows, (r) => make(command.items, r), cancelled);
        columns = command.items;
        break;
      case 'parse':
        await eachChunked(rows, (r) => parseInto(command, r), cancelled);
        break;
      case 'stats':
        rows = await stats(command, rows, cancelled);
        columns = [...command.by, ...command.aggregates];
        break;
      case 'sort':
        rows = sortRows(rows, command.keys);
        break;
      case 'dedup':
        rows = dedup(rows, command.fields);
        break;
      case 'limit':
        rows = rows.slice(0, command.n);
        break;
    }
  }
  matched ??= rows.length;
  const cap = Math.min(opts.limit ?? MAX_LIMIT, MAX_LIMIT);
  rows = rows.slice(0, cap);
  return {
    rows: render(rows, columns),
    recordsScanned: events.length,
    recordsMatched: matched,
    bytesScanned,
  };
}

function make(items: Named[], row: Row): void {
  for (const item of items) {
    if (item.expr.k === 'field' && item.expr.name === item.name) continue;
    row.made.set(item.name, evaluate(item.expr, row));
  }
}

function parseInto(command: Extract<Command, { k: 'parse' }>, row: Row): void {
  const source = toText(lookup(row, command.source));
  const m = source === undefined ? null : command.pattern.exec(source);
  if (!m) return;
  command.names.forEach((name, i) => {
    const v = m.groups && Object.hasOwn(m.groups, name) ? m.groups[name] : m[i + 1];
    if (v !== undefined) row.made.set(name, v);
  });
}

async function eachChunked(rows: Row[], fn: (r: Row) => void, cancelled: () => boolean): Promise<void> {
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && i % CHUNK === 0) await pause(cancelled);
    fn(rows[i] as Row);
  }
}

async function keepChunked(rows: Row[], keep: (r: Row) => boolean, cancelled: () => boolean): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && i % CHUNK === 0) await pause(cancelled);
    const r = rows[i] as Row;
    if (keep(r)) out.push(r);
    // An event filtered out is done with: let its parsed message go.
    else delete r.doc;
  }
  return out;
}

async function stats(
  command: Extract<Command, { k: 'stats' }>,
  rows: Row[],
  cancelled: () => boolean,
): Promise<Row[]> {
  const groups = new Map<string, { by: Value[]; aggs: Aggregate[] }>();
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && i % CHUNK === 0) await pause(cancelled);
    const row = rows[i] as Row;
    const by = command.by.map((b) => evaluate(b.expr, row));
    const key = JSON.stringify(by.map((v) => (v === undefined ? null : v)));
    let group = groups.get(key);
    if (!group) {
      group = { by, aggs: command.aggregates.map((a) => new Aggregate(a.expr)) };
      groups.set(key, group);
    }
    for (const agg of group.aggs) agg.add(row, evaluate);
  }
  // With no events, stats without `by` still answers one row (a count of 0).
  if (groups.size === 0 && command.by.length === 0)
    groups.set('[]', { by: [], aggs: command.aggregates.map((a) => new Aggregate(a.expr)) });
  return [...groups.values()].map((g) => {
    const made = new Map<string, Value>();
    command.by.forEach((b, i) => made.set(b.name, g.by[i]));
    command.aggregates.forEach((a, i) => made.set(a.name, (g.aggs[i] as Aggregate).result()));
    return { made };
  });
}

const DEFAULT_COLUMNS: Named[] = [
  { expr: { k: 'field', name: '@timestamp' }, name: '@timestamp' },
  { expr: { k: 'field', name: '@message' }, name: '@message' },
];

function render(rows: Row[], columns: Named[] | undefined): QueryOutput['rows'] {
  const cols = columns ?? DEFAULT_COLUMNS;
  return rows.map((row) => {
    const out: Array<{ field: string; value: string }> = [];
    for (const c of cols) {
      const v = row.made.has(c.name) ? row.made.get(c.name) : lookup(row, c.name);
      if (v === undefined) continue;
      const value = isTime(c.expr) && typeof v === 'number' ? formatTime(v) : (toText(v) as string);
      out.push({ field: c.name, value });
    }
    if (row.event) out.push({ field: '@ptr', value: pointerOf(row.event) });
    return out;
  });
}

/** The `@ptr` of an event: opaque to clients, it names the event for GetLogRecord. */
export function pointerOf(e: ScannedEvent): string {
  return Buffer.from(JSON.stringify([e.accountId, e.logGroupName, e.logStreamName, e.seq])).toString(
    'base64url',
  );
}

export function parsePointer(
  ptr: string,
): { accountId: string; logGroupName: string; logStreamName: string; seq: number } | undefined {
  try {
    const v = JSON.parse(Buffer.from(ptr, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 4 &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      typeof v[2] === 'string' &&
      typeof v[3] === 'number'
    )
      return { accountId: v[0], logGroupName: v[1], logStreamName: v[2], seq: v[3] };
  } catch {
    // not a pointer
  }
  return undefined;
}
