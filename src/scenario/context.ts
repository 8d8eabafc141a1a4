import type { CfnTemplate } from './cfn-template.js';
import type { YamlSource } from './document.js';
import type { PathSegment, Problem } from './problem.js';

/** What each semantic check of one scenario file sees, and how it reports. */
export interface CheckContext {
  source: YamlSource;
  /** The file's data as parsed; checks must not assume the schema passed. */
  data: Record<string, unknown>;
  /** Absolute path of the scenario file. */
  file: string;
  /** The catalog root: the folder holding scenarios/, templates/ and runbooks/. */
  root: string;
  /** Turns an absolute path into the form problems show. */
  display(abs: string): string;
  /** The scenario's template, once read (undefined if missing or broken). */
  template?: CfnTemplate;
  report(problem: Problem): void;
  /** Reports at a path of the scenario file. */
  at(
    path: readonly PathSegment[],
    code: string,
    message: string,
    hint?: string,
    opts?: { key?: boolean },
  ): void;
}
