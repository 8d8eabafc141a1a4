import type { CallContext, DispatchOptions } from '../../context.js';
import type { GetTopicAttributesResponse } from '@aws-sdk/client-sns';
import type { AssumeRoleResponse } from '@aws-sdk/client-sts';
import { identityState, servicePrincipal, type Principal } from '../../identity.js';
import { isServiceError } from '../../errors.js';
import { evaluate } from '../../policy/evaluate.js';
import { parsePolicy } from '../../policy/parse.js';
import type { PolicyDocument } from '../../policy/types.js';
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
  ruleArn: string,
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
        await checkTopicPolicy(ctx, target.Arn, ruleArn, opts);
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
 * EventBridge publishes to a topic only when the topic's access policy lets `events.amazonaws.com`
 * publish ("Amazon SNS permissions" in the EventBridge guide): SNS's default policy, which grants
 * through an `AWS:SourceOwner` condition, does not. The request carries the rule as `aws:SourceArn`
 * and its account as `aws:SourceAccount`, the keys such policies usually test.
 */
async function checkTopicPolicy(
  ctx: CallContext,
  topicArn: string,
  ruleArn: string,
  opts: DispatchOptions,
): Promise<void> {
  const accountId = opts.accountId ?? ctx.accountId;
  const out = (await ctx.dispatch(
    'sns',
    'GetTopicAttributes',
    { TopicArn: topicArn },
    { accountId, region: opts.region, record: false },
  )) as GetTopicAttributesResponse;
  let document: PolicyDocument = { Statement: [] };
  try {
    const text = out.Attributes?.Policy;
    if (text) document = parsePolicy(text);
  } catch {
    // A policy that does not parse grants nothing.
  }
  const decision = evaluate({
    request: {
      principal: { arn: '', accountId, type: 'Service', service: EVENTS_PRINCIPAL },
      action: 'sns:Publish',
      resource: topicArn,
      context: { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': ruleArn.split(':')[4] ?? accountId },
    },
    identity: [],
    resource: { id: `${topicArn}/policy`, kind: 'resource', document },
  });
  if (decision.decision !== 'allowed') {
    throw new DeliveryFailure(
      `the access policy of ${topicArn} does not allow events.amazonaws.com to publish (sns:Publish)`,
    );
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
