import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Readable, Writable } from 'node:stream';
import type { RangeInfo } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { NODE_BOOTSTRAP } from './bootstrap-node.js';
import { PYTHON_BOOTSTRAP } from './bootstrap-python.js';
import { bootstrapFile, projectModules, taskRoot } from './code.js';
import { NODE_RUNTIMES, PYTHON_RUNTIMES, type LambdaFunction } from './store.js';

/**
 * Runs a function's handler in a child process (`node` for Node.js runtimes, `python3` for Python),
 * one invocation at a time per process. A process that answered stays warm for the next invocation of
 * the same code, configuration and credentials (module state survives, as in a warm Lambda execution
 * environment); one that crashed or timed out is discarded. Not a sandbox: see README.md.
 */

/** What one run produced. */
export interface Execution {
  /** The handler's result as JSON, or Lambda's error document. */
  payload: Buffer;
  functionError?: 'Unhandled';
  /** What the function printed during the run, then the runtime's own lines (timeouts, crashes). */
  log: string;
  durationMs: number;
  maxMemoryUsedMb: number;
  /** The run started a new process (a cold start). */
  coldStart: boolean;
  /** For a cold start: the time the process took to load the handler (REPORT's Init Duration). */
  initDurationMs?: number;
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
/** A warm process nobody invoked for this long (wall clock) exits. */
const IDLE_MS = 120_000;
/** The bootstrap writes this after an invocation's output (stdout), so the log is complete when it is seen. */
const END_MARK = '\u001esirs-lambda-end\n';

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
    { sender: false },
  );
}

let python: boolean | undefined;
export function pythonAvailable(): boolean {
  python ??= spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;
  return python;
}

interface BootstrapMessage {
  result?: unknown;
  error?: object;
  maxRssKb?: number;
  initMs?: number;
}

interface Pending {
  requestId: string;
  timeoutSeconds: number;
  started: number;
  log: string;
  logBytes: number;
  message?: BootstrapMessage;
  resultBytes: number;
  marked: boolean;
  timedOut: boolean;
  coldStart: boolean;
  initMs?: number;
  resolve: (e: Execution) => void;
  timer?: NodeJS.Timeout;
}

/** One function process: started once, then handed invocations one at a time. */
class Worker {
  readonly child: ChildProcess;
  busy = false;
  dead = false;
  /** Asked to exit (idle too long, evicted, its function changed): takes no more invocations. */
  retiring = false;
  private pending?: Pending;
  private results = '';
  private idle?: NodeJS.Timeout;
  private fresh = true;

