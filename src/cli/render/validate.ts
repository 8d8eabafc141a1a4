import { formatProblem, isWarning } from '../../scenario/problem.js';
import type { ValidationReport } from '../../scenario/validate.js';
import { plural } from './text.js';

/**
 * Problems grouped by scenario file, each as `file:line:col: message (hint)` so terminals and editors link
 * them (warnings as `file:line:col: warning: message`), then one summary line. A file with only warnings is
 * valid and keeps its ✓.
 */
export function renderValidation(report: ValidationReport): string {
  const out: string[] = [];
  for (const f of report.files) {
    const warnings = f.problems.filter(isWarning).length;
    const counts = count(f.problems.length - warnings, warnings);
    if (f.problems.length === 0) out.push(`✓ ${f.file}`);
    else out.push(`${f.valid ? '✓' : '✗'} ${f.file} (${counts})`);
    for (const p of f.problems) out.push(`  ${formatProblem(p)}`);
  }
  const { files, valid, invalid, problems, warnings } = report.summary;
  const noted = warnings > 0 ? ` (${plural(warnings, 'warning')})` : '';
  out.push('');
  out.push(
    invalid === 0
      ? `${plural(files, 'scenario')} checked: all valid${noted}.`
      : `${plural(files, 'scenario')} checked: ${valid} valid, ${invalid} invalid (${count(problems, warnings)}).`,
  );
  return out.join('\n');
}

/** `2 problems`, `1 warning`, `2 problems, 1 warning`. */
function count(errors: number, warnings: number): string {
  const parts = [];
  if (errors > 0 || warnings === 0) parts.push(plural(errors, 'problem'));
  if (warnings > 0) parts.push(plural(warnings, 'warning'));
  return parts.join(', ');
}
