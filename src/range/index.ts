import type { AddressInfo } from 'node:net';
import { RangeEngine } from './engine.js';
import { createRangeServer } from './server.js';
import { rangeServices } from './services/index.js';
import type { ServiceDefinition } from './context.js';
import { systemClock, type RangeClock } from './clock.js';
import { RandomFaults, type FaultSpec } from './faults.js';
import { DEFAULT_ADMIN_USER, wellKnownKeys } from './identity.js';

export { ManualClock, systemClock, type RangeClock } from './clock.js';
export { parseFaultSpec, type FaultSpec } from './faults.js';
export { wellKnownKeys, DEFAULT_ADMIN_USER } from './identity.js';

export interface RangeOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Only loopback addresses are allowed: the range has no real authentication. */
  host?: '127.0.0.1' | 'localhost' | '::1';
  accountId?: string;
  region?: string;
  /** Keep state here so a restarted range loses nothing. */
  stateDir?: string;
  clock?: RangeClock;
  faults?: FaultSpec;
  /** CloudTrail LookupEvents requests per second per account and region; 0 turns the limit off. Default 2, as in AWS. */
  lookupEventsPerSecond?: number;
  log?: (message: string) => void;
  /** Replace the emulated services (codec tests use echo services). */
  services?: readonly ServiceDefinition[];
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
  /** The environment a shell needs to point the AWS CLI and SDKs at the range. */
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
  });
  if (opts.stateDir) {
    engine.state.loadFrom(opts.stateDir);
    engine.history.persistTo(opts.stateDir);
  }
  await engine.ensureAccount(accountId);

  const server = createRangeServer(engine);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  const endpoint = `http://${urlHost}:${port}`;
  info.endpoint = endpoint;

  let saver: NodeJS.Timeout | undefined;
  if (opts.stateDir) {
    const dir = opts.stateDir;
    saver = setInterval(() => engine.state.saveTo(dir), 500);
    saver.unref();
  }

  const credentials = { ...wellKnownKeys.admin };
  const range: Range = {
    endpoint,
    port,
    accountId,
    region,
    credentials,
    rootCredentials: { ...wellKnownKeys.root },
    adminUserName: DEFAULT_ADMIN_USER,
    engine,
    env: () => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
    }),
    setFaults: (spec) => {
      faults.spec = spec;
    },
    async reset() {
      engine.state.reset();
      engine.history.reset();
      await engine.ensureAccount(accountId);
    },
    async stop() {
      if (saver) clearInterval(saver);
      if (opts.stateDir) {
        engine.state.saveTo(opts.stateDir, true);
        engine.history.flush();
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return range;
}
