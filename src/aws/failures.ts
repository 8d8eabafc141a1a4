/**
 * AWS and network failures a user can act on, as SirsErrors with the right hint: rejected or missing
 * credentials, an endpoint that cannot be reached, a call the principal may not make. The one place
 * where an SDK error becomes a message; every call through `ApiSession` passes here.
 *
 * The mapped error keeps the AWS error code (`awsErrorCode()` still answers it), so code that tolerates
 * e.g. AccessDenied on an optional read keeps working.
 */
import { SirsError } from '../errors.js';

/** Where a session's calls go: the hints differ between the range and AWS. */
export interface CallTarget {
  kind: 'range' | 'aws';
  /** "the range at http://127.0.0.1:4566", "AWS (profile sandbox), eu-west-1". */
  description: string;
  profile?: string;
  /** An explicit --endpoint-url in front of AWS (or an AWS-compatible service). */
  endpoint?: string;
}

/** Error codes that mean "these credentials are not good" (AWS docs: common errors, per-service variants). */
const CREDENTIAL_CODES = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'RequestExpired',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const PERMISSION_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
  'AuthorizationError',
]);
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** A failed AWS call, mapped to a user error; still carries the AWS error code and metadata. */
export class AwsCallError extends SirsError {
  readonly Code?: string;
  readonly $metadata?: unknown;

  constructor(
    code: string,
    message: string,
    opts: { suggestions: string[]; cause: unknown; awsCode?: string; metadata?: unknown },
  ) {
    super(code, message, { suggestions: opts.suggestions, cause: opts.cause });
    this.name = 'AwsCallError';
    if (opts.awsCode !== undefined) this.Code = opts.awsCode;
    if (opts.metadata !== undefined) this.$metadata = opts.metadata;
  }
}

function sdkCode(err: object): string | undefined {
  const e = err as { name?: unknown; Code?: unknown; $metadata?: unknown };
  if (e.$metadata === undefined || typeof e.name !== 'string') return undefined;
  return typeof e.Code === 'string' ? e.Code : e.name;
}

/** ECONNREFUSED and friends, wherever Node put them (the error, its cause, an AggregateError's parts). */
function networkCode(err: object): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const { code, cause, errors, name } = e as {
      code?: unknown;
      cause?: unknown;
      errors?: unknown;
      name?: unknown;
    };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    if (name === 'TimeoutError') return 'ETIMEDOUT';
    queue.push(cause, ...(Array.isArray(errors) ? errors : []));
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/** The user error for a failed call to `call` (like iam:CreateUser) on `where`; undefined if it is none. */
export function callFailure(err: unknown, call: string, where: CallTarget): AwsCallError | undefined {
  if (!err || typeof err !== 'object' || err instanceof SirsError) return undefined;
  const message = firstLine(String((err as { message?: unknown }).message ?? ''));
  const awsCode = sdkCode(err);
  const keep = {
    cause: err,
    ...(awsCode ? { awsCode, metadata: (err as { $metadata?: unknown }).$metadata } : {}),
  };
  const profile = where.profile ? ` --profile ${where.profile}` : '';

  if (awsCode && CREDENTIAL_CODES.has(awsCode)) {
    const suggestions =
      where.kind === 'range'
        ? [
            'use the keys the range printed (the exports of `sirs range start`, or `sirs start` for responders)',
            'or unset AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_PROFILE to use the range’s administrator',
          ]
        : EXPIRED.has(awsCode)
          ? [
              `the session has expired: sign in again (aws sso login${profile}) or get new temporary credentials`,
            ]
          : awsCode === 'SignatureDoesNotMatch' || awsCode === 'InvalidSignatureException'
            ? [
                'the secret access key does not belong to the access key id (or this machine’s clock is off)',
                `check with: aws sts get-caller-identity${profile}`,
              ]
            : awsCode === 'RequestExpired'
              ? ['this machine’s clock is off by more than 5 minutes: fix the clock (NTP)']
              : [
                  'the access key id is unknown to AWS (deleted, mistyped, or from another partition)',
                  `check with: aws sts get-caller-identity${profile}; use --profile, AWS_PROFILE or \`aws sso login\``,
                ];
    return new AwsCallError(
      'credentials-rejected',
      `${where.description} rejected the credentials (${awsCode}: ${message})`,
      { ...keep, suggestions },
    );
  }

  const name = String((err as { name?: unknown }).name ?? '');
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new AwsCallError('no-credentials', `no AWS credentials found for ${where.description}`, {
      ...keep,
      suggestions:
        where.kind === 'range'
          ? ['export the environment `sirs range start` printed (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)']
          : [
              `use --profile, AWS_PROFILE, \`aws sso login${profile}\`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
            ],
    });
  }

  if (awsCode && PERMISSION_CODES.has(awsCode)) {
    return new AwsCallError('access-denied', `${where.description} denied ${call} (${awsCode}: ${message})`, {
      ...keep,
      suggestions:
        where.kind === 'range'
          ? [
              `the range evaluates IAM policies like AWS: the caller’s policies do not allow ${call}`,
              'use the range’s administrator keys for sirs itself',
            ]
          : [
              `allow ${call} for the principal sirs runs as (its IAM policy, permissions boundary or an SCP denies it)`,
              `check who that is: aws sts get-caller-identity${profile}`,
            ],
    });
  }

  const net = networkCode(err);
  if (net) {
    const suggestions =
      where.kind === 'range'
        ? ['is the range running (sirs range start)? Is --endpoint-url right?']
        : where.endpoint
          ? [`is --endpoint-url ${where.endpoint} right, and is that service running?`]
          : net === 'ENOTFOUND' || net === 'EAI_AGAIN'
            ? ['the AWS endpoint’s name does not resolve: check DNS, the network and the region name']
            : ['check the network connection and any proxy (HTTPS_PROXY); AWS itself is rarely down'];
    return new AwsCallError('target-unreachable', `cannot reach ${where.description}: ${message || net}`, {
      ...keep,
      suggestions,
    });
  }
  return undefined;
}

/** What a session knows without being told: the range listens on loopback only. */
export function guessCallTarget(config: { endpoint?: string; region: string; profile?: string }): CallTarget {
  if (config.endpoint) {
    let host = '';
    try {
      host = new URL(config.endpoint).hostname;
    } catch {
      // A malformed endpoint is the SDK's to report.
    }
    if (/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host))
      return { kind: 'range', description: `the range at ${config.endpoint}` };
    return { kind: 'aws', description: `${config.endpoint}`, endpoint: config.endpoint };
  }
  return {
    kind: 'aws',
    description: `AWS${config.profile ? ` (profile ${config.profile})` : ''}, ${config.region}`,
    ...(config.profile ? { profile: config.profile } : {}),
  };
}
