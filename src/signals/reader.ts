/**
 * The shared reader: every AWS read the probes of one exercise make (one session, one account and
 * region) goes through here. Within a tick the same read is made once and reads of one kind are
 * batched into one request; an API that was throttled or failed backs off with exponential backoff
 * and jitter, and a read that was not answered is an error the observer turns into `unknown`.
 */
import { awsErrorCode, isThrottle } from '../aws/api.js';

/** What the reader needs of an ApiSession: call `service:Operation` with an SDK-shaped input. */
export interface ReadSession {
  call(api: string, input?: object): Promise<Record<string, unknown>>;
}

export interface ReaderClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: ReaderClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface ReaderOptions {
  session: ReadSession;
  /** Requests per second per API (`cloudtrail:LookupEvents`: 2 as in AWS); others are unlimited. */
  rates?: Record<string, number>;
  backoff?: { baseMs?: number; maxMs?: number };
  /** Jitter source, [0, 1). */
  random?: () => number;
  clock?: ReaderClock;
}

/** A read that was not answered (throttled, failed, or skipped while its API backs off). */
export class ReadError extends Error {
  constructor(
    readonly api: string,
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReadError';
  }
}

/** An answer saying the resource asked about does not exist (an expected error code). */
export class Absent {
  constructor(
    readonly code: string,
    readonly message: string,
  ) {}
}

export interface ReaderStats {
  tick: number;
  callsThisTick: number;
  callsTotal: number;
  /** Requests made, by `service:Operation`. */
  byApi: Record<string, number>;
  throttled: number;
  failed: number;
  /** Reads not attempted because their API was backing off. */
  skipped: number;
}

/** Ids asked for in the same turn of the event loop are fetched together, up to `maxSize` a request. */
export interface BatchSpec<V> {
  readonly name: string;
  readonly maxSize: number;
  /** The resources found, by id (a missing id does not exist), or Absent when the API refused an id. */
  fetch(reader: Reader, ids: string[]): Promise<Map<string, V> | Absent>;
}

interface Backoff {
  failures: number;
  until: number;
  reason: string;
}

interface Waiting {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

const DEFAULT_RATES: Record<string, number> = {
  'cloudtrail:LookupEvents': 2,
  // CloudWatch Logs' quota for FilterLogEvents is 5 requests/s per account and region.
  'logs:FilterLogEvents': 5,
};

export class Reader {
  readonly clock: ReaderClock;
  private readonly session: ReadSession;
  private readonly random: () => number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly limits = new Map<string, RateLimit>();
  private readonly backoffs = new Map<string, Backoff>();
  private readonly errorStreaks = new Map<string, number>();
  private tickCache = new Map<string, Promise<unknown>>();
  private readonly lastingCache = new Map<string, Promise<unknown>>();
  private readonly pending = new Map<string, { spec: BatchSpec<unknown>; waiting: Map<string, Waiting> }>();
  private readonly counts: ReaderStats = {
    tick: 0,
    callsThisTick: 0,
    callsTotal: 0,
    byApi: {},
    throttled: 0,
    failed: 0,
    skipped: 0,
  };

  constructor(opts: ReaderOptions) {
    this.session = opts.session;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.baseMs = opts.backoff?.baseMs ?? 1000;
    this.maxMs = opts.backoff?.maxMs ?? 60_000;
    for (const [api, rate] of Object.entries({ ...DEFAULT_RATES, ...opts.rates })) {
      if (rate > 0) this.limits.set(api, new RateLimit(rate, this.clock));
    }
  }

  /** A new tick: reads are made afresh. */
  beginTick(): void {
    this.tickCache = new Map();
    this.counts.tick++;
    this.counts.callsThisTick = 0;
  }

  get tick(): number {
    return this.counts.tick;
  }

  stats(): ReaderStats {
    return { ...this.counts, byApi: { ...this.counts.byApi } };
  }

  /** One request to AWS; throws ReadError when it is not answered. */
  async call(api: string, input: object = {}): Promise<Record<string, unknown>> {
    const out = await this.callOrAbsent(api, input, []);
    if (out instanceof Absent) throw new ReadError(api, `${api}: ${out.code}`, out.code);
    return out;
  }

  /** One request where the error codes in `absentOn` answer "does not exist" rather than fail. */
  callOrAbsent(
    api: string,
    input: object,
    absentOn: readonly string[],
  ): Promise<Record<string, unknown> | Absent> {
    return this.run(api, async () => {
      try {
        return await this.session.call(api, input);
      } catch (err) {
        const code = awsErrorCode(err);
        if (code !== undefined && absentOn.includes(code)) return new Absent(code, (err as Error).message);
        throw err;
      }
    });
  }

