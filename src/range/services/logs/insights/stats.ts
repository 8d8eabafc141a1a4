/**
 * One aggregation function of `stats` over the events of one group ("Aggregation functions in the
 * stats command"): count(*), count(f), count_distinct, min, max, sum, avg, stddev, pct, and earliest /
 * latest (the value of a field in the group's first or last event by @timestamp).
 */
import { toNumber, type Value } from './functions.js';
import type { Expr } from './syntax.js';
import type { Row } from './expressions.js';

type Evaluate = (e: Expr, row: Row) => Value;

export class Aggregate {
  private count = 0;
  private readonly distinct = new Set<string>();
  private best: Value;
  private readonly numbers: number[] = [];
  private at: number | undefined;

  constructor(private readonly call: Expr) {}

  private get fn(): string {
    return this.call.k === 'call' ? this.call.fn : '';
  }

  add(row: Row, evaluate: Evaluate): void {
    if (this.call.k !== 'call') return;
    const arg = this.call.args[0] ?? { k: 'star' };
    if (arg.k === 'star') {
      this.count++;
      return;
    }
    const v = evaluate(arg, row);
    if (v === undefined) return;
    this.count++;
    switch (this.fn) {
      case 'count_distinct':
        this.distinct.add(typeof v === 'string' ? `s${v}` : `n${String(v)}`);
        break;
      case 'min':
      case 'max': {
        if (this.best === undefined || better(this.fn, v, this.best)) this.best = v;
        break;
      }
      case 'earliest':
      case 'latest': {
        const t = toNumber(evaluate({ k: 'field', name: '@timestamp' }, row));
        if (t === undefined) break;
        if (this.at === undefined || (this.fn === 'earliest' ? t < this.at : t > this.at)) {
          this.at = t;
          this.best = v;
        }
        break;
      }
      case 'sum':
      case 'avg':
      case 'stddev':
      case 'pct': {
        const n = toNumber(v);
        if (n !== undefined) this.numbers.push(n);
        break;
      }
    }
  }

  result(): Value {
    const ns = this.numbers;
    switch (this.fn) {
      case 'count':
        return this.count;
      case 'count_distinct':
        return this.distinct.size;
      case 'min':
      case 'max':
      case 'earliest':
      case 'latest':
        return this.best;
      case 'sum':
        return ns.length ? ns.reduce((a, b) => a + b, 0) : undefined;
      case 'avg':
        return ns.length ? ns.reduce((a, b) => a + b, 0) / ns.length : undefined;
      case 'stddev': {
        if (ns.length < 2) return ns.length ? 0 : undefined;
        const mean = ns.reduce((a, b) => a + b, 0) / ns.length;
        return Math.sqrt(ns.reduce((a, b) => a + (b - mean) ** 2, 0) / (ns.length - 1));
      }
      case 'pct': {
        if (!ns.length || this.call.k !== 'call') return undefined;
        const p = this.call.args[1];
        const rank = p?.k === 'lit' ? toNumber(p.value) : undefined;
        if (rank === undefined) return undefined;
        const sorted = [...ns].sort((a, b) => a - b);
        const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1));
        return sorted[i];
      }
      default:
        return undefined;
    }
  }
}

/** min and max compare numbers as numbers and anything else as text. */
function better(fn: string, v: Value, current: Value): boolean {
  const a = toNumber(v);
  const b = toNumber(current);
  const c =
    a !== undefined && b !== undefined
      ? a - b
      : String(v) < String(current)
        ? -1
        : String(v) > String(current)
          ? 1
          : 0;
  return fn === 'min' ? c < 0 : c > 0;
}
