import type { PathSegment } from '../scenario/problem.js';

/**
 * The vocabulary of `sirs lint`: rules judge resources (from a template, or read back from a deployed
 * stack) and return findings located by the resource's logical id and a property path.
 */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/**
 * A value sirs cannot know before deployment (`Fn::GetAtt`, a `Ref` to a resource, `Fn::ImportValue`, a
 * parameter without a default). Rules never read one as safe or unsafe: the check that needs it is skipped
 * and reported as unresolved. `refs` names the logical ids the value depends on, so rules can still follow
 * references (a bucket policy's `Bucket: !Ref LogBucket`).
 */
export class Unknown {
  constructor(
    readonly why: string,
    readonly refs: readonly string[] = [],
    readonly attribute?: string,
  ) {}
}

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

/** A resource as rules see it: properties with every intrinsic function resolved as far as possible. */
export interface LintResource {
  id: string;
  type: string;
  properties: Record<string, unknown>;
  /** Where the properties came from: the template as written, or the stack as the range reports it. */
  origin: 'template' | 'deployed';
}

/** What a rule sees besides the resource: the other resources of the same template or stack. */
export interface RuleContext {
  resources: readonly LintResource[];
  accountId: string;
}

export interface RuleHit {
  /** The property path inside the resource's Properties, e.g. ['SecurityGroupIngress', 0, 'CidrIp']. */
  path: PathSegment[];
  message: string;
}

/** A check a rule could not make because a value it needs is unknown before deployment. */
export interface RuleSkip {
  path: PathSegment[];
  unresolved: string;
}

export type RuleResult = RuleHit | RuleSkip;

export function isSkip(r: RuleResult): r is RuleSkip {
  return 'unresolved' in r;
}

export interface Rule {
  /** Stable id, like SG001: suppressions, configs and SARIF refer to it. */
  id: string;
  /** The family the corpus and the bench report recall by, e.g. `security-group`. */
  family: string;
  title: string;
  severity: Severity;
  resourceTypes: readonly string[];
  /** The control the rule protects, one sentence (as a scenario's `control:` line). */
  control: string;
  fix: string;
  check(resource: LintResource, ctx: RuleContext): RuleResult[];
}
