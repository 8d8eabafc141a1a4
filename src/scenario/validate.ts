import { basename, extname } from 'node:path';
import { packageRoot } from '../paths.js';
import { checkApiCalls } from './api-calls.js';
import type { CfnTemplate } from './cfn-template.js';
import { catalogRootOf, displayPath, resolveTargets } from './catalog.js';
import { checkStructure } from './checks.js';
import type { CheckContext } from './context.js';
import { parseYaml } from './document.js';
import { isRecord, schemaProblems } from './issues.js';
import { isWarning, sortProblems, type Problem } from './problem.js';
import {
  checkCapabilities,
  checkLintTemplate,
  checkParameters,
  checkPlaceholders,
  checkActionRefs,
  checkRunbook,
  checkRunbookRenders,
  checkTemplate,
} from './references.js';
import { Scenario } from './schema.js';
import { Campaign, checkCampaign, isCampaignData } from './campaign.js';
import type { YamlSource } from './document.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readTextFile } from './source.js';

export interface FileReport {
  /** The scenario file, as shown to the user. */
  file: string;
  /** The scenario id, when the file has a string id. */
  id?: string;
  /** No problem is an error (warnings allowed). */
  valid: boolean;
  /** Errors and warnings, in file order, each with its severity. */
  problems: Problem[];
}

export interface ValidationReport {
  valid: boolean;
  files: FileReport[];
  /** `problems` counts errors; `warnings` the problems that do not make a file invalid. */
  summary: { files: number; valid: number; invalid: number; problems: number; warnings: number };
}

export interface CatalogOptions {
  /** Where relative paths are resolved and shown from; default process.cwd(). */
  cwd?: string;
  /** The catalog ids resolve in; default the sirs package. */
  root?: string;
}

export interface CheckedScenario {
  report: FileReport;
  /** Present only when the file is a valid scenario. */
  scenario?: Scenario;
  /** Present only when the file is a valid campaign. */
  campaign?: Campaign;
  /** A campaign's decoy templates, by decoy id. */
  decoyTemplates?: Map<string, CfnTemplate>;
  template?: CfnTemplate;
  /** Where the id is, for problems found across files. */
  idProblem?: (code: string, message: string, hint?: string) => Problem;
}

/** Validates one scenario file completely, collecting every problem. Never throws for bad input. */
export function checkScenarioFile(abs: string, opts: { cwd?: string } = {}): CheckedScenario {
  const cwd = opts.cwd ?? process.cwd();
  const display = (p: string) => displayPath(p, cwd);
  const file = display(abs);
  const done = (problems: Problem[], extra: Partial<CheckedScenario> = {}, id?: string): CheckedScenario => {
    const unique = dedupe(sortProblems(problems)).map(withSeverity);
    const valid = !unique.some((p) => p.severity === 'error');
    return {
      report: { file, ...(id === undefined ? {} : { id }), valid, problems: unique },
      ...extra,
    };
  };

  const read = readTextFile(abs, 'the scenario file');
  if (!read.ok) {
    const { line = 1, col = 1, ...rest } = read.issue;
    return done([{ file, line, col, path: '', ...rest }]);
  }
  const parsed = parseYaml(read.text, file, {
    tagHint: 'scenario files are plain YAML; CloudFormation tags like !Ref belong in the template',
  });
  if (!parsed.ok) return done(parsed.problems);
  const { source, data } = parsed;
  if (source.doc.contents === null) {
    return done([
      {
        file,
        line: 1,
        col: 1,
        path: '',
        code: 'empty-file',
        message: 'the file is empty',
        hint: 'start from scenarios/ssh-open-to-world.yaml',
      },
    ]);
  }
  if (!isRecord(data)) {
    const what = Array.isArray(data) ? 'a list' : data === null ? 'null' : `a single ${typeof data}`;
    return done([
      source.problem(
        [],
        'not-a-mapping',
        `a scenario is a mapping of keys (id, title, inject, phases, ...); this file holds ${what}`,
      ),
    ]);
  }

  if (isCampaignData(data)) return checkCampaignFile(abs, source, data, display, done);
  const problems = schemaProblems(Scenario, data, source);
  const ctx: CheckContext = {
    source,
    data,
    file: abs,
    root: catalogRootOf(abs),
    display,
    report: (p) => problems.push(p),
    at: (path, code, message, hint, o) => problems.push(source.problem(path, code, message, hint, o)),
  };
  checkStructure(ctx);
  checkApiCalls(ctx);
  checkTemplate(ctx);
  checkParameters(ctx);
  checkLintTemplate(ctx);
  checkCapabilities(ctx);
  checkPlaceholders(ctx);
  checkActionRefs(ctx);
  checkRunbook(ctx);

  const id = typeof data.id === 'string' ? data.id : undefined;
  const idProblem = (code: string, message: string, hint?: string) =>
    withSeverity(source.problem(['id'], code, message, hint));
  const result = done(problems, { idProblem, ...(ctx.template ? { template: ctx.template } : {}) }, id);
  if (!result.report.valid) return result;
  const scenario = Scenario.parse(data);
  const late: Problem[] = [];
  checkRunbookRenders({ ...ctx, report: (p) => late.push(p) }, scenario);
  if (late.length) return done([...problems, ...late], { idProblem }, id);
  result.scenario = scenario;
  return result;
}

