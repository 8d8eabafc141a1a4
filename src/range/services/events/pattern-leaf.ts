/**
 * The leaf matchers of EventBridge's event-pattern language: one compiled test per entry of a field's
 * array in the pattern. Pure; `pattern.ts` validates a pattern and builds these.
 */

export type Leaf = (value: unknown) => boolean;

/** A pattern a customer wrote wrongly; the API answers InvalidEventPatternException with its reason. */
export class PatternError extends Error {}

const fail = (reason: string): never => {
  throw new PatternError(reason);
};

/** Exact values compare as JSON does: strings to strings, numbers by value, true/false/null. */
export function exactLeaf(expected: string | number | boolean | null): Leaf {
  return (v) => v === expected;
}

export function equalsIgnoreCaseLeaf(expected: string): Leaf {
  const want = expected.toLowerCase();
  return (v) => typeof v === 'string' && v.toLowerCase() === want;
}

type StringTest = (s: string) => boolean;

/** `"prefix"`/`"suffix"` with a string or `{ "equals-ignore-case": string }`. */
function affixTest(kind: 'prefix' | 'suffix', arg: unknown, where: string): StringTest {
  let value: unknown = arg;
  let ignoreCase = false;
  if (arg !== null && typeof arg === 'object' && !Array.isArray(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case')
      fail(`Unsupported ${kind} pattern: ${JSON.stringify(arg)}`);
    value = (arg as Record<string, unknown>)['equals-ignore-case'];
    ignoreCase = true;
  }
  if (typeof value !== 'string') fail(`${kind} match pattern must be a string${where}`);
  const want = ignoreCase ? (value as string).toLowerCase() : (value as string);
  const cut = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  return kind === 'prefix' ? (s) => cut(s).startsWith(want) : (s) => cut(s).endsWith(want);
}

export function affixLeaf(kind: 'prefix' | 'suffix', arg: unknown): Leaf {
  const test = affixTest(kind, arg, '');
  return (v) => typeof v === 'string' && test(v);
}

/**
 * `*` stands for any run of characters; `\*` is a literal star and `\\` a literal backslash. Two stars
 * in a row are refused, as EventBridge refuses them.
 */
export function wildcardTest(pattern: unknown): StringTest {
  if (typeof pattern !== 'string') fail('wildcard match pattern must be a string');
  const p = pattern as string;
  let source = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '\\') {
      const next = p[i + 1];
      if (next !== '*' && next !== '\\') fail(`Invalid escape character at pos ${i}`);
      source += next === '*' ? '\\*' : '\\\\';
      i++;
    } else if (c === '*') {
      if (p[i + 1] === '*') fail(`Consecutive wildcard characters at pos ${i + 1}`);
      source += '[\\s\\S]*';
    } else {
      source += c.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  const re = new RegExp(`^${source}$`);
  return (s) => re.test(s);
}

export function wildcardLeaf(pattern: unknown): Leaf {
  const test = wildcardTest(pattern);
  return (v) => typeof v === 'string' && test(v);
}

/**
 * `anything-but`: a value, a list of strings or of numbers, or an object with one of `prefix`,
 * `suffix`, `equals-ignore-case`, `wildcard`. Matches a present value that is none of them.
 */
export function anythingButLeaf(arg: unknown): Leaf {
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail('Inside anything but list, start|end array is not allowed');
    const strings = arg.every((x) => typeof x === 'string');
    const numbers = arg.every((x) => typeof x === 'number');
    if (!strings && !numbers)
      fail('Inside anything but list, either all values are number or string, mixed type is not supported');
    const set = new Set<unknown>(arg);
    return (v) => v !== undefined && !set.has(v);
  }
  if (typeof arg === 'string' || typeof arg === 'number') return (v) => v !== undefined && v !== arg;
  if (arg === null || typeof arg !== 'object')
    fail('Value of anything-but must be an array or single string/number value.');
  const keys = Object.keys(arg as object);
  if (keys.length !== 1)
    fail('Inside anything but, only one of prefix, suffix, equals-ignore-case or wildcard is allowed');
  const kind = keys[0] as string;
  const inner = (arg as Record<string, unknown>)[kind];
  let test: StringTest;
  switch (kind) {
    case 'prefix':
    case 'suffix':
      if (typeof inner !== 'string') fail(`${kind} match pattern must be a string`);
      test = affixTest(kind, inner, '');
      break;
    case 'equals-ignore-case': {
      const list = Array.isArray(inner) ? inner : [inner];
      if (list.length === 0 || !list.every((x) => typeof x === 'string'))
        fail('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
      const set = new Set(list.map((x) => (x as string).toLowerCase()));
      test = (s) => set.has(s.toLowerCase());
      break;
    }
    case 'wildcard': {
      const list = Array.isArray(inner) ? inner : [inner];
      if (list.length === 0) fail('wildcard match pattern must be a string');
      const tests = list.map((x) => wildcardTest(x));
      test = (s) => tests.some((t) => t(s));
      break;
    }
    default:
      return fail(`Unsupported anything-but pattern: ${kind}`);
  }
  return (v) => typeof v === 'string' && !test(v);
}

const NUMERIC_LIMIT = 5e9;

/** `numeric`: `["=", n]`, or one or two bounds (`>`/`>=` then `<`/`<=`), numbers within ±5.0E9. */
export function numericLeaf(arg: unknown): Leaf {
  if (!Array.isArray(arg) || arg.length === 0) fail('Value of numeric must be an array.');
  const list = arg as unknown[];
  const number = (x: unknown): number => {
    if (typeof x !== 'number') return fail('Value of numeric must be a number.');
    if (x < -NUMERIC_LIMIT || x > NUMERIC_LIMIT)
      fail('Value of numeric must be between -5.0E9 and 5.0E9 inclusive');
    return x;
  };
  if (list[0] === '=') {
    if (list.length !== 2) fail('Value of numeric must be an array with an equals operator and one number.');
    const n = number(list[1]);
    return (v) => typeof v === 'number' && v === n;
  }
  let lower = -Infinity;
  let lowerOpen = true;
  let upper = Infinity;
  let upperOpen = true;
  let haveLower = false;
  let haveUpper = false;
  for (let i = 0; i < list.length; i += 2) {
    const op = list[i];
    if (i + 1 >= list.length) fail(`Value of ${String(op)} must be a number.`);
    const n = number(list[i + 1]);
    if (op === '>' || op === '>=') {
      if (haveLower) fail('Too many terms in numeric range expression');
      haveLower = true;
      lower = n;
      lowerOpen = op === '>';
    } else if (op === '<' || op === '<=') {
      if (haveUpper) fail('Too many terms in numeric range expression');
      haveUpper = true;
      upper = n;
      upperOpen = op === '<';
    } else {
      fail(`Unrecognized numeric range operator: ${JSON.stringify(op)}`);
    }
  }
  if (haveLower && haveUpper && lower >= upper) fail('Bottom must be less than top');
  return (v) =>
    typeof v === 'number' && (lowerOpen ? v > lower : v >= lower) && (upperOpen ? v < upper : v <= upper);
}

/** `cidr`: an IPv4 or IPv6 block; matches an address string inside it. */
export function cidrLeaf(arg: unknown): Leaf {
  if (typeof arg !== 'string') fail('cidr match pattern must be a string');
  const [addr, bitsText, extra] = (arg as string).split('/');
  const bytes = addressBytes(addr ?? '');
  const bits = Number(bitsText);
  if (
    extra !== undefined ||
    !bytes ||
    bitsText === undefined ||
    !/^\d+$/.test(bitsText) ||
    bits > bytes.length * 8
  ) {
    return fail(`Malformed CIDR, one '/' required: ${String(arg)}`);
  }
  return (v) => {
    if (typeof v !== 'string') return false;
    const ip = addressBytes(v);
    if (!ip || ip.length !== bytes.length) return false;
    for (let b = 0; b < bits; b++) {
      const mask = 0x80 >> (b % 8);
      if (((ip[b >> 3] ?? 0) & mask) !== ((bytes[b >> 3] ?? 0) & mask)) return false;
    }
    return true;
  };
}

/** The bytes of an IPv4 (4) or IPv6 (16) address, or undefined when the text is neither. */
export function addressBytes(text: string): number[] | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    return parts.every((p) => p <= 255) ? parts : undefined;
  }
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      const n = parseInt(g, 16);
      out.push(n >> 8, n & 0xff);
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 16 ? head : undefined;
  const fill = 16 - head.length - tail.length;
  if (fill < 2) return undefined;
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}
