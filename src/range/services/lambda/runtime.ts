import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RangeInfo } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { NODE_BOOTSTRAP } from './bootstrap-node.js';
import { PYTHON_BOOTSTRAP } from './bootstrap-python.js';
import { NODE_RUNTIMES, PYTHON_RUNTIMES, type LambdaFunction } from './store.js';
import { readZip } from './zip.js';

/**
 * Runs a function's handler in a child process: `node` for Node.js runtimes, `python3` for Python.
 * Not a sandbox: the process runs with the range user's own OS permissions (see README.md).
 */

/** What one run produced. */
export interface Execution {
  /** The handler's result as JSON, or Lambda's error document. */
  payload: Buffer;
  functionError?: 'Unhandled';
  /** What the function printed, then the runtime's own lines (timeouts, crashes). */
  log: string;
  durationMs: number;
  maxMemoryUsedMb: number;
}

export interface RunRequest {
  fn: LambdaFunction;
  event: Buffer;
  requestId: string;
  /** The function's environment: AWS's variables, the role's credentials, the user's variables. */
  env: Record<string, string>;
}

/** Largest response a synchronous invocation returns (6 MB), and the log a run keeps. */
const MAX_RESULT_BYTES = 6_291_556;
const MAX_LOG_BYTES = 1_048_576;

interface Interpreter {
  command: string;
  args: string[];
  bootstrap: string;
  source: string;
}

function interpreterOf(runtime: string): Interpreter {
  if (NODE_RUNTIMES.includes(runtime)) {
    return { command: process.execPath, args: [], bootstrap: 'bootstrap.mjs', source: NODE_BOOTSTRAP };
  }
  if (PYTHON_RUNTIMES.includes(runtime)) {
    if (!pythonAvailable()) {
      throw new ServiceError(
        'InvalidRuntimeException',
        `The runtime ${runtime} cannot run on this range: python3 was not found on the PATH. Install Python 3 to run Python functions.`,
        502,
        { sender: false },
      );
    }
    return { command: 'python3', args: ['-u'], bootstrap: 'bootstrap.py', source: PYTHON_BOOTSTRAP };
  }
  throw new ServiceError(
    'InvalidRuntimeException',
    `The runtime parameter of ${runtime} is not supported.`,
    502,
    {
      sender: false,
    },
  );
}

let python: boolean | undefined;
export function pythonAvailable(): boolean {
  python ??= spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;
  return python;
}

/** Where this range keeps unzipped code and bootstraps: one temporary folder per range, made on first use. */
const roots = new WeakMap<RangeInfo, string>();

function rootOf(range: RangeInfo): string {
  let root = roots.get(range);
  if (!root) {
    root = mkdtempSync(join(tmpdir(), 'sirs-range-lambda-'));
    roots.set(range, root);
  }
  return root;
}

/** The project's node_modules, so a Node handler can import the AWS SDK v3 the way Lambda's runtime provides it. */
const projectModules = (() => {
  try {
    const sts = createRequire(import.meta.url).resolve('@aws-sdk/client-sts');
    const i = sts.lastIndexOf(`${sep}node_modules${sep}`);
    return i === -1 ? undefined : sts.slice(0, i + '/node_modules'.length);
  } catch {
    return undefined;
  }
})();

