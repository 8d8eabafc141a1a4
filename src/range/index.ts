import type { AddressInfo } from 'node:net';
import { RangeEngine } from './engine.js';
import { createRangeServer, type ServerLimits } from './server.js';
import { rangeServices } from './services/index.js';
import type { ServiceDefinition } from './context.js';
import { systemClock, type RangeClock } from './clock.js';
import { RandomFaults, type FaultSpec } from './faults.js';
import { DEFAULT_ADMIN_USER, identityState, installRangeKeys } from './identity.js';
import { resolveRangeKeys, type RangeKeys } from './auth/keys.js';
import { openState } from './persistence/open.js';
import type { StateRecovery } from './persistence/problems.js';

export { ManualClock, systemClock, type RangeClock } from './clock.js';
export { parseFaultSpec, type FaultSpec } from './faults.js';
export { wellKnownKeys, DEFAULT_ADMIN_USER } from './identity.js';
export { RangeStateError, type StateProblem, type StateRecovery } from './persistence/problems.js';
export { DEFAULT_RETENTION_DAYS, DEFAULT_RETENTION_EVENTS } from './history.js';

export interface RangeOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Only loopback addresses are allowed: the range is a local training endpoint, not a service. */
  host?: '127.0.0.1' | 'localhost' | '::1';
  accountId?: string;
  region?: string;
  /**
   * Keep state here so a restarted range loses nothing: every answered write is on disk before its
   * answer leaves (see persistence/journal.ts).
   */
  stateDir?: string;
  /**
   * When the state in stateDir is damaged: `repair` keeps what reads well, `reset` starts empty (both
   * keep the old files aside). Without it, a damaged state stops the start with a RangeStateError.
   */
  stateRecovery?: StateRecovery;
  /** CloudTrail Event history retention: days (default 90, as AWS) and events (default 100,000). */
  trailRetention?: { days?: number; events?: number };
  clock?: RangeClock;
  faults?: FaultSpec;
  /** CloudTrail LookupEvents requests per second per account and region; 0 turns the limit off. Default 2, as in AWS. */
  lookupEventsPerSecond?: number;
  log?: (message: string) => void;
  /** Body size, timeouts and connection cap of the HTTP server (defaults: defaultServerLimits). */
  limits?: Partial<ServerLimits>;
  /** Replace the emulated services (codec tests use echo services). */
  services?: readonly ServiceDefinition[];
  /**
   * Use the fixed, published demo keys (`wellKnownKeys`) instead of random secrets: anyone who has read
   * the README can then sign as the administrator and as root. For tests and demos only.
   */
  wellKnownKeys?: boolean;
  /** Choose the administrator's / root's secret access key (otherwise random, kept in stateDir). */
  adminSecretAccessKey?: string;
  rootSecretAccessKey?: string;
  /** Host names the range also answers to, besides 127.0.0.1, localhost and [::1] (DNS rebinding guard). */
  allowedHosts?: readonly string[];
  /** Browser origins allowed to call the range (`http://localhost:3000`); by default none. */
  allowedOrigins?: readonly string[];
  /**
   * The clock request signatures are dated against (the range's clock by default). A test that sets
   * the range's clock to another day passes the system clock here: its clients sign with the wall clock.
   */
  signatureClock?: RangeClock;
}

export interface RangeCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Range {
  readonly endpoint: string;
  readonly port: number;
  readonly accountId: string;
  readonly region: string;
  /** The built-in administrator IAM user's keys. */
  readonly credentials: RangeCredentials;
  /** The account root user's keys (for simulating root activity). */
  readonly rootCredentials: RangeCredentials;
  readonly adminUserName: string;
  /**
   * The environment a shell needs to point the AWS CLI and SDKs at the range, with the root keys as
   * SIRS_RANGE_ROOT_ACCESS_KEY_ID / SIRS_RANGE_ROOT_SECRET_ACCESS_KEY (for simulating root activity).
   */
  env(): Record<string, string>;
  setFaults(spec: FaultSpec): void;
  /** Forget everything (all accounts), then seed the default account again. */
  reset(): Promise<void>;
  /** Internals for in-process tests and benchmarks: the engine, its state and CloudTrail history. */
  readonly engine: RangeEngine;
  stop(): Promise<void>;
}

