import { ServiceError } from '../../../errors.js';
import { cidrSubnets } from './cidr.js';
import { functionOf, parseSub, PSEUDO_PARAMETERS } from './refs.js';
import { isObject, type Json, type JsonObject, type Template } from './types.js';

/** `Ref: AWS::NoValue`: removes the property (or list item) it stands for. */
export const NO_VALUE = Symbol('AWS::NoValue');
export type Evaluated = Json | typeof NO_VALUE;

export interface PseudoParameters {
  accountId: string;
  region: string;
  stackName: string;
  stackId: string;
  partition: string;
  urlSuffix: string;
  notificationArns: string[];
}

/** What intrinsic functions can see: everything outside the value being evaluated. */
export interface EvalScope {
  parameters: Record<string, string | string[]>;
  pseudo: PseudoParameters;
  mappings: Template['Mappings'];
  conditions: Record<string, boolean>;
  /** Ref of a resource; undefined when `name` is not a resource of the stack. */
  resourceRef(name: string): Json | undefined;
  getAtt(resource: string, attribute: string): Json;
  importValue(name: string): string;
  availabilityZones(region: string): string[];
}

export function templateError(message: string): ServiceError {
  return new ServiceError('ValidationError', `Template error: ${message}`);
}

const SUPPORTED =
  'Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, Fn::Split, Fn::FindInMap, Fn::Select, Ref, ' +
  'Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, Fn::Or, Fn::Sub, Fn::Cidr';

/** Evaluate a template value; property values that evaluate to AWS::NoValue disappear. */
export function evaluate(value: Json, scope: EvalScope): Json {
  const v = evaluateValue(value, scope);
  return v === NO_VALUE ? null : v;
}

export function evaluateValue(value: Json, scope: EvalScope): Evaluated {
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value) {
      const v = evaluateValue(item, scope);
      if (v !== NO_VALUE) out.push(v);
    }
    return out;
  }
  if (!isObject(value)) return value;
  const fn = functionOf(value);
  if (fn && fn.name !== 'Condition') return callFunction(fn.name, fn.arg, scope);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const e = evaluateValue(v, scope);
    if (e !== NO_VALUE) out[k] = e;
  }
  return out;
}

function str(v: Evaluated, fn: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw templateError(`${fn} requires a string, got ${v === NO_VALUE ? 'AWS::NoValue' : JSON.stringify(v)}`);
}

function list(v: Evaluated, fn: string): Json[] {
  if (Array.isArray(v)) return v;
  throw templateError(`${fn} requires a list, got ${v === NO_VALUE ? 'AWS::NoValue' : JSON.stringify(v)}`);
}

function args(arg: Json, n: number, fn: string, usage: string): Json[] {
  if (!Array.isArray(arg) || arg.length !== n) throw templateError(`every ${fn} object requires ${usage}`);
  return arg;
}

