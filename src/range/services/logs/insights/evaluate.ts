/**
 * Runs a compiled query over scanned events, command after command, as the syntax pages describe:
 * events come newest first (the default order, "descending sort order using @timestamp"), `filter`,
 * `fields`, `parse` and `display` work event by event, `stats`, `sort`, `dedup` and `limit` on the
 * whole list. Work is done in chunks that yield to the event loop, so a long scan never holds the
 * range up, and a stopped query ends at the next chunk.
 */
import { toNumber, toText, FUNCTIONS, type Value } from './functions.js';
import {
  formatTime,
  jsonField,
  parseMessage,
  systemField,
  TIME_FIELDS,
  type ScannedEvent,
} from './fields.js';
import { MAX_LIMIT, type Command, type Expr, type Named, type Query } from './parser.js';
import { Aggregate } from './stats.js';

export interface Row {
  event?: ScannedEvent;
  /** Fields the query made (fields ... as, parse, stats). */
  made: Map<string, Value>;
  /** The message's JSON object once a field was looked up in it (null: not JSON). */
  doc?: Record<string, unknown> | null;
}

export interface QueryOutput {
  rows: Array<Array<{ field: string; value: string }>>;
  recordsScanned: number;
  recordsMatched: number;
  bytesScanned: number;
}

export class QueryCancelled extends Error {}

const CHUNK = 500;

export function lookup(row: Row, name: string): Value {
  if (row.made.has(name)) return row.made.get(name);
  if (!row.event) return undefined;
  const system = systemField(row.event, name);
  if (system !== undefined) return system;
  if (row.doc === undefined) row.doc = parseMessage(row.event.message);
  return jsonField(row.doc, name);
}

function compare(op: string, a: Value, b: Value): boolean {
  if (a === undefined || b === undefined) return false;
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== undefined && y !== undefined) {
    switch (op) {
      case '=':
        return x === y;
      case '!=':
        return x !== y;
      case '<':
        return x < y;
      case '<=':
        return x <= y;
      case '>':
        return x > y;
      default:
        return x >= y;
    }
  }
  const s = toText(a) as string;
  const t = toText(b) as string;
  switch (op) {
    case '=':
      return s === t;
    case '!=':
      return s !== t;
    case '<':
      return s < t;
    case '<=':
      return s <= t;
    case '>':
      return s > t;
    default:
      return s >= t;
  }
}

function truthy(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return v !== undefined && v !== '';
}

export function evaluate(e: Expr, row: Row): Value {
  switch (e.k) {
    case 'field':
      return lookup(row, e.name);
    case 'lit':
      return e.value;
    case 'period':
      return e.ms;
    case 'star':
    case 'regex':
    case 'list':
      return undefined;
    case 'not':
      return !truthy(evaluate(e.e, row));
    case 'neg': {
      const n = toNumber(evaluate(e.e, row));
      return n === undefined ? undefined : -n;
    }
    case 'call':
      return call(e.fn, e.args, row);
    case 'bin':
      return binary(e.op, e.l, e.r, row);
  }
}

function call(fn: string, args: Expr[], row: Row): Value {
  if (fn === 'ispresent') return evaluate(args[0] as Expr, row) !== undefined;
  if (fn === 'bin') {
    const p = toNumber(evaluate(args[0] as Expr, row));
    const t = toNumber(lookup(row, '@timestamp'));
    return p === undefined || t === undefined || p <= 0 ? undefined : Math.floor(t / p) * p;
  }
  // An aggregate evaluated outside stats (sort after stats names its result column).
  const spec = FUNCTIONS[fn];
  if (!spec?.apply) return row.made.get(fn);
  return spec.apply(args.map((a) => evaluate(a, row)));
}

