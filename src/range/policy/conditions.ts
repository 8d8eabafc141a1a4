import { inRange, parseIp, parseRange } from './ip.js';
import type { IpRange } from './ip.js';
import { isRangeContextKey } from './keys.js';
import { arnMatches, globMatches, parseTemplate, resolveTemplate, unescapeGlob } from './patterns.js';
import type { ContextLookup, Template } from './patterns.js';
import type { ContextValue } from './types.js';

/**
 * Condition operators as "IAM JSON policy elements: Condition operators" and "Conditions with multiple
 * context keys or values" (IAM User Guide) define them, compiled once per policy statement.
 */

/** What a compiled condition sees of one request. */
export interface ConditionScope {
  lookup: ContextLookup;
  /** Record a key the request lacks; `known` when the range supplies it where it applies. */
  absent(key: string, known: boolean): void;
}

export type CompiledCondition = (scope: ConditionScope) => boolean;

type Category = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn';

interface BaseOperator {
  category: Category;
  negated: boolean;
  /** Builds the positive test of one request value against one policy value. */
  compare: (policyValue: string, requestValue: string) => boolean;
}

const number = (v: string): number => (v.trim() === '' ? Number.NaN : Number(v));

/** ISO 8601 or epoch seconds ("Date condition operators"). */
function instant(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  return Date.parse(v);
}

const numeric = (test: (a: number, b: number) => boolean) => (p: string, r: string) =>
  test(number(r), number(p));
const dated = (test: (a: number, b: number) => boolean) => (p: string, r: string) =>
  test(instant(r), instant(p));

const equal = (a: number, b: number): boolean => a === b;
const less = (a: number, b: number): boolean => a < b;
const lessEq = (a: number, b: number): boolean => a <= b;
const greater = (a: number, b: number): boolean => a > b;
const greaterEq = (a: number, b: number): boolean => a >= b;

const stringEquals = (p: string, r: string): boolean => unescapeGlob(p) === r;
const stringEqualsIgnoreCase = (p: string, r: string): boolean =>
  unescapeGlob(p).toLowerCase() === r.toLowerCase();
const stringLike = (p: string, r: string): boolean => globMatches(p, r, 'plain');
const boolEquals = (p: string, r: string): boolean => unescapeGlob(p).toLowerCase() === r.toLowerCase();

const OPERATORS: Readonly<Record<string, BaseOperator>> = Object.fromEntries(
  (
    [
      ['StringEquals', 'String', false, stringEquals],
      ['StringNotEquals', 'String', true, stringEquals],
      ['StringEqualsIgnoreCase', 'String', false, stringEqualsIgnoreCase],
      ['StringNotEqualsIgnoreCase', 'String', true, stringEqualsIgnoreCase],
      ['StringLike', 'String', false, stringLike],
      ['StringNotLike', 'String', true, stringLike],
      ['NumericEquals', 'Numeric', false, numeric(equal)],
      ['NumericNotEquals', 'Numeric', true, numeric(equal)],
      ['NumericLessThan', 'Numeric', false, numeric(less)],
      ['NumericLessThanEquals', 'Numeric', false, numeric(lessEq)],
      ['NumericGreaterThan', 'Numeric', false, numeric(greater)],
      ['NumericGreaterThanEquals', 'Numeric', false, numeric(greaterEq)],
      ['DateEquals', 'Date', false, dated(equal)],
      ['DateNotEquals', 'Date', true, dated(equal)],
      ['DateLessThan', 'Date', false, dated(less)],
      ['DateLessThanEquals', 'Date', false, dated(lessEq)],
      ['DateGreaterThan', 'Date', false, dated(greater)],
      ['DateGreaterThanEquals', 'Date', false, dated(greaterEq)],
      ['Bool', 'Bool', false, boolEquals],
      ['BinaryEquals', 'Binary', false, (p: string, r: string) => p === r],
      ['IpAddress', 'Ip', false, () => false],
      ['NotIpAddress', 'Ip', true, () => false],
      ['ArnEquals', 'Arn', false, arnMatches],
      ['ArnLike', 'Arn', false, arnMatches],
      ['ArnNotEquals', 'Arn', true, arnMatches],
      ['ArnNotLike', 'Arn', true, arnMatches],
    ] as const
  ).map(([name, category, negated, compare]) => [name.toLowerCase(), { category, negated, compare }]),
);

/** Policy variables are allowed in these categories' values (the "Policy variables" line of each). */
const VARIABLE_CATEGORIES: ReadonlySet<Category> = new Set(['String', 'Bool', 'Arn']);

type Qualifier = 'ForAllValues' | 'ForAnyValue' | undefined;

