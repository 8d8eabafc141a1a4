/**
 * Running a rendered runbook the way a responder would: every command of its shell blocks, in document
 * order, in one bash session (variables carry over), with the real `aws` CLI and `sirs` on the PATH.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkExpectations, shellBlocks, type RunbookCommand } from '../../src/runbook/commands.js';
import { awsCli } from '../aws-cli/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

export interface CommandRun {
  command: RunbookCommand;
  code: number;
  stdout: string;
  stderr: string;
  problems: string[];
}

/**
 * Run every command; stop at the first that fails (unless it is expected to fail). Resolves with what
 * each command did, and whether each agreed with the runbook's expectations.
 */
export async function runRunbook(
  markdown: string,
  env: Record<string, string>,
  opts: { cwd: string },
): Promise<CommandRun[]> {
  const commands = shellBlocks(markdown).flatMap((b) => b.commands);
  // `aws` is the real AWS CLI, kept warm (test/aws-cli) so that each command does not start Python anew.
  const { binDir } = await awsCli();
  const dir = mkdtempSync(join(tmpdir(), 'sirs-runbook-'));
  try {
    const script = [
      'set -o pipefail',
      `sirs() { node --import '${tsxLoader}' '${join(root, 'bin', 'dev.js')}' "$@"; }`,
      ...commands.flatMap((c, i) => [
        `{ ${c.text}\n} >'${dir}/${i}.out' 2>'${dir}/${i}.err' </dev/null`,
        `echo $? >'${dir}/${i}.rc'`,
        ...(c.expect.some((e) => e.kind === 'error') ? [] : [`[ "$(cat '${dir}/${i}.rc')" = 0 ] || exit 0`]),
      ]),
    ].join('\n');
    writeFileSync(join(dir, 'script.sh'), script);
    await new Promise<void>((resolve, reject) => {
      execFile(
        'bash',
        [join(dir, 'script.sh')],
        {
          cwd: opts.cwd,
          env: {
            PATH: [binDir, process.env.PATH ?? ''].filter(Boolean).join(':'),
            HOME: process.env.HOME ?? '/tmp',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
            AWS_PAGER: '',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            ...env,
          },
          maxBuffer: 64 * 1024 * 1024,
        },
        (err) => (err && (err as { code?: unknown }).code === undefined ? reject(err) : resolve()),
      );
    });
    const runs: CommandRun[] = [];
    for (const [i, command] of commands.entries()) {
      let rc: string;
      try {
        rc = readFileSync(join(dir, `${i}.rc`), 'utf8').trim();
      } catch {
        break; // not reached: an earlier command failed
      }
      const result = {
        code: Number(rc),
        stdout: readFileSync(join(dir, `${i}.out`), 'utf8'),
        stderr: readFileSync(join(dir, `${i}.err`), 'utf8'),
      };
      runs.push({ command, ...result, problems: checkExpectations(command, result) });
    }
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A readable account of the commands that failed or contradicted the runbook. */
export function describeFailures(runs: readonly CommandRun[], total: number): string {
  const bad = runs.filter((r) => r.problems.length);
  const lines = bad.map((r) => `line ${r.command.line}: ${r.command.text}\n    ${r.problems.join('\n    ')}`);
  if (runs.length < total) lines.push(`only ${runs.length} of ${total} commands ran`);
  return lines.join('\n');
}
