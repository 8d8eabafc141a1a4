import type { CallContext, DispatchOptions } from '../../context.js';
import type { AssumeRoleResponse } from '@aws-sdk/client-sts';
import { identityState, servicePrincipal, type Principal } from '../../identity.js';
import { isServiceError } from '../../errors.js';
import type { StoredTarget } from './store.js';

/** EventBridge acts on targets as itself: CloudTrail names it in `invokedBy`. */
export const EVENTS_PRINCIPAL = 'events.amazonaws.com';

/** The kinds of target the range delivers to, told apart by the target's ARN. */
export type TargetKind = 'lambda' | 'sns' | 'logs' | 'ssm-automation' | 'unsupported';

export interface ParsedArn {
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const m = /^arn:aws[\w-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/.exec(arn);
  if (!m) return undefined;
  return {
    service: m[1] as string,
    region: m[2] as string,
    accountId: m[3] as string,
    resource: m[4] as string,
  };
}

export function targetKind(arn: string): TargetKind {
  const p = parseArn(arn);
  if (!p) return 'unsupported';
  if (p.service === 'lambda' && p.resource.startsWith('function:')) return 'lambda';
  if (p.service === 'sns') return 'sns';
  if (p.service === 'logs' && p.resource.startsWith('log-group:')) return 'logs';
  if (p.service === 'ssm' && p.resource.startsWith('automation-definition/')) return 'ssm-automation';
  return 'unsupported';
}

/** Why a delivery failed: what a drill shows when a rule matched but its target did not run. */
export class DeliveryFailure extends Error {}

/**
 * Hand one payload to one target through the range's own API (`ctx.dispatch`), as EventBridge calls
 * the target service: Lambda `Invoke` (asynchronous), SNS `Publish`, CloudWatch Logs
 * `CreateLogStream`/`PutLogEvents`, Systems Manager `StartAutomationExecution`.
 */
export async function invokeTarget(
  ctx: CallContext,
  target: StoredTarget,
  payload: string,
  event: { id: string; time: string },
  accountId: string,
): Promise<void> {
  const arn = parseArn(target.Arn);
  const kind = targetKind(target.Arn);
  if (!arn || kind === 'unsupported') {
    throw new DeliveryFailure(`the range does not deliver to targets like ${target.Arn}`);
  }
  const opts: DispatchOptions = {
    accountId: arn.accountId || accountId,
    region: arn.region || ctx.region,
    principal: servicePrincipal(EVENTS_PRINCIPAL, arn.accountId || accountId),
    invokedBy: EVENTS_PRINCIPAL,
  };
  try {
    switch (kind) {
      case 'lambda':
        await ctx.dispatch(
          'lambda',
          'Invoke',
          { FunctionName: target.Arn, InvocationType: 'Event', Payload: Buffer.from(payload) },
          opts,
        );
        return;
      case 'sns':
        await ctx.dispatch('sns', 'Publish', { TopicArn: target.Arn, Message: payload }, opts);
        return;
      case 'logs':
        await deliverToLogGroup(ctx, arn.resource, payload, event, opts);
        return;
      case 'ssm-automation':
        await startAutomation(ctx, arn.resource, payload, {
          ...opts,
          principal: await assumeTargetRole(ctx, target, opts),
        });
        return;
    }
  } catch (err) {
    if (err instanceof DeliveryFailure) throw err;
    if (isServiceError(err)) throw new DeliveryFailure(`${err.code}: ${err.message}`);
    throw err;
  }
}

/**
 * Targets EventBridge reaches through an IAM role (Systems Manager Automation): EventBridge assumes
 * the target's RoleArn as `events.amazonaws.com`, so the role's trust policy must allow that service
 * and the role's policies decide what the call may do; CloudTrail names the role session.
 */
async function assumeTargetRole(
  ctx: CallContext,
  target: StoredTarget,
  opts: DispatchOptions,
): Promise<Principal> {
  if (!target.RoleArn) throw new DeliveryFailure(`target ${target.Id} has no RoleArn to act with`);
  const out = (await ctx.dispatch(
    'sts',
    'AssumeRole',
    { RoleArn: target.RoleArn, RoleSessionName: `EventBridge-${target.Id}`.slice(0, 64) },
    opts,
  )) as AssumeRoleResponse;
  const key = out.Credentials?.AccessKeyId ?? '';
  const session = ctx.state(identityState).credentials[key]?.principal;
  if (!session) throw new DeliveryFailure(`EventBridge could not assume ${target.RoleArn}`);
  return session;
}

/** A log group target gets each event as one log event in a stream named after the event's id. */
async function deliverToLogGroup(
  ctx: CallContext,
  resource: string,
  payload: string,
  event: { id: string; time: string },
  opts: DispatchOptions,
): Promise<void> {
  const logGroupName = resource.slice('log-group:'.length).replace(/:\*$/, '');
  // Writing logs is not recorded by CloudTrail; creating the stream is.
  const quiet = { ...opts, record: false };
  try {
    await ctx.dispatch('logs', 'CreateLogStream', { logGroupName, logStreamName: event.id }, quiet);
  } catch (err) {
    if (!isServiceError(err) || err.code !== 'ResourceAlreadyExistsException') throw err;
  }
  const timestamp = Date.parse(event.time);
  await ctx.dispatch(
    'logs',
    'PutLogEvents',
    {
      logGroupName,
      logStreamName: event.id,
      logEvents: [{ timestamp: Number.isNaN(timestamp) ? ctx.now.getTime() : timestamp, message: payload }],
    },
    quiet,
  );
}

/** An Automation target's input is the document's parameters: `{ "Name": ["value", ...] }`. */
async function startAutomation(
  ctx: CallContext,
  resource: string,
  payload: string,
  opts: DispatchOptions,
): Promise<void> {
  const [documentName, version] = resource.slice('automation-definition/'.length).split(':');
  let parameters: unknown;
  try {
    parameters = JSON.parse(payload);
  } catch {
    parameters = undefined;
  }
  const valid =
    parameters !== null &&
    typeof parameters === 'object' &&
    !Array.isArray(parameters) &&
    Object.values(parameters).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'string'));
  if (!valid) {
    throw new DeliveryFailure(
      'the input of a Systems Manager Automation target must be the document parameters, e.g. {"InstanceId":["i-0123"]}',
    );
  }
  await ctx.dispatch(
    'ssm',
    'StartAutomationExecution',
    {
      DocumentName: documentName,
      ...(version && version !== '$DEFAULT' && version !== '$LATEST' ? { DocumentVersion: version } : {}),
      Parameters: parameters,
    },
    opts,
  );
}
