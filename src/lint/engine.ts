import { isRecord } from '../scenario/issues.js';
import { formatPath, type PathSegment, type Problem } from '../scenario/problem.js';
import type { LintConfig } from './config.js';
import {
  evaluateCondition,
  LINT_ACCOUNT_ID,
  parameterValues,
  pseudoParameters,
  resolveValue,
  type ResolveScope,
} from './resolve.js';
import { RULES } from './rules/index.js';
import { suppressionsOf, type Suppression } from './suppress.js';
import type { LintTemplate } from './template.js';
import { isSkip, type LintResource, type Rule, type RuleContext, type Severity } from './types.js';

/**
 * Judging one template: resolve what can be resolved, leave out resources whose Condition is false, run
 * every enabled rule on every resource of its types, then apply the resource's suppressions. Pure: the
 * template is already read; nothing here touches the disk or the network.
 */
export interface Finding {
  rule: string;
  title: string;
  severity: Severity;
  file: string;
  line: number;
  col: number;
  resource: string;
  resourceType: string;
  /** Where in the template, like `Resources.Web.Properties.SecurityGroupIngress[0].CidrIp`. */
  path: string;
  message: string;
  control: string;
  fix: string;
  /** Present when the finding only shows on the deployed stack (`--deploy`), not in the template. */
  deployedOnly?: true;
  /** Present when a suppression in the template accepts it. */
  suppressed?: { reason: string };
}

/** A check a rule skipped because a value is only known after deployment. */
export interface UnresolvedCheck {
  rule: string;
  file: string;
  line: number;
  col: number;
  resource: string;
  path: string;
  reason: string;
}

export interface TemplateReport {
  file: string;
  findings: Finding[];
  suppressed: Finding[];
  unresolved: UnresolvedCheck[];
  /** Resources left out because their Condition is false with these parameters. */
  notCreated: Array<{ resource: string; condition: string }>;
  problems: Problem[];
}

export interface JudgeOptions {
  parameters: Record<string, string>;
  config: LintConfig;
  region?: string;
}

export function enabledRules(config: LintConfig): Rule[] {
  return RULES.filter((r) => config.rules[r.id]?.enabled !== false);
}

export function severityOf(rule: Rule, config: LintConfig): Severity {
  return config.rules[rule.id]?.severity ?? rule.severity;
}

/** The template's resources as rules see them, resolved with these parameters. */
export function resolveTemplate(
  template: LintTemplate,
  opts: Pick<JudgeOptions, 'parameters' | 'region'>,
): {
  resources: LintResource[];
  notCreated: TemplateReport['notCreated'];
  raw: Map<string, Record<string, unknown>>;
} {
  const d = template.data;
  const scope: ResolveScope = {
    parameters: parameterValues(d.Parameters, opts.parameters),
    pseudo: pseudoParameters(opts.region),
    mappings: isRecord(d.Mappings) ? d.Mappings : {},
    conditions: isRecord(d.Conditions) ? d.Conditions : {},
    resourceIds: new Set(template.resources.map((r) => r.id)),
  };
  const resources: LintResource[] = [];
  const notCreated: TemplateReport['notCreated'] = [];
  const raw = new Map<string, Record<string, unknown>>();
  for (const r of template.resources) {
    if (typeof r.raw.Condition === 'string') {
      const holds = evaluateCondition({ Condition: r.raw.Condition }, scope);
      // An unknown condition may hold: the resource is judged.
      if (holds === false) {
        notCreated.push({ resource: r.id, condition: r.raw.Condition });
        continue;
      }
    }
    const props = resolveValue(r.raw.Properties ?? {}, scope);
    resources.push({ id: r.id, type: r.type, properties: isRecord(props) ? props : {}, origin: 'template' });
    raw.set(r.id, r.raw);
  }
  return { resources, notCreated, raw };
}

