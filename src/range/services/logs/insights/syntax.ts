/**
 * The shape of a compiled Logs Insights query (commands and expressions) and the pieces of syntax the
 * parser shares: regular expressions with `(?i)`, time periods, glob patterns of `parse`.
 */
import { QueryCompileError, type Token } from './lexer.js';
import { AGGREGATES } from './functions.js';

export type Expr =
  | { k: 'field'; name: string }
  | { k: 'lit'; value: string | number }
  | { k: 'regex'; re: RegExp }
  | { k: 'period'; ms: number }
  | { k: 'list'; items: Expr[] }
  | { k: 'star' }
  | { k: 'call'; fn: string; args: Expr[] }
  | { k: 'not'; e: Expr }
  | { k: 'neg'; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr };

/** An expression with the name its result goes by: its alias, or its text as written. */
export interface Named {
  expr: Expr;
  name: string;
}

export type Command =
  | { k: 'fields'; items: Named[] }
  | { k: 'display'; items: Named[] }
  | { k: 'filter'; expr: Expr }
  | { k: 'stats'; aggregates: Named[]; by: Named[] }
  | { k: 'sort'; keys: Array<{ expr: Expr; desc: boolean }> }
  | { k: 'limit'; n: number }
  | { k: 'dedup'; fields: string[] }
  | { k: 'parse'; source: string; pattern: RegExp; names: string[] };

export interface Query {
  commands: Command[];
}

export const MAX_LIMIT = 10_000;

/** Commands of the syntax pages the range does not run: named as such rather than "unknown". */
export const UNSUPPORTED_COMMANDS = new Set([
  'anomaly',
  'diff',
  'filterindex',
  'join',
  'lookup',
  'pattern',
  'source',
  'unmask',
  'unnest',
]);

export const PERIOD_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  mo: 2_592_000_000,
  q: 7_776_000_000,
  y: 31_536_000_000,
};

/** `(?i)` at the start of an Insights regex is JavaScript's `i` flag. */
export function compileRegex(body: string, at: Token): RegExp {
  let flags = '';
  let src = body;
  if (src.startsWith('(?i)')) {
    flags = 'i';
    src = src.slice(4);
  } else if (src.startsWith('^(?i)')) {
    flags = 'i';
    src = `^${src.slice(5)}`;
  }
  try {
    return new RegExp(src, flags);
  } catch {
    throw new QueryCompileError(`invalid regular expression /${body}/`, at.start, at.end);
  }
}

/** A `parse` glob: each * takes as little as it can, but one at the end takes the rest of the value. */
export function globPattern(glob: string): RegExp {
  const parts = glob.split('*');
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const src = parts
    .map((part, i) => {
      if (i === parts.length - 1) return escape(part);
      const last = i === parts.length - 2 && parts[i + 1] === '';
      return escape(part) + (last ? '(.*)' : '(.*?)');
    })
    .join('');
  return new RegExp(src, 's');
}

export function aggregateIn(e: Expr): string | undefined {
  switch (e.k) {
    case 'call':
      return AGGREGATES.has(e.fn) ? e.fn : e.args.map(aggregateIn).find((x) => x !== undefined);
    case 'not':
    case 'neg':
      return aggregateIn(e.e);
    case 'bin':
      return aggregateIn(e.l) ?? aggregateIn(e.r);
    case 'list':
      return e.items.map(aggregateIn).find((x) => x !== undefined);
    default:
      return undefined;
  }
}
