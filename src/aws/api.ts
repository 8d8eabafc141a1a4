/**
 * Calls any AWS API operation by name (`ec2:RevokeSecurityGroupIngress`) through the SDK v3, loading
 * the client package only when first needed: importing every client eagerly would cost most of a
 * second on each command.
 */
import { SirsError } from '../errors.js';
import { callFailure, guessCallTarget, type CallTarget } from './failures.js';

interface ClientModule {
  client: string;
  load: () => Promise<Record<string, unknown>>;
}

/** Service prefixes as scenarios write them (IAM-style action prefixes) → SDK v3 client packages. */
const modules: Record<string, ClientModule> = {
  ec2: { client: 'EC2Client', load: () => import('@aws-sdk/client-ec2') },
  s3: { client: 'S3Client', load: () => import('@aws-sdk/client-s3') },
  s3control: { client: 'S3ControlClient', load: () => import('@aws-sdk/client-s3-control') },
  iam: { client: 'IAMClient', load: () => import('@aws-sdk/client-iam') },
  sts: { client: 'STSClient', load: () => import('@aws-sdk/client-sts') },
  cloudtrail: { client: 'CloudTrailClient', load: () => import('@aws-sdk/client-cloudtrail') },
  logs: { client: 'CloudWatchLogsClient', load: () => import('@aws-sdk/client-cloudwatch-logs') },
  cloudwatch: { client: 'CloudWatchClient', load: () => import('@aws-sdk/client-cloudwatch') },
  kms: { client: 'KMSClient', load: () => import('@aws-sdk/client-kms') },
  ssm: { client: 'SSMClient', load: () => import('@aws-sdk/client-ssm') },
  sns: { client: 'SNSClient', load: () => import('@aws-sdk/client-sns') },
  cloudformation: { client: 'CloudFormationClient', load: () => import('@aws-sdk/client-cloudformation') },
  config: { client: 'ConfigServiceClient', load: () => import('@aws-sdk/client-config-service') },
  events: { client: 'EventBridgeClient', load: () => import('@aws-sdk/client-eventbridge') },
  lambda: { client: 'LambdaClient', load: () => import('@aws-sdk/client-lambda') },
};

export const API_SERVICES = Object.keys(modules);

export interface ClientConfig {
  region: string;
  endpoint?: string;
  credentials?: unknown;
  customUserAgent?: string | Array<[string, string]>;
  maxAttempts?: number;
  forcePathStyle?: boolean;
  disableHostPrefix?: boolean;
  profile?: string;
}

interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy(): void;
}

type Ctor<T> = new (arg: unknown) => T;

export function parseApiCall(call: string): { service: string; operation: string } {
  const m = /^([a-z0-9-]+):([A-Z][A-Za-z0-9]*)$/.exec(call);
  if (!m)
    throw new SirsError(
      'bad-api-call',
      `'${call}' is not an API call name like ec2:RevokeSecurityGroupIngress`,
    );
  return { service: m[1] as string, operation: m[2] as string };
}

/** A cache of SDK clients for one set of credentials and one region. */
export class ApiSession {
  private readonly clients = new Map<string, SdkClient>();

  /** Where the calls go, for the hints of the errors they end with (see ./failures.ts). */
  readonly target: CallTarget;

  constructor(
    readonly config: ClientConfig,
    target?: CallTarget,
  ) {
    this.target = target ?? guessCallTarget(config);
  }

  async client(service: string): Promise<{ client: SdkClient; mod: Record<string, unknown> }> {
    const spec = modules[service];
    if (!spec) {
      throw new SirsError('unknown-service', `sirs cannot call the '${service}' service`, {
        suggestions: [`services sirs can call: ${API_SERVICES.join(', ')}`],
      });
    }
    const mod = await spec.load();
    let client = this.clients.get(service);
    if (!client) {
      const Client = mod[spec.client] as Ctor<SdkClient>;
      client = new Client({ ...this.config });
      this.clients.set(service, client);
    }
    return { client, mod };
  }

  /** Call `service:Operation` with an SDK-shaped input; returns the SDK output (without $metadata). */
  async call(
    call: string,
    input: object = {},
    opts: { abortSignal?: AbortSignal } = {},
  ): Promise<Record<string, unknown>> {
    const { service, operation } = parseApiCall(call);
    const { client, mod } = await this.client(service);
    const Command = mod[`${operation}Command`] as Ctor<unknown> | undefined;
    if (!Command) {
      throw new SirsError('unknown-operation', `the ${service} API has no operation ${operation}`, {
        suggestions: [
          'check the operation name in the AWS API reference (PascalCase, e.g. RevokeSecurityGroupIngress)',
        ],
      });
    }
    let out: Record<string, unknown>;
    try {
      out = (await client.send(new Command(input), opts)) as Record<string, unknown>;
    } catch (err) {
      // Credentials, network and permission failures become user errors with a hint, in one place.
      throw callFailure(err, call, this.target) ?? err;
    }
    const { $metadata: _m, ...rest } = out;
    return rest;
  }

  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}

/** The AWS error code of an SDK error, if it is one. */
export function awsErrorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; Code?: unknown; $metadata?: unknown };
    if (e.$metadata !== undefined && typeof e.name === 'string')
      return typeof e.Code === 'string' ? e.Code : e.name;
  }
  return undefined;
}

export function isThrottle(err: unknown): boolean {
  const code = awsErrorCode(err) ?? '';
  return /Throttl|RequestLimitExceeded|SlowDown|TooManyRequests|RequestThrottled|Rate exceeded/.test(code);
}
