import type { z } from 'zod';
import { findSignalKind, signalKindNames } from '../signals/registry.js';
import { closest, didYouMean } from './did-you-mean.js';
import type { YamlSource } from './document.js';
import type { PathSegment, Problem } from './problem.js';
import { Condition } from './schema.js';

/**
 * Turns zod issues into problems a scenario author can act on: positioned at the YAML node, worded for a
 * person (not "Invalid input"), with "did you mean" for unknown keys, values and signal kinds.
 */
export function schemaProblems(schema: z.ZodType, data: unknown, source: YamlSource): Problem[] {
  const result = schema.safeParse(data);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) =>
    issueProblems(issue as z.core.$ZodIssue, [], schema, data, source),
  );
}

function issueProblems(
  issue: z.core.$ZodIssue,
  base: PathSegment[],
  root: z.ZodType,
  data: unknown,
  source: YamlSource,
): Problem[] {
  const path = [...base, ...(issue.path as PathSegment[])];
  const value = valueAt(data, path);
  const name = label(path);
  const here = (code: string, message: string, hint?: string, opts?: { key?: boolean }) =>
    source.problem(path, code, message, hint, opts);
  // Custom messages are sentences; they get the field name unless they already say it.
  const labelled = (message: string) => (message.includes(name) ? message : `${name}: ${message}`);

  if (value === undefined && issue.code !== 'unrecognized_keys' && path.length > 0) {
    return missingField(path, root, data, source);
  }
  switch (issue.code) {
    case 'invalid_type':
      return [
        here('wrong-type', `${name}: expected ${expectedName(issue.expected)}, got ${typeName(value)}`),
      ];
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      const hint = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
      return [
        here('invalid-value', `${name}: must be one of ${allowed.join(', ')}; got ${show(value)}`, hint),
      ];
    }
    case 'unrecognized_keys': {
      const known = objectKeys(schemaAt(root, path));
      return issue.keys.map((key) => {
        const hint =
          didYouMean(key, known) ?? (known.length > 0 ? `allowed keys: ${known.join(', ')}` : undefined);
        return source.problem([...path, key], 'unknown-key', `unknown key "${key}"`, hint, { key: true });
      });
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'string') {
        const text =
          issue.code === 'too_small' && Number(bound) === 1
            ? 'must not be empty'
            : `must be ${word} ${bound} characters`;
        return [here('out-of-range', `${name}: ${text}`)];
      }
      if (issue.origin === 'array')
        return [
          here('out-of-range', `${name}: must list ${word} ${bound} item${Number(bound) === 1 ? '' : 's'}`),
        ];
      return [here('out-of-range', `${name}: must be ${word} ${bound}; got ${show(value)}`)];
    }
    case 'invalid_format':
      return [here('invalid-format', labelled(issue.message))];
    case 'invalid_union':
      if (schemaAt(root, path) === Condition) return conditionProblems(path, value, root, data, source);
      return [here('wrong-type', `${name}: ${unionExpectation(issue)}; got ${typeName(value)}`)];
    default:
      return [here('invalid-value', labelled(issue.message))];
  }
}

/**
 * A required field is absent. When the same mapping has an unknown key that looks like a misspelling of
 * it, the unknown-key problem (with its "did you mean") says everything, so this one stays quiet.
 */
function missingField(path: PathSegment[], root: z.ZodType, data: unknown, source: YamlSource): Problem[] {
  const field = String(path[path.length - 1]);
  const parentPath = path.slice(0, -1);
  const parent = valueAt(data, parentPath);
  if (isRecord(parent)) {
    const known = objectKeys(schemaAt(root, parentPath));
    const strays = Object.keys(parent).filter((k) => !known.includes(k));
    if (strays.some((k) => closest(k, known) === field)) return [];
  }
  const hint = describe(schemaAt(root, path));
  return [source.problem(parentPath, 'missing-field', `missing required field "${field}"`, hint)];
}

