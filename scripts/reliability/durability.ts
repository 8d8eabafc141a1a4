/**
 * The durability crash test: a range with `--state-dir` runs as its own process under concurrent
 * writes (PutObject, CreateUser, PutParameter), is killed with SIGKILL at a random moment, and is
 * started again on the same folder; every write it had answered must be there, with its CloudTrail
 * event. Shared by the test suite and `npm run bench` (the reported figure).
 *
 * Starting a range process through tsx costs about two seconds of CPU, so the child is bundled once
 * (esbuild, which tsx brings; a third of that) and the next processes load while the current one takes
 * writes, each waiting (`ready`) until it is told which folder to open.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateUserCommand, IAMClient, paginateListUsers } from '@aws-sdk/client-iam';
import { SSMClient, PutParameterCommand, paginateDescribeParameters } from '@aws-sdk/client-ssm';
import { CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const childEntry = fileURLToPath(new URL('./durable-range.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
// Resolved here: `--import tsx` would be looked up from the child's working directory.
const tsxLoader = import.meta.resolve('tsx');
const BUCKET = 'durable';

export interface RangeProcess {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  child: ChildProcessWithoutNullStreams;
}

/** A range process that has loaded its modules and waits to be told which folder to open. */
export class WarmRange {
  readonly child: ChildProcessWithoutNullStreams;

  /** The child's command line: the bundle when `bundle()` made one, else the source through tsx. */
  static args: string[] = ['--import', tsxLoader, childEntry];
  private static bundleDir?: string;

