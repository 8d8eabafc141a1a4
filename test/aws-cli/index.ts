/**
 * The real AWS CLI for the tests, fast: one warm `awscli` process per test process (driver.py) that forks
 * a child per command, instead of a Python interpreter that imports awscli anew for every `aws` call
 * (most of a second each, and the suite makes thousands). Every command still runs the CLI's own entry
 * point with the caller's arguments, environment and input. `binDir` holds an `aws` for shells (the
 * runbook tests put it first on the PATH). Without Python's awscli module, commands run `aws` as before.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AwsCli {
  run(args: string[], env: Record<string, string>, input?: string): Promise<CliResult>;
  /** A folder with an `aws` executable for shells (the real one when there is no driver). */
  readonly binDir?: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));
let shared: Promise<AwsCli> | undefined;

/** The Python that has awscli: the one the `aws` script names, or python3. */
function awscliPython(): string | undefined {
  for (const candidate of [shebangOfAws(), 'python3'].filter((p): p is string => !!p)) {
    try {
      return execFileSync(candidate, ['-c', 'import awscli, sys; print(sys.executable)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      // not this one
    }
  }
  return undefined;
}

function shebangOfAws(): string | undefined {
  try {
    const path = execFileSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim();
    const first = execFileSync('head', ['-n1', path], { encoding: 'utf8' });
    const m = /^#!\s*(\S+python\S*)/.exec(first);
    return m?.[1];
  } catch {
    return undefined;
  }
}

function plainCli(): AwsCli {
  return {
    run: (args, env, input) =>
      new Promise((resolve) => {
        const child = execFile('aws', args, { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
        child.stdin?.end(input ?? '');
      }),
  };
}

async function startDriver(): Promise<AwsCli> {
  const python = awscliPython();
  if (!python) return plainCli();
  const dir = mkdtempSync(join(tmpdir(), 'sirs-aws-cli-'));
  const socket = join(dir, 'driver.sock');
  const child: ChildProcess = spawn(python, [join(here, 'driver.py'), socket], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.unref();
  (child.stdout as NodeJS.ReadableStream & { unref?: () => void }).unref?.();
  (child.stdin as NodeJS.WritableStream & { unref?: () => void }).unref?.();
  process.once('exit', () => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the AWS CLI driver exited (${code})`)));
    child.stdout!.once('data', () => resolve());
  });
  const binDir = join(dir, 'bin');
  execFileSync('mkdir', ['-p', binDir]);
  writeFileSync(
    join(binDir, 'aws'),
    `#!/bin/sh\nSIRS_AWS_CLI_SOCKET='${socket}' exec '${python}' -S '${join(here, 'client.py')}' "$@"\n`,
  );
  chmodSync(join(binDir, 'aws'), 0o755);
  return {
    binDir,
    run: (args, env, input) =>
      new Promise((resolve, reject) => {
        const conn = createConnection(socket);
        const chunks: Buffer[] = [];
        conn.on('data', (c: Buffer) => chunks.push(c));
        conn.on('error', reject);
        conn.on('end', () => {
          try {
            const a = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
              rc: number;
              stdout: string;
              stderr: string;
            };
            resolve({
              code: a.rc,
              stdout: Buffer.from(a.stdout, 'base64').toString('utf8'),
              stderr: Buffer.from(a.stderr, 'base64').toString('utf8'),
            });
          } catch (err) {
            reject(err as Error);
          }
        });
        conn.end(
          `${JSON.stringify({ args, env, cwd: process.cwd(), stdin: Buffer.from(input ?? '').toString('base64') })}\n`,
        );
      }),
  };
}

/** The AWS CLI of this test process (started on first use). */
export function awsCli(): Promise<AwsCli> {
  shared ??= startDriver().catch(() => plainCli());
  return shared;
}
