import { EMPTY_CONFIG, type LintConfig } from '../../src/lint/config.js';
import { lintTemplate, type TemplateReport } from '../../src/lint/engine.js';
import { parseLintTemplate } from '../../src/lint/template.js';

/** Lints template text as `sirs lint` would a file (no disk, no CLI): the fast path for rule tests. */
export function lintText(
  text: string,
  opts: { parameters?: Record<string, string>; config?: LintConfig; file?: string } = {},
): TemplateReport {
  const read = parseLintTemplate(text, opts.file ?? 'template.yaml');
  if (!read.ok) throw new Error(`not a template: ${read.problems.map((p) => p.message).join('; ')}`);
  return lintTemplate(read.template, {
    parameters: opts.parameters ?? {},
    config: opts.config ?? EMPTY_CONFIG,
  });
}

export function firedRules(report: TemplateReport): string[] {
  return [...new Set(report.findings.map((f) => f.rule))].sort();
}

/** A template with the given resources (YAML, indented by two under Resources). */
export function template(resources: string, extra = ''): string {
  return `AWSTemplateFormatVersion: '2010-09-09'\n${extra}Resources:\n${resources}`;
}
