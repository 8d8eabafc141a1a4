/**
 * CLI cold start: medians of `node -e 0`, `aws --version`, `sirs --help` and `sirs validate`, run
 * round-robin (so drift in machine load hits every command alike), against the built dist/.
 * Goal: `sirs --help` under 1.5x `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import type { BenchRow, BenchSection } from '../bench.js';

const RUNS = 15;
const WARMUP = 2;
const HELP_GOAL = 1.5;

interface Subject {
  name: string;
  cmd: string;
  args: string[];
}

export async function run(): Promise<BenchSection> {
  const root = packageRoot();
  for (const built of ['oclif.manifest.json', join('dist', 'cli', 'root-help.js')]) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  const bin = join(root, 'bin', 'run.js');
  const node = process.execPath;
  const subjects: Subject[] = [
    { name: 'node -e 0', cmd: node, args: ['-e', '0'] },
    { name: 'aws --version', cmd: 'aws', args: ['--version'] },
    { name: 'sirs --help', cmd: node, args: [bin, '--help'] },
    { name: 'sirs validate', cmd: node, args: [bin, 'validate'] },
  ];
  const notes: string[] = [];
  const available = subjects.filter((s) => {
    const probe = spawnSync(s.cmd, s.args, { cwd: root, stdio: 'ignore' });
    if (probe.error) notes.push(`${s.name}: not measured (${probe.error.message})`);
    else if (probe.status !== 0) notes.push(`${s.name}: exits ${probe.status}; measured anyway`);
    return !probe.error;
  });

  const samples = new Map<string, number[]>(available.map((s) => [s.name, []]));
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const s of available) {
      const start = process.hrtime.bigint();
      spawnSync(s.cmd, s.args, { cwd: root, stdio: 'ignore' });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (i >= WARMUP) samples.get(s.name)!.push(ms);
    }
  }

  const baseline = median(samples.get('node -e 0')!);
  const rows: BenchRow[] = available.map((s) => {
    const value = Math.round(median(samples.get(s.name)!));
    const ratio = value / baseline;
    const row: BenchRow = { name: s.name, value, unit: 'ms', ratio };
    if (s.name === 'sirs --help') row.goal = { text: `< ${HELP_GOAL}x node`, met: ratio < HELP_GOAL };
    return row;
  });
  notes.push(
    `median of ${RUNS} runs each after ${WARMUP} warm-up rounds; sirs runs bin/run.js against dist/ (npm run build)`,
  );
  return { title: 'CLI cold start', rows, notes };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
