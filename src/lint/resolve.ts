import { isRecord } from '../scenario/issues.js';
import { Unknown, isUnknown } from './types.js';

/**
 * Static resolution of CloudFormation intrinsic functions, before rules judge a resource: parameters (their
 * defaults, or `--parameters` overrides), pseudo parameters, conditions, `Fn::Sub`, `Fn::If`, `Fn::FindInMap`,
 * `Fn::Select`, `Fn::Join`, `Fn::Split`. What only exists after deployment (`Fn::GetAtt`, a `Ref` to a
 * resource, `Fn::ImportValue`, `Fn::Cidr`) becomes an `Unknown` that remembers which resources it names.
 * Nothing here throws on a malformed template: a function it cannot read is unknown too.
 */
export interface ResolveScope {
  parameters: Map<string, unknown>;
  pseudo: Record<string, unknown>;
  mappings: Record<string, unknown>;
  conditions: Record<string, unknown>;
  resourceIds: ReadonlySet<string>;
}

/** Deployment-independent stand-ins for the pseudo parameters; what they are changes no rule's verdict. */
export const LINT_ACCOUNT_ID = '123456789012';
export function pseudoParameters(region = 'us-east-1'): Record<string, unknown> {
  return {
    'AWS::AccountId': LINT_ACCOUNT_ID,
    'AWS::Region': region,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'sirs-lint',
    'AWS::StackId': new Unknown('the stack id is known after deployment'),
    'AWS::NotificationARNs': [],
  };
}

/** Removed from its list or mapping, as CloudFormation does with `AWS::NoValue`. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Parameter values: the override, else the default; list types split on commas; else unknown. */
export function parameterValues(declared: unknown, overrides: Record<string, string>): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const [name, p] of Object.entries(isRecord(declared) ? declared : {})) {
    const decl = isRecord(p) ? p : {};
    const given = Object.hasOwn(overrides, name);
    const raw = given ? overrides[name] : decl.Default;
    const type = typeof decl.Type === 'string' ? decl.Type : 'String';
    if (raw === undefined) values.set(name, new Unknown(`parameter ${name} has no default`));
    else if (given && String(decl.NoEcho).toLowerCase() === 'true')
      values.set(name, new Unknown(`parameter ${name} is NoEcho: a secret supplied at deployment`));
    else if (type.startsWith('AWS::SSM::Parameter::Value'))
      values.set(name, new Unknown(`parameter ${name} is read from SSM Parameter Store at deployment`));
    else if ((type === 'CommaDelimitedList' || type.startsWith('List<')) && typeof raw === 'string')
      values.set(
        name,
        raw.split(',').map((s) => s.trim()),
      );
    else values.set(name, Array.isArray(raw) ? raw.map(String) : String(raw));
  }
  return values;
}

const AZS = ['a', 'b', 'c'];

export function resolveValue(value: unknown, scope: ResolveScope, depth = 0): unknown {
  const out = resolve(value, scope, depth);
  return out === NO_VALUE ? undefined : out;
}

function resolve(value: unknown, scope: ResolveScope, depth: number): unknown {
  if (depth > 64) return new Unknown('nested too deeply to resolve');
  if (Array.isArray(value)) {
    return value.map((v) => resolve(v, scope, depth + 1)).filter((v) => v !== NO_VALUE);
  }
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const fn = keys[0]!;
    const arg = value[fn];
    const intrinsic = resolveIntrinsic(fn, arg, scope, depth);
    if (intrinsic !== NOT_INTRINSIC) return intrinsic;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = resolve(v, scope, depth + 1);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

const NOT_INTRINSIC = Symbol('not an intrinsic function');

function resolveIntrinsic(fn: string, arg: unknown, scope: ResolveScope, depth: number): unknown {
  const r = (v: unknown) => resolve(v, scope, depth + 1);
  switch (fn) {
    case 'Ref':
      return ref(arg, scope);
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.*)/s);
      return new Unknown(`${id}.${attr} is known after deployment`, id ? [id] : [], attr);
    }
    case 'Fn::Sub':
      return sub(arg, scope, depth);
    case 'Fn::If': {
      if (!Array.isArray(arg) || arg.length !== 3) return new Unknown('malformed Fn::If');
      const cond = condition(String(arg[0]), scope, depth);
      if (isUnknown(cond)) {
        const a = r(arg[1]);
        const b = r(arg[2]);
        return JSON.stringify(a) === JSON.stringify(b) && !isUnknown(a) ? a : cond;
      }
      return r(cond ? arg[1] : arg[2]);
    }
    case 'Fn::FindInMap': {
      if (!Array.isArray(arg) || arg.length < 3) return new Unknown('malformed Fn::FindInMap');
      const [map, top, second] = arg.slice(0, 3).map(r);
      if ([map, top, second].some(isUnknown)) return new Unknown('a Fn::FindInMap key is unknown');
      const m = scope.mappings[String(map)];
      const t = isRecord(m) ? m[String(top)] : undefined;
      const v = isRecord(t) ? t[String(second)] : undefined;
      return v === undefined ? new Unknown(`no mapping ${map}.${top}.${second}`) : r(v);
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg) || arg.length !== 2) return new Unknown('malformed Fn::Select');
      const index = r(arg[0]);
      const list = r(arg[1]);
      if (!Array.isArray(list) || isUnknown(index)) return new Unknown('Fn::Select of an unknown list');
      const item = list[Number(index)];
      return item === undefined ? new Unknown('Fn::Select index out of range') : item;
    }
    case 'Fn::Join': {
      if (!Array.isArray(arg) || arg.length !== 2) return new Unknown('malformed Fn::Join');
      const list = r(arg[1]);
      if (!Array.isArray(list)) return new Unknown('Fn::Join of an unknown list', refsOf(list));
      if (list.some(isUnknown)) return new Unknown('Fn::Join of unknown values', refsOf(list));
      return list.map(String).join(String(r(arg[0])));
    }
    case 'Fn::Split': {
      if (!Array.isArray(arg) || arg.length !== 2) return new Unknown('malformed Fn::Split');
      const s = r(arg[1]);
      return typeof s === 'string'
        ? s.split(String(r(arg[0])))
        : new Unknown('Fn::Split of an unknown value');
    }
    case 'Fn::GetAZs':
      return AZS.map((z) => `${String(scope.pseudo['AWS::Region'])}${z}`);
    case 'Fn::Base64':
      return r(arg);
    case 'Fn::ImportValue':
      return new Unknown('Fn::ImportValue is known after deployment');
    case 'Fn::Cidr':
      return new Unknown('Fn::Cidr is computed at deployment');
    case 'Fn::Equals':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not':
    case 'Condition':
      return evaluateCondition({ [fn]: arg }, scope, depth);
    default:
      return NOT_INTRINSIC;
  }
}

