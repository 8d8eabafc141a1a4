import { closest } from './did-you-mean.js';

/**
 * Placeholders in scenario strings: `{{outputs.Name}}` (an Output of the scenario's template),
 * `{{actions.<id>.<Member.Path>}}` (a member of the response of the inject action with that id),
 * `{{exercise.id}}`, `{{account.id}}` and `{{region}}`. Runbooks use the same names, so a value a
 * responder reads in a runbook is the value the scenario's signals are checked against.
 */
export type PlaceholderRef =
  | { kind: 'output'; name: string }
  | { kind: 'action'; id: string; path: string[] }
  | { kind: 'exercise.id' }
  | { kind: 'account.id' }
  | { kind: 'region' };

const FIXED_REFS = ['exercise.id', 'account.id', 'region'] as const;
const OUTPUT_NAME = /^[A-Za-z0-9]+$/;
const ACTION_REF = /^actions\.([a-z0-9]+(?:-[a-z0-9]+)*)((?:\.[A-Za-z0-9_]+)+)$/;

/** One `{{...}}` occurrence: its trimmed expression and its offsets in the string. */
export interface PlaceholderToken {
  expr: string;
  start: number;
  end: number;
}

export interface PlaceholderScan {
  tokens: PlaceholderToken[];
  /** Offset of a `{{` that is never closed, if any. */
  unclosedAt?: number;
}

export function scanPlaceholders(text: string): PlaceholderScan {
  const tokens: PlaceholderToken[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('{{', from);
    if (start < 0) return { tokens };
    const end = text.indexOf('}}', start + 2);
    if (end < 0) return { tokens, unclosedAt: start };
    tokens.push({ expr: text.slice(start + 2, end).trim(), start, end: end + 2 });
    from = end + 2;
  }
}

export type ParsedPlaceholder =
  { ok: true; ref: PlaceholderRef } | { ok: false; message: string; hint?: string };

/**
 * Resolves one placeholder expression. With `outputs`, an output name must be one of them (the Outputs of
 * the scenario's template); without, any well-formed output name is accepted.
 */
export function parsePlaceholder(
  expr: string,
  outputs?: ReadonlySet<string>,
  actions?: ReadonlySet<string>,
): ParsedPlaceholder {
  if ((FIXED_REFS as readonly string[]).includes(expr))
    return { ok: true, ref: { kind: expr as (typeof FIXED_REFS)[number] } };
  if (expr.startsWith('actions.')) {
    const m = ACTION_REF.exec(expr);
    if (!m) {
      return {
        ok: false,
        message: `"{{${expr}}}" is not a valid action reference`,
        hint: 'write {{actions.<action-id>.<Member.Path>}}, like {{actions.intruder-key.AccessKey.AccessKeyId}}',
      };
    }
    const id = m[1]!;
    if (actions && !actions.has(id)) {
      const match = closest(id, actions);
      return {
        ok: false,
        message: `"{{${expr}}}" refers to an action id that no earlier inject action has`,
        hint: match
          ? `did you mean "actions.${match}"?`
          : 'give the inject action an id (id: my-action) and refer to it from later strings',
      };
    }
    return { ok: true, ref: { kind: 'action', id, path: m[2]!.slice(1).split('.') } };
  }
  if (expr.startsWith('outputs.')) {
    const name = expr.slice('outputs.'.length);
    if (!OUTPUT_NAME.test(name)) {
      return {
        ok: false,
        message: `"{{${expr}}}" is not a valid output reference`,
        hint: 'output names are letters and digits, like {{outputs.WebSgId}}',
      };
    }
    if (outputs && !outputs.has(name)) {
      const match = closest(name, outputs);
      const known = [...outputs].sort().join(', ') || 'none';
      return {
        ok: false,
        message: `"{{${expr}}}" refers to an output the template does not declare`,
        hint: match ? `did you mean "{{outputs.${match}}}"?` : `the template's Outputs: ${known}`,
      };
    }
    return { ok: true, ref: { kind: 'output', name } };
  }
  const candidates = [...FIXED_REFS, ...[...(outputs ?? [])].map((o) => `outputs.${o}`)];
  const match = closest(expr, candidates);
  return {
    ok: false,
    message: `unknown placeholder "{{${expr}}}"`,
    hint: match
      ? `did you mean "{{${match}}}"?`
      : 'placeholders are {{outputs.<Name>}}, {{actions.<id>.<Member>}}, {{exercise.id}}, {{account.id}} and {{region}}',
  };
}

export interface PlaceholderValues {
  outputs: Readonly<Record<string, string>>;
  /** Responses of inject actions that have an id. */
  actions?: Readonly<Record<string, unknown>>;
  exerciseId: string;
  accountId: string;
  region: string;
}

/** Replaces every placeholder in `text`; an unknown or unresolvable one is an error (validation prevents it). */
export function substitutePlaceholders(text: string, values: PlaceholderValues): string {
  const scan = scanPlaceholders(text);
  if (scan.unclosedAt !== undefined) throw new Error(`unclosed placeholder in ${JSON.stringify(text)}`);
  let out = '';
  let last = 0;
  for (const token of scan.tokens) {
    const parsed = parsePlaceholder(token.expr);
    if (!parsed.ok) throw new Error(parsed.message);
    out += text.slice(last, token.start) + valueOf(parsed.ref, values);
    last = token.end;
  }
  return out + text.slice(last);
}

function valueOf(ref: PlaceholderRef, values: PlaceholderValues): string {
  switch (ref.kind) {
    case 'exercise.id':
      return values.exerciseId;
    case 'account.id':
      return values.accountId;
    case 'region':
      return values.region;
    case 'output': {
      const value = values.outputs[ref.name];
      if (value === undefined) throw new Error(`the stack has no output named ${ref.name}`);
      return value;
    }
    case 'action': {
      const value = memberAt(values.actions?.[ref.id], ref.path);
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        return String(value);
      throw new Error(
        value === undefined
          ? `the response of action ${ref.id} has no ${ref.path.join('.')}`
          : `actions.${ref.id}.${ref.path.join('.')} is not a single value`,
      );
    }
  }
}

/** True when the whole string is one placeholder, so its value cannot be checked until the exercise runs. */
export function isPlaceholderOnly(text: string): boolean {
  const scan = scanPlaceholders(text);
  return scan.tokens.length === 1 && scan.tokens[0]!.start === 0 && scan.tokens[0]!.end === text.length;
}

/** A member of a response by path (`AccessKey.AccessKeyId`; list items by index: `Instances.0.InstanceId`). */
function memberAt(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
