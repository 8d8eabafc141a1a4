import {
  PatternError,
  affixLeaf,
  anythingButLeaf,
  cidrLeaf,
  equalsIgnoreCaseLeaf,
  exactLeaf,
  numericLeaf,
  wildcardLeaf,
  type Leaf,
} from './pattern-leaf.js';

export { PatternError } from './pattern-leaf.js';

/**
 * EventBridge's event-pattern language, compiled once into closures.
 *
 * A pattern is a JSON object shaped like the events it matches. Each field's value is an object (a
 * nested pattern) or an array of leaf tests, which match when any of them matches (OR); the fields of
 * an object must all match (AND); `$or` holds two or more alternative sub-patterns. Where the event
 * holds an array, a leaf matches when any element matches, and a nested pattern matches when one
 * element (object) matches all of its fields. A field missing from the event matches only
 * `{"exists": false}`.
 */
export interface CompiledPattern {
  matches(event: unknown): boolean;
}

type Test = (node: unknown) => boolean;

const OPERATORS = new Set([
  'prefix',
  'suffix',
  'anything-but',
  'numeric',
  'exists',
  'wildcard',
  'equals-ignore-case',
  'cidr',
]);

/** Parse and compile a pattern's JSON text; throws PatternError with AWS's reason when it is not valid. */
export function compilePattern(text: string): CompiledPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new PatternError(`${(err as Error).message.replace(/^Unexpected/, 'Unexpected character')}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PatternError('Filter is not an object');
  }
  const test = compileObject(parsed as Record<string, unknown>, '', true);
  return { matches: test };
}

const cache = new Map<string, CompiledPattern>();
const CACHE_LIMIT = 10_000;

/** Compile through a bounded cache: rules are matched against every event, compiled once. */
export function compiledPattern(text: string): CompiledPattern {
  const hit = cache.get(text);
  if (hit) return hit;
  const compiled = compilePattern(text);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, compiled);
  return compiled;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function compileObject(pattern: Record<string, unknown>, path: string, top: boolean): Test {
  const keys = Object.keys(pattern);
  if (keys.length === 0 && !top) throw new PatternError('Empty objects are not allowed');
  const tests: Test[] = [];
  for (const key of keys) {
    const value = pattern[key];
    if (key === '$or') {
      tests.push(compileOr(value, path));
      continue;
    }
    const where = path ? `${path}.${key}` : key;
    if (isObject(value)) {
      const nested = compileObject(value, where, false);
      tests.push((node) => {
        const child = fieldOf(node, key);
        if (child === undefined) return nested(undefined);
        return Array.isArray(child) ? child.some((c) => nested(c)) : nested(child);
      });
    } else if (Array.isArray(value)) {
      const leaf = compileLeaves(value, where);
      tests.push((node) => leaf(fieldOf(node, key)));
    } else {
      throw new PatternError(`"${key}" must be an object or an array`);
    }
  }
  const [only] = tests;
  if (tests.length === 1 && only) return only;
  return (node) => {
    for (const t of tests) if (!t(node)) return false;
    return true;
  };
}

function compileOr(value: unknown, path: string): Test {
  if (!Array.isArray(value)) throw new PatternError('Or relationship must be an array');
  if (value.length < 2) throw new PatternError('Or relationship must have at least 2 terms');
  const alternatives = value.map((alt) => {
    if (!isObject(alt)) throw new PatternError('Or relationship terms must be objects');
    return compileObject(alt, path, false);
  });
  return (node) => alternatives.some((a) => a(node));
}

function fieldOf(node: unknown, key: string): unknown {
  if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
  return node[key];
}

/** The leaf values an event field holds: itself, or the elements of an array (nested arrays flattened). */
function leafValues(value: unknown, out: unknown[]): unknown[] {
  if (Array.isArray(value)) for (const v of value) leafValues(v, out);
  else if (!isObject(value)) out.push(value);
  return out;
}

/** An array of leaf tests for one field: exists tests see the field itself, the others each leaf value. */
function compileLeaves(list: unknown[], where: string): Test {
  const valueTests: Leaf[] = [];
  let whenPresent = false;
  let whenAbsent = false;
  for (const entry of list) {
    if (isObject(entry)) {
      const keys = Object.keys(entry);
      if (keys.length !== 1) {
        throw new PatternError(
          keys.length === 0
            ? 'Empty objects are not allowed'
            : `Only one key allowed in match expression (${where})`,
        );
      }
      const op = keys[0] as string;
      const arg = entry[op];
      if (!OPERATORS.has(op)) throw new PatternError(`Unrecognized match type ${op}`);
      if (op === 'exists') {
        if (typeof arg !== 'boolean')
          throw new PatternError('exists match pattern must be either true or false.');
        if (arg) whenPresent = true;
        else whenAbsent = true;
        continue;
      }
      valueTests.push(leafOf(op, arg));
    } else if (Array.isArray(entry)) {
      throw new PatternError('Match value must be String, number, true, false, or null');
    } else {
      valueTests.push(exactLeaf(entry as string | number | boolean | null));
    }
  }
  return (field) => {
    const values = field === undefined ? [] : leafValues(field, []);
    if (values.length > 0 ? whenPresent : whenAbsent) return true;
    for (const v of values) for (const t of valueTests) if (t(v)) return true;
    return false;
  };
}

function leafOf(op: string, arg: unknown): Leaf {
  switch (op) {
    case 'prefix':
    case 'suffix':
      return affixLeaf(op, arg);
    case 'anything-but':
      return anythingButLeaf(arg);
    case 'numeric':
      return numericLeaf(arg);
    case 'wildcard':
      return wildcardLeaf(arg);
    case 'equals-ignore-case':
      if (typeof arg !== 'string')
        throw new PatternError('equals-ignore-case match pattern must be a string');
      return equalsIgnoreCaseLeaf(arg);
    default:
      return cidrLeaf(arg);
  }
}

/** Validate a pattern: undefined when valid, else the reason AWS gives. */
export function patternProblem(text: string): string | undefined {
  try {
    compiledPattern(text);
    return undefined;
  } catch (err) {
    if (err instanceof PatternError) return err.message;
    throw err;
  }
}