/** The function's unzipped code, one folder per package (by its SHA-256), made once. */
function taskRoot(range: RangeInfo, accountId: string, region: string, fn: LambdaFunction): string {
  const id = Buffer.from(fn.codeSha256, 'base64').toString('hex').slice(0, 16);
  const dir = join(rootOf(range), `${accountId}-${region}-${fn.name}-${id}`);
  if (existsSync(dir)) return dir;
  const partial = `${dir}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(partial, { recursive: true });
  for (const entry of readZip(fn.zip)) {
    const file = join(partial, entry.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, entry.data);
    if (entry.mode) chmodSync(file, entry.mode);
  }
  if (projectModules && !existsSync(join(partial, 'node_modules'))) {
    symlinkSync(projectModules, join(partial, 'node_modules'), 'dir');
  }
  try {
    renameSync(partial, dir);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another run made it first
  }
  return dir;
}

function bootstrapFile(range: RangeInfo, interpreter: Interpreter): string {
  const file = join(rootOf(range), interpreter.bootstrap);
  if (!existsSync(file)) writeFileSync(file, interpreter.source);
  return file;
}

/** Forget a deleted function's unzipped code. */
export function removeCode(range: RangeInfo, accountId: string, region: string, name: string): void {
  const root = roots.get(range);
  if (!root) return;
  const prefix = `${accountId}-${region}-${name}-`;
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(prefix)) rmSync(join(root, entry), { recursive: true, force: true });
  }
}

/** Runs in flight per range, so tests and `stop` can wait for asynchronous invocations to finish. */
const inFlight = new WeakMap<RangeInfo, Set<Promise<unknown>>>();

export function track<T>(range: RangeInfo, p: Promise<T>): Promise<T> {
  let set = inFlight.get(range);
  if (!set) inFlight.set(range, (set = new Set()));
  const s = set;
  s.add(p);
  void p.then(
    () => s.delete(p),
    () => s.delete(p),
  );
  return p;
}

/** Resolves once every run started so far (and any it queued meanwhile) has finished. */
export async function settled(range: RangeInfo): Promise<void> {
  for (;;) {
    const set = inFlight.get(range);
    if (!set || set.size === 0) return;
    await Promise.allSettled([...set]);
  }
}

/** Run the handler once. Resolves with what happened; a function error is data, not a rejection. */
export function runFunction(
  range: RangeInfo,
  accountId: string,
  region: string,
  req: RunRequest,
): Promise<Execution> {
  const interpreter = interpreterOf(req.fn.runtime);
  const dir = taskRoot(range, accountId, region, req.fn);
  const bootstrap = bootstrapFile(range, interpreter);
  const timeoutMs = req.fn.timeout * 1000;
  const env: Record<string, string> = {
    ...req.env,
    LAMBDA_TASK_ROOT: dir,
    SIRS_LAMBDA_REQUEST_ID: req.requestId,
    SIRS_LAMBDA_FUNCTION_ARN: req.fn.arn,
    SIRS_LAMBDA_DEADLINE_MS: String(Date.now() + timeoutMs),
  };
  if (projectModules) env.NODE_PATH = projectModules;
  return new Promise<Execution>((resolve) => {
    const started = performance.now();
    const child = spawn(interpreter.command, [...interpreter.args, bootstrap, dir, req.fn.handler], {
      cwd: dir,
      env,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    let log = '';
    let logBytes = 0;
    const append = (chunk: Buffer) => {
      if (logBytes >= MAX_LOG_BYTES) return;
      const piece = chunk.subarray(0, MAX_LOG_BYTES - logBytes);
      logBytes += piece.length;
      log += piece.toString('utf8');
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const result: Buffer[] = [];
    let resultBytes = 0;
    const channel = child.stdio[3] as NodeJS.ReadableStream | null;
    channel?.on('data', (chunk: Buffer) => {
      resultBytes += chunk.length;
      if (resultBytes <= MAX_RESULT_BYTES + 4096) result.push(chunk);
    });
    let timedOut = false;
    // The function's own run is real: its timeout is wall-clock time, as in AWS.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdin.on('error', () => {}); // a handler that exits before reading its event
    child.stdin.end(req.event);
    let spawnError: Error | undefined;
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const durationMs = performance.now() - started;
      const stamp = new Date().toISOString();
      const done = (payload: object, maxRssKb: number, error: boolean, runtimeLine?: string) => {
        if (runtimeLine) log += `${log && !log.endsWith('\n') ? '\n' : ''}${runtimeLine}\n`;
        resolve({
          payload: Buffer.from(JSON.stringify(payload)),
          ...(error ? { functionError: 'Unhandled' as const } : {}),
          log,
          durationMs,
          maxMemoryUsedMb: Math.ceil(maxRssKb / 1024),
        });
      };
      if (timedOut) {
        const seconds = req.fn.timeout.toFixed(2);
        return done(
          {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${req.requestId} Error: Task timed out after ${seconds} seconds`,
          },
          0,
          true,
          `${stamp} ${req.requestId} Task timed out after ${seconds} seconds`,
        );
      }
      const message = parseMessage(Buffer.concat(result));
      if (resultBytes > MAX_RESULT_BYTES) {
        return done(
          {
            errorType: 'Function.ResponseSizeTooLarge',
            errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESULT_BYTES} bytes).`,
          },
          message?.maxRssKb ?? 0,
          true,
        );
      }
      if (message && 'result' in message) {
        return resolve({
          payload: Buffer.from(JSON.stringify(message.result ?? null)),
          log,
          durationMs,
          maxMemoryUsedMb: Math.ceil((message.maxRssKb ?? 0) / 1024),
        });
      }
      if (message?.error) return done(message.error, message.maxRssKb ?? 0, true);
      const why = spawnError
        ? `Runtime failed to start: ${spawnError.message}`
        : `Runtime exited with error: ${signal ? `signal: ${signal.toLowerCase()}` : `exit status ${code ?? 0}`}`;
      done(
        { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${req.requestId} Error: ${why}` },
        0,
        true,
        `RequestId: ${req.requestId} Error: ${why}\nRuntime.ExitError`,
      );
    });
  });
}

interface BootstrapMessage {
  result?: unknown;
  error?: object;
  maxRssKb?: number;
}

function parseMessage(bytes: Buffer): BootstrapMessage | undefined {
  if (!bytes.length) return undefined;
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as BootstrapMessage) : undefined;
  } catch {
    return undefined;
  }
}
