import { runCommand } from '@oclif/test';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const pjson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

/** Loads commands from src/ (as bin/dev.js does), so tests never run a stale dist/. */
export const loadFromSrc = {
  root: repoRoot,
  development: true,
  pjson: { ...pjson, oclif: { ...pjson.oclif, commands: './src/commands' } },
};

export interface SirsRun {
  stdout: string;
  stderr: string;
  /** The process exit code the run would end with. */
  exitCode: number;
  /** The parsed stdout, for --json runs. */
  json?: unknown;
}

/** Runs a sirs command in-process and reports what a user would see: output and exit code. */
export async function sirs(args: string[]): Promise<SirsRun> {
  const { stdout, stderr: written, error } = await runCommand(args, loadFromSrc, { stripAnsi: true });
  const exitCode = error ? ((error as { oclif?: { exit?: number } }).oclif?.exit ?? 1) : 0;
  // oclif's own errors (flag parsing) are printed by its top-level handler, which runCommand leaves out.
  const printed = error && (error as { code?: string }).code !== 'EEXIT' ? `${error.message}\n` : '';
  const stderr = written + printed;
  let json: unknown;
  if (args.includes('--json')) json = JSON.parse(stdout);
  return { stdout, stderr, exitCode, ...(json === undefined ? {} : { json }) };
}
