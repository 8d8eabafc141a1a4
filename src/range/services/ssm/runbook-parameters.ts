import { ServiceError } from '../../errors.js';
import { record } from '../../records.js';
import { shown } from './aws-api.js';
import type { DeclaredParameter, ParsedDocument } from './document-content.js';

/**
 * A customer runbook's parameters as StartAutomationExecution takes them (lists of strings) turned
 * into the declared types, with defaults, and `{{ ... }}` substitution into step inputs.
 */

const refused = (message: string) =>
  new ServiceError('InvalidAutomationExecutionParametersException', message);

function json(name: string, text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw refused(`Parameter "${name}" must be a ${what} in JSON.`);
  }
}

function convert(p: DeclaredParameter, values: string[]): unknown {
  const single = (): string => {
    if (values.length > 1) throw refused(`Parameter "${p.name}" takes a single value.`);
    return values[0] ?? '';
  };
  switch (p.type) {
    case 'StringList':
      return values;
    case 'Boolean': {
      const v = single();
      if (v !== 'true' && v !== 'false') throw refused(`Parameter "${p.name}" must be true or false.`);
      return v === 'true';
    }
    case 'Integer': {
      const v = single();
      if (!/^-?\d+$/.test(v)) throw refused(`Parameter "${p.name}" must be an integer.`);
      return Number(v);
    }
    case 'StringMap': {
      const v = json(p.name, single(), 'map');
      if (!v || typeof v !== 'object' || Array.isArray(v))
        throw refused(`Parameter "${p.name}" must be a map.`);
      return v;
    }
    case 'MapList':
      return values.map((v) => json(p.name, v, 'map'));
    default:
      return single();
  }
}

/** Typed values of the declared parameters, and the execution's Parameters as GetAutomationExecution shows them. */
export function runbookParameters(
  doc: ParsedDocument,
  documentName: string,
  given: Record<string, string[]> | undefined,
): { values: Record<string, unknown>; shown: Record<string, string[]> } {
  const declared = new Map(doc.parameters.map((p) => [p.name, p]));
  for (const name of Object.keys(given ?? {})) {
    if (!declared.has(name)) throw refused(`Parameter "${name}" is not defined in document ${documentName}.`);
  }
  const values: Record<string, unknown> = record();
  const out: Record<string, string[]> = record();
  for (const p of doc.parameters) {
    const v = given && Object.hasOwn(given, p.name) ? given[p.name] : undefined;
    let value: unknown;
    if (v !== undefined && v.length > 0) value = convert(p, v);
    else if (p.default !== undefined) value = p.type === 'String' ? String(p.default) : p.default;
    else throw refused(`Parameter "${p.name}" is required by document ${documentName}.`);
    if (
      p.allowedValues &&
      !(Array.isArray(value) ? value : [value]).every((x) => p.allowedValues?.includes(x))
    ) {
      throw refused(`Parameter "${p.name}" has a value that is not in its allowedValues.`);
    }
    values[p.name] = value;
    out[p.name] = shown(value);
  }
  return { values, shown: out };
}

/** A reference that has no value yet (a step that did not run, an unknown variable). */
export class UnresolvedReference extends Error {}

/**
 * Substitute `{{ Name }}` references: a string that is exactly one reference becomes the value itself
 * (a StringList stays a list, an Integer a number); references inside longer strings become text.
 */
export function substitute(value: unknown, lookup: (name: string) => unknown): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([^{}\s]+)\s*\}\}$/.exec(value);
    const find = (name: string): unknown => {
      const v = lookup(name);
      if (v === undefined) throw new UnresolvedReference(`The variable {{ ${name} }} has no value.`);
      return v;
    };
    if (whole) return find(whole[1] ?? '');
    return value.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (_m, name: string) => {
      const v = find(name);
      return Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, lookup));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, lookup)]));
  }
  return value;
}