function checkCampaignFile(
  abs: string,
  source: YamlSource,
  data: Record<string, unknown>,
  display: (p: string) => string,
  done: (problems: Problem[], extra?: Partial<CheckedScenario>, id?: string) => CheckedScenario,
): CheckedScenario {
  const problems = schemaProblems(Campaign, data, source);
  const root = catalogRootOf(abs);
  const ctx: CheckContext = {
    source,
    data,
    file: abs,
    root,
    display,
    report: (p) => problems.push(p),
    at: (path, code, message, hint, o) => problems.push(source.problem(path, code, message, hint, o)),
  };
  const stem = basename(abs, extname(abs));
  if (typeof data.id === 'string' && data.id !== stem) {
    ctx.at(['id'], 'id-mismatch', `id "${data.id}" does not match the file name "${basename(abs)}"`);
  }
  const decoyTemplates = checkCampaign(ctx, (id) => {
    const file = join(root, 'scenarios', `${id}.yaml`);
    if (!existsSync(file)) return undefined;
    const checked = checkScenarioFile(file, { cwd: dirname(root) });
    return { valid: checked.report.valid && checked.scenario !== undefined };
  });
  const id = typeof data.id === 'string' ? data.id : undefined;
  const idProblem = (code: string, message: string, hint?: string) =>
    withSeverity(source.problem(['id'], code, message, hint));
  const result = done(problems, { idProblem }, id);
  if (result.report.valid) {
    result.campaign = Campaign.parse(data);
    result.decoyTemplates = decoyTemplates;
  }
  return result;
}

/**
 * Validates scenario files named by ids or paths (all of the catalog when none), and checks across files
 * that ids are unique. Unknown ids are usage errors; invalid files are reported, never thrown.
 */
export function validateScenarios(targets: readonly string[], opts: CatalogOptions = {}): ValidationReport {
  const cwd = opts.cwd ?? process.cwd();
  const root = opts.root ?? packageRoot();
  const checked = resolveTargets(targets, { cwd, root }).map((abs) => ({
    abs,
    ...checkScenarioFile(abs, { cwd }),
  }));
  addDuplicateIdProblems(checked);
  return summarize(checked.map((c) => c.report));
}

function addDuplicateIdProblems(checked: Array<CheckedScenario & { abs: string }>): void {
  const byId = new Map<string, Array<CheckedScenario & { abs: string }>>();
  for (const c of checked) {
    if (c.report.id === undefined) continue;
    byId.set(c.report.id, [...(byId.get(c.report.id) ?? []), c]);
  }
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    for (const c of group) {
      const others = group.filter((o) => o !== c).map((o) => o.report.file);
      const stem = basename(c.abs, extname(c.abs));
      c.report.problems.push(
        c.idProblem!(
          'duplicate-id',
          `id "${id}" is also used by ${others.join(', ')}`,
          stem === id ? 'ids must be unique across the catalog' : `rename this one to "${stem}"`,
        ),
      );
      c.report.valid = false;
      delete c.scenario;
    }
  }
}

export function summarize(files: FileReport[]): ValidationReport {
  const invalid = files.filter((f) => !f.valid).length;
  const all = files.flatMap((f) => f.problems);
  const warnings = all.filter(isWarning).length;
  return {
    valid: invalid === 0,
    files,
    summary: {
      files: files.length,
      valid: files.length - invalid,
      invalid,
      problems: all.length - warnings,
      warnings,
    },
  };
}

/** Problems are errors unless they say otherwise; reports always say. */
function withSeverity(p: Problem): Problem {
  return { ...p, severity: p.severity ?? 'error' };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.col}:${p.code}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
