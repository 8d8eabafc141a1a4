/**
 * A problem found in a scenario (or in a file it refers to), located precisely enough for an editor to
 * jump to it. Validation collects every problem instead of stopping at the first.
 */
export interface Problem {
  /** The file the problem is in, as the user would type it (relative to the working directory when inside it). */
  file: string;
  /** 1-based line and column. */
  line: number;
  col: number;
  /** Where in the scenario, like `phases.detect.any[0].sgIngress.port` (empty for the file as a whole). */
  path: string;
  /** Stable, kebab-case; tests and tools match on it. */
  code: string;
  message: string;
  /** What to do about it, e.g. `did you mean "group"?`. */
  hint?: string;
  /**
   * An error makes the file invalid; a warning (like a call the range does not implement) does not.
   * Absent means error; reports from validation always say.
   */
  severity?: ProblemSeverity;
}

export type ProblemSeverity = 'error' | 'warning';

export function isWarning(p: Problem): boolean {
  return p.severity === 'warning';
}

export type PathSegment = string | number;

/** `phases.detect.any[0].ack` from ['phases', 'detect', 'any', 0, 'ack']. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `file:line:col: message (hint)`, the form editors and terminals turn into links; warnings say so. */
export function formatProblem(p: Problem): string {
  const warning = isWarning(p) ? 'warning: ' : '';
  return `${p.file}:${p.line}:${p.col}: ${warning}${p.message}${p.hint ? ` (${p.hint})` : ''}`;
}

export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