export async function startRange(opts: RangeOptions = {}): Promise<Range> {
  const host = opts.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error(`the range listens on loopback only (127.0.0.1, localhost or ::1), not ${host}`);
  }
  const accountId = opts.accountId ?? '123456789012';
  if (!/^\d{12}$/.test(accountId)) throw new Error(`an account id is 12 digits, got '${accountId}'`);
  const region = opts.region ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`'${region}' is not an AWS region name`);
  const keys: RangeKeys = resolveRangeKeys({
    wellKnownKeys: opts.wellKnownKeys,
    stateDir: opts.stateDir,
    adminSecretAccessKey: opts.adminSecretAccessKey,
    rootSecretAccessKey: opts.rootSecretAccessKey,
  });
  const faults = new RandomFaults(opts.faults ?? {});
  const info = {
    accountId,
    region,
    endpoint: '',
    hostname: host,
    lookupEventsPerSecond: opts.lookupEventsPerSecond ?? 2,
  };
  const engine = new RangeEngine({
    info,
    clock: opts.clock ?? systemClock,
    services: opts.services ?? rangeServices,
    faults,
    log: opts.log,
    maxBodyBytes: opts.limits?.maxBodyBytes,
    signatureClock: opts.signatureClock,
  });
  engine.history.retain({
    ...(opts.trailRetention?.days !== undefined ? { maxAgeMs: opts.trailRetention.days * 86_400_000 } : {}),
    ...(opts.trailRetention?.events !== undefined ? { maxEvents: opts.trailRetention.events } : {}),
    now: () => engine.clock.now().getTime(),
  });
  const journal = opts.stateDir
    ? openState(engine.state, engine.history, {
        dir: opts.stateDir,
        recovery: opts.stateRecovery,
        log: opts.log ?? ((m) => process.stderr.write(`${m}\n`)),
      })
    : undefined;
  await engine.ensureAccount(accountId);
  installRangeKeys(engine.state.get(identityState, '', ''), keys);
  if (journal) {
    engine.state.attach(journal);
    journal.compact();
  }

  const server = createRangeServer(engine, opts.limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  }).catch((err: unknown) => {
    journal?.abandon();
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  const endpoint = `http://${urlHost}:${port}`;
  info.endpoint = endpoint;
  engine.exposure = {
    port,
    hostNames: opts.allowedHosts ?? [],
    origins: opts.allowedOrigins ?? [],
  };

  // Work scheduled on the clock (an instance starting, a stack being created) changes state outside
  // any call: a sweep writes it soon after.
  const sweeper = journal
    ? setInterval(() => {
        if (engine.state.takeDirty()) void journal.sweep();
      }, 250)
    : undefined;
  sweeper?.unref();

  const credentials = { ...keys.admin };
  const range: Range = {
    endpoint,
    port,
    accountId,
    region,
    credentials,
    rootCredentials: { ...keys.root },
    adminUserName: DEFAULT_ADMIN_USER,
    engine,
    env: () => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      SIRS_RANGE_ROOT_ACCESS_KEY_ID: keys.root.accessKeyId,
      SIRS_RANGE_ROOT_SECRET_ACCESS_KEY: keys.root.secretAccessKey,
    }),
    setFaults: (spec) => {
      faults.spec = spec;
    },
    async reset() {
      engine.state.reset();
      engine.history.reset();
      await engine.ensureAccount(accountId);
      installRangeKeys(engine.state.get(identityState, '', ''), keys);
      if (journal) {
        journal.markReset();
        journal.compact();
      }
    },
    async stop() {
      if (sweeper) clearInterval(sweeper);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await journal?.close();
    },
  };
  return range;
}