export interface Verdict {
  rule: Rule;
  resource: LintResource;
  path: PathSegment[];
  message?: string;
  unresolved?: string;
}

/** Every rule on every resource it covers. A rule that throws is a bug in sirs: reported, never fatal. */
export function judge(
  resources: readonly LintResource[],
  rules: readonly Rule[],
  accountId = LINT_ACCOUNT_ID,
): Verdict[] {
  const ctx: RuleContext = { resources, accountId };
  const out: Verdict[] = [];
  for (const resource of resources) {
    for (const rule of rules) {
      if (!rule.resourceTypes.includes(resource.type)) continue;
      try {
        for (const r of rule.check(resource, ctx)) {
          if (isSkip(r)) out.push({ rule, resource, path: r.path, unresolved: r.unresolved });
          else out.push({ rule, resource, path: r.path, message: r.message });
        }
      } catch (err) {
        out.push({
          rule,
          resource,
          path: [],
          unresolved: `the rule failed (a bug in sirs): ${(err as Error).message}`,
        });
      }
    }
  }
  return out;
}

export function lintTemplate(template: LintTemplate, opts: JudgeOptions): TemplateReport {
  const { resources, notCreated, raw } = resolveTemplate(template, opts);
  const report: TemplateReport = {
    file: template.file,
    findings: [],
    suppressed: [],
    unresolved: [],
    notCreated,
    problems: [],
  };
  const rules = enabledRules(opts.config);
  const known = new Set(RULES.map((r) => r.id));
  const suppressions = new Map<string, Suppression[]>();
  for (const res of resources) {
    const { suppressions: list, problems } = suppressionsOf(raw.get(res.id) ?? {}, known);
    suppressions.set(res.id, list);
    for (const p of problems) {
      const ruleId = p.kind === 'unknown-rule' ? 'LINT002' : 'LINT001';
      const rule = RULES.find((r) => r.id === ruleId)!;
      if (!rules.includes(rule)) continue;
      const message =
        p.kind === 'unknown-rule'
          ? `the suppression names ${p.rule}, which is not a sirs lint rule`
          : p.kind === 'no-reason'
            ? `the suppression of ${p.rule} gives no reason, so it suppresses nothing`
            : 'Metadata.sirs.ignore must be a list of { rule, reason }';
      report.findings.push(locate(template, rule, opts.config, res, p.path, message, false));
    }
  }
  for (const v of judge(resources, rules)) {
    if (v.unresolved !== undefined) {
      const at = locatePath(template, v.resource.id, v.path);
      report.unresolved.push({
        rule: v.rule.id,
        file: template.file,
        ...at,
        resource: v.resource.id,
        reason: v.unresolved,
      });
      continue;
    }
    const finding = locate(template, v.rule, opts.config, v.resource, v.path, v.message!, true);
    const accepted = suppressions.get(v.resource.id)?.find((s) => s.rule === v.rule.id);
    if (accepted) report.suppressed.push({ ...finding, suppressed: { reason: accepted.reason } });
    else report.findings.push(finding);
  }
  return report;
}

function locatePath(template: LintTemplate, id: string, path: PathSegment[], inProperties = true) {
  const full: PathSegment[] =
    path.length === 0
      ? ['Resources', id]
      : ['Resources', id, ...(inProperties ? ['Properties'] : []), ...path];
  const { line, col } = template.source.locate(full, { key: path.length === 0 });
  return { line, col, path: formatPath(full) };
}

export function locate(
  template: LintTemplate,
  rule: Rule,
  config: LintConfig,
  res: LintResource,
  path: PathSegment[],
  message: string,
  inProperties: boolean,
): Finding {
  const at = locatePath(template, res.id, path, inProperties);
  return {
    rule: rule.id,
    title: rule.title,
    severity: severityOf(rule, config),
    file: template.file,
    ...at,
    resource: res.id,
    resourceType: res.type,
    message,
    control: rule.control,
    fix: rule.fix,
  };
}
