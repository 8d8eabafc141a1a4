/**
 * `sirs policy`: load the scenarios (or the whole library), derive the policy, render it as a policy
 * document or as a CloudFormation template, and write it to a file when asked. Prints nothing itself.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sirsVersion } from '../aws/target.js';
import { SirsError, UsageError } from '../errors.js';
import { loadConfig } from '../exercise/config.js';
import { loadDefenses } from '../exercise/defenses.js';
import { packageRoot } from '../paths.js';
import { catalogEntries } from '../scenario/catalog.js';
import { loadExercise } from '../scenario/load.js';
import { policyTemplate, splitStatements } from './cfn.js';
import { policyDefenses } from './defenses.js';
import { PolicyGapError, policyFor, type ExplainedStatement, type PolicyDocument } from './generate.js';

export type PolicyFormat = 'json' | 'cfn';

export interface PolicyRequest {
  scenarios: readonly string[];
  all?: boolean;
  /** `--defenses`: templates or folders (as `sirs start/drill --defenses` takes them), or stack names. */
  defenses?: readonly string[];
  format?: PolicyFormat;
  out?: string;
  config?: string;
  cwd?: string;
}

export interface PolicyResult {
  scenarios: string[];
  /** The defences the policy covers, by id (`defense-ssh-revert`). */
  defenses: string[];
  namePrefix: string;
  format: PolicyFormat;
  /** The policy document (or the template) as printed or written. */
  text: string;
  file?: string;
  policy: PolicyDocument;
  /** How many IAM managed policies the document needs (6,144 characters each). */
  managedPolicies: number;
  statements: Array<{ sid: string; actions: Record<string, string[]> }>;
}

/** The ids `--all` stands for: every scenario and campaign of the shipped library. */
export function libraryIds(): string[] {
  const { scenarios, campaigns } = catalogEntries(packageRoot());
  return [...scenarios, ...campaigns];
}

export function sirsPolicy(req: PolicyRequest): PolicyResult {
  const cwd = req.cwd ?? process.cwd();
  if (Boolean(req.all) === req.scenarios.length > 0) {
    throw new UsageError(
      req.all ? 'policy-all-and-scenarios' : 'policy-what',
      req.all
        ? '--all covers the whole library: name no scenarios with it'
        : 'name the scenarios sirs will run, or --all',
      { suggestions: ['sirs policy ssh-open-to-world', 'sirs policy --all --format cfn'] },
    );
  }
  const { config } = loadConfig({ cwd, ...(req.config ? { path: req.config } : {}) });
  const loaded = loadExercise(req.all ? libraryIds() : req.scenarios, { cwd });
  // A campaign repeats its stages' scenarios; each counts once.
  const seen = new Set<string>();
  const scenarios = loaded.scenarios.filter((s) => !seen.has(s.scenario.id) && seen.add(s.scenario.id));
  // The policy is for AWS: a name that is no file names a stack of defences deployed there already.
  const defenses = policyDefenses(loadDefenses(req.defenses ?? [], { cwd, target: 'aws' }));
  let policy;
  try {
    policy = policyFor({ scenarios, decoys: loaded.decoys, defenses }, { namePrefix: config.namePrefix });
  } catch (err) {
    if (!(err instanceof PolicyGapError)) throw err;
    throw new SirsError('policy-gap', err.message, {
      suggestions: [err.hint],
    });
  }
  const format = req.format ?? 'json';
  const text =
    format === 'cfn'
      ? policyTemplate(policy, { generatedBy: `sirs ${sirsVersion()}` })
      : `${JSON.stringify(policy.document, null, 2)}\n`;
  let file: string | undefined;
  if (req.out) {
    file = resolve(cwd, req.out);
    writeFileSync(file, text);
  }
  return {
    scenarios: policy.scenarios,
    defenses: defenses.map((d) => d.id),
    namePrefix: policy.namePrefix,
    format,
    text,
    ...(file ? { file } : {}),
    policy: policy.document,
    managedPolicies: splitStatements(policy.document.Statement).length,
    statements: policy.statements.map((s: ExplainedStatement) => ({ sid: s.Sid, actions: s.reasons })),
  };
}
