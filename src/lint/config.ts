import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseYaml } from '../scenario/document.js';
import { didYouMean } from '../scenario/did-you-mean.js';
import { schemaProblems } from '../scenario/issues.js';
import type { Problem } from '../scenario/problem.js';
import { readTextFile } from '../scenario/source.js';
import { RULES } from './rules/index.js';
import { SEVERITIES, type Severity } from './types.js';

/**
 * `.sirs-lint.yaml`, found in the working directory or the nearest folder above it (or named with
 * `--config`): turns rules off and changes their severities, e.g.
 *
 *     failOn: medium
 *     rules:
 *       S3004: off            # off | low | medium | high | critical
 *       KMS003: { severity: high }
 */
export const CONFIG_FILE = '.sirs-lint.yaml';

export interface LintConfig {
  /** The file it came from, when there was one. */
  file?: string;
  failOn?: Severity;
  rules: Record<string, { enabled: boolean; severity?: Severity }>;
}

const SeverityOrOff = z.enum([...SEVERITIES, 'off']);
const RuleSetting = z.union([
  SeverityOrOff,
  z.strictObject({ enabled: z.boolean().optional(), severity: z.enum(SEVERITIES).optional() }),
]);
const ConfigSchema = z.strictObject({
  failOn: z.enum(SEVERITIES).optional(),
  rules: z.record(z.string(), RuleSetting).optional(),
});

export const EMPTY_CONFIG: LintConfig = { rules: {} };

/** The nearest `.sirs-lint.yaml` from `cwd` upwards, if any. */
export function findConfig(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export function loadConfig(abs: string, display: string): { config?: LintConfig; problems: Problem[] } {
  const read = readTextFile(abs, 'the lint config');
  if (!read.ok) {
    const { line = 1, col = 1, ...rest } = read.issue;
    return { problems: [{ file: display, line, col, path: '', ...rest }] };
  }
  return parseConfig(read.text, display);
}

export function parseConfig(text: string, display: string): { config?: LintConfig; problems: Problem[] } {
  const parsed = parseYaml(text, display);
  if (!parsed.ok) return { problems: parsed.problems };
  const data = parsed.data ?? {};
  const problems = schemaProblems(ConfigSchema, data, parsed.source);
  if (problems.length > 0) return { problems };
  const checked = ConfigSchema.parse(data);
  const ids = RULES.map((r) => r.id);
  const rules: LintConfig['rules'] = {};
  for (const [id, setting] of Object.entries(checked.rules ?? {})) {
    if (!ids.includes(id)) {
      problems.push(
        parsed.source.problem(
          ['rules', id],
          'unknown-rule',
          `no rule ${id}`,
          didYouMean(id, ids) ?? 'sirs lint --list-rules lists them',
          {
            key: true,
          },
        ),
      );
      continue;
    }
    if (setting === 'off') rules[id] = { enabled: false };
    else if (typeof setting === 'string') rules[id] = { enabled: true, severity: setting };
    else
      rules[id] = {
        enabled: setting.enabled ?? true,
        ...(setting.severity ? { severity: setting.severity } : {}),
      };
  }
  if (problems.length > 0) return { problems };
  return {
    config: { file: display, ...(checked.failOn ? { failOn: checked.failOn } : {}), rules },
    problems,
  };
}
