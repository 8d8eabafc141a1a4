import { isObject, type Json } from './types.js';

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

export type SubPart = { literal: string } | { variable: string };

/** Split a Fn::Sub string into literals and `${...}` variables; `${!Name}` is the literal `${Name}`. */
export function parseSub(text: string): SubPart[] {
  const parts: SubPart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) break;
    const end = text.indexOf('}', start + 2);
    if (end < 0) break;
    literal += text.slice(i, start);
    const inner = text.slice(start + 2, end);
    if (inner.startsWith('!')) {
      literal += `\${${inner.slice(1)}}`;
    } else {
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ variable: inner.trim() });
    }
    i = end + 1;
  }
  literal += text.slice(i);
  if (literal) parts.push({ literal });
  return parts;
}

/** The single `Fn::X` / Ref / Condition key of an intrinsic function object, if the value is one. */
export function functionOf(value: Json): { name: string; arg: Json } | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const name = keys[0] as string;
  if (name === 'Ref' || name === 'Condition' || name.startsWith('Fn::'))
    return { name, arg: value[name] as Json };
  return undefined;
}

export interface References {
  /** Names used with Ref (resources, parameters or pseudo parameters). */
  refs: Set<string>;
  /** Fn::GetAtt targets (resource, attribute). */
  getAtts: Array<[string, string]>;
  /** Condition names used by Fn::If and Condition. */
  conditions: Set<string>;
}

/**
 * Every reference a value makes. With `conditions`, only the branch of each Fn::If that the condition
 * selects counts, as for CloudFormation's dependency graph after conditions are evaluated.
 */
export function referencesOf(value: Json, conditions?: Record<string, boolean>): References {
  const out: References = { refs: new Set(), getAtts: [], conditions: new Set() };
  collect(value, out, conditions);
  return out;
}

function collect(value: Json, out: References, conditions: Record<string, boolean> | undefined): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, conditions);
    return;
  }
  if (!isObject(value)) return;
  const fn = functionOf(value);
  if (!fn) {
    for (const v of Object.values(value)) collect(v, out, conditions);
    return;
  }
  const { name, arg } = fn;
  switch (name) {
    case 'Ref':
      if (typeof arg === 'string') out.refs.add(arg);
      else collect(arg, out, conditions);
      return;
    case 'Condition':
      if (typeof arg === 'string') out.conditions.add(arg);
      return;
    case 'Fn::GetAtt': {
      const [target, attr] = Array.isArray(arg) ? arg : [];
      if (typeof target === 'string') out.getAtts.push([target, typeof attr === 'string' ? attr : '']);
      if (attr !== undefined && typeof attr !== 'string') collect(attr, out, conditions);
      return;
    }
    case 'Fn::Sub': {
      const [text, vars] =
        typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) ? [arg[0], arg[1] ?? {}] : [undefined, {}];
      if (isObject(vars)) collect(vars, out, conditions);
      if (typeof text !== 'string') return;
      for (const part of parseSub(text)) {
        if (!('variable' in part) || (isObject(vars) && part.variable in vars)) continue;
        const dot = part.variable.indexOf('.');
        if (dot > 0 && !part.variable.startsWith('AWS::')) {
          out.getAtts.push([part.variable.slice(0, dot), part.variable.slice(dot + 1)]);
        } else {
          out.refs.add(part.variable);
        }
      }
      return;
    }
    case 'Fn::If': {
      if (!Array.isArray(arg)) return;
      const [cond, whenTrue, whenFalse] = arg;
      if (typeof cond === 'string') out.conditions.add(cond);
      if (conditions && typeof cond === 'string' && cond in conditions) {
        collect((conditions[cond] ? whenTrue : whenFalse) ?? null, out, conditions);
      } else {
        collect(whenTrue ?? null, out, conditions);
        collect(whenFalse ?? null, out, conditions);
      }
      return;
    }
    default:
      collect(arg, out, conditions);
  }
}