/** Compile a statement's Condition block; an operator IAM does not define makes the statement never match. */
export function compileConditions(
  block: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined,
  variables: boolean,
): CompiledCondition[] {
  const out: CompiledCondition[] = [];
  for (const [operatorName, entries] of Object.entries(block ?? {})) {
    for (const [key, raw] of Object.entries(entries)) {
      const values = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v));
      out.push(compileCondition(operatorName, key, values, variables));
    }
  }
  return out;
}

function compileCondition(
  operatorName: string,
  key: string,
  values: string[],
  variables: boolean,
): CompiledCondition {
  const [qualifier, rest] = splitQualifier(operatorName);
  const lowerKey = key.toLowerCase();
  const known = isRangeContextKey(key);
  const absent = (scope: ConditionScope, value: ContextValue | undefined): boolean => {
    const missing = value === undefined || (Array.isArray(value) && value.length === 0);
    if (missing) scope.absent(key, known);
    return missing;
  };

  if (rest.toLowerCase() === 'null') {
    // "Condition operator to check existence of condition keys": true tests absence, false presence.
    const wantAbsent = values.map((v) => v.toLowerCase() === 'true');
    return (scope) => {
      const missing = absent(scope, scope.lookup(lowerKey));
      return wantAbsent.some((w) => w === missing);
    };
  }

  const ifExists = /IfExists$/i.test(rest);
  const base = OPERATORS[(ifExists ? rest.slice(0, -'IfExists'.length) : rest).toLowerCase()];
  if (!base || (qualifier !== undefined && rest.length === 0)) return () => false;

  const matchOne = compileValueTest(base, values, variables);

  return (scope) => {
    const value = scope.lookup(lowerKey);
    const requestValues = value === undefined ? [] : typeof value === 'string' ? [value] : value;
    const nullDataset =
      requestValues.length === 0 || (qualifier !== undefined && requestValues.every((v) => v === ''));
    if (absent(scope, value) || nullDataset) {
      if (ifExists) return true;
      // "Set operators for multivalued context keys": ForAllValues is true for a missing key or an empty
      // set, ForAnyValue false; a single-valued negated operator is true when the key is missing.
      if (qualifier === 'ForAllValues') return true;
      if (qualifier === 'ForAnyValue') return false;
      return base.negated;
    }
    const test = matchOne(scope.lookup);
    if (!test) return false;
    if (qualifier === 'ForAllValues') return requestValues.every((v) => test(v) !== base.negated);
    if (qualifier === 'ForAnyValue') return requestValues.some((v) => test(v) !== base.negated);
    return requestValues.some(test) !== base.negated;
  };
}

function splitQualifier(operatorName: string): [Qualifier, string] {
  const m = /^(ForAllValues|ForAnyValue):(.*)$/i.exec(operatorName);
  if (!m) return [undefined, operatorName];
  return [m[1]!.toLowerCase() === 'forallvalues' ? 'ForAllValues' : 'ForAnyValue', m[2]!];
}

/**
 * The positive test "does this request value match any policy value", resolved for the request's
 * policy variables; undefined when a variable has no value (the condition then does not match).
 */
function compileValueTest(
  base: BaseOperator,
  values: string[],
  variables: boolean,
): (lookup: ContextLookup) => ((requestValue: string) => boolean) | undefined {
  if (base.category === 'Ip') {
    const ranges = values.map(parseRange).filter((r): r is IpRange => r !== undefined);
    const test = (r: string): boolean => {
      const address = parseIp(r);
      return address !== undefined && ranges.some((range) => inRange(address, range));
    };
    return () => test;
  }
  const templates: Template[] = values.map((v) =>
    parseTemplate(v, variables && VARIABLE_CATEGORIES.has(base.category)),
  );
  if (templates.every((t) => t.fixed !== undefined)) {
    const fixed = templates.map((t) => t.fixed!);
    const test = fastTest(base, fixed);
    return () => test;
  }
  return (lookup) => {
    const resolved: string[] = [];
    for (const t of templates) {
      const r = resolveTemplate(t, lookup);
      if (r === undefined) return undefined;
      resolved.push(r);
    }
    return (r) => resolved.some((p) => base.compare(p, r));
  };
}

function fastTest(base: BaseOperator, fixed: string[]): (requestValue: string) => boolean {
  if (base.compare === stringEquals) {
    const set = new Set(fixed.map(unescapeGlob));
    return (r) => set.has(r);
  }
  if (base.compare === stringEqualsIgnoreCase || base.compare === boolEquals) {
    const set = new Set(fixed.map((p) => unescapeGlob(p).toLowerCase()));
    return (r) => set.has(r.toLowerCase());
  }
  return (r) => fixed.some((p) => base.compare(p, r));
}
