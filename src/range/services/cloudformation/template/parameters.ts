import { ServiceError } from '../../../errors.js';
import type { Json, ParameterDeclaration } from './types.js';

export interface SuppliedParameter {
  ParameterKey?: string;
  ParameterValue?: string;
  UsePreviousValue?: boolean;
}

/** A parameter's value as the stack keeps it; `resolvedValue` for SSM parameter types. */
export interface StackParameterValue {
  key: string;
  value: string;
  resolvedValue?: string;
  /** NoEcho parameters show as `****` in DescribeStacks. */
  noEcho?: boolean;
}

function invalid(message: string): ServiceError {
  return new ServiceError('ValidationError', message);
}

function scalar(v: Json | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => String(x)).join(',');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function isListType(type: string): boolean {
  return (
    type === 'CommaDelimitedList' ||
    type.startsWith('List<') ||
    /^AWS::SSM::Parameter::Value<(List<|CommaDelimitedList)/.test(type)
  );
}

export function isSsmValueType(type: string): boolean {
  return type.startsWith('AWS::SSM::Parameter::Value<');
}

/**
 * Settle every declared parameter's value from what the caller supplied, the previous values (for
 * UsePreviousValue on update) and the defaults, and check each against its constraints, with
 * CloudFormation's messages.
 */
export function resolveParameters(
  decls: Record<string, ParameterDeclaration>,
  supplied: readonly SuppliedParameter[] = [],
  previous?: Record<string, string>,
): StackParameterValue[] {
  const names = Object.keys(decls);
  const given = new Map<string, SuppliedParameter>();
  for (const p of supplied) given.set(p.ParameterKey ?? '', p);
  const extra = [...given.keys()].filter((k) => !(k in decls));
  if (extra.length) {
    if (names.length === 0)
      throw invalid('Parameter values specified for a template which does not require them.');
    throw invalid(`Parameters: [${extra.join(', ')}] do not exist in the template`);
  }
  const missing: string[] = [];
  const out: StackParameterValue[] = [];
  for (const name of names) {
    const decl = decls[name] as ParameterDeclaration;
    const p = given.get(name);
    let value: string | undefined;
    if (p?.UsePreviousValue) {
      if (p.ParameterValue !== undefined) {
        throw invalid(
          `Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true and non empty value for a parameter key`,
        );
      }
      if (!previous || !(name in previous)) {
        throw invalid(
          `Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
        );
      }
      value = previous[name];
    } else {
      value = p?.ParameterValue ?? scalar(decl.Default);
    }
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    checkConstraints(name, decl, value);
    out.push(decl.NoEcho ? { key: name, value, noEcho: true } : { key: name, value });
  }
  if (missing.length) throw invalid(`Parameters: [${missing.join(', ')}] must have values`);
  return out;
}

function checkConstraints(name: string, decl: ParameterDeclaration, value: string): void {
  const fail = (message: string): never => {
    throw invalid(
      decl.ConstraintDescription
        ? `Parameter '${name}' failed to satisfy constraint: ${decl.ConstraintDescription}`
        : message,
    );
  };
  const type = decl.Type;
  const items = isListType(type) && !isSsmValueType(type) ? splitList(value) : [value];
  const numeric = type === 'Number' || type === 'List<Number>';
  for (const item of items) {
    if (numeric && (item.trim() === '' || !Number.isFinite(Number(item)))) {
      throw invalid(`Parameter '${name}' must be a number`);
    }
    if (decl.AllowedValues && !decl.AllowedValues.some((a) => scalar(a) === item)) {
      fail(`Parameter '${name}' must be one of AllowedValues`);
    }
    if (decl.AllowedPattern !== undefined && !fullMatch(decl.AllowedPattern, item)) {
      fail(`Parameter '${name}' must match pattern ${decl.AllowedPattern}`);
    }
    if (decl.MinLength !== undefined && item.length < decl.MinLength) {
      fail(`Parameter '${name}' must contain at least ${decl.MinLength} characters`);
    }
    if (decl.MaxLength !== undefined && item.length > decl.MaxLength) {
      fail(`Parameter '${name}' must contain at most ${decl.MaxLength} characters`);
    }
    if (numeric && decl.MinValue !== undefined && Number(item) < decl.MinValue) {
      fail(`Parameter '${name}' must be a number not less than ${decl.MinValue}`);
    }
    if (numeric && decl.MaxValue !== undefined && Number(item) > decl.MaxValue) {
      fail(`Parameter '${name}' must be a number not greater than ${decl.MaxValue}`);
    }
  }
}

/** AllowedPattern must match the whole value, as Java's String.matches does. */
function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(value);
  } catch {
    throw invalid(`Template format error: AllowedPattern ${pattern} is not a valid regular expression`);
  }
}

/** CommaDelimitedList members are trimmed; an empty value is an empty list. */
export function splitList(value: string): string[] {
  return value === '' ? [] : value.split(',').map((s) => s.trim());
}

/** What `Ref` to each parameter yields: a string, or a list for list types. */
export function parameterRefValues(
  decls: Record<string, ParameterDeclaration>,
  values: readonly StackParameterValue[],
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const p of values) {
    const type = decls[p.key]?.Type ?? 'String';
    const v = p.resolvedValue ?? p.value;
    out[p.key] = isListType(type) ? splitList(v) : v;
  }
  return out;
}

/** The AWS-specific EC2 id types whose values CloudFormation checks exist, with the id kind. */
export function ec2IdKind(
  type: string,
): { kind: 'vpc' | 'subnet' | 'security-group' | 'instance'; list: boolean } | undefined {
  const m = /^(List<)?AWS::EC2::(VPC|Subnet|SecurityGroup|Instance)::Id>?$/.exec(type);
  if (!m) return undefined;
  const kinds = {
    VPC: 'vpc',
    Subnet: 'subnet',
    SecurityGroup: 'security-group',
    Instance: 'instance',
  } as const;
  return { kind: kinds[m[2] as keyof typeof kinds], list: m[1] !== undefined };
}