/** A condition is `{ <kind>: params }`; explain which part is wrong rather than "no union member matched". */
function conditionProblems(
  path: PathSegment[],
  value: unknown,
  root: z.ZodType,
  data: unknown,
  source: YamlSource,
): Problem[] {
  const example = 'like { sgIngress: { group: ..., port: 22, expect: absent } }';
  if (!isRecord(value) || Object.keys(value).length === 0) {
    return [
      source.problem(
        path,
        'invalid-condition',
        `${label(path)}: a condition is a mapping with one key naming a signal kind, ${example}; got ${typeName(value)}`,
      ),
    ];
  }
  const keys = Object.keys(value);
  const kindKeys = keys.filter((k) => findSignalKind(k));
  if (keys.length > 1) {
    const strays = keys.filter((k) => !findSignalKind(k));
    const hint =
      kindKeys.length === 1
        ? `indent ${strays.map((k) => `"${k}"`).join(', ')} under "${kindKeys[0]}"`
        : 'write each signal as its own list item';
    return [
      source.problem(
        path,
        'invalid-condition',
        `${label(path)}: a condition names exactly one signal kind; found keys ${keys.join(', ')}`,
        hint,
      ),
    ];
  }
  const key = keys[0]!;
  const kind = findSignalKind(key);
  if (!kind) {
    return [
      source.problem(
        [...path, key],
        'unknown-signal-kind',
        `unknown signal kind "${key}"`,
        didYouMean(key, signalKindNames) ?? `signal kinds: ${signalKindNames.join(', ')}`,
        { key: true },
      ),
    ];
  }
  const parsed = kind.params.safeParse(value[key]);
  if (parsed.success) return [];
  return parsed.error.issues.flatMap((i) =>
    issueProblems(i as z.core.$ZodIssue, [...path, key], root, data, source),
  );
}

function unionExpectation(issue: z.core.$ZodIssue & { code: 'invalid_union' }): string {
  const expected = new Set<string>();
  for (const branch of issue.errors) {
    for (const i of branch)
      if (i.code === 'invalid_type' && i.path.length === 0) expected.add(expectedName(i.expected));
  }
  return expected.size > 0 ? `expected ${[...expected].join(' or ')}` : 'does not match any allowed form';
}

// ---------------------------------------------------------------------------------------------------------
// Walking zod schemas alongside data paths, to find the keys an object allows and a field's description.

type Def = { type: string; [k: string]: unknown };

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

function unwrap(schema: unknown): unknown {
  for (let i = 0; i < 20; i++) {
    const def = defOf(schema);
    if (!def) return schema;
    if (
      ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)
    ) {
      schema = def.innerType;
    } else if (def.type === 'pipe') schema = def.in;
    else if (def.type === 'lazy') schema = (def.getter as () => unknown)();
    else return schema;
  }
  return schema;
}

/** The schema that validates the value at `path`, or undefined if the path leaves the schema. */
export function schemaAt(root: unknown, path: readonly PathSegment[]): unknown {
  let schema: unknown = root;
  for (const seg of path) {
    const s = unwrap(schema);
    const def = defOf(s);
    if (!def) return undefined;
    if (def.type === 'object') schema = (def.shape as Record<string, unknown>)[String(seg)];
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'record') schema = def.valueType;
    else if (def.type === 'union') {
      const option = (def.options as unknown[])
        .map((o) => defOf(unwrap(o)))
        .find((d) => d?.type === 'object' && Object.hasOwn(d.shape as object, String(seg)));
      schema = option ? (option.shape as Record<string, unknown>)[String(seg)] : undefined;
    } else return undefined;
    if (schema === undefined) return undefined;
  }
  return schema;
}

function objectKeys(schema: unknown): string[] {
  const def = defOf(unwrap(schema));
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

function describe(schema: unknown): string | undefined {
  return (schema as { description?: string } | undefined)?.description;
}

// ---------------------------------------------------------------------------------------------------------

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
    else if (isRecord(v)) v = Object.hasOwn(v, seg) ? v[seg as string] : undefined;
    else return undefined;
  }
  return v;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** How a problem names the field it is about: the last named segment, with an index when in a list. */
function label(path: readonly PathSegment[]): string {
  if (path.length === 0) return 'scenario';
  const last = path[path.length - 1]!;
  if (typeof last === 'number') {
    const parent = path[path.length - 2];
    return parent === undefined ? `item ${last}` : `${String(parent)}[${last}]`;
  }
  return last;
}

export function typeName(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `a string (${show(v)})`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `${v}`;
  return typeof v;
}

function expectedName(expected: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    object: 'a mapping',
    array: 'a list',
    record: 'a mapping',
  };
  return names[expected] ?? expected;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
