/**
 * Pieces shared by the JSON and space-delimited filter patterns: the lexer, literal values
 * (strings with `*` wildcards, numbers, `%regex%`), comparisons, and the boolean expression parser
 * (`&&` binds tighter than `||`, parentheses group). Pure code: no range imports.
 */

/** A filter pattern CloudWatch Logs would refuse (the service answers InvalidParameterException). */
export class FilterPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterPatternError';
  }
}

export type ComparisonOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

export type Literal =
  | { kind: 'string'; text: string; prefix: boolean; suffix: boolean }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'regex'; source: string; re: RegExp };

/** A JSON value as a selector found it (`undefined`: the selector matched nothing). */
export type Found = { exists: false } | { exists: true; value: unknown };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function isNumberText(text: string): boolean {
  return NUMBER.test(text);
}

/**
 * The regex subset CloudWatch Logs documents: alphanumerics, the symbols _ # = @ / ; , - (and `:`,
 * which some versions of the page list) and the operators ^ $ ? [ ] { } | \ * + . ; no parentheses,
 * no multi-byte characters.
 */
export function compileRegex(body: string): RegExp {
  if (!body) throw new FilterPatternError('Invalid filter pattern: empty regular expression');
  if (!/^[A-Za-z0-9_#=@/;,:\-^$?[\]{}|\\*+.]+$/.test(body)) {
    throw new FilterPatternError(
      `Invalid filter pattern: unsupported character in regular expression %${body}%`,
    );
  }
  try {
    return new RegExp(body);
  } catch {
    throw new FilterPatternError(`Invalid filter pattern: malformed regular expression %${body}%`);
  }
}

/** `*` at the start or end of a string literal is a wildcard; anywhere else it is a literal star. */
export function stringLiteral(text: string): Literal {
  if (text === '*') return { kind: 'string', text: '', prefix: true, suffix: true };
  const prefix = text.startsWith('*');
  const suffix = text.length > 1 && text.endsWith('*');
  return { kind: 'string', text: text.slice(prefix ? 1 : 0, suffix ? -1 : undefined), prefix, suffix };
}

function stringMatches(lit: Extract<Literal, { kind: 'string' }>, actual: string): boolean {
  if (lit.prefix && lit.suffix) return actual.includes(lit.text);
  if (lit.prefix) return actual.endsWith(lit.text);
  if (lit.suffix) return actual.startsWith(lit.text);
  return actual === lit.text;
}

/** Value-node text as the patterns compare it: strings as they are, numbers and booleans printed. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && isNumberText(value.trim())) return Number(value);
  return undefined;
}

/**
 * Compare a value node with a literal. Only strings, numbers and booleans are value nodes: a missing
 * field, null, an object or an array never satisfies a comparison, neither `=` nor `!=`.
 */
export function compare(op: ComparisonOp, lit: Literal, value: unknown): boolean {
  const text = scalarText(value);
  if (text === undefined) return false;
  if (op === '=' || op === '!=') {
    let equal: boolean;
    if (lit.kind === 'regex') equal = lit.re.test(text);
    else if (lit.kind === 'number') {
      const n = numeric(value);
      equal = n !== undefined ? n === lit.value : text === lit.text;
    } else equal = stringMatches(lit, text);
    return op === '=' ? equal : !equal;
  }
  if (lit.kind !== 'number') return false;
  const n = numeric(value);
  if (n === undefined) return false;
  switch (op) {
    case '<':
      return n < lit.value;
    case '>':
      return n > lit.value;
    case '<=':
      return n <= lit.value;
    default:
      return n >= lit.value;
  }
}

/** A character-level lexer over the pattern text; every parser error carries the offending position. */
export class Lexer {
  pos = 0;
  regexCount = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  peek(s: string): boolean {
    this.skipSpace();
    return this.text.startsWith(s, this.pos);
  }

  accept(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }

  expect(s: string): void {
    if (!this.accept(s)) this.fail(`expected '${s}'`);
  }

  /** A keyword such as IS, NULL, NOT, EXISTS, TRUE, FALSE (whole word, upper case as documented). */
  acceptWord(word: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(word, this.pos)) return false;
    const after = this.text[this.pos + word.length];
    if (after !== undefined && /[A-Za-z0-9_]/.test(after)) return false;
    this.pos += word.length;
    return true;
  }

  operator(): ComparisonOp | undefined {
    for (const op of ['!=', '<=', '>=', '=', '<', '>'] as const) if (this.accept(op)) return op;
    return undefined;
  }

  /** A literal: "quoted" (with \" and \\ escapes), %regex%, or a bare run of characters. */
  literal(): Literal {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '"') {
      const text = this.quoted();
      return stringLiteral(text);
    }
    if (c === '%') {
      const end = this.text.indexOf('%', this.pos + 1);
      if (end < 0) this.fail('unterminated regular expression');
      const body = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      // CloudWatch Logs allows two regular expressions in one JSON or space-delimited pattern.
      if (++this.regexCount > 2) this.fail('more than two regular expressions');
      return { kind: 'regex', source: body, re: compileRegex(body) };
    }
    const start = this.pos;
    while (this.pos < this.text.length && !/[\s()&|}\]",!=<>]/.test(this.text[this.pos] as string))
      this.pos++;
    const text = this.text.slice(start, this.pos);
    if (!text) this.fail('expected a value');
    if (isNumberText(text)) return { kind: 'number', value: Number(text), text };
    return stringLiteral(text);
  }

  quoted(): string {
    this.skipSpace();
    if (this.text[this.pos] !== '"') this.fail('expected a quoted string');
    let out = '';
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const ch = this.text[i] as string;
      if (ch === '\\' && i + 1 < this.text.length) {
        out += this.text[++i];
        continue;
      }
      if (ch === '"') {
        this.pos = i + 1;
        return out;
      }
      out += ch;
    }
    return this.fail('unterminated quoted string');
  }

  identifier(): string | undefined {
    this.skipSpace();
    const m = /^[A-Za-z0-9_]+/.exec(this.text.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  fail(why: string): never {
    throw new FilterPatternError(`Invalid filter pattern: ${why} at position ${this.pos} in '${this.text}'`);
  }
}

/** A boolean expression over atoms of type A. */
export type BoolExpr<A> = { op: 'and' | 'or'; items: Array<BoolExpr<A>> } | { op: 'atom'; atom: A };

/** `a || b && (c || d)`: `&&` binds tighter than `||`, parentheses group. */
export function parseBoolExpr<A>(lx: Lexer, atom: () => A): BoolExpr<A> {
  const or = (): BoolExpr<A> => {
    const items = [and()];
    while (lx.accept('||')) items.push(and());
    return items.length === 1 ? (items[0] as BoolExpr<A>) : { op: 'or', items };
  };
  const and = (): BoolExpr<A> => {
    const items = [primary()];
    while (lx.accept('&&')) items.push(primary());
    return items.length === 1 ? (items[0] as BoolExpr<A>) : { op: 'and', items };
  };
  const primary = (): BoolExpr<A> => {
    if (lx.accept('(')) {
      const inner = or();
      lx.expect(')');
      return inner;
    }
    return { op: 'atom', atom: atom() };
  };
  return or();
}

export function evaluate<A>(expr: BoolExpr<A>, test: (atom: A) => boolean): boolean {
  switch (expr.op) {
    case 'atom':
      return test(expr.atom);
    case 'and':
      return expr.items.every((e) => evaluate(e, test));
    default:
      return expr.items.some((e) => evaluate(e, test));
  }
}
