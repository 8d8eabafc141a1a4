/**
 * The functions of "Supported operations and functions" (general, string, numeric, datetime) and the
 * aggregation functions of `stats`. A value is a string, a number, a Boolean (a comparison's result) or
 * absent (a field the event does not have).
 */
import { BlockList, isIP } from 'node:net';

export type Value = string | number | boolean | undefined;

export interface FunctionSpec {
  min: number;
  max: number;
  /** Evaluated arguments → result; absent for the ones the evaluator handles itself (ispresent, bin). */
  apply?: (args: Value[]) => Value;
}

export function toNumber(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

export function toText(v: Value): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

const numeric =
  (f: (...n: number[]) => number) =>
  (args: Value[]): Value => {
    const ns = args.map(toNumber);
    if (ns.some((n) => n === undefined)) return undefined;
    const r = f(...(ns as number[]));
    return Number.isFinite(r) ? r : undefined;
  };

const text =
  (f: (...s: string[]) => Value) =>
  (args: Value[]): Value => {
    const ss = args.map(toText);
    return ss[0] === undefined ? undefined : f(...ss.map((s) => s ?? ''));
  };

function trimChars(s: string, chars: string | undefined, left: boolean, right: boolean): string {
  const set = chars === undefined ? undefined : new Set(chars);
  const strip = (c: string) => (set ? set.has(c) : /\s/.test(c));
  let a = 0;
  let b = s.length;
  if (left) while (a < b && strip(s[a] as string)) a++;
  if (right) while (b > a && strip(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

/** Whether `ip` (of the given family, or either) lies in `cidr`; false for anything malformed. */
function inSubnet(ip: Value, cidr: Value, family?: 4 | 6): boolean {
  const address = toText(ip);
  const [net, bits] = (toText(cidr) ?? '').split('/');
  const version = address === undefined ? 0 : isIP(address);
  if (!version || (family && version !== family) || isIP(net ?? '') !== version) return false;
  const prefix = Number(bits);
  const max = version === 4 ? 32 : 128;
  if (!/^\d+$/.test(bits ?? '') || prefix > max) return false;
  const list = new BlockList();
  const type = version === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(net as string, prefix, type);
  return list.check(address as string, type);
}

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  ispresent: { min: 1, max: 1 },
  bin: { min: 1, max: 1 },
  coalesce: { min: 1, max: 100, apply: (a) => a.find((v) => v !== undefined && v !== '') },
  isempty: { min: 1, max: 1, apply: ([v]) => v === undefined || v === '' },
  isblank: { min: 1, max: 1, apply: ([v]) => v === undefined || toText(v)?.trim() === '' },
  concat: { min: 1, max: 100, apply: (a) => a.map((v) => toText(v) ?? '').join('') },
  ltrim: { min: 1, max: 2, apply: text((s, c) => trimChars(s, c, true, false)) },
  rtrim: { min: 1, max: 2, apply: text((s, c) => trimChars(s, c, false, true)) },
  trim: { min: 1, max: 2, apply: text((s, c) => trimChars(s, c, true, true)) },
  strlen: { min: 1, max: 1, apply: text((s) => [...s].length) },
  toupper: { min: 1, max: 1, apply: text((s) => s.toUpperCase()) },
  tolower: { min: 1, max: 1, apply: text((s) => s.toLowerCase()) },
  substr: {
    min: 2,
    max: 3,
    apply: ([s, x, y]) => {
      const str = toText(s);
      const from = toNumber(x);
      if (str === undefined || from === undefined) return undefined;
      const len = y === undefined ? undefined : toNumber(y);
      const chars = [...str];
      return chars.slice(from, len === undefined ? undefined : from + len).join('');
    },
  },
  replace: { min: 3, max: 3, apply: text((s, a, b) => (a === '' ? s : s.split(a).join(b))) },
  strcontains: { min: 2, max: 2, apply: text((s, a) => (s.includes(a ?? '') ? 1 : 0)) },
  abs: { min: 1, max: 1, apply: numeric(Math.abs) },
  ceil: { min: 1, max: 1, apply: numeric(Math.ceil) },
  floor: { min: 1, max: 1, apply: numeric(Math.floor) },
  greatest: { min: 1, max: 100, apply: numeric(Math.max) },
  least: { min: 1, max: 100, apply: numeric(Math.min) },
  log: { min: 1, max: 1, apply: numeric(Math.log) },
  sqrt: { min: 1, max: 1, apply: numeric(Math.sqrt) },
  datefloor: { min: 2, max: 2, apply: numeric((t, p) => Math.floor(t / p) * p) },
  dateceil: { min: 2, max: 2, apply: numeric((t, p) => Math.ceil(t / p) * p) },
  isvalidip: { min: 1, max: 1, apply: ([v]) => isIP(toText(v) ?? '') !== 0 },
  isvalidipv4: { min: 1, max: 1, apply: ([v]) => isIP(toText(v) ?? '') === 4 },
  isvalidipv6: { min: 1, max: 1, apply: ([v]) => isIP(toText(v) ?? '') === 6 },
  isipinsubnet: { min: 2, max: 2, apply: ([ip, cidr]) => inSubnet(ip, cidr) },
  isipv4insubnet: { min: 2, max: 2, apply: ([ip, cidr]) => inSubnet(ip, cidr, 4) },
  isipv6insubnet: { min: 2, max: 2, apply: ([ip, cidr]) => inSubnet(ip, cidr, 6) },
  tomillis: { min: 1, max: 1, apply: numeric((t) => t) },
  frommillis: { min: 1, max: 1, apply: numeric((t) => t) },
};

/** Aggregation functions and how many arguments each takes (`count()` counts every event, as `count(*)`). */
export const AGGREGATE_ARITY: Readonly<Record<string, { min: number; max: number }>> = {
  count: { min: 0, max: 1 },
  count_distinct: { min: 1, max: 1 },
  min: { min: 1, max: 1 },
  max: { min: 1, max: 1 },
  sum: { min: 1, max: 1 },
  avg: { min: 1, max: 1 },
  stddev: { min: 1, max: 1 },
  pct: { min: 2, max: 2 },
  earliest: { min: 1, max: 1 },
  latest: { min: 1, max: 1 },
};

export const AGGREGATES: ReadonlySet<string> = new Set(Object.keys(AGGREGATE_ARITY));