  /**
   * Any request counted, rate-limited and backed off under the name `api` (the anonymous S3 GET uses
   * this). An error with `throttle: true` or a throttling AWS error code counts as throttling.
   */
  async run<T>(api: string, request: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const backoff = this.backoffs.get(api);
    if (backoff && backoff.until > now) {
      this.counts.skipped++;
      const wait = ((backoff.until - now) / 1000).toFixed(1);
      throw new ReadError(api, `${api} is backing off after ${backoff.reason} (next try in ${wait} s)`);
    }
    await this.limits.get(api)?.take();
    this.counts.callsThisTick++;
    this.counts.callsTotal++;
    this.counts.byApi[api] = (this.counts.byApi[api] ?? 0) + 1;
    try {
      const out = await request();
      this.backoffs.delete(api);
      this.errorStreaks.delete(api);
      return out;
    } catch (err) {
      const code = awsErrorCode(err) ?? (err as { code?: unknown }).code;
      const throttled = isThrottle(err) || (err as { throttle?: unknown }).throttle === true;
      if (throttled) this.counts.throttled++;
      else {
        this.counts.failed++;
        this.errorStreaks.set(api, (this.errorStreaks.get(api) ?? 0) + 1);
      }
      const reason = throttled
        ? `throttling (${String(code ?? 'throttled')})`
        : `an error (${String(code ?? (err as Error).name)}: ${(err as Error).message})`;
      const failures = (this.backoffs.get(api)?.failures ?? 0) + 1;
      const delay = Math.min(this.maxMs, this.baseMs * 2 ** (failures - 1));
      // "Equal jitter": between half and all of the exponential delay.
      const until = this.clock.now() + delay / 2 + (this.random() * delay) / 2;
      this.backoffs.set(api, { failures, until, reason });
      throw new ReadError(api, `${api}: ${reason}`, typeof code === 'string' ? code : undefined, {
        cause: err,
      });
    }
  }

  /** Failures in a row (throttling aside) of one API since its last success. */
  errorStreak(api: string): number {
    return this.errorStreaks.get(api) ?? 0;
  }

  /** The same read once per tick, shared by everyone who asks for `key` in this tick. */
  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    return memo(this.tickCache, key, read);
  }

  /** A read whose answer never changes (a policy version): made once per exercise unless it fails. */
  lasting<T>(key: string, read: () => Promise<T>): Promise<T> {
    const p = memo(this.lastingCache, key, read);
    p.catch(() => this.lastingCache.delete(key));
    return p;
  }

  /** One resource of a batched read; `undefined` when it does not exist. */
  load<V>(spec: BatchSpec<V>, id: string): Promise<V | undefined> {
    const key = `${spec.name}\u0000${id}`;
    const hit = this.tickCache.get(key);
    if (hit) return hit as Promise<V | undefined>;
    let batch = this.pending.get(spec.name);
    if (!batch) {
      batch = { spec: spec as BatchSpec<unknown>, waiting: new Map() };
      this.pending.set(spec.name, batch);
      setImmediate(() => void this.flush(spec.name));
    }
    const waiting = batch.waiting;
    const p = new Promise<V | undefined>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
    this.tickCache.set(key, p);
    return p;
  }

  private async flush(name: string): Promise<void> {
    const batch = this.pending.get(name);
    this.pending.delete(name);
    if (!batch) return;
    const ids = [...batch.waiting.keys()];
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += batch.spec.maxSize)
      chunks.push(ids.slice(i, i + batch.spec.maxSize));
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const found = await this.fetchChunk(batch.spec, chunk);
          for (const id of chunk) batch.waiting.get(id)!.resolve(found.get(id));
        } catch (err) {
          for (const id of chunk) batch.waiting.get(id)!.reject(err);
        }
      }),
    );
  }

  /**
   * A batch the API refused because some id does not exist: the ids the error names are absent and
   * the rest is asked again; when it names none, each half is asked separately.
   */
  private async fetchChunk<V>(spec: BatchSpec<V>, ids: string[]): Promise<Map<string, V>> {
    const out = await spec.fetch(this, ids);
    if (!(out instanceof Absent)) return out;
    if (ids.length === 1) return new Map();
    const named = ids.filter((id) => out.message.includes(id));
    if (named.length === ids.length) return new Map();
    if (named.length > 0)
      return this.fetchChunk(
        spec,
        ids.filter((id) => !named.includes(id)),
      );
    const mid = Math.ceil(ids.length / 2);
    const [a, b] = await Promise.all([
      this.fetchChunk(spec, ids.slice(0, mid)),
      this.fetchChunk(spec, ids.slice(mid)),
    ]);
    return new Map([...a, ...b]);
  }
}

function memo<T>(cache: Map<string, Promise<unknown>>, key: string, read: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit) return hit as Promise<T>;
  const p = read();
  cache.set(key, p);
  return p;
}

/** Requests spaced evenly at `perSecond`: never more than that in any second, whatever the burst. */
class RateLimit {
  private next = 0;

  constructor(
    private readonly perSecond: number,
    private readonly clock: ReaderClock,
  ) {}

  async take(): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await this.clock.sleep(at - now);
  }
}

/** All pages of a paginated read, following `tokenOut` into `tokenIn`. */
export async function allPages(
  reader: Reader,
  api: string,
  input: Record<string, unknown>,
  tokens: { in: string; out: string } = { in: 'NextToken', out: 'NextToken' },
  maxPages = 50,
): Promise<Array<Record<string, unknown>>> {
  const pages: Array<Record<string, unknown>> = [];
  let token: unknown;
  do {
    const page = await reader.call(api, token ? { ...input, [tokens.in]: token } : input);
    pages.push(page);
    token = page[tokens.out];
  } while (token && pages.length < maxPages);
  return pages;
}
