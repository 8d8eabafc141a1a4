import {
  MODELS_COMMAND,
  rangeImplements,
  resolveShape,
  serviceInputs,
  type InputShape,
  type ServiceInputs,
  type StructureShape,
} from './api-models.js';
import { KNOWN_SERVICES } from './checks.js';
import type { CheckContext } from './context.js';
import { closest, didYouMean } from './did-you-mean.js';
import { isRecord, typeName, valueAt } from './issues.js';
import { scanPlaceholders } from './placeholders.js';
import { formatPath, type PathSegment, type ProblemSeverity } from './problem.js';
import { API_CALL } from './schema.js';

/**
 * Checks the API calls of a scenario (inject actions and autopilot call steps) against the input shapes of
 * the SDK that makes them: the operation exists, every input member exists and has the right type, enum
 * values are allowed, required members are given. Without this, a misspelt member fails only once the
 * stack is up. A call the range does not implement is a warning: the scenario can still run on AWS.
 */
export function checkApiCalls(ctx: CheckContext): void {
  // A scenario that says it runs only on AWS (`targets: [aws]`) needs no word about the range.
  const targets = ctx.data.targets;
  const range = !Array.isArray(targets) || targets.includes('range');
  for (const base of callSites(ctx.data)) {
    const site = valueAt(ctx.data, base);
    if (!isRecord(site)) continue;
    const issues = checkCall(site.call, site.input, { range });
    for (const issue of issues) {
      const problem = ctx.source.problem(
        [...base, ...issue.path],
        issue.code,
        issue.message,
        issue.hint,
        issue.key ? { key: true } : {},
      );
      ctx.report(issue.severity === 'warning' ? { ...problem, severity: 'warning' } : problem);
    }
  }
}

/** Where calls are: `inject.actions[i]` and the autopilot steps that have a `call`. */
function callSites(data: Record<string, unknown>): PathSegment[][] {
  const sites: PathSegment[][] = [];
  const actions = valueAt(data, ['inject', 'actions']);
  if (Array.isArray(actions)) actions.forEach((_, i) => sites.push(['inject', 'actions', i]));
  const steps = data.autopilot;
  if (Array.isArray(steps)) {
    steps.forEach((step, i) => {
      if (isRecord(step) && step.call !== undefined && step.ack === undefined) sites.push(['autopilot', i]);
    });
  }
  return sites;
}

/** A problem with one call, at a path relative to the call site (`['call']`, `['input', 'GroupId']`). */
export interface CallIssue {
  path: PathSegment[];
  code: string;
  message: string;
  hint?: string;
  /** Points at the key rather than its value. */
  key?: boolean;
  severity?: ProblemSeverity;
}

/**
 * Checks one call: `call` as written (`ec2:RevokeSecurityGroupIngress`) and its `input` (undefined when
 * absent). A malformed call or an unknown service is left to the schema and to checkServices. With
 * `range: false` (the scenario never runs on the range), what the range implements does not matter.
 */
export function checkCall(call: unknown, input: unknown, opts: { range?: boolean } = {}): CallIssue[] {
  if (typeof call !== 'string' || !API_CALL.test(call)) return [];
  const service = call.slice(0, call.indexOf(':'));
  const operation = call.slice(call.indexOf(':') + 1);
  if (!KNOWN_SERVICES.includes(service)) return [];
  const model = serviceInputs(service);
  if (!model) {
    return [
      {
        path: ['call'],
        code: 'api-models-missing',
        message: `cannot check ${call}: the input shapes of ${service} (models/inputs/${service}.json) are missing`,
        hint: `derive them with \`${MODELS_COMMAND}\``,
        severity: 'warning',
      },
    ];
  }
  if (!Object.hasOwn(model.operations, operation)) {
    const operations = Object.keys(model.operations);
    return [
      {
        path: ['call'],
        code: 'unknown-operation',
        message: `the ${service} API has no operation "${operation}"`,
        hint:
          didYouMean(operation, operations) ??
          `see the ${service} API reference for its operations (PascalCase, like ${operations[0]})`,
      },
    ];
  }
  const issues: CallIssue[] = [];
  if (opts.range !== false && rangeImplements(service, operation) === false) {
    issues.push({
      path: ['call'],
      code: 'range-unsupported',
      message: `the range does not implement ${call}, so this scenario can run only on AWS`,
      hint: 'RANGE-COVERAGE.md lists the operations the range implements',
      severity: 'warning',
    });
  }
  const inputShape = model.operations[operation] ?? null;
  const walker = new InputWalker(model, call, issues);
  if (inputShape === null) {
    if (isRecord(input)) walker.structure({ type: 'structure', members: {} }, input, ['input']);
  } else if (input === undefined) {
    walker.missingMembers(
      resolveShape(model, inputShape) as StructureShape,
      {},
      ['call'],
      `the input of ${call}`,
    );
  } else if (isRecord(input)) {
    walker.check(inputShape, input, ['input']);
  } // else: an input that is not a mapping, which the schema reports
  return issues;
}