function callFunction(name: string, arg: Json, scope: EvalScope): Evaluated {
  switch (name) {
    case 'Ref':
      return ref(str(evaluateValue(arg, scope), 'Ref'), scope);
    case 'Fn::GetAtt': {
      const parts = Array.isArray(arg) ? arg : typeof arg === 'string' ? arg.split('.') : [];
      if (parts.length < 2) throw templateError('every Fn::GetAtt object requires two non-empty parameters.');
      const [resource, ...attr] = parts;
      const attribute = attr.map((a) => str(evaluateValue(a, scope), 'Fn::GetAtt')).join('.');
      return getAtt(str(resource ?? null, 'Fn::GetAtt'), attribute, scope);
    }
    case 'Fn::Sub':
      return sub(arg, scope);
    case 'Fn::Join': {
      const [delim, items] = args(
        arg,
        2,
        'Fn::Join',
        'two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
      );
      const values = list(evaluateValue(items ?? null, scope), 'Fn::Join');
      return values.map((v) => str(v, 'Fn::Join')).join(str(delim ?? '', 'Fn::Join'));
    }
    case 'Fn::Select': {
      const [index, items] = args(
        arg,
        2,
        'Fn::Select',
        'two parameters, (1) an index and (2) a list of objects to select from.',
      );
      const i = Number(str(evaluateValue(index ?? null, scope), 'Fn::Select'));
      const values = list(evaluateValue(items ?? null, scope), 'Fn::Select');
      if (!Number.isInteger(i) || i < 0 || i >= values.length) {
        throw templateError(`Fn::Select cannot select nonexistent value at index ${String(index)}`);
      }
      return values[i] as Json;
    }
    case 'Fn::Split': {
      const [delim, source] = args(
        arg,
        2,
        'Fn::Split',
        'two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.',
      );
      return str(evaluateValue(source ?? null, scope), 'Fn::Split').split(str(delim ?? '', 'Fn::Split'));
    }
    case 'Fn::If': {
      const [cond, whenTrue, whenFalse] = args(
        arg,
        3,
        'Fn::If',
        'three parameters: a condition name, a value for true and a value for false.',
      );
      return evaluateValue(
        (conditionValue(cond ?? null, scope, 'Fn::If') ? whenTrue : whenFalse) ?? null,
        scope,
      );
    }
    case 'Fn::Equals': {
      const [a, b] = args(arg, 2, 'Fn::Equals', 'a list of two elements.');
      return canonical(evaluateValue(a ?? null, scope)) === canonical(evaluateValue(b ?? null, scope));
    }
    case 'Fn::Not': {
      const [c] = args(arg, 1, 'Fn::Not', 'a list of one element.');
      return !booleanOf(c ?? null, scope, 'Fn::Not');
    }
    case 'Fn::And':
    case 'Fn::Or': {
      if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10) {
        throw templateError(
          `every ${name} object requires a list of at least 2 and at most 10 boolean parameters.`,
        );
      }
      const values = arg.map((c) => booleanOf(c, scope, name));
      return name === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
    }
    case 'Fn::FindInMap': {
      const [map, top, second] = args(
        arg,
        3,
        'Fn::FindInMap',
        'three parameters: the map name, map key and the attribute for return value',
      ).map((a) => str(evaluateValue(a, scope), 'Fn::FindInMap'));
      const value = scope.mappings[map as string]?.[top as string]?.[second as string];
      if (value === undefined) throw templateError(`Unable to get mapping for ${map}::${top}::${second}`);
      return value;
    }
    case 'Fn::GetAZs': {
      const region = str(evaluateValue(arg, scope), 'Fn::GetAZs') || scope.pseudo.region;
      return scope.availabilityZones(region);
    }
    case 'Fn::Base64':
      return Buffer.from(str(evaluateValue(arg, scope), 'Fn::Base64'), 'utf8').toString('base64');
    case 'Fn::ImportValue':
      return scope.importValue(str(evaluateValue(arg, scope), 'Fn::ImportValue'));
    case 'Fn::Cidr': {
      const [block, count, bits] = args(
        arg,
        3,
        'Fn::Cidr',
        'three parameters: an IP block, a count and the number of subnet bits.',
      ).map((a) => str(evaluateValue(a, scope), 'Fn::Cidr'));
      return cidrSubnets(block as string, Number(count), Number(bits));
    }
    default:
      throw new ServiceError(
        'ValidationError',
        `Template format error: Encountered unsupported function: ${name} Supported functions are: [${SUPPORTED}]`,
      );
  }
}

/** Fn::Equals compares values as CloudFormation sees them: scalars by their string form. */
function canonical(v: Evaluated): string {
  const norm = (x: Json): Json =>
    Array.isArray(x) ? x.map(norm) : isObject(x) ? x : x === null ? null : String(x);
  return JSON.stringify(v === NO_VALUE ? null : norm(v));
}

function booleanOf(value: Json, scope: EvalScope, fn: string): boolean {
  const fnOf = functionOf(value);
  if (fnOf?.name === 'Condition') return conditionValue(fnOf.arg, scope, fn);
  const v = evaluateValue(value, scope);
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw templateError(
    `${fn} requires boolean values (conditions or condition functions), got ${JSON.stringify(v)}`,
  );
}

