import { FilterPatternError, Lexer, compileRegex } from './filter-pattern-core.js';
import {
  matchJson,
  parseJsonPattern,
  select,
  selectorFromText,
  type JsonExpr,
} from './filter-pattern-json.js';
import { matchDelimited, parseDelimitedPattern, type DelimitedPattern } from './filter-pattern-delimited.js';

/**
 * CloudWatch Logs filter patterns, as documented in "Filter pattern syntax for metric filters,
 * subscription filters, filter log events, and Live Tail":
 *
 * - empty: every event;
 * - unstructured terms, case-sensitive substrings: `ERROR Exception` (all), `"exact phrase"`,
 *   `?ERROR ?WARN` (any), `ERROR -DEBUG` (exclusion); bare terms are letters, digits and `_`, anything
 *   else must be quoted. A `?` term starts an alternative that the following plain terms join;
 * - a regular expression `%ERROR-4[0-9]{2}%` (the documented subset: no parentheses);
 * - JSON: `{ $.eventName = "StopLogging" && $.userIdentity.type = Root }` (see filter-pattern-json.ts);
 * - space-delimited: `[ip, user, ..., status=4*, size>1000]` (see filter-pattern-delimited.ts).
 *
 * Pure code: the logs handlers turn FilterPatternError into InvalidParameterException.
 */

export { FilterPatternError } from './filter-pattern-core.js';

interface TermGroup {
  required: string[];
  excluded: string[];
}

export type FilterPattern =
  | { kind: 'all'; text: string }
  | { kind: 'terms'; text: string; groups: TermGroup[] }
  | { kind: 'regex'; text: string; re: RegExp }
  | { kind: 'json'; text: string; expr: JsonExpr; regexCount: number }
  | { kind: 'delimited'; text: string; pattern: DelimitedPattern; regexCount: number };

/** What a match yields: the values a space-delimited pattern extracted, and the parsed JSON event. */
export interface PatternMatch {
  extractedValues: Record<string, string>;
  json?: unknown;
}

export function parseFilterPattern(text: string): FilterPattern {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'all', text };
  if (trimmed.startsWith('{')) {
    const lx = new Lexer(trimmed);
    return { kind: 'json', text, expr: parseJsonPattern(lx), regexCount: lx.regexCount };
  }
  if (trimmed.startsWith('[')) {
    const lx = new Lexer(trimmed);
    return { kind: 'delimited', text, pattern: parseDelimitedPattern(lx), regexCount: lx.regexCount };
  }
  if (trimmed.length >= 2 && trimmed.startsWith('%') && trimmed.endsWith('%')) {
    return { kind: 'regex', text, re: compileRegex(trimmed.slice(1, -1)) };
  }
  return { kind: 'terms', text, groups: parseTerms(trimmed) };
}

function parseTerms(text: string): TermGroup[] {
  const lx = new Lexer(text);
  const groups: TermGroup[] = [{ required: [], excluded: [] }];
  while (!lx.done) {
    let prefix = '';
    if (lx.accept('?')) prefix = '?';
    else if (lx.accept('-')) prefix = '-';
    lx.skipSpace();
    let term: string;
    if (lx.text[lx.pos] === '"') term = lx.quoted();
    else {
      const start = lx.pos;
      while (lx.pos < text.length && !/\s/.test(text[lx.pos] as string)) lx.pos++;
      term = text.slice(start, lx.pos);
      if (!term) lx.fail(`'${prefix}' needs a term`);
      // Terms with anything but letters, digits and underscores must be quoted.
      if (!/^[A-Za-z0-9_]+$/.test(term)) lx.fail(`invalid character(s) in term '${term}'`);
    }
    if (prefix === '?') groups.push({ required: [term], excluded: [] });
    else if (prefix === '-') (groups.at(-1) as TermGroup).excluded.push(term);
    else (groups.at(-1) as TermGroup).required.push(term);
  }
  return groups.filter((g) => g.required.length > 0 || g.excluded.length > 0);
}

export function matchEvent(pattern: FilterPattern, message: string): PatternMatch | undefined {
  switch (pattern.kind) {
    case 'all':
      return { extractedValues: {} };
    case 'terms': {
      const ok = pattern.groups.some(
        (g) => g.required.every((t) => message.includes(t)) && !g.excluded.some((t) => message.includes(t)),
      );
      return ok ? { extractedValues: {} } : undefined;
    }
    case 'regex':
      return pattern.re.test(message) ? { extractedValues: {} } : undefined;
    case 'json': {
      const doc = parseJsonMessage(message);
      if (doc === undefined) return undefined;
      return matchJson(pattern.expr, doc) ? { extractedValues: {}, json: doc } : undefined;
    }
    default: {
      const extracted = matchDelimited(pattern.pattern, message);
      return extracted ? { extractedValues: extracted } : undefined;
    }
  }
}

/** JSON patterns apply only to events whose whole message is a JSON object. */
function parseJsonMessage(message: string): unknown {
  const text = message.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** How many regular expressions a pattern uses (metric filters allow five per log group). */
export function regexCount(pattern: FilterPattern): number {
  if (pattern.kind === 'regex') return 1;
  return pattern.kind === 'json' || pattern.kind === 'delimited' ? pattern.regexCount : 0;
}

export function matches(pattern: FilterPattern, message: string): boolean {
  return matchEvent(pattern, message) !== undefined;
}

/**
 * Whether a metric transformation may refer to `ref` with this pattern: `$.selector` for JSON
 * patterns, `$name` or `$<position>` for space-delimited ones.
 */
export function isFieldReference(pattern: FilterPattern, ref: string): boolean {
  if (pattern.kind === 'json') return selectorFromText(ref) !== undefined;
  if (pattern.kind !== 'delimited') return false;
  const m = /^\$([A-Za-z0-9_]+)$/.exec(ref);
  if (!m) return false;
  const name = m[1] as string;
  return /^\d+$/.test(name) || pattern.pattern.slots.some((s) => !s.ellipsis && s.name === name);
}

/** The value a field reference has in a matched event (numbers for JSON numbers, text otherwise). */
export function fieldValue(match: PatternMatch, ref: string): string | number | undefined {
  if (ref.startsWith('$.')) {
    const steps = selectorFromText(ref);
    if (!steps || match.json === undefined) return undefined;
    const found = select(match.json, steps);
    if (!found.exists) return undefined;
    const v = found.value;
    if (typeof v === 'number' || typeof v === 'string') return v;
    if (typeof v === 'boolean') return String(v);
    return undefined;
  }
  return match.extractedValues[ref];
}

/** Parse, or throw FilterPatternError; re-exported for callers that only need validation. */
export function validateFilterPattern(text: string): void {
  parseFilterPattern(text);
}

export function isFilterPatternError(err: unknown): err is FilterPatternError {
  return err instanceof FilterPatternError;
}