/** The value a placeholder stands for is only known at run time; any string that has one is accepted. */
function hasPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && scanPlaceholders(value).tokens.length > 0;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  long: 'a whole number',
  float: 'a number',
  double: 'a number',
  number: 'a number',
  boolean: 'true or false',
  timestamp: 'a date and time (ISO 8601, like 2024-05-01T12:00:00Z) or seconds since 1970',
  blob: 'a string',
  list: 'a list',
  map: 'a mapping',
  structure: 'a mapping',
};

class InputWalker {
  constructor(
    private readonly model: ServiceInputs,
    private readonly call: string,
    private readonly issues: CallIssue[],
  ) {}

  check(shape: InputShape, value: unknown, path: PathSegment[]): void {
    const s = resolveShape(this.model, shape);
    switch (s.type) {
      case 'structure':
        if (!isRecord(value)) return this.wrongType(path, value, 'structure');
        return this.structure(s, value, path, shape);
      case 'list':
        if (!Array.isArray(value)) return this.wrongType(path, value, 'list');
        value.forEach((item, i) => this.check(s.member, item, [...path, i]));
        return;
      case 'map':
        if (!isRecord(value)) return this.wrongType(path, value, 'map');
        for (const [k, v] of Object.entries(value)) {
          this.mapKey(s.key, k, [...path, k]);
          this.check(s.value, v, [...path, k]);
        }
        return;
      case 'enum':
        if (hasPlaceholder(value)) return;
        if (typeof value !== 'string' || !s.values.includes(value)) {
          this.issues.push({
            path,
            code: 'input-invalid-value',
            message: `${this.label(path)}: ${allowed(s.values, shape)}; got ${typeName(value)}`,
            ...hintFor(
              (typeof value === 'string' ? didYouMean(value, s.values) : undefined) ??
                (s.values.length > 12 ? `such as ${s.values.slice(0, 4).join(', ')}` : undefined),
            ),
          });
        }
        return;
      default:
        return this.simple(s.type, value, path);
    }
  }

