/**
 * A Logs Insights query as data: the commands the syntax pages document that responders use
 * (`fields`, `display`, `filter`, `stats ... by`, `sort`, `limit`, `dedup`, `parse`), with expressions
 * of comparison, Boolean, arithmetic, `like`/`=~` (substring or regex), `in [...]` and functions.
 * Anything else fails to compile with its position, as AWS's MalformedQueryException reports it.
 */
import { QueryCompileError, tokenize, type Token } from './lexer.js';
import { AGGREGATE_ARITY, AGGREGATES, FUNCTIONS } from './functions.js';
import {
  aggregateIn,
  compileRegex,
  globPattern,
  PERIOD_MS,
  UNSUPPORTED_COMMANDS,
  type Command,
  type Expr,
  type Named,
  type Query,
} from './syntax.js';

class Parser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  private fail(t: Token, what?: string): never {
    const found = t.kind === 'eof' ? 'end of query' : `symbol found ${this.text.slice(t.start, t.end)}`;
    throw new QueryCompileError(what ?? `unexpected ${found}`, t.start, Math.max(t.end, t.start + 1));
  }
  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && !t.quoted && t.text.toLowerCase() === word;
  }
  private isOp(op: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === op;
  }
  private expectOp(op: string): void {
    if (!this.isOp(op)) this.fail(this.peek());
    this.next();
  }
  private fieldName(): string {
    const t = this.next();
    if (t.kind !== 'ident') this.fail(t);
    return t.text;
  }

  query(): Query {
    const commands: Command[] = [];
    if (this.peek().kind === 'eof') this.fail(this.peek(), 'the query is empty');
    for (;;) {
      commands.push(this.command());
      if (this.peek().kind === 'eof') break;
      this.expectOp('|');
    }
    return { commands };
  }

  private command(): Command {
    const t = this.next();
    const word = t.kind === 'ident' && !t.quoted ? t.text.toLowerCase() : '';
    switch (word) {
      case 'fields':
        return { k: 'fields', items: this.namedList(false) };
      case 'display':
        return { k: 'display', items: this.namedList(false) };
      case 'filter': {
        const start = this.peek().start;
        const expr = this.expr();
        this.noAggregate(expr, start);
        return { k: 'filter', expr };
      }
      case 'stats':
        return this.stats();
      case 'sort':
        return this.sort();
      case 'limit':
      case 'head': {
        const n = this.next();
        if (n.kind !== 'number' || !/^\d+$/.test(n.text)) this.fail(n, 'limit takes a whole number');
        const value = Number(n.text);
        if (value < 1) this.fail(n, 'limit must be at least 1');
        return { k: 'limit', n: value };
      }
      case 'dedup': {
        const fields = [this.fieldName()];
        while (this.isOp(',')) {
          this.next();
          fields.push(this.fieldName());
        }
        return { k: 'dedup', fields };
      }
      case 'parse':
        return this.parse();
      default:
        if (UNSUPPORTED_COMMANDS.has(word))
          this.fail(t, `the range does not support the ${t.text} command (AWS does)`);
        this.fail(t, t.kind === 'ident' ? `unknown command ${t.text}` : undefined);
    }
  }

  /** `a, b as c, f(x) as d`: each item keeps the text it was written as, for its result column. */
  private namedList(aggregates: boolean): Named[] {
    const items: Named[] = [];
    do {
      if (items.length) this.next();
      const start = this.peek().start;
      const expr = this.expr();
      if (aggregates && !(expr.k === 'call' && AGGREGATES.has(expr.fn))) {
        this.fail(this.tokens[this.pos - 1] as Token, 'stats needs an aggregation function');
      }
      if (!aggregates) this.noAggregate(expr, start);
      const written = this.text.slice(start, (this.tokens[this.pos - 1] as Token).end).trim();
      let name = expr.k === 'field' ? expr.name : written;
      if (this.isWord('as')) {
        this.next();
        name = this.fieldName();
      }
      items.push({ expr, name });
    } while (this.isOp(','));
    return items;
  }

  /** Aggregation functions belong to stats (and to sort, which names a stats column). */
  private noAggregate(expr: Expr, start: number): void {
    const found = aggregateIn(expr);
    if (found) {
      const end = (this.tokens[this.pos - 1] as Token).end;
      throw new QueryCompileError(`${found} is an aggregation function: use it in stats`, start, end);
    }
  }

  private stats(): Command {
    const aggregates = this.namedList(true);
    let by: Named[] = [];
    if (this.isWord('by')) {
      this.next();
      by = this.namedList(false);
    }
    return { k: 'stats', aggregates, by };
  }

  private sort(): Command {
    const keys: Array<{ expr: Expr; desc: boolean }> = [];
    do {
      if (keys.length) this.next();
      const expr = this.expr();
      // `sort f` alone sorts ascending ("sort": asc or desc by a field).
      let desc = false;
      if (this.isWord('desc') || this.isWord('asc')) desc = this.next().text.toLowerCase() === 'desc';
      keys.push({ expr, desc });
    } while (this.isOp(','));
    return { k: 'sort', keys };
  }

  private parse(): Command {
    const source = this.fieldName();
    const p = this.next();
    if (p.kind === 'regex') {
      const pattern = compileRegex(p.text, p);
      const names = [...p.text.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1] as string);
      if (!names.length) this.fail(p, 'parse with a regular expression needs named capturing groups');
      return { k: 'parse', source, pattern, names };
    }
    if (p.kind !== 'string') this.fail(p);
    const parts = p.text.split('*');
    if (parts.length < 2) this.fail(p, 'parse pattern needs at least one *');
    if (!this.isWord('as')) this.fail(this.peek(), 'parse needs as followed by field names');
    this.next();
    const names = [this.fieldName()];
    while (this.isOp(',')) {
      this.next();
      names.push(this.fieldName());
    }
    if (names.length !== parts.length - 1) {
      this.fail(p, `parse pattern has ${parts.length - 1} * but ${names.length} field names`);
    }
    return { k: 'parse', source, pattern: globPattern(p.text), names };
  }

  // ---- expressions, loosest first ----
  expr(): Expr {
    let l = this.and();
    while (this.isWord('or')) {
      this.next();
      l = { k: 'bin', op: 'or', l, r: this.and() };
    }
    return l;
  }
  private and(): Expr {
    let l = this.not();
    while (this.isWord('and')) {
      this.next();
      l = { k: 'bin', op: 'and', l, r: this.not() };
    }
    return l;
  }
  private not(): Expr {
    if (this.isWord('not') && !this.isWord('in', 1) && !this.isWord('like', 1)) {
      this.next();
      return { k: 'not', e: this.not() };
    }
    return this.comparison();
  }
  private comparison(): Expr {
    const l = this.additive();
    const t = this.peek();
    if (t.kind === 'op' && ['=', '!=', '<', '<=', '>', '>=', '=~'].includes(t.text)) {
      this.next();
      return { k: 'bin', op: t.text, l, r: t.text === '=~' ? this.matcher() : this.additive() };
    }
    const negated = this.isWord('not') && (this.isWord('in', 1) || this.isWord('like', 1));
    if (negated) this.next();
    if (this.isWord('like')) {
      this.next();
      const e: Expr = { k: 'bin', op: 'like', l, r: this.matcher() };
      return negated ? { k: 'not', e } : e;
    }
    if (this.isWord('in')) {
      this.next();
      const e: Expr = { k: 'bin', op: 'in', l, r: this.list() };
      return negated ? { k: 'not', e } : e;
    }
    return l;
  }
  private matcher(): Expr {
    const t = this.peek();
    if (t.kind === 'regex') {
      this.next();
      return { k: 'regex', re: compileRegex(t.text, t) };
    }
    if (t.kind === 'string') {
      this.next();
      return { k: 'lit', value: t.text };
    }
    return this.fail(t, 'like and =~ take a "string" or a /regular expression/');
  }
  private list(): Expr {
    this.expectOp('[');
    const items: Expr[] = [];
    if (!this.isOp(']')) {
      items.push(this.additive());
      while (this.isOp(',')) {
        this.next();
        items.push(this.additive());
      }
    }
    this.expectOp(']');
    return { k: 'list', items };
  }
  private additive(): Expr {
    let l = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text;
      l = { k: 'bin', op, l, r: this.multiplicative() };
    }
    return l;
  }
  private multiplicative(): Expr {
    let l = this.power();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().text;
      l = { k: 'bin', op, l, r: this.power() };
    }
    return l;
  }
  private power(): Expr {
    const l = this.unary();
    if (this.isOp('^')) {
      this.next();
      return { k: 'bin', op: '^', l, r: this.power() };
    }
    return l;
  }
  private unary(): Expr {
    if (this.isOp('-')) {
      this.next();
      return { k: 'neg', e: this.unary() };
    }
    return this.primary();
  }
  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { k: 'lit', value: Number(t.text) };
      case 'string':
        return { k: 'lit', value: t.text };
      case 'regex':
        return { k: 'regex', re: compileRegex(t.text, t) };
      case 'period': {
        const m = /^(\d+)([a-z]+)$/.exec(t.text) as RegExpExecArray;
        return { k: 'period', ms: Number(m[1]) * (PERIOD_MS[m[2] as string] ?? 0) };
      }
      case 'op':
        if (t.text === '(') {
          const e = this.expr();
          this.expectOp(')');
          return e;
        }
        if (t.text === '[') {
          this.pos--;
          return this.list();
        }
        if (t.text === '*') return { k: 'star' };
        return this.fail(t);
      case 'ident': {
        if (!t.quoted && this.isOp('(')) return this.call(t);
        if (!t.quoted && ['true', 'false'].includes(t.text.toLowerCase()))
          return { k: 'lit', value: t.text.toLowerCase() === 'true' ? 1 : 0 };
        return { k: 'field', name: t.text };
      }
      default:
        return this.fail(t);
    }
  }
  private call(name: Token): Expr {
    const fn = name.text.toLowerCase();
    const spec = FUNCTIONS[fn] ?? AGGREGATE_ARITY[fn];
    if (!spec) this.fail(name, `unknown function ${name.text}`);
    this.expectOp('(');
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      args.push(this.expr());
      while (this.isOp(',')) {
        this.next();
        args.push(this.expr());
      }
    }
    const close = this.peek();
    this.expectOp(')');
    if (args.length < spec.min || args.length > spec.max) {
      throw new QueryCompileError(
        `${name.text} takes ${spec.min === spec.max ? spec.min : `${spec.min} to ${spec.max}`} arguments`,
        name.start,
        close.end,
      );
    }
    if (args.some((a) => a.k === 'star') && fn !== 'count')
      throw new QueryCompileError(`${name.text} does not take *`, name.start, close.end);
    return { k: 'call', fn, args };
  }
}

/** Compile a query string, or throw QueryCompileError with the offending characters' offsets. */
export function parseQuery(text: string): Query {
  const query = new Parser(text, tokenize(text)).query();
  checkOrder(query, text);
  return query;
}

/** "The only query command that you can use in a query after the dedup command is limit." */
function checkOrder(query: Query, text: string): void {
  const dedup = query.commands.findIndex((c) => c.k === 'dedup');
  if (dedup !== -1 && query.commands.slice(dedup + 1).some((c) => c.k !== 'limit')) {
    throw new QueryCompileError('only limit may follow dedup', 0, text.length);
  }
}
