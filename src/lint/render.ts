import { formatProblem } from '../scenario/problem.js';
import type { Finding, LintReport, TemplateReport } from './index.js';
import { SEVERITIES, severityRank, type Severity } from './types.js';

/**
 * The human report: findings grouped by template, worst first within a file, each as
 * `file:line:col SEVERITY RULE resource: message` (terminals and editors link the location), the control
 * and the fix under it; suppressions with their reasons; then one summary line. Colour only when asked.
 */
export interface RenderStyle {
  colour: boolean;
  /** Also list the checks skipped because a value is only known after deployment. */
  verbose?: boolean;
}

const COLOUR: Record<Severity, number> = { critical: 35, high: 31, medium: 33, low: 36 };

/** Values from a template reach the terminal: no escape sequences or control characters from them. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

function paint(text: string, code: number, style: RenderStyle): string {
  return style.colour ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function findingLines(f: Finding, style: RenderStyle): string[] {
  const sev = paint(f.severity.toUpperCase().padEnd(8), COLOUR[f.severity], style);
  const where = `${f.file}:${f.line}:${f.col}`;
  const deployed = f.deployedOnly ? ' [after deployment]' : '';
  return [
    `  ${where} ${sev} ${f.rule} ${clean(f.resource)}: ${clean(f.message)}${deployed}`,
    `      control: ${f.control}`,
    `      fix: ${f.fix}`,
  ];
}

function fileBlock(file: TemplateReport, style: RenderStyle): string[] {
  const out: string[] = [];
  const findings = [...file.findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.line - b.line || a.col - b.col,
  );
  const mark = file.problems.length > 0 ? '✗' : findings.length === 0 ? '✓' : '●';
  const counts = [
    findings.length > 0 ? plural(findings.length, 'finding') : '',
    file.suppressed.length > 0 ? `${file.suppressed.length} suppressed` : '',
  ].filter(Boolean);
  out.push(`${mark} ${clean(file.file)}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`);
  for (const p of file.problems) out.push(`  ${clean(formatProblem(p))}`);
  for (const f of findings) out.push(...findingLines(f, style));
  for (const f of file.suppressed)
    out.push(
      `  ${f.file}:${f.line}:${f.col} suppressed ${f.rule} ${clean(f.resource)}: ${clean(f.suppressed!.reason)}`,
    );
  if (style.verbose) {
    for (const u of file.unresolved)
      out.push(
        `  ${u.file}:${u.line}:${u.col} not judged ${u.rule} ${clean(u.resource)}: ${clean(u.reason)}`,
      );
    for (const n of file.notCreated)
      out.push(`  not created: ${n.resource} (condition ${n.condition} is false)`);
  }
  return out;
}

export function renderLint(report: LintReport, style: RenderStyle): string {
  const out: string[] = [];
  for (const f of report.files) out.push(...fileBlock(f, style));
  if (report.skippedFiles.length > 0)
    out.push(
      `  (${plural(report.skippedFiles.length, 'file')} in the folders given are not CloudFormation templates: left alone)`,
    );
  const s = report.summary;
  const bySeverity = [...SEVERITIES]
    .reverse()
    .filter((sev) => s.bySeverity[sev] > 0)
    .map((sev) => `${s.bySeverity[sev]} ${sev}`)
    .join(', ');
  const extra = [
    s.suppressed > 0 ? `${s.suppressed} suppressed` : '',
    s.unresolved > 0
      ? `${plural(s.unresolved, 'check')} not judged (values known only after deployment${style.verbose ? '' : '; --verbose lists them'})`
      : '',
    s.problems > 0 ? `${plural(s.problems, 'problem')} reading templates` : '',
  ].filter(Boolean);
  out.push('');
  out.push(
    `${plural(s.templates, 'template')} checked: ${s.findings === 0 ? 'no findings' : `${plural(s.findings, 'finding')} (${bySeverity})`}${extra.length > 0 ? `; ${extra.join('; ')}` : ''}.`,
  );
  out.push(
    report.failed
      ? paint(`Failed: findings at or above ${report.failOn} (--fail-on ${report.failOn}).`, 31, style)
      : `Passed: nothing at or above ${report.failOn}.`,
  );
  return out.join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