  private simple(type: string, value: unknown, path: PathSegment[]): void {
    if (type === 'document') return;
    if (hasPlaceholder(value)) return;
    const ok =
      type === 'string' || type === 'blob'
        ? typeof value === 'string'
        : type === 'boolean'
          ? typeof value === 'boolean'
          : type === 'integer' || type === 'long'
            ? Number.isInteger(value)
            : type === 'timestamp'
              ? (typeof value === 'number' && Number.isFinite(value)) ||
                (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
              : typeof value === 'number' && Number.isFinite(value);
    if (!ok) this.wrongType(path, value, type);
  }

  private wrongType(path: PathSegment[], value: unknown, type: string): void {
    let hint: string | undefined;
    if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean'))
      hint = `quote it: "${String(value)}"`;
    else if (['integer', 'long', 'float', 'double', 'number'].includes(type) && typeof value === 'string') {
      if (value.trim() !== '' && !Number.isNaN(Number(value))) hint = 'write the number without quotes';
    } else if (type === 'boolean' && (value === 'true' || value === 'false'))
      hint = `write ${value} without quotes`;
    else if (type === 'list' && value !== null && typeof value !== 'object') hint = `write [${show(value)}]`;
    this.issues.push({
      path,
      code: 'input-wrong-type',
      message: `${this.label(path)}: expected ${EXPECTED[type] ?? type}, got ${typeName(value)}`,
      ...hintFor(hint),
    });
  }

  private mapKey(key: InputShape, k: string, path: PathSegment[]): void {
    const s = resolveShape(this.model, key);
    if (s.type !== 'enum' || s.values.includes(k) || hasPlaceholder(k)) return;
    this.issues.push({
      path,
      code: 'input-invalid-value',
      message: `${this.label(path)}: the key ${allowed(s.values, key)}; got "${k}"`,
      ...hintFor(didYouMean(k, s.values)),
      key: true,
    });
  }

  structure(s: StructureShape, value: Record<string, unknown>, path: PathSegment[], ref?: InputShape) {
    const owner = this.owner(path, ref);
    const members = Object.keys(s.members);
    for (const [k, v] of Object.entries(value)) {
      if (Object.hasOwn(s.members, k)) {
        this.check(s.members[k]!, v, [...path, k]);
        continue;
      }
      const none = members.length === 0;
      this.issues.push({
        path: [...path, k],
        code: 'unknown-input-member',
        message: !none
          ? `${owner} has no member "${k}"`
          : path.length <= 1
            ? `${this.call} takes no input; "${k}" is not a member`
            : `${owner} has no members; "${k}" is not one`,
        ...hintFor(none ? undefined : (didYouMean(k, members) ?? `its members: ${listed(members)}`)),
        key: true,
      });
    }
    this.missingMembers(s, value, path, owner);
    if (s.union) {
      const given = members.filter((m) => value[m] !== undefined);
      if (given.length !== 1) {
        this.issues.push({
          path,
          code: 'input-union',
          message: `${owner} takes exactly one of ${listed(members)}; ${given.length === 0 ? 'none is' : `${given.join(' and ')} are`} given`,
        });
      }
    }
  }

  /**
   * Required members that are absent, reported at the mapping that lacks them. When an unknown key there is
   * a likely misspelling of the member, its "did you mean" already says it all.
   */
  missingMembers(
    s: StructureShape,
    value: Record<string, unknown>,
    path: PathSegment[],
    owner: string,
  ): void {
    const members = Object.keys(s.members);
    const strays = Object.keys(value).filter((k) => !Object.hasOwn(s.members, k));
    for (const name of s.required ?? []) {
      if (value[name] !== undefined) continue;
      if (strays.some((k) => closest(k, members) === name)) continue;
      this.issues.push({
        path,
        code: 'missing-input-member',
        message: `${owner} needs the member "${name}"`,
        ...hintFor(path[path.length - 1] === 'call' ? `add input: { ${name}: ... }` : undefined),
      });
    }
  }

  /** How a problem names a structure: the call for its input, else the member path and the shape's name. */
  private owner(path: PathSegment[], ref: InputShape | undefined): string {
    if (path.length <= 1) return `the input of ${this.call}`;
    const label = this.label(path);
    const shapeName = typeof ref === 'string' && ref.startsWith('#') ? ref.slice(1) : '';
    // `IpRanges[0] (IpRange)`, but not `EvaluationCriteria (EvaluationCriteria)`.
    return shapeName === '' || label.endsWith(shapeName) ? label : `${label} (${shapeName})`;
  }

  /** `IpPermissions[0].FromPort`: the path inside the input. */
  private label(path: PathSegment[]): string {
    return path[0] === 'input' ? formatPath(path.slice(1)) || 'input' : formatPath(path);
  }
}

function hintFor(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}

/** `must be one of A, B, C`, or for a long enum `must be one of the 114 ResourceType values`. */
function allowed(values: readonly string[], shape: InputShape): string {
  if (values.length <= 12) return `must be one of ${values.join(', ')}`;
  const name = typeof shape === 'string' && shape.startsWith('#') ? `${shape.slice(1)} ` : '';
  return `must be one of the ${values.length} ${name}values`;
}

/** Up to 12 names, then how many more. */
function listed(names: readonly string[]): string {
  const shown = names.slice(0, 12).join(', ');
  return names.length > 12 ? `${shown}, ... (${names.length - 12} more)` : shown;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
