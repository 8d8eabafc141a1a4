/**
 * Metric math, the arithmetic subset: numbers, query ids, + - * /, unary minus and parentheses
 * (`errors / requests * 100`). Functions (SUM, FILL, METRICS, ...) and Metrics Insights queries are not
 * evaluated; they raise an ExpressionError that GetMetricData reports on that result alone.
 * A series combined with a series keeps the timestamps both have, as CloudWatch does.
 */

export type Series = Map<number, number>;
type Value = { kind: 'series'; points: Series } | { kind: 'scalar'; value: number };

export class ExpressionError extends Error {}

type Token = { type: 'num'; value: number } | { type: 'id'; name: string } | { type: 'op'; op: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    if (num) {
      tokens.push({ type: 'num', value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (id) {
      if (/^\s*\(/.test(text.slice(i + id[0].length)) || /^[A-Z]/.test(id[0])) {
        throw new ExpressionError(
          `The range evaluates arithmetic metric math only; '${id[0]}' is not supported.`,
        );
      }
      tokens.push({ type: 'id', name: id[0] });
      i += id[0].length;
      continue;
    }
    const ch = rest[0] as string;
    if ('+-*/()'.includes(ch)) {
      tokens.push({ type: 'op', op: ch });
      i++;
      continue;
    }
    throw new ExpressionError(`Unexpected character '${ch}' in the expression.`);
  }
  return tokens;
}

/** Evaluate `text`; `resolve` gives the series of another query id (undefined when there is none). */
export function evaluateExpression(text: string, resolve: (id: string) => Series | undefined): Value {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (op: string) => {
    const t = peek();
    return t?.type === 'op' && t.op === op;
  };

  const factor = (): Value => {
    const t = tokens[pos++];
    if (!t) throw new ExpressionError('The expression ends unexpectedly.');
    if (t.type === 'num') return { kind: 'scalar', value: t.value };
    if (t.type === 'id') {
      const points = resolve(t.name);
      if (!points) throw new ExpressionError(`Unknown metric id '${t.name}' in the expression.`);
      return { kind: 'series', points };
    }
    if (t.op === '-') return apply('*', { kind: 'scalar', value: -1 }, factor());
    if (t.op === '(') {
      const v = sum();
      if (!isOp(')')) throw new ExpressionError('Missing closing parenthesis in the expression.');
      pos++;
      return v;
    }
    throw new ExpressionError(`Unexpected '${t.op}' in the expression.`);
  };
  const product = (): Value => {
    let v = factor();
    while (isOp('*') || isOp('/')) {
      const op = (tokens[pos++] as { op: string }).op;
      v = apply(op, v, factor());
    }
    return v;
  };
  const sum = (): Value => {
    let v = product();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[pos++] as { op: string }).op;
      v = apply(op, v, product());
    }
    return v;
  };

  const result = sum();
  if (pos < tokens.length) throw new ExpressionError('Unexpected text after the end of the expression.');
  return result;
}

function arithmetic(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    default:
      return b === 0 ? undefined : a / b;
  }
}

function apply(op: string, a: Value, b: Value): Value {
  if (a.kind === 'scalar' && b.kind === 'scalar') {
    const v = arithmetic(op, a.value, b.value);
    if (v === undefined) throw new ExpressionError('Division by zero in the expression.');
    return { kind: 'scalar', value: v };
  }
  const out: Series = new Map();
  const timestamps =
    a.kind === 'series' ? [...a.points.keys()] : [...(b as { points: Series }).points.keys()];
  for (const t of timestamps) {
    const x = a.kind === 'series' ? a.points.get(t) : a.value;
    const y = b.kind === 'series' ? b.points.get(t) : b.value;
    if (x === undefined || y === undefined) continue;
    const v = arithmetic(op, x, y);
    if (v !== undefined) out.set(t, v);
  }
  return { kind: 'series', points: out };
}
