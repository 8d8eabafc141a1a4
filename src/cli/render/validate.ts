import { formatProblem } from '../../scenario/problem.js';
import type { ValidationReport } from '../../scenario/validate.js';
import { plural } from './text.js';

/**
 * Problems grouped by scenario file, each as `file:line:col: message (hint)` so terminals and editors link
 * them, then one summary line.
 */
export function renderValidation(report: ValidationReport): string {
  const out: string[] = [];
  for (const f of report.files) {
    if (f.valid) {
      out.push(`✓ ${f.file}`);
      continue;
    }
    out.push(`✗ ${f.file} (${plural(f.problems.length, 'problem')})`);
    for (const p of f.problems) out.push(`  ${formatProblem(p)}`);
  }
  const { files, valid, invalid, problems } = report.summary;
  out.push('');
  out.push(
    invalid === 0
      ? `${plural(files, 'scenario')} checked: all valid.`
      : `${plural(files, 'scenario')} checked: ${valid} valid, ${invalid} invalid (${plural(problems, 'problem')}).`,
  );
  return out.join('\n');
}
