/**
 * `sirs lint` over 200 templates (the labelled corpus repeated with varied names) beside `cfn-lint` on the
 * same files, as a ratio (goal: faster than cfn-lint), each run as a user would (one process over the
 * folder), median of 3. Then recall and false positives per rule family on the corpus (goal: every
 * insecure variant flagged, no secure variant flagged).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { EMPTY_CONFIG } from '../../src/lint/config.js';
import { lintTemplate } from '../../src/lint/engine.js';
import { readLintTemplate } from '../../src/lint/template.js';
import { packageRoot } from '../../src/paths.js';
import { CORPUS_DIR, corpusEntries } from '../../test/lint/corpus.js';
import type { BenchRow, BenchSection } from '../bench.js';

const TEMPLATES = 200;
const RUNS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(
  cmd: string,
  args: string[],
  cwd: string,
): { ms: number; status: number | null; error?: Error } {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: 'ignore' });
  return {
    ms: Number(process.hrtime.bigint() - start) / 1e6,
    status: r.status,
    ...(r.error ? { error: r.error } : {}),
  };
}

export async function run(): Promise<BenchSection> {
  const root = packageRoot();
  if (!existsSync(join(root, 'dist', 'commands', 'lint.js')))
    throw new Error('dist/commands/lint.js is missing: run `npm run build` first');
  const entries = corpusEntries();
  const dir = mkdtempSync(join(tmpdir(), 'sirs-lint-bench-'));
  const notes: string[] = [];
  const rows: BenchRow[] = [];
  try {
    const sources = [...new Set(entries.map((e) => e.file))];
    const files = Array.from(
      { length: TEMPLATES },
      (_, i) => `t${String(i).padStart(3, '0')}${extname(sources[i % sources.length]!)}`,
    );
    files.forEach((f, i) => copyFileSync(join(CORPUS_DIR, sources[i % sources.length]!), join(dir, f)));
    const sirsMs: number[] = [];
    const cfnMs: number[] = [];
    let cfnLint = true;
    for (let r = 0; r < RUNS; r++) {
      sirsMs.push(time(process.execPath, [join(root, 'bin', 'run.js'), 'lint', '.', '--json'], dir).ms);
      if (cfnLint) {
        const t = time('cfn-lint', files, dir);
        if (t.error) {
          cfnLint = false;
          notes.push(`cfn-lint: not measured (${t.error.message}); install it with pip install cfn-lint`);
        } else cfnMs.push(t.ms);
      }
    }
    const cfn = cfnLint ? median(cfnMs) : undefined;
    rows.push({
      name: `sirs lint, ${TEMPLATES} templates`,
      value: median(sirsMs),
      unit: 'ms',
      ...(cfn
        ? { ratio: median(sirsMs) / cfn, goal: { text: 'faster than cfn-lint', met: median(sirsMs) < cfn } }
        : {}),
    });
    if (cfn) rows.push({ name: `cfn-lint, same ${TEMPLATES} templates`, value: cfn, unit: 'ms', ratio: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const families = [...new Set(entries.map((e) => e.family))].sort();
  for (const family of families) {
    let insecure = 0;
    let flagged = 0;
    let secure = 0;
    let falsePositives = 0;
    for (const e of entries.filter((x) => x.family === family)) {
      const read = readLintTemplate(join(CORPUS_DIR, e.file), e.file);
      if (!read.ok) continue;
      const fired = lintTemplate(read.template, { parameters: {}, config: EMPTY_CONFIG }).findings.some(
        (f) => f.rule === e.rule,
      );
      if (e.variant === 'insecure') {
        insecure++;
        if (fired) flagged++;
      } else {
        secure++;
        if (fired) falsePositives++;
      }
    }
    rows.push({
      name: `recall ${family} (${flagged}/${insecure} insecure, ${falsePositives}/${secure} secure flagged)`,
      value: insecure === 0 ? 100 : Math.round((flagged / insecure) * 100),
      unit: '%',
      goal: { text: 'all insecure, no secure flagged', met: flagged === insecure && falsePositives === 0 },
    });
  }
  notes.push(
    `corpus: ${new Set(entries.map((e) => e.file)).size} labelled templates in test/lint/corpus/, repeated to ${TEMPLATES} files for the timing`,
  );
  return { title: 'sirs lint: 200 templates beside cfn-lint; recall per rule family', rows, notes };
}
