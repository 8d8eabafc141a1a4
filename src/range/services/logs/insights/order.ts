/**
 * Ordering of results: `sort` ("an updated version of natural sorting") and `dedup` (the first row in
 * the current order wins; rows missing a field are kept).
 */
import { toNumber, toText, type Value } from './functions.js';
import { evaluate, lookup, type Row } from './expressions.js';
import type { Expr } from './syntax.js';

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

export function sortRows(rows: Row[], keys: Array<{ expr: Expr; desc: boolean }>): Row[] {
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

export function dedup(rows: Row[], fields: string[]): Row[] {
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