function binary(op: string, l: Expr, r: Expr, row: Row): Value {
  switch (op) {
    case 'and':
      return truthy(evaluate(l, row)) && truthy(evaluate(r, row));
    case 'or':
      return truthy(evaluate(l, row)) || truthy(evaluate(r, row));
    case 'like':
    case '=~': {
      const v = toText(evaluate(l, row));
      if (v === undefined) return false;
      if (r.k === 'regex') return r.re.test(v);
      return v.includes(toText(evaluate(r, row)) ?? '');
    }
    case 'in': {
      const v = evaluate(l, row);
      return r.k === 'list' && r.items.some((item) => compare('=', v, evaluate(item, row)));
    }
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '^': {
      const a = toNumber(evaluate(l, row));
      const b = toNumber(evaluate(r, row));
      if (a === undefined || b === undefined) return undefined;
      const n =
        op === '+'
          ? a + b
          : op === '-'
            ? a - b
            : op === '*'
              ? a * b
              : op === '/'
                ? a / b
                : op === '%'
                  ? a % b
                  : a ** b;
      return Number.isFinite(n) ? n : undefined;
    }
    default:
      return compare(op, evaluate(l, row), evaluate(r, row));
  }
}

/** Whether an expression's value is a time (shown as one): a time field, bin(), datefloor(), ... */
export function isTime(e: Expr): boolean {
  if (e.k === 'field') return TIME_FIELDS.has(e.name);
  if (e.k !== 'call') return false;
  if (['bin', 'datefloor', 'dateceil', 'frommillis'].includes(e.fn)) return true;
  return ['min', 'max', 'earliest', 'latest'].includes(e.fn) && e.args[0] !== undefined && isTime(e.args[0]);
}

/**
 * "The sorting algorithm is an updated version of natural sorting": values that are only a number
 * come after all others and compare as numbers; other values compare chunk by chunk, runs of digits by
 * length and then value, the rest by Unicode order. Absent values come last.
 */
export function naturalCompare(a: Value, b: Value): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const x = toNumber(a);
  const y = toNumber(b);
  const xNum = x !== undefined && (typeof a !== 'string' || /^-?\d+(\.\d+)?$/.test(a));
  const yNum = y !== undefined && (typeof b !== 'string' || /^-?\d+(\.\d+)?$/.test(b));
  if (xNum && yNum) return (x as number) - (y as number);
  if (xNum !== yNum) return xNum ? 1 : -1;
  const ca = (toText(a) as string).match(/\d+|\D+/g) ?? [];
  const cb = (toText(b) as string).match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const p = ca[i] as string;
    const q = cb[i] as string;
    if (p === q) continue;
    if (/^\d/.test(p) && /^\d/.test(q)) return p.length - q.length || (p < q ? -1 : 1);
    return p < q ? -1 : 1;
  }
  return ca.length - cb.length;
}

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

function sortRows(rows: Row[], keys: Array<{ expr: Expr; desc: boolean }>): Row[] {
  const decorated = rows.map((row, i) => ({ row, i, values: keys.map((k) => sortValue(k.expr, row)) }));
  decorated.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const va = a.values[k];
      const vb = b.values[k];
      if (va === undefined || vb === undefined) {
        if (va !== vb) return va === undefined ? 1 : -1;
        continue;
      }
      const c = naturalCompare(va, vb);
      if (c !== 0) return (keys[k] as { desc: boolean }).desc ? -c : c;
    }
    return a.i - b.i;
  });
  return decorated.map((d) => d.row);
}

/** After stats, `sort count(*) desc` names the column `count(*)`: look the result up by its text. */
function sortValue(e: Expr, row: Row): Value {
  if (e.k === 'call' && !row.event) {
    for (const [name, v] of row.made) if (name.replace(/\s+/g, '') === exprText(e)) return v;
  }
  return evaluate(e, row);
}

function exprText(e: Expr): string {
  if (e.k === 'field') return e.name;
  if (e.k === 'star') return '*';
  if (e.k === 'lit') return typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.value);
  if (e.k === 'call') return `${e.fn}(${e.args.map(exprText).join(',')})`;
  return '';
}

function dedup(rows: Row[], fields: string[]): Row[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const values = fields.map((f) => lookup(row, f));
    // "Null values are not considered duplicates": an event missing a field is kept.
    if (values.some((v) => v === undefined)) return true;
    const key = JSON.stringify(values);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
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
