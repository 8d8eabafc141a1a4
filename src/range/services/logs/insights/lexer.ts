/**
 * Tokens of the CloudWatch Logs Insights query language ("CloudWatch Logs Insights language query
 * syntax"): commands separated by `|`, comments from `#` to the end of the line, field names (with `@`
 * and `.`, or any characters between backticks), strings in double or single quotes, regular
 * expressions between slashes, numbers and time periods (`5m`).
 */

export class QueryCompileError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
    this.name = 'QueryCompileError';
  }
}

export type TokenKind = 'ident' | 'string' | 'regex' | 'number' | 'period' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The identifier, the string's or regex's content, the operator, the number's text. */
  text: string;
  start: number;
  end: number;
  /** Backticks around an identifier: it is a field name, never a keyword. */
  quoted?: boolean;
}

const OPERATORS = [
  '!=',
  '<=',
  '>=',
  '=~',
  '|',
  ',',
  '(',
  ')',
  '[',
  ']',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
];
/** Words after which a `/` opens a regular expression rather than dividing. */
const BEFORE_OPERAND = new Set(['like', 'and', 'or', 'not', 'in', 'filter', 'parse', 'as', 'by']);
const PERIOD = /^(\d+)(ms|s|m|h|d|w|mo|q|y)(?![A-Za-z0-9_])/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const operandExpected = (): boolean => {
    const prev = tokens[tokens.length - 1];
    if (!prev) return true;
    if (prev.kind === 'op') return prev.text !== ')' && prev.text !== ']';
    if (prev.kind === 'ident' && !prev.quoted && BEFORE_OPERAND.has(prev.text.toLowerCase())) return true;
    // `parse @message /(?<x>...)/`: the field after `parse` is followed by the pattern.
    const before = tokens[tokens.length - 2];
    return prev.kind === 'ident' && before?.kind === 'ident' && before.text.toLowerCase() === 'parse';
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const n = text[i + 1] as string;
          value += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          i += 2;
        } else value += text[i++];
      }
      if (i >= text.length) throw new QueryCompileError('unterminated string', start, text.length);
      i++;
      tokens.push({ kind: 'string', text: value, start, end: i });
      continue;
    }
    if (c === '`') {
      const close = text.indexOf('`', i + 1);
      if (close === -1) throw new QueryCompileError('unterminated field name', start, text.length);
      tokens.push({ kind: 'ident', text: text.slice(i + 1, close), start, end: close + 1, quoted: true });
      i = close + 1;
      continue;
    }
    if (c === '/' && operandExpected()) {
      let j = i + 1;
      let body = '';
      while (j < text.length && text[j] !== '/') {
        if (text[j] === '\\' && j + 1 < text.length) {
          // `\/` is a slash inside the expression; other escapes belong to the regex.
          body += text[j + 1] === '/' ? '/' : text.slice(j, j + 2);
          j += 2;
        } else body += text[j++];
      }
      if (j >= text.length)
        throw new QueryCompileError('unterminated regular expression', start, text.length);
      tokens.push({ kind: 'regex', text: body, start, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const period = PERIOD.exec(text.slice(i));
      if (period) {
        tokens.push({ kind: 'period', text: period[0], start, end: i + period[0].length });
        i += period[0].length;
        continue;
      }
      const num = /^\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', text: num[0], start, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    if (/[A-Za-z_@$]/.test(c)) {
      let j = i;
      while (j < text.length && /[A-Za-z0-9_@$.]/.test(text[j] as string)) j++;
      tokens.push({ kind: 'ident', text: text.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new QueryCompileError(`unexpected symbol found ${c}`, start, start + 1);
    tokens.push({ kind: 'op', text: op, start, end: i + op.length });
    i += op.length;
  }
  tokens.push({ kind: 'eof', text: '', start: text.length, end: text.length });
  return tokens;
}
