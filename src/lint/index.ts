import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { displayPath } from '../scenario/catalog.js';
import type { Problem } from '../scenario/problem.js';
import { EMPTY_CONFIG, findConfig, loadConfig, type LintConfig } from './config.js';
import {
  enabledRules,
  lintTemplate,
  severityOf,
  type Finding,
  type TemplateReport,
  type UnresolvedCheck,
} from './engine.js';
import { RULES } from './rules/index.js';
import { readLintTemplate } from './template.js';
import { SEVERITIES, severityRank, type Severity } from './types.js';

/**
 * `sirs lint PATH...`: every CloudFormation template in the files and folders given, judged by every enabled
 * rule. The report is the `--json` output; the human and SARIF renderings are made from it.
 */
export interface LintOptions {
  paths: string[];
  cwd: string;
  parameters?: Record<string, string>;
  /** `--config FILE`; else `.sirs-lint.yaml` found upwards from cwd. */
  configFile?: string;
  failOn?: Severity;
}

export interface RuleInfo {
  id: string;
  family: string;
  title: string;
  severity: Severity;
  enabled: boolean;
  resourceTypes: readonly string[];
  control: string;
  fix: string;
}

export interface LintReport {
  files: TemplateReport[];
  /** Files in the folders given that are not CloudFormation templates (no Resources), left alone. */
  skippedFiles: string[];
  config?: string;
  failOn: Severity;
  /** True when a finding at or above failOn is present: the command exits 1. */
  failed: boolean;
  summary: {
    templates: number;
    findings: number;
    bySeverity: Record<Severity, number>;
    suppressed: number;
    unresolved: number;
    problems: number;
  };
  rules: RuleInfo[];
}

const TEMPLATE_EXTENSIONS = ['.yaml', '.yml', '.json', '.template'];
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'cdk.out', '.sirs']);
const MAX_FILES = 10_000;

export function lintPaths(opts: LintOptions): LintReport {
  // No path: the working directory, as linters do.
  if (opts.paths.length === 0) opts = { ...opts, paths: ['.'] };
  const config = resolveConfig(opts);
  const { explicit, found } = discover(opts.paths, opts.cwd);
  const files: TemplateReport[] = [];
  const skippedFiles: string[] = [];
  for (const abs of [...explicit, ...found]) {
    const display = displayPath(abs, opts.cwd);
    const read = readLintTemplate(abs, display);
    if (read.ok) {
      files.push(lintTemplate(read.template, { parameters: opts.parameters ?? {}, config }));
    } else if ('notCloudFormation' in read && !explicit.includes(abs)) {
      skippedFiles.push(display);
    } else {
      files.push(emptyReport(display, read.problems));
    }
  }
  return buildReport(files, skippedFiles, config, opts.failOn);
}

export function buildReport(
  files: TemplateReport[],
  skippedFiles: string[],
  config: LintConfig,
  failOnFlag?: Severity,
): LintReport {
  const failOn = failOnFlag ?? config.failOn ?? 'high';
  const all: Finding[] = files.flatMap((f) => f.findings);
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [s, all.filter((f) => f.severity === s).length]),
  ) as Record<Severity, number>;
  const problems = files.reduce((n, f) => n + f.problems.length, 0);
  return {
    files,
    skippedFiles,
    ...(config.file ? { config: config.file } : {}),
    failOn,
    // A template sirs cannot read is a failure too: nothing in it was checked.
    failed: all.some((f) => severityRank(f.severity) >= severityRank(failOn)) || problems > 0,
    summary: {
      templates: files.length,
      findings: all.length,
      bySeverity,
      suppressed: files.reduce((n, f) => n + f.suppressed.length, 0),
      unresolved: files.reduce((n, f) => n + f.unresolved.length, 0),
      problems,
    },
    rules: ruleInfos(config),
  };
}

export function ruleInfos(config: LintConfig): RuleInfo[] {
  const enabled = new Set(enabledRules(config));
  return RULES.map((r) => ({
    id: r.id,
    family: r.family,
    title: r.title,
    severity: severityOf(r, config),
    enabled: enabled.has(r),
    resourceTypes: r.resourceTypes,
    control: r.control,
    fix: r.fix,
  }));
}

export function emptyReport(file: string, problems: Problem[]): TemplateReport {
  return { file, findings: [], suppressed: [], unresolved: [], notCreated: [], problems };
}

export function resolveConfig(opts: LintOptions): LintConfig {
  const abs = opts.configFile ? resolve(opts.cwd, opts.configFile) : findConfig(opts.cwd);
  if (abs === undefined) return EMPTY_CONFIG;
  const { config, problems } = loadConfig(abs, displayPath(abs, opts.cwd));
  if (config) return config;
  throw new UsageError(
    'lint-config-invalid',
    `the lint config has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems
      .map((p) => `  ${p.file}:${p.line}:${p.col}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`)
      .join('\n')}`,
    { suggestions: ['fix the file, or name another with --config'] },
  );
}

/** Files named explicitly are always read; folders are searched for template-like files. */
function discover(paths: string[], cwd: string): { explicit: string[]; found: string[] } {
  const explicit: string[] = [];
  const found: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new UsageError('path-not-found', `${p} does not exist`, {
        suggestions: ['give a template file or a folder of templates'],
      });
    }
    if (!isDir) explicit.push(abs);
    else walk(abs, found);
  }
  return {
    explicit: [...new Set(explicit)],
    found: [...new Set(found)].filter((f) => !explicit.includes(f)),
  };
}

function walk(dir: string, out: string[]): void {
  const stack = [dir];
  while (stack.length > 0 && out.length < MAX_FILES) {
    const d = stack.pop()!;
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const abs = join(d, e.name);
      if (e.isDirectory() && !SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) stack.push(abs);
      else if (e.isFile() && TEMPLATE_EXTENSIONS.includes(extname(e.name).toLowerCase())) out.push(abs);
    }
  }
  out.sort();
}

export type { Finding, TemplateReport, UnresolvedCheck };
