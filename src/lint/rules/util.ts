import { isRecord } from '../../scenario/issues.js';
import type { PathSegment } from '../../scenario/problem.js';
import { isUnknown, type LintResource, type RuleContext, type RuleResult } from '../types.js';

/** Small readers rules share: every one treats an unknown value as "cannot judge", never as a verdict. */

export function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** `true`/`"true"` (CloudFormation accepts both); undefined when absent; Unknown as is. */
export function asBool(v: unknown): boolean | undefined | 'unknown' {
  if (isUnknown(v)) return 'unknown';
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.toLowerCase() === 'true';
  return Boolean(v);
}

export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

export function skip(path: PathSegment[], value: unknown): RuleResult {
  return { path, unresolved: isUnknown(value) ? value.why : 'the value is not known before deployment' };
}

export function hit(path: PathSegment[], message: string): RuleResult {
  return { path, message };
}

/** Whether a (resolved) value names the resource: `!Ref Id`, `!GetAtt Id.X`, a `!Sub` over it. */
export function refersTo(v: unknown, id: string): boolean {
  return isUnknown(v) && v.refs.includes(id);
}

export function resourcesOfType(ctx: RuleContext, type: string): LintResource[] {
  return ctx.resources.filter((r) => r.type === type);
}

// ---- networks ----

export const WORLD_V4 = '0.0.0.0/0';
export const WORLD_V6 = '::/0';

export function isWorldCidr(cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const c = cidr.trim();
  return c === WORLD_V4 || /^::(\/0)?$/.test(c) || /^0{0,4}(:0{0,4})*::?\/0$/.test(c);
}

/** The port range an ingress rule opens, or 'all' for protocol -1 (every protocol, every port). */
export function portRange(rule: Record<string, unknown>): { from: number; to: number } | 'all' | undefined {
  const protocol = String(rule.IpProtocol ?? rule.Protocol ?? '').toLowerCase();
  if (protocol === '-1' || protocol === 'all') return 'all';
  const from = asNumber(rule.FromPort);
  const to = asNumber(rule.ToPort);
  if (from === undefined || to === undefined) return undefined;
  // tcp/udp with -1 ports, or 0-65535, is every port of that protocol.
  if (from === -1 || to === -1) return { from: 0, to: 65535 };
  return { from, to };
}

export function opensPort(range: ReturnType<typeof portRange>, port: number): boolean {
  if (range === undefined) return false;
  if (range === 'all') return true;
  return range.from <= port && port <= range.to;
}

// ---- policies ----

export interface Statement {
  value: Record<string, unknown>;
  path: PathSegment[];
}

export function statementsOf(doc: unknown, path: PathSegment[]): Statement[] {
  if (!isRecord(doc)) return [];
  const st = doc.Statement;
  if (Array.isArray(st))
    return st.flatMap((s, i) => (isRecord(s) ? [{ value: s, path: [...path, 'Statement', i] }] : []));
  return isRecord(st) ? [{ value: st, path: [...path, 'Statement'] }] : [];
}

export function isAllow(s: Statement): boolean {
  return String(s.value.Effect ?? '').toLowerCase() === 'allow';
}

export function actionsOf(s: Statement): string[] {
  return asList(s.value.Action).filter((a): a is string => typeof a === 'string');
}

export function resourcesOf(s: Statement): unknown[] {
  return asList(s.value.Resource);
}

/** Principals of a statement as `{kind, value}`: `*` alone is `{kind: '*'}`. */
export function principalsOf(s: Statement): Array<{ kind: string; value: unknown }> {
  const p = s.value.Principal;
  if (p === '*') return [{ kind: '*', value: '*' }];
  if (!isRecord(p)) return [];
  return Object.entries(p).flatMap(([kind, v]) => asList(v).map((value) => ({ kind, value })));
}

/** `Principal: "*"` or `Principal: { AWS: "*" }`: anyone, in any account, signed or not. */
export function grantsEveryone(s: Statement): boolean {
  return principalsOf(s).some((p) => p.kind === '*' || (p.kind === 'AWS' && p.value === '*'));
}

export function hasCondition(s: Statement): boolean {
  return isRecord(s.value.Condition) && Object.keys(s.value.Condition).length > 0;
}

/** Whether any condition operator of the statement tests one of `keys` (case-insensitive, as IAM does). */
export function conditionTests(s: Statement, keys: readonly string[]): boolean {
  const cond = s.value.Condition;
  if (!isRecord(cond)) return false;
  const wanted = keys.map((k) => k.toLowerCase());
  return Object.values(cond).some(
    (block) => isRecord(block) && Object.keys(block).some((k) => wanted.includes(k.toLowerCase())),
  );
}

export function matchesAction(actions: string[], wanted: string): boolean {
  return actions.some((a) => {
    const re = new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
    return re.test(wanted);
  });
}

/** A ready-made rule result list for "this property must be true", with unknowns skipped. */
export function requireTrue(props: Record<string, unknown>, key: string, message: string): RuleResult[] {
  const v = asBool(props[key]);
  if (v === 'unknown') return [skip([key], props[key])];
  return v === true ? [] : [hit([key], message)];
}
