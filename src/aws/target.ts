/**
 * Where an exercise runs: the range (an in-process one on a free port, or a running `sirs range` named
 * by --endpoint-url) or a real AWS account through the standard credential chain. Everything else in
 * sirs talks to either one the same way: AWS SDK clients over HTTP.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { UsageError } from '../errors.js';
import { ApiSession, type ClientConfig } from './api.js';
import type { CallTarget } from './failures.js';
import { checkSelectedProfile } from './profiles.js';

export type TargetKind = 'range' | 'aws';

export type UserAgent = Array<[string, string]>;

export interface TargetOptions {
  target?: TargetKind;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  /**
   * Keys for a range named by endpointUrl. Default: the standard AWS credential environment (or
   * profile) for the administrator, SIRS_RANGE_ROOT_ACCESS_KEY_ID / _SECRET_ACCESS_KEY for root:
   * what `sirs range start` prints.
   */
  rangeKeys?: { admin: Credentials; root?: Credentials };
}

export interface SessionOptions {
  userAgent: UserAgent;
  as?: 'default' | 'root' | Credentials;
  maxAttempts?: number;
}

/** Attempts per call for sirs' own work: throttling and 500s are retried with the SDK's backoff. */
export const DEFAULT_MAX_ATTEMPTS = 8;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface Target {
  readonly kind: TargetKind;
  readonly region: string;
  readonly endpoint?: string;
  /** For messages: "the range at http://127.0.0.1:4566", "AWS (profile sandbox)". */
  readonly description: string;
  /** Whether `as: root` actions can run (the range has root keys; sirs never holds real root keys). */
  readonly canActAsRoot: boolean;
  /** SDK sessions as sirs itself (default), as the account root (range only), or with given keys. */
  /**
   * SDK sessions as sirs itself (default), as the account root (range only), or with given keys. sirs'
   * own work retries patiently (it must never leave a mess); probes pass `maxAttempts: 1` so a throttled
   * read is reported as unknown at once instead of stalling the tick.
   */
  session(opts: SessionOptions): ApiSession;
  /** The environment responders paste into a shell (range targets). */
  responderEnv(): Record<string, string> | undefined;
  /** Stops what the target started (the in-process range). */
  close(): Promise<void>;
}

export function sirsVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** `sirs/<version> exercise/<id>`, appended to the SDK's user agent (as pairs, so it is not mangled). */
export function userAgentFor(exerciseId: string): Array<[string, string]> {
  return [
    ['sirs', sirsVersion()],
    ['exercise', exerciseId],
  ];
}

/** The root keys `sirs range start` prints for its responders' shells (and for sirs' `as: root` actions). */
export const RANGE_ROOT_ENV = ['SIRS_RANGE_ROOT_ACCESS_KEY_ID', 'SIRS_RANGE_ROOT_SECRET_ACCESS_KEY'] as const;

