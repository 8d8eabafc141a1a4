import {
  compare,
  evaluate,
  parseBoolExpr,
  type BoolExpr,
  type ComparisonOp,
  type Lexer,
  type Literal,
} from './filter-pattern-core.js';

/**
 * Space-delimited filter patterns: `[ip, user, ..., status_code = 4* || status_code = 5*, bytes > 1000]`.
 * Each slot is a field of the log line: a name, optionally with conditions joined by `&&`/`||`; `...`
 * stands for any number of fields; an empty slot (`[a,,b]`, a trailing comma) is an unnamed field.
 * Conditions in a slot test that slot's field (`[w1=ERROR || w1=WARN, w2]`).
 */

export interface SlotCondition {
  op: ComparisonOp;
  literal: Literal;
}

export type Slot =
  { ellipsis: true } | { ellipsis: false; name?: string; condition?: BoolExpr<SlotCondition> };

export interface DelimitedPattern {
  slots: Slot[];
}

export function parseDelimitedPattern(lx: Lexer): DelimitedPattern {
  lx.expect('[');
  const slots: Slot[] = [];
  for (;;) {
    slots.push(slot(lx));
    if (lx.accept(',')) continue;
    lx.expect(']');
    break;
  }
  if (!lx.done) lx.fail('unexpected text after the closing bracket');
  const names = new Set<string>();
  for (const s of slots) {
    if (s.ellipsis || !s.name) continue;
    if (names.has(s.name)) lx.fail(`the field name '${s.name}' is used twice`);
    names.add(s.name);
  }
  return { slots };
}

function slot(lx: Lexer): Slot {
  if (lx.accept('...')) return { ellipsis: true };
  if (lx.peek(',') || lx.peek(']')) return { ellipsis: false };
  const start = lx.pos;
  if (lx.peek('(')) {
    const condition = parseBoolExpr(lx, () => slotCondition(lx));
    return { ellipsis: false, name: firstName(lx.text.slice(start, lx.pos)), condition };
  }
  const name = lx.identifier();
  if (!name) lx.fail('expected a field name');
  if (lx.peek(',') || lx.peek(']')) return { ellipsis: false, name };
  lx.pos = start;
  const condition = parseBoolExpr(lx, () => slotCondition(lx));
  return { ellipsis: false, name, condition };
}

function firstName(text: string): string | undefined {
  return /[A-Za-z0-9_]+/.exec(text)?.[0];
}

function slotCondition(lx: Lexer): SlotCondition {
  if (!lx.identifier()) lx.fail('expected a field name');
  const op = lx.operator();
  if (!op) lx.fail('expected a comparison operator');
  const literal = lx.literal();
  if (op !== '=' && op !== '!=' && literal.kind !== 'number') lx.fail(`'${op}' needs a number`);
  return { op, literal };
}

/**
 * Split a log line into fields: runs of whitespace separate fields; text between double quotes or
 * square brackets is one field (without its delimiters).
 */
export function splitFields(message: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = message.length;
  while (i < n) {
    while (i < n && /\s/.test(message[i] as string)) i++;
    if (i >= n) break;
    const c = message[i];
    if (c === '"' || c === '[') {
      const close = c === '"' ? '"' : ']';
      const end = message.indexOf(close, i + 1);
      out.push(message.slice(i + 1, end < 0 ? n : end));
      i = end < 0 ? n : end + 1;
      continue;
    }
    const start = i;
    while (i < n && !/\s/.test(message[i] as string)) i++;
    out.push(message.slice(start, i));
  }
  return out;
}

/** The extracted values (`$name`, or `$<position>` for unnamed fields) when the line matches. */
export function matchDelimited(
  pattern: DelimitedPattern,
  message: string,
): Record<string, string> | undefined {
  const fields = splitFields(message);
  const slots = pattern.slots;
  // owner[j] is the slot index that took field j (-1: taken by an ellipsis).
  const owner: number[] = [];
  const place = (i: number, j: number): boolean => {
    if (i === slots.length) return j === fields.length;
    const s = slots[i] as Slot;
    if (s.ellipsis) {
      for (let k = fields.length; k >= j; k--) {
        for (let m = j; m < k; m++) owner[m] = -1;
        if (place(i + 1, k)) return true;
      }
      return false;
    }
    if (j >= fields.length) return false;
    const value = fields[j] as string;
    if (s.condition && !evaluate(s.condition, (c) => compare(c.op, c.literal, value))) return false;
    owner[j] = i;
    return place(i + 1, j + 1);
  };
  if (!place(0, 0)) return undefined;
  const extracted: Record<string, string> = {};
  fields.forEach((value, j) => {
    const s = slots[owner[j] ?? -1];
    const name = s && !s.ellipsis ? s.name : undefined;
    extracted[name ? `$${name}` : `$${j + 1}`] = value;
  });
  return extracted;
}
