/**
 * Expressions of a query evaluated against one row: an event (its system fields and the fields of its
 * JSON message) plus the fields the query made. Comparisons are numeric when both sides are numbers,
 * textual otherwise; a missing field compares false ("Supported operations and functions").
 */
import { toNumber, toText, FUNCTIONS, type Value } from './functions.js';
import { jsonField, parseMessage, systemField, TIME_FIELDS, type ScannedEvent } from './fields.js';
import type { Expr } from './syntax.js';

export interface Row {
  event?: ScannedEvent;
  /** Fields the query made (fields ... as, parse, stats). */
  made: Map<string, Value>;
  /** The message's JSON object once a field was looked up in it (null: not JSON). */
  doc?: Record<string, unknown> | null;
}

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

export function truthy(v: Value): boolean {
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
