/**
 * `npm run bench [-- --only cli,...]`: runs the benchmark sections listed below, prints a table per section
 * and writes bench-results/latest.json. Each section is a module in scripts/bench/ exporting
 * `run(): Promise<BenchSection>`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';

export interface BenchRow {
  /** What was measured, e.g. `sirs --help`. */
  name: string;
  /** The measured value (a median for timings). */
  value: number;
  unit: string;
  /** Ratio to the section's baseline row, when it has one. */
  ratio?: number;
  /** A goal for this row and whether the run met it. */
  goal?: { text: string; met: boolean };
  note?: string;
}

export interface BenchSection {
  title: string;
  rows: BenchRow[];
  notes?: string[];
}

const SECTIONS: Record<string, () => Promise<{ run(): Promise<BenchSection> }>> = {
  cli: () => import('./bench/cli.js'),
  signals: () => import('./bench/signals.js'),
  range: () => import('./bench/range.js'),
  cloudformation: () => import('./bench/cloudformation.js'),
  faults: () => import('./bench/faults.js'),
  controller: () => import('./bench/controller.js'),
  reliability: () => import('./bench/reliability.js'),
  report: () => import('./bench/report.js'),
  library: () => import('./bench/library.js'),
  lint: () => import('./bench/lint.js'),
  authz: () => import('./bench/authz.js'),
  automation: () => import('./bench/automation.js'),
  events: () => import('./bench/events.js'),
};

function selected(argv: string[]): string[] {
  const i = argv.indexOf('--only');
  if (i < 0) return Object.keys(SECTIONS);
  const names = (argv[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !(n in SECTIONS));
  if (names.length === 0 || unknown.length > 0) {
    console.error(`--only takes section names: ${Object.keys(SECTIONS).join(', ')}`);
    process.exit(2);
  }
  return names;
}

function formatSection(name: string, s: BenchSection): string {
  const header = ['', 'value', 'ratio', 'goal'];
  const rows = s.rows.map((r) => [
    r.name,
    `${Number.isInteger(r.value) ? r.value : r.value.toFixed(1)} ${r.unit}`,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
    r.goal ? `${r.goal.text}: ${r.goal.met ? 'met' : 'MISSED'}` : (r.note ?? ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(i === 3 ? 0 : widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    `${name}: ${s.title}`,
    line(header),
    ...rows.map(line),
    ...(s.notes ?? []).map((n) => `  ${n}`),
  ].join('\n');
}

const results: Record<string, BenchSection> = {};
for (const name of selected(process.argv.slice(2))) {
  const section = await (await SECTIONS[name]!()).run();
  results[name] = section;
  console.log(`${formatSection(name, section)}\n`);
}
const dir = join(packageRoot(), 'bench-results');
mkdirSync(dir, { recursive: true });
const out = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  sections: results,
};
writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${join('bench-results', 'latest.json')}`);