function ref(arg: unknown, scope: ResolveScope): unknown {
  const name = String(arg);
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (Object.hasOwn(scope.pseudo, name)) return scope.pseudo[name];
  if (scope.parameters.has(name)) return scope.parameters.get(name);
  if (scope.resourceIds.has(name)) return new Unknown(`${name}'s id is known after deployment`, [name]);
  return new Unknown(`${name} is not declared`);
}

function sub(arg: unknown, scope: ResolveScope, depth: number): unknown {
  const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, {}];
  if (typeof text !== 'string') return new Unknown('malformed Fn::Sub');
  const locals = isRecord(vars) ? vars : {};
  const refs: string[] = [];
  let unknown = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    let v: unknown;
    if (Object.hasOwn(locals, name)) v = resolve(locals[name], scope, depth + 1);
    else if (name.includes('.') && !name.startsWith('AWS::')) {
      const id = name.split('.')[0]!;
      v = new Unknown(`${name} is known after deployment`, [id]);
    } else v = ref(name, scope);
    if (isUnknown(v) || typeof v === 'object' || typeof v === 'symbol') {
      unknown = true;
      refs.push(...refsOf(v));
      return whole;
    }
    return String(v);
  });
  return unknown ? new Unknown(`"${text}" has parts known after deployment`, refs) : out;
}

function refsOf(v: unknown): string[] {
  if (isUnknown(v)) return [...v.refs];
  if (Array.isArray(v)) return v.flatMap(refsOf);
  return [];
}

function condition(name: string, scope: ResolveScope, depth: number): boolean | Unknown {
  const def = scope.conditions[name];
  if (def === undefined) return new Unknown(`condition ${name} is not declared`);
  return evaluateCondition(def, scope, depth + 1);
}

/** A condition's truth value, or unknown when it depends on something only deployment knows. */
export function evaluateCondition(def: unknown, scope: ResolveScope, depth = 0): boolean | Unknown {
  if (depth > 64 || !isRecord(def) || Object.keys(def).length !== 1)
    return new Unknown('malformed condition');
  const [fn, arg] = Object.entries(def)[0]!;
  const args = Array.isArray(arg) ? arg : [];
  const sub = (v: unknown) => evaluateCondition(v, scope, depth + 1);
  switch (fn) {
    case 'Condition':
      return condition(String(arg), scope, depth);
    case 'Fn::Equals': {
      const [a, b] = args.map((v) => resolveValue(v, scope, depth + 1));
      if (isUnknown(a) || isUnknown(b)) return new Unknown('Fn::Equals of an unknown value');
      return JSON.stringify(normal(a)) === JSON.stringify(normal(b));
    }
    case 'Fn::Not': {
      const v = sub(args[0]);
      return isUnknown(v) ? v : !v;
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const vs = args.map(sub);
      const decisive = fn === 'Fn::And' ? false : true;
      if (vs.includes(decisive)) return decisive;
      const u = vs.find(isUnknown);
      return u ?? !decisive;
    }
    default:
      return new Unknown(`${fn} is not a condition function`);
  }
}

/** CloudFormation compares parameter values as strings: `!Equals [!Ref Count, 3]` holds for "3". */
function normal(v: unknown): unknown {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(normal);
  return v;
}