  constructor(
    readonly key: string,
    interpreter: Interpreter,
    bootstrap: string,
    dir: string,
    fn: LambdaFunction,
    env: Record<string, string>,
    private readonly hooks: { retire: (w: Worker) => void; freed: () => void },
  ) {
    this.child = spawn(interpreter.command, [...interpreter.args, bootstrap, dir, fn.handler], {
      cwd: dir,
      env,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    // Neither a warm process nor its pipes keep the range's own process alive.
    this.child.unref();
    const [stdin, stdout, stderr, results] = this.child.stdio as unknown as [
      Writable,
      Readable,
      Readable,
      Readable,
    ];
    for (const s of [stdin, stdout, stderr, results]) (s as unknown as { unref?: () => void }).unref?.();
    stdin.on('error', () => {}); // a process that exits before reading its event
    stdout.on('data', (chunk: Buffer) => this.output(chunk.toString('utf8'), true));
    stderr.on('data', (chunk: Buffer) => this.output(chunk.toString('utf8'), false));
    results.on('data', (chunk: Buffer) => this.result(chunk.toString('utf8')));
    this.child.on('error', () => this.exited(null, null));
    this.child.on('close', (code, signal) => this.exited(code, signal));
  }

  run(req: RunRequest): Promise<Execution> {
    this.busy = true;
    if (this.idle) clearTimeout(this.idle);
    const coldStart = this.fresh;
    this.fresh = false;
    return new Promise<Execution>((resolve) => {
      const p: Pending = {
        requestId: req.requestId,
        timeoutSeconds: req.fn.timeout,
        started: performance.now(),
        log: '',
        logBytes: 0,
        resultBytes: 0,
        marked: false,
        timedOut: false,
        coldStart,
        resolve,
      };
      this.pending = p;
      // The function's own run is real: its timeout is wall-clock time, as in AWS.
      p.timer = setTimeout(() => {
        p.timedOut = true;
        this.child.kill('SIGKILL');
      }, req.fn.timeout * 1000);
      const message = {
        requestId: req.requestId,
        deadlineMs: Date.now() + req.fn.timeout * 1000,
        event: req.event.toString('utf8'),
      };
      (this.child.stdin as Writable).write(`${JSON.stringify(message)}\n`);
    });
  }

  private output(text: string, stdout: boolean): void {
    const p = this.pending;
    if (!p) return; // output between invocations belongs to no run
    let piece = text;
    if (stdout) {
      const at = piece.indexOf(END_MARK);
      if (at !== -1) {
        p.marked = true;
        piece = piece.slice(0, at) + piece.slice(at + END_MARK.length);
      }
    }
    if (p.logBytes < MAX_LOG_BYTES) {
      const bytes = Buffer.from(piece).subarray(0, MAX_LOG_BYTES - p.logBytes);
      p.logBytes += bytes.length;
      p.log += bytes.toString('utf8');
    }
    this.settleIfDone();
  }

  private result(text: string): void {
    const p = this.pending;
    if (!p) return;
    p.resultBytes += Buffer.byteLength(text);
    this.results += text;
    const nl = this.results.indexOf('\n');
    if (nl === -1) {
      if (p.resultBytes > MAX_RESULT_BYTES + 4096) this.results = ''; // too large: answered as such below
      return;
    }
    const line = this.results.slice(0, nl);
    this.results = this.results.slice(nl + 1);
    try {
      p.message = JSON.parse(line) as BootstrapMessage;
    } catch {
      p.message = { error: { errorType: 'Runtime.MarshalError', errorMessage: 'Unable to read the result' } };
    }
    this.settleIfDone();
  }

  private settleIfDone(): void {
    const p = this.pending;
    if (!p?.message || !p.marked) return;
    const m = p.message;
    if (p.coldStart && typeof m.initMs === 'number') p.initMs = m.initMs;
    if (p.resultBytes > MAX_RESULT_BYTES) {
      return this.finish(
        p,
        {
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESULT_BYTES} bytes).`,
        },
        true,
        m.maxRssKb,
      );
    }
    if ('result' in m) return this.finish(p, m.result ?? null, false, m.maxRssKb);
    this.finish(p, m.error ?? {}, true, m.maxRssKb);
  }

  private finish(p: Pending, payload: unknown, error: boolean, maxRssKb = 0, runtimeLine?: string): void {
    if (this.pending !== p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    let log = p.log;
    if (runtimeLine) log += `${log && !log.endsWith('\n') ? '\n' : ''}${runtimeLine}\n`;
    p.resolve({
      payload: Buffer.from(JSON.stringify(payload)),
      ...(error ? { functionError: 'Unhandled' as const } : {}),
      log,
      // As in Lambda, a cold start's Duration leaves out the Init Duration.
      durationMs: Math.max(0, performance.now() - p.started - (p.initMs ?? 0)),
      maxMemoryUsedMb: Math.ceil(maxRssKb / 1024),
      coldStart: p.coldStart,
      ...(p.initMs !== undefined ? { initDurationMs: p.initMs } : {}),
    });
    this.busy = false;
    if (!this.dead) {
      this.idle = setTimeout(() => this.stop(), IDLE_MS);
      this.idle.unref();
    }
    this.hooks.freed();
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.dead) return;
    this.dead = true;
    if (this.idle) clearTimeout(this.idle);
    this.hooks.retire(this);
    const p = this.pending;
    if (!p) return this.hooks.freed();
    if (p.message) {
      // The bootstrap answered (an error it could report) and then exited.
      p.marked = true;
      return this.settleIfDone();
    }
    const stamp = new Date().toISOString();
    if (p.timedOut) {
      const seconds = p.timeoutSeconds.toFixed(2);
      return this.finish(
        p,
        {
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${p.requestId} Error: Task timed out after ${seconds} seconds`,
        },
        true,
        0,
        `${stamp} ${p.requestId} Task timed out after ${seconds} seconds`,
      );
    }
    const why = `Runtime exited with error: ${signal ? `signal: ${signal.toLowerCase()}` : `exit status ${code ?? 0}`}`;
    this.finish(
      p,
      { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${p.requestId} Error: ${why}` },
      true,
      0,
      `RequestId: ${p.requestId} Error: ${why}\nRuntime.ExitError`,
    );
  }

  /** Retire the process: closing its stdin ends the bootstrap's loop. */
  stop(): void {
    if (this.dead || this.retiring) return;
    this.retiring = true;
    (this.child.stdin as Writable).end();
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
    kill.unref();
  }
}

/** Warm processes per range, by function, code, configuration and credentials. */
const pools = new WeakMap<RangeInfo, Map<string, Worker[]>>();

/** Same function, code, handler and environment (which holds the session's keys and the log stream). */
function workerKey(accountId: string, region: string, req: RunRequest): string {
  const fn = req.fn;
  const settings = createHash('sha256')
    .update(JSON.stringify([fn.codeSha256, fn.runtime, fn.handler, fn.memorySize, req.env]))
    .digest('base64url');
  return [accountId, region, fn.name, settings].join('/');
}

/** Stop the warm processes of a function (deleted, or its code or settings changed). */
export function retireWorkers(range: RangeInfo, accountId: string, region: string, name: string): void {
  const pool = pools.get(range);
  if (!pool) return;
  const prefix = `${accountId}/${region}/${name}/`;
  for (const [key, workers] of pool) {
    if (!key.startsWith(prefix)) continue;
    for (const w of workers) if (!w.busy) w.stop();
  }
}

/** Runs in flight per range, so tests and drills can wait for asynchronous invocations to finish. */
const inFlight = new WeakMap<RangeInfo, Set<Promise<unknown>>>();

export function track<T>(range: RangeInfo, p: Promise<T>): Promise<T> {
  let set = inFlight.get(range);
  if (!set) inFlight.set(range, (set = new Set()));
  const s = set;
  s.add(p);
  const drop = () => s.delete(p);
  p.then(drop, drop);
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

/**
 * The range's function concurrency: at most this many function processes at once (running or warm).
 * Beyond it a synchronous invocation is throttled, as Lambda throttles one over the account's
 * concurrency, and an asynchronous one waits for a process to free up (Lambda keeps it queued). It
 * also keeps a function that triggers itself from forking the machine to death.
 */
export const DEFAULT_MAX_PROCESSES = 10;

const limits = new WeakMap<RangeInfo, number>();

/** Change a range's function concurrency (default DEFAULT_MAX_PROCESSES). */
export function setFunctionConcurrency(range: RangeInfo, processes: number): void {
  if (!Number.isInteger(processes) || processes < 1)
    throw new Error('concurrency is a whole number of processes, at least 1');
  limits.set(range, processes);
}

/** Asynchronous runs waiting for a process, per range. */
const waiting = new WeakMap<RangeInfo, Array<() => void>>();

function throttled(): ServiceError {
  return new ServiceError('TooManyRequestsException', 'Rate Exceeded.', 429, {
    fields: { Reason: 'ConcurrentInvocationLimitExceeded' },
  });
}

/**
 * Run the handler once, in a warm process when one is free. A function error is data, not a
 * rejection; `queue` says what happens at the concurrency limit (wait, or throttle).
 */
export async function runFunction(
  range: RangeInfo,
  accountId: string,
  region: string,
  req: RunRequest,
  opts: { queue: boolean },
): Promise<Execution> {
  const key = workerKey(accountId, region, req);
  let pool = pools.get(range);
  if (!pool) pools.set(range, (pool = new Map()));
  const max = limits.get(range) ?? DEFAULT_MAX_PROCESSES;
  for (;;) {
    const usable = (w: Worker) => !w.dead && !w.retiring;
    const warm = (pool.get(key) ?? []).find((w) => usable(w) && !w.busy);
    if (warm) return warm.run(req);
    const all = [...pool.values()].flat().filter(usable);
    const idle = all.filter((w) => !w.busy);
    if (all.length - idle.length < max) {
      // Room for one more: idle processes of other functions make way, oldest first.
      for (let n = all.length; n >= max; n--) idle.shift()?.stop();
      break;
    }
    if (!opts.queue) throw throttled();
    let queue = waiting.get(range);
    if (!queue) waiting.set(range, (queue = []));
    const q = queue;
    await new Promise<void>((resolve) => q.push(resolve));
  }
  const interpreter = interpreterOf(req.fn.runtime);
  const dir = taskRoot(range, accountId, region, req.fn);
  const env: Record<string, string> = {
    ...req.env,
    LAMBDA_TASK_ROOT: dir,
    SIRS_LAMBDA_FUNCTION_ARN: req.fn.arn,
  };
  if (projectModules) env.NODE_PATH = projectModules;
  const p = pool;
  const worker = new Worker(key, interpreter, bootstrapFile(range, interpreter), dir, req.fn, env, {
    retire: (w) => {
      const left = (p.get(w.key) ?? []).filter((x) => x !== w);
      if (left.length) p.set(w.key, left);
      else p.delete(w.key);
    },
    freed: () => waiting.get(range)?.shift()?.(),
  });
  p.set(key, [...(p.get(key) ?? []), worker]);
  return worker.run(req);
}