function keysFromEnv(idVar: string, secretVar: string, tokenVar?: string): Credentials | undefined {
  const accessKeyId = process.env[idVar];
  const secretAccessKey = process.env[secretVar];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = tokenVar ? process.env[tokenVar] : undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

interface RangeKeys {
  admin?: Credentials;
  profile?: string;
  root?: Credentials;
}

/**
 * A standalone range's keys: its administrator's from the standard AWS environment (or a profile),
 * its root's from SIRS_RANGE_ROOT_*. The range makes random secrets, so sirs cannot know them otherwise.
 */
export function standaloneRangeKeys(opts: TargetOptions, endpoint: string): RangeKeys {
  if (opts.rangeKeys) return opts.rangeKeys;
  const admin = keysFromEnv('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN');
  const profile = opts.profile ?? process.env.AWS_PROFILE;
  const root = keysFromEnv(...RANGE_ROOT_ENV);
  if (!admin && !profile) {
    throw new UsageError(
      'range-credentials-required',
      `sirs needs the credentials of the range at ${endpoint}: the range makes its own random keys, which \`sirs range start\` prints.`,
      {
        suggestions: [
          'paste the exports `sirs range start` printed (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, SIRS_RANGE_ROOT_ACCESS_KEY_ID and SIRS_RANGE_ROOT_SECRET_ACCESS_KEY) into this shell',
          'a range started with --state-dir keeps them in <state-dir>/range-credentials.json',
          'or leave out --endpoint-url: sirs then starts a range of its own',
        ],
      },
    );
  }
  return { ...(admin ? { admin } : { profile }), ...(root ? { root } : {}) };
}

export async function resolveTarget(opts: TargetOptions): Promise<Target> {
  const kind = opts.target ?? 'range';
  if (kind === 'range') return rangeTarget(opts);
  return awsTarget(opts);
}

async function rangeTarget(opts: TargetOptions): Promise<Target> {
  let keys: RangeKeys;
  let endpoint = opts.endpointUrl;
  let region = opts.region ?? 'us-east-1';
  let stop = async () => {};
  if (!endpoint) {
    // The range is started in-process, on loopback, for as long as the exercise runs.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const { startRange } = await import('../range/index.js');
    // LookupEvents at 10/s rather than AWS's 2: the range serves this exercise only, the probes pace
    // themselves at 2/s anyway, and the report's read of the whole window at the end (every page, read
    // events included) would otherwise hold up teardown for seconds.
    const range = await startRange({ port: 0, region, lookupEventsPerSecond: 10 });
    endpoint = range.endpoint;
    region = range.region;
    keys = { admin: { ...range.credentials }, root: { ...range.rootCredentials } };
    stop = () => range.stop();
  } else if (!/^https?:\/\/[^/]+\/?$/.test(endpoint)) {
    throw new UsageError(
      'bad-endpoint-url',
      `--endpoint-url must be a URL like http://127.0.0.1:4566, got '${endpoint}'`,
    );
  } else {
    keys = standaloneRangeKeys(opts, endpoint);
  }
  const root = keys.root;
  const base: ClientConfig = { region, endpoint, forcePathStyle: true, disableHostPrefix: true };
  return {
    kind: 'range',
    region,
    endpoint,
    description: `the range at ${endpoint}`,
    canActAsRoot: root !== undefined,
    session: ({ userAgent, as, maxAttempts = DEFAULT_MAX_ATTEMPTS }) => {
      if (as === 'root' && !root) {
        throw new UsageError(
          'range-root-keys-required',
          `acting as the account root on the range at ${endpoint} needs its root keys`,
          { suggestions: [`export ${RANGE_ROOT_ENV.join(' and ')} as \`sirs range start\` printed them`] },
        );
      }
      const own = as === undefined || as === 'default';
      const who = as === 'root' ? { credentials: root } : own ? ownKeys(keys) : { credentials: as };
      return new ApiSession(
        { ...base, ...who, customUserAgent: userAgent, maxAttempts },
        { kind: 'range', description: `the range at ${endpoint}` },
      );
    },
    responderEnv: () => ({
      AWS_ENDPOINT_URL: endpoint,
      ...(keys.admin
        ? {
            AWS_ACCESS_KEY_ID: keys.admin.accessKeyId,
            AWS_SECRET_ACCESS_KEY: keys.admin.secretAccessKey,
            ...(keys.admin.sessionToken ? { AWS_SESSION_TOKEN: keys.admin.sessionToken } : {}),
          }
        : { AWS_PROFILE: keys.profile ?? '' }),
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      // For runbooks' as_root(): the range's root keys, never written into a runbook.
      ...(root ? { [RANGE_ROOT_ENV[0]]: root.accessKeyId, [RANGE_ROOT_ENV[1]]: root.secretAccessKey } : {}),
    }),
    close: () => stop(),
  };
}

function ownKeys(keys: RangeKeys): { credentials: Credentials } | { profile: string } {
  return keys.admin ? { credentials: keys.admin } : { profile: keys.profile ?? 'default' };
}

async function awsTarget(opts: TargetOptions): Promise<Target> {
  // An unknown profile first: the SDK would report it as a missing region or missing credentials.
  checkSelectedProfile(opts.profile);
  const region =
    opts.region ??
    process.env.AWS_REGION ??
    process.env.AWS_DEFAULT_REGION ??
    (await profileRegion(opts.profile));
  if (!region) {
    throw new UsageError(
      'aws-region-required',
      '--target aws needs a region (--region, AWS_REGION or a profile with a region).',
    );
  }
  const base: ClientConfig = {
    region,
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl, forcePathStyle: true } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
  };
  const description = `AWS${opts.profile ? ` (profile ${opts.profile})` : ''}${opts.endpointUrl ? ` at ${opts.endpointUrl}` : ''}, ${region}`;
  const calls: CallTarget = {
    kind: 'aws',
    description,
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}),
  };
  return {
    kind: 'aws',
    region,
    endpoint: opts.endpointUrl,
    description,
    canActAsRoot: false,
    session: ({ userAgent, as, maxAttempts = DEFAULT_MAX_ATTEMPTS }) => {
      if (as === 'root')
        throw new UsageError('root-unavailable', 'sirs never holds root credentials of a real AWS account.');
      return new ApiSession(
        {
          ...base,
          customUserAgent: userAgent,
          maxAttempts,
          ...(as && as !== 'default' ? { credentials: as } : {}),
        },
        calls,
      );
    },
    responderEnv: () => undefined,
    close: async () => {},
  };
}

/** The region the SDK's own chain finds (AWS_REGION, the profile's `region`), if any. */
async function profileRegion(profile: string | undefined): Promise<string | undefined> {
  try {
    const { STSClient } = await import('@aws-sdk/client-sts');
    const client = new STSClient(profile ? { profile } : {});
    const region = await client.config.region();
    client.destroy();
    return region || undefined;
  } catch {
    return undefined;
  }
}
