import { awsCli } from '../aws-cli/index.js';
import { startRange, type Range, type RangeOptions } from '../../src/range/index.js';
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
  /** CloudTrail events recorded so far (management events), oldest first, optionally by name. */
  events(eventName?: string): StoredEvent['record'][];
}

export async function startTestRange(opts: RangeOptions = {}): Promise<TestRange> {
  const range = await startRange({ lookupEventsPerSecond: 0, ...opts });
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