function conditionValue(name: Json, scope: EvalScope, fn: string): boolean {
  if (typeof name !== 'string' || !(name in scope.conditions)) {
    throw templateError(
      `unresolved condition dependency ${typeof name === 'string' ? name : JSON.stringify(name)} in ${fn}`,
    );
  }
  return scope.conditions[name] as boolean;
}

function ref(name: string, scope: EvalScope): Evaluated {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (PSEUDO_PARAMETERS.has(name)) return pseudo(name, scope);
  if (name in scope.parameters) return scope.parameters[name] as string | string[];
  const resource = scope.resourceRef(name);
  if (resource !== undefined) return resource;
  throw new ServiceError(
    'ValidationError',
    `Template format error: Unresolved resource dependencies [${name}] in the Resources block of the template`,
  );
}

function pseudo(name: string, scope: EvalScope): Json {
  const p = scope.pseudo;
  switch (name) {
    case 'AWS::AccountId':
      return p.accountId;
    case 'AWS::Region':
      return p.region;
    case 'AWS::StackName':
      return p.stackName;
    case 'AWS::StackId':
      return p.stackId;
    case 'AWS::Partition':
      return p.partition;
    case 'AWS::URLSuffix':
      return p.urlSuffix;
    default:
      return p.notificationArns;
  }
}

function getAtt(resource: string, attribute: string, scope: EvalScope): Json {
  if (scope.resourceRef(resource) === undefined) {
    throw templateError(`instance of Fn::GetAtt references undefined resource ${resource}`);
  }
  return scope.getAtt(resource, attribute);
}

function sub(arg: Json, scope: EvalScope): string {
  let text: Json;
  let vars: Record<string, Evaluated> = {};
  if (typeof arg === 'string') {
    text = arg;
  } else if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && isObject(arg[1])) {
    text = arg[0];
    vars = Object.fromEntries(Object.entries(arg[1]).map(([k, v]) => [k, evaluateValue(v, scope)]));
  } else {
    throw templateError(
      "One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string",
    );
  }
  let out = '';
  for (const part of parseSub(text)) {
    if ('literal' in part) {
      out += part.literal;
      continue;
    }
    const name = part.variable;
    let value: Evaluated;
    if (name in vars) value = vars[name] as Evaluated;
    else if (!name.startsWith('AWS::') && name.includes('.')) {
      const dot = name.indexOf('.');
      value = getAtt(name.slice(0, dot), name.slice(dot + 1), scope);
    } else value = ref(name, scope);
    if (Array.isArray(value) || isObject(value) || value === NO_VALUE) {
      throw templateError(`variable ${name} in Fn::Sub expression does not resolve to a string`);
    }
    out += String(value);
  }
  return out;
}

/**
 * Evaluate the Conditions section: each condition once, in dependency order; conditions may use
 * parameters, pseudo parameters, mappings and other conditions but not resources.
 */
export function evaluateConditions(
  conditions: Record<string, Json>,
  scope: Omit<EvalScope, 'conditions'>,
): Record<string, boolean> {
  const done: Record<string, boolean> = {};
  const visiting = new Set<string>();
  const resolve = (name: string): boolean => {
    if (name in done) return done[name] as boolean;
    if (!(name in conditions)) throw templateError(`unresolved condition dependency ${name} in Fn::If`);
    if (visiting.has(name))
      throw templateError(`circular condition dependency detected for condition ${name}`);
    visiting.add(name);
    const lazy: Record<string, boolean> = new Proxy(
      {},
      {
        has: (_t, key) => typeof key === 'string' && key in conditions,
        get: (_t, key) => (typeof key === 'string' ? resolve(key) : undefined),
      },
    );
    const value = booleanOf(conditions[name] as Json, { ...scope, conditions: lazy }, 'Conditions');
    visiting.delete(name);
    done[name] = value;
    return value;
  };
  for (const name of Object.keys(conditions)) resolve(name);
  return done;
}
