import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { awsCli } from '../aws-cli/index.js';
import { startRange, systemClock, type Range, type RangeOptions } from '../../src/range/index.js';
import type { StoredEvent } from '../../src/range/history.js';

// The SDK warns once per process that Node 20 support ends in 2027; the tests run on 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export interface TestRange extends Range {
  /** Constructor args for any SDK v3 client pointed at this range as the admin user. */
  clientConfig(overrides?: Record<string, unknown>): {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    forcePathStyle: boolean;
    maxAttempts: number;
  };
  /** Run the real AWS CLI against the range; resolves with parsed JSON output (or text when not JSON). */
  aws(args: string[], opts?: { env?: Record<string, string>; input?: string }): Promise<unknown>;
  /** Run the AWS CLI expecting failure; resolves with exit code and stderr. */
  awsFails(
    args: string[],
    opts?: { env?: Record<string, string> },
  ): Promise<{ code: number; stderr: string }>;
  /**
   * A raw HTTP request to the range, signed with SigV4 as the SDK signs (the admin's keys unless
   * given), for tests that need a request no SDK client would send.
   */
  signedFetch(path: string, init: SignedFetchInit): Promise<Response>;
  /**
   * What sirs needs to run an exercise on this range through --endpoint-url: its endpoint and keys
   * (a shell gets them from `range.env()`, as `sirs range start` prints them).
   */
  sirsTarget(): {
    endpointUrl: string;
    rangeKeys: {
      admin: { accessKeyId: string; secretAccessKey: string };
      root: { accessKeyId: string; secretAccessKey: string };
    };
  };
  /** CloudTrail events recorded so far (management events), oldest first, optionally by name. */
  events(eventName?: string): StoredEvent['record'][];
}

/**
 * A range for a test, with its own random keys (`range.credentials`, `range.env()`); pass
 * `wellKnownKeys: true` only where a test needs the fixed demo keys. A test that sets the range's clock
 * to another day keeps signatures dated by the wall clock (its SDK and CLI sign with it) unless it
 * passes `signatureClock` itself.
 */
export interface SignedFetchInit {
  service: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Sign for this time instead of now. */
  signingDate?: Date;
}

/** node:crypto behind the SDK signer's hash interface. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  reset(): void {
    this.hash = this.fresh();
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function bytes(data: SourceData): Uint8Array | string {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

/** Sign a request for the range with the SDK's own SigV4 signer. */
export async function signRequest(
  endpoint: string,
  path: string,
  init: SignedFetchInit & { credentials: { accessKeyId: string; secretAccessKey: string } },
): Promise<{ url: string; method: string; headers: Record<string, string>; body?: string | Buffer }> {
  const url = new URL(endpoint);
  const q = path.indexOf('?');
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(q === -1 ? '' : path.slice(q + 1))) query[k] = v;
  const headers: Record<string, string> = { host: url.host, ...init.headers };
  if (init.service === 's3' && !headers['x-amz-content-sha256']) {
    headers['x-amz-content-sha256'] = createHash('sha256')
      .update(init.body ?? '')
      .digest('hex');
  }
  const signer = new SignatureV4({
    service: init.service,
    region: init.region ?? 'us-east-1',
    credentials: init.credentials,
    sha256: NodeSha256,
    uriEscapePath: init.service !== 's3',
  });
  const signed = await signer.sign(
    {
      method: init.method ?? 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: q === -1 ? path : path.slice(0, q),
      query,
      headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
    },
    { signingDate: init.signingDate ?? new Date() },
  );
  return {
    url: `${endpoint}${path}`,
    method: init.method ?? 'GET',
    headers: signed.headers,
    body: init.body,
  };
}

export async function startTestRange(opts: RangeOptions = {}): Promise<TestRange> {
  const range = await startRange({
    lookupEventsPerSecond: 0,
    ...(opts.clock ? { signatureClock: systemClock } : {}),
    ...opts,
  });
  const baseEnv = (): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_RETRY_MODE: 'standard',
    AWS_MAX_ATTEMPTS: '1',
    ...range.env(),
  });
  // The real AWS CLI, through a warm driver (test/aws-cli): the same entry point without a new Python
  // interpreter importing awscli for every call.
  const runCli = async (args: string[], env?: Record<string, string>, input?: string) =>
    (await awsCli()).run([...args, '--output', 'json'], { ...baseEnv(), ...env }, input);
  return Object.assign(range, {
    clientConfig(overrides: Record<string, unknown> = {}) {
      return {
        endpoint: range.endpoint,
        region: range.region,
        credentials: { ...range.credentials },
        forcePathStyle: true,
        maxAttempts: 1,
        ...overrides,
      };
    },
    async aws(args: string[], o: { env?: Record<string, string>; input?: string } = {}) {
      const r = await runCli(args, o.env, o.input);
      if (r.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      const text = r.stdout.trim();
      if (!text) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    },
    async awsFails(args: string[], o: { env?: Record<string, string> } = {}) {
      const r = await runCli(args, o.env);
      if (r.code === 0)
        throw new Error(`aws ${args.join(' ')} succeeded but was expected to fail: ${r.stdout}`);
      return { code: r.code, stderr: r.stderr };
    },
    sirsTarget() {
      return {
        endpointUrl: range.endpoint,
        rangeKeys: { admin: { ...range.credentials }, root: { ...range.rootCredentials } },
      };
    },
    async signedFetch(path: string, init: SignedFetchInit) {
      const r = await signRequest(range.endpoint, path, {
        ...init,
        credentials: init.credentials ?? range.credentials,
      });
      const { host: _host, ...headers } = r.headers;
      return fetch(r.url, { method: r.method, headers, ...(r.body !== undefined ? { body: r.body } : {}) });
    },
    events(eventName?: string) {
      const out: StoredEvent['record'][] = [];
      for (const e of range.engine.history.entries()) {
        if (!eventName || e.record.eventName === eventName) out.push(e.record);
      }
      return out;
    },
  });
}

/** An SDK error as the tests inspect it: the AWS code (`name`, and `Code` for query services) and status. */
export type SdkError = Error & { Code?: string; $metadata: { httpStatusCode?: number } };

/** The error a call fails with; a call that succeeds fails the test. */
export async function failure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail');
}
