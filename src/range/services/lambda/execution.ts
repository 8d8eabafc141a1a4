import { randomBytes } from 'node:crypto';
import type { AssumeRoleResponse } from '@aws-sdk/client-sts';
import type { CallContext, RangeInfo } from '../../context.js';
import { ServiceError, isServiceError } from '../../errors.js';
import { servicePrincipal } from '../../identity.js';
import type { LambdaFunction } from './store.js';
import { runFunction, type Execution } from './runtime.js';

/**
 * One invocation from start to logs: the execution role's credentials (an assumed-role session named
 * after the function, as Lambda's), the environment Lambda sets, the run, and the function's log in
 * CloudWatch Logs `/aws/lambda/<name>` with START/END/REPORT lines.
 */

export const LAMBDA_SERVICE = 'lambda.amazonaws.com';

interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
}

/** Sessions per range, function and role, kept in memory only (never written to disk) until near expiry. */
const sessions = new WeakMap<RangeInfo, Map<string, Session>>();

/** Refresh a session this long before it expires (range time). */
const REFRESH_MS = 5 * 60_000;

export function roleCannotBeAssumed(): ServiceError {
  return new ServiceError(
    'InvalidParameterValueException',
    'The role defined for the function cannot be assumed by Lambda.',
  );
}

/** The execution role's credentials: Lambda assumes the role through STS (CloudTrail records it). */
export async function executionCredentials(
  ctx: CallContext,
  fn: Pick<LambdaFunction, 'name' | 'role'>,
  opts: { fresh?: boolean } = {},
): Promise<Session> {
  let cache = sessions.get(ctx.range);
  if (!cache) sessions.set(ctx.range, (cache = new Map()));
  const key = `${ctx.accountId}/${ctx.region}/${fn.name}/${fn.role}`;
  const now = ctx.clock.now().getTime();
  const hit = cache.get(key);
  if (hit && !opts.fresh && hit.expiresAt - REFRESH_MS > now) return hit;
  let out: AssumeRoleResponse;
  try {
    out = (await ctx.dispatch(
      'sts',
      'AssumeRole',
      // STS wants at least two characters; a one-letter function name is padded.
      { RoleArn: fn.role, RoleSessionName: fn.name.padEnd(2, '_') },
      { principal: servicePrincipal(LAMBDA_SERVICE, ctx.accountId), invokedBy: LAMBDA_SERVICE },
    )) as AssumeRoleResponse;
  } catch (err) {
    if (isServiceError(err)) throw roleCannotBeAssumed();
    throw err;
  }
  const c = out.Credentials;
  const session: Session = {
    accessKeyId: c?.AccessKeyId ?? '',
    secretAccessKey: c?.SecretAccessKey ?? '',
    sessionToken: c?.SessionToken ?? '',
    expiresAt: c?.Expiration ? new Date(c.Expiration).getTime() : now + 3_600_000,
  };
  cache.set(key, session);
  return session;
}

/** Variables Lambda sets itself; a function's Environment may not name them. */
export const RESERVED_VARIABLES = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
];

/** Log streams per function, day and code: a stream stands for one execution environment, as in AWS. */
const streams = new WeakMap<RangeInfo, Map<string, string>>();

function logStreamOf(ctx: CallContext, fn: LambdaFunction, at: Date): { name: string; isNew: boolean } {
  let map = streams.get(ctx.range);
  if (!map) streams.set(ctx.range, (map = new Map()));
  const day = at.toISOString().slice(0, 10).replace(/-/g, '/');
  const key = `${ctx.accountId}/${ctx.region}/${fn.name}/${fn.codeSha256}/${day}`;
  const known = map.get(key);
  if (known) return { name: known, isNew: false };
  const name = `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
  map.set(key, name);
  return { name, isNew: true };
}

export interface Invocation extends Execution {
  requestId: string;
}

/** Run the function once and deliver its log. */
export async function execute(
  ctx: CallContext,
  fn: LambdaFunction,
  event: Buffer,
  requestId: string,
  opts: { queue: boolean } = { queue: false },
): Promise<Invocation> {
  const creds = await executionCredentials(ctx, fn);
  const started = ctx.clock.now();
  const group = `/aws/lambda/${fn.name}`;
  const stream = logStreamOf(ctx, fn, started);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    // The function's SDK must not read the range user's own AWS profile.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    // The SDK v3 warns on Node 20 in every run; Lambda's own runtimes do not print it.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...fn.environment,
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: group,
    AWS_LAMBDA_LOG_STREAM_NAME: stream.name,
    AWS_REGION: ctx.region,
    AWS_DEFAULT_REGION: ctx.region,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_SESSION_TOKEN: creds.sessionToken,
    // The function's SDK (AWS SDK v3, boto3) acts on the range.
    AWS_ENDPOINT_URL: ctx.range.endpoint,
  };
  const run = await runFunction(ctx.range, ctx.accountId, ctx.region, { fn, event, requestId, env }, opts);
  const duration = run.durationMs.toFixed(2);
  const lines = [
    `START RequestId: ${requestId} Version: $LATEST`,
    ...splitLog(run.log),
    `END RequestId: ${requestId}`,
    `REPORT RequestId: ${requestId}\tDuration: ${duration} ms\tBilled Duration: ${Math.max(1, Math.ceil(run.durationMs))} ms\tMemory Size: ${fn.memorySize} MB\tMax Memory Used: ${run.maxMemoryUsedMb} MB\t${run.initDurationMs !== undefined ? `Init Duration: ${run.initDurationMs.toFixed(2)} ms\t` : ''}`,
  ];
  await deliverLog(ctx, group, stream, lines);
  return { ...run, log: `${lines.join('\n')}\n`, requestId };
}

function splitLog(log: string): string[] {
  return log.split('\n').filter((l) => l.trim() !== '');
}

/**
 * Write the invocation's lines to `/aws/lambda/<name>`. Lambda writes with the function's role; the
 * range writes as the Lambda service and records no CloudTrail event for it (PutLogEvents is not one).
 */
async function deliverLog(
  ctx: CallContext,
  group: string,
  stream: { name: string; isNew: boolean },
  lines: string[],
): Promise<void> {
  const opts = { principal: servicePrincipal(LAMBDA_SERVICE, ctx.accountId), record: false };
  const ignoreExists = (err: unknown) => {
    if (!isServiceError(err) || err.code !== 'ResourceAlreadyExistsException') throw err;
  };
  const prepare = async () => {
    await ctx.dispatch('logs', 'CreateLogGroup', { logGroupName: group }, opts).catch(ignoreExists);
    await ctx
      .dispatch('logs', 'CreateLogStream', { logGroupName: group, logStreamName: stream.name }, opts)
      .catch(ignoreExists);
  };
  if (stream.isNew) await prepare();
  const timestamp = ctx.clock.now().getTime();
  const events: Array<{ timestamp: number; message: string }> = [];
  for (const line of lines) events.push({ timestamp, message: line.slice(0, 256 * 1024) });
  for (let i = 0; i < events.length; i += 1000) {
    const put = () =>
      ctx.dispatch(
        'logs',
        'PutLogEvents',
        { logGroupName: group, logStreamName: stream.name, logEvents: events.slice(i, i + 1000) },
        opts,
      );
    // Someone deleted the group or stream since: make them again, as Lambda does.
    await put().catch(async (err: unknown) => {
      if (!isServiceError(err) || err.code !== 'ResourceNotFoundException') throw err;
      await prepare();
      await put();
    });
  }
}