  /**
   * Bundle the child into `node_modules/.cache/sirs-durable-<pid>/` (three folders down, as
   * src/range/model/ is: it finds the service models at `../../../models/` from its own URL).
   */
  static async bundle(): Promise<void> {
    if (WarmRange.bundleDir) return;
    const dir = join(root, 'node_modules', '.cache', `sirs-durable-${process.pid}`);
    try {
      const esbuild = await import('esbuild');
      await esbuild.build({
        entryPoints: [childEntry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        outfile: join(dir, 'durable-range.mjs'),
        logLevel: 'silent',
      });
      WarmRange.bundleDir = dir;
      WarmRange.args = [join(dir, 'durable-range.mjs')];
    } catch {
      // No esbuild: the source through tsx is slower, not wrong.
    }
  }

  static unbundle(): void {
    if (WarmRange.bundleDir) rmSync(WarmRange.bundleDir, { recursive: true, force: true });
    WarmRange.bundleDir = undefined;
    WarmRange.args = ['--import', tsxLoader, childEntry];
  }
  /** Lines the process prints after its start line (memory samples). */
  readonly lines: AsyncIterator<string>;

  constructor() {
    this.child = spawn(process.execPath, ['--expose-gc', ...WarmRange.args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.on('data', () => {});
    this.lines = lineReader(this.child);
  }

  /** Open `dir` (undefined: no state folder) and serve; resolves with the endpoint and keys. */
  async start(
    dir: string | undefined,
    extra: { trailRetentionEvents?: number; memoryEveryMs?: number } = {},
  ): Promise<RangeProcess> {
    const ready = await this.lines.next();
    if (ready.done || ready.value !== 'ready')
      throw new Error(`range process did not load: ${String(ready.value)}`);
    this.child.stdin.write(`${JSON.stringify({ dir, ...extra })}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error('range process exited before serving');
    const info = JSON.parse(line.value) as { endpoint?: string; error?: string } & Omit<
      RangeProcess,
      'child'
    >;
    if (info.error) throw new Error(`range process failed to start: ${info.error}`);
    return { ...info, child: this.child };
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    await exited;
  }
}

function lineReader(child: ChildProcessWithoutNullStreams): AsyncIterator<string> {
  let buf = '';
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  child.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
      queue.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    wake?.();
  });
  child.once('exit', () => {
    ended = true;
    wake?.();
  });
  return {
    async next(): Promise<IteratorResult<string>> {
      while (queue.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
      const value = queue.shift();
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    },
  };
}

export function clientConfig(r: RangeProcess) {
  return {
    endpoint: r.endpoint,
    region: 'us-east-1',
    credentials: r.credentials,
    forcePathStyle: true,
    maxAttempts: 1,
  };
}

type Write = { kind: 'object' | 'user' | 'parameter'; name: string };

/** What one range process answered before it was killed. */
export interface KillRound {
  round: number;
  acknowledged: Write[];
  killedAfterMs: number;
}

export interface DurabilityResult {
  rounds: KillRound[];
  acknowledged: number;
  /** Answered writes missing after the restarts, as `kind name`. */
  lost: string[];
  /** Answered management calls (CreateUser, PutParameter) whose CloudTrail event is missing. */
  eventsLost: string[];
}

/**
 * `rounds` times: start a range on `dir` (the folder the previous one was killed on), drive
 * `concurrency` writers, SIGKILL the range a random 20..maxWriteMs after its first answer. Then start
 * one last range and look for every answered write and its event.
 */
export async function killUnderWrites(opts: {
  dir: string;
  rounds: number;
  concurrency?: number;
  maxWriteMs?: number;
  onRound?: (r: KillRound) => void;
}): Promise<DurabilityResult> {
  const concurrency = opts.concurrency ?? 8;
  const maxWriteMs = opts.maxWriteMs ?? 400;
  const rounds: KillRound[] = [];
  await WarmRange.bundle();
  // Two processes load ahead of the one at work.
  const started: WarmRange[] = [];
  const warm: WarmRange[] = [];
  const next = (): WarmRange => {
    while (warm.length < 3) {
      const w = new WarmRange();
      warm.push(w);
      started.push(w);
    }
    return warm.shift() as WarmRange;
  };
  try {
    for (let round = 0; round < opts.rounds; round++) {
      const proc = next();
      const range = await proc.start(opts.dir);
      const acknowledged = await writeUntilKilled(
        range,
        round,
        concurrency,
        () => Math.floor(20 + Math.random() * (maxWriteMs - 20)),
        proc,
      );
      rounds.push(acknowledged);
      opts.onRound?.(acknowledged);
    }
    const final = warm.shift() ?? next();
    const last = await final.start(opts.dir);
    try {
      const all = rounds.flatMap((r) => r.acknowledged);
      return {
        rounds,
        acknowledged: all.length,
        lost: await missingWrites(last, all),
        eventsLost: await missingEvents(last, all),
      };
    } finally {
      await final.kill('SIGTERM');
    }
  } finally {
    for (const w of started) await w.kill();
    WarmRange.unbundle();
  }
}

async function writeUntilKilled(
  range: RangeProcess,
  round: number,
  concurrency: number,
  delay: () => number,
  proc: WarmRange,
): Promise<KillRound> {
  const s3 = new S3Client(clientConfig(range));
  const iam = new IAMClient(clientConfig(range));
  const ssm = new SSMClient(clientConfig(range));
  const acknowledged: Write[] = [];
  let killed = false;
  let killedAfterMs = 0;
  try {
    if (round === 0) await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
    let first: (() => void) | undefined;
    const answered = new Promise<void>((r) => (first = r));
    let n = 0;
    const body = Buffer.alloc(1024, round % 256);
    const alive = () => proc.child.exitCode === null && proc.child.signalCode === null;
    proc.child.once('exit', () => first?.());
    const worker = async () => {
      while (!killed && alive()) {
        const i = n++;
        const w: Write =
          i % 3 === 0
            ? { kind: 'object', name: `r${round}/o${i}` }
            : i % 3 === 1
              ? { kind: 'user', name: `r${round}-u${i}` }
              : { kind: 'parameter', name: `/durable/r${round}/p${i}` };
        try {
          if (w.kind === 'object')
            await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: w.name, Body: body }));
          else if (w.kind === 'user') await iam.send(new CreateUserCommand({ UserName: w.name }));
          else await ssm.send(new PutParameterCommand({ Name: w.name, Value: `v${i}`, Type: 'String' }));
          // Answered means answered, even when the answer crossed the kill signal.
          acknowledged.push(w);
          first?.();
        } catch {
          // Not answered (the range was killed): nothing is promised about this write.
        }
      }
    };
    const workers = Array.from({ length: concurrency }, worker);
    await answered;
    const started = performance.now();
    await new Promise((r) => setTimeout(r, delay()));
    killedAfterMs = Math.round(performance.now() - started);
    killed = true;
    await proc.kill('SIGKILL');
    await Promise.all(workers);
  } finally {
    s3.destroy();
    iam.destroy();
    ssm.destroy();
  }
  return { round, acknowledged, killedAfterMs };
}

async function missingWrites(range: RangeProcess, writes: Write[]): Promise<string[]> {
  const s3 = new S3Client(clientConfig(range));
  const iam = new IAMClient(clientConfig(range));
  const ssm = new SSMClient(clientConfig(range));
  try {
    const found = new Set<string>();
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
      for (const o of page.Contents ?? []) found.add(`object ${o.Key}`);
      token = page.NextContinuationToken;
    } while (token);
    for await (const page of paginateListUsers({ client: iam }, {}))
      for (const u of page.Users ?? []) found.add(`user ${u.UserName}`);
    for await (const page of paginateDescribeParameters({ client: ssm }, { MaxResults: 50 }))
      for (const p of page.Parameters ?? []) found.add(`parameter ${p.Name}`);
    return writes.map((w) => `${w.kind} ${w.name}`).filter((w) => !found.has(w));
  } finally {
    s3.destroy();
    iam.destroy();
    ssm.destroy();
  }
}

async function missingEvents(range: RangeProcess, writes: Write[]): Promise<string[]> {
  const trail = new CloudTrailClient(clientConfig(range));
  try {
    const found = new Set<string>();
    for (const [eventName, member, kind] of [
      ['CreateUser', 'userName', 'user'],
      ['PutParameter', 'name', 'parameter'],
    ] as const) {
      const pages = paginateLookupEvents(
        { client: trail },
        { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }] },
      );
      for await (const page of pages) {
        for (const e of page.Events ?? []) {
          const record = JSON.parse(e.CloudTrailEvent ?? '{}') as {
            errorCode?: string;
            requestParameters?: Record<string, unknown>;
          };
          if (!record.errorCode) found.add(`${kind} ${String(record.requestParameters?.[member])}`);
        }
      }
    }
    return writes
      .filter((w) => w.kind !== 'object')
      .map((w) => `${w.kind} ${w.name}`)
      .filter((w) => !found.has(w));
  } finally {
    trail.destroy();
  }
}
