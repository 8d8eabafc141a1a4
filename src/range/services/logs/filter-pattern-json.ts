import {
  Lexer,
  compare,
  evaluate,
  parseBoolExpr,
  type BoolExpr,
  type ComparisonOp,
  type Found,
  type Literal,
} from './filter-pattern-core.js';

/**
 * JSON filter patterns: `{ $.eventName = "StopLogging" && $.userIdentity.invokedBy NOT EXISTS }`.
 * Selectors start at `$` with `.key` steps (letters, digits, `-`, `_`) and `[n]` array steps that
 * follow a property; conditions are comparisons (`=`, `!=` with strings, wildcards or %regex%;
 * `<`, `>`, `<=`, `>=` with numbers) or `IS NULL`, `IS TRUE`, `IS FALSE`, `NOT EXISTS`.
 */

export type Step = { key: string } | { index: number };

export type JsonTest =
  | { kind: 'compare'; op: ComparisonOp; literal: Literal }
  | { kind: 'null' }
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'notExists' };

export interface JsonCondition {
  selector: Step[];
  test: JsonTest;
}

export type JsonExpr = BoolExpr<JsonCondition>;

export function parseJsonPattern(lx: Lexer): JsonExpr {
  lx.expect('{');
  const expr = parseBoolExpr(lx, () => condition(lx));
  lx.expect('}');
  if (!lx.done) lx.fail('unexpected text after the closing brace');
  return expr;
}

function condition(lx: Lexer): JsonCondition {
  const selector = parseSelector(lx);
  if (lx.acceptWord('IS')) {
    if (lx.acceptWord('NULL')) return { selector, test: { kind: 'null' } };
    if (lx.acceptWord('TRUE')) return { selector, test: { kind: 'true' } };
    if (lx.acceptWord('FALSE')) return { selector, test: { kind: 'false' } };
    lx.fail('expected NULL, TRUE or FALSE after IS');
  }
  if (lx.acceptWord('NOT')) {
    if (lx.acceptWord('EXISTS')) return { selector, test: { kind: 'notExists' } };
    lx.fail('expected EXISTS after NOT');
  }
  const op = lx.operator();
  if (!op) lx.fail('expected a comparison operator');
  const literal = lx.literal();
  if (op !== '=' && op !== '!=' && literal.kind !== 'number') lx.fail(`'${op}' needs a number`);
  return { selector, test: { kind: 'compare', op, literal } };
}

export function parseSelector(lx: Lexer): Step[] {
  lx.skipSpace();
  if (lx.text[lx.pos] !== '$') lx.fail('expected a selector starting with $');
  lx.pos++;
  const steps: Step[] = [];
  for (;;) {
    const c = lx.text[lx.pos];
    if (c === '.') {
      const m = /^[A-Za-z0-9_-]+/.exec(lx.text.slice(lx.pos + 1));
      if (!m) lx.fail('expected a property name after "."');
      steps.push({ key: m[0] });
      lx.pos += 1 + m[0].length;
    } else if (c === '[') {
      const m = /^\[(\d+)\]/.exec(lx.text.slice(lx.pos));
      if (!m) lx.fail('expected an array index');
      // An array index follows a property: `$[0]` is not a selector.
      if (steps.length === 0) lx.fail('an array index must follow a property');
      steps.push({ index: Number(m[1]) });
      lx.pos += m[0].length;
    } else break;
  }
  if (steps.length === 0) lx.fail('a selector needs at least one property');
  return steps;
}

/** `$.a.b[0]` as used by metric values and dimensions; undefined when the text is no selector. */
export function selectorFromText(text: string): Step[] | undefined {
  const lx = new Lexer(text);
  try {
    const steps = parseSelector(lx);
    return lx.done ? steps : undefined;
  } catch {
    return undefined;
  }
}

export function select(doc: unknown, steps: readonly Step[]): Found {
  let cur: unknown = doc;
  for (const step of steps) {
    if ('key' in step) {
      if (!cur || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, step.key))
        return { exists: false };
      cur = (cur as Record<string, unknown>)[step.key];
    } else {
      if (!Array.isArray(cur) || step.index >= cur.length) return { exists: false };
      cur = cur[step.index];
    }
  }
  return { exists: true, value: cur };
}

export function matchJson(expr: JsonExpr, doc: unknown): boolean {
  return evaluate(expr, (c) => {
    const found = select(doc, c.selector);
    switch (c.test.kind) {
      case 'notExists':
        return !found.exists;
      case 'null':
        return found.exists && found.value === null;
      case 'true':
        return found.exists && found.value === true;
      case 'false':
        return found.exists && found.value === false;
      default:
        return found.exists && compare(c.test.op, c.test.literal, found.value);
    }
  });
}
