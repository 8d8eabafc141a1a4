import { isRecord } from '../scenario/issues.js';
import type { PathSegment } from '../scenario/problem.js';

/**
 * `Metadata: { sirs: { ignore: [{ rule: SG001, reason: "..." }] } }` on a resource. A suppression must say
 * why; one without a reason suppresses nothing and is itself reported (rule LINT001), as is one that names
 * no known rule (LINT002).
 */
export interface Suppression {
  rule: string;
  reason: string;
  /** Path from the resource, for locating the suppression in the file. */
  path: PathSegment[];
}

export interface SuppressionProblem {
  kind: 'no-reason' | 'unknown-rule' | 'malformed';
  rule?: string;
  path: PathSegment[];
}

export function suppressionsOf(
  raw: Record<string, unknown>,
  knownRules: ReadonlySet<string>,
): { suppressions: Suppression[]; problems: SuppressionProblem[] } {
  const suppressions: Suppression[] = [];
  const problems: SuppressionProblem[] = [];
  const sirs = isRecord(raw.Metadata) ? raw.Metadata.sirs : undefined;
  if (sirs === undefined) return { suppressions, problems };
  const ignore = isRecord(sirs) ? sirs.ignore : undefined;
  if (!Array.isArray(ignore)) {
    problems.push({ kind: 'malformed', path: ['Metadata', 'sirs'] });
    return { suppressions, problems };
  }
  ignore.forEach((entry, i) => {
    const path: PathSegment[] = ['Metadata', 'sirs', 'ignore', i];
    if (!isRecord(entry) || typeof entry.rule !== 'string') {
      problems.push({ kind: 'malformed', path });
      return;
    }
    const rule = entry.rule.trim().toUpperCase();
    if (!knownRules.has(rule)) problems.push({ kind: 'unknown-rule', rule, path: [...path, 'rule'] });
    if (typeof entry.reason !== 'string' || entry.reason.trim() === '') {
      problems.push({ kind: 'no-reason', rule, path });
      return;
    }
    suppressions.push({ rule, reason: entry.reason.trim(), path });
  });
  return { suppressions, problems };
}
