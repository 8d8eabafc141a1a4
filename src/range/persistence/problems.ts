/** What can be wrong with a state folder, said so that the person starting the range can choose. */

export interface StateProblem {
  /** The file, as a path. */
  file: string;
  /** What was found, e.g. "not valid JSON (Unexpected end of JSON input): cut short or damaged". */
  found: string;
  /** Written by a newer sirs: --repair cannot read it either. */
  newer?: boolean;
  /** What --repair keeps of this file, in words. */
  keeps: string;
}

/** How to start when the state folder has problems. */
export type StateRecovery = 'repair' | 'reset';

/** The state folder cannot be used as it is; nothing in it was changed. */
export class RangeStateError extends Error {
  readonly dir: string;
  readonly problems: readonly StateProblem[];

  constructor(dir: string, problems: readonly StateProblem[]) {
    const lines = problems.map((p) => `  ${p.file}: ${p.found}`);
    super(`The range's state in ${dir} cannot be used as it is:\n${lines.join('\n')}`);
    this.name = 'RangeStateError';
    this.dir = dir;
    this.problems = problems;
  }

  /** Some file was written by a newer sirs: only --reset-state (or another folder) gets the range going. */
  get newer(): boolean {
    return this.problems.some((p) => p.newer);
  }
}

export const STATE_FORMAT = 'sirs-range-state';
export const LOG_FORMAT = 'sirs-range-log';
export const STATE_VERSION = 1;
