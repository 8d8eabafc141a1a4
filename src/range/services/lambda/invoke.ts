import type { InvocationRequest, InvocationResponse } from '@aws-sdk/client-lambda';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { requestId as newRequestId } from '../../ids.js';
import { has } from '../../records.js';
import { counted, hasRoom, reservedThrottle } from './concurrency.js';
import { execute } from './execution.js';
import { track } from './runtime.js';
import { findFunction, lambdaState, type LambdaFunction } from './store.js';

/** Event (asynchronous) invocations: two retries after a function error, 1 and then 2 minutes apart (range clock). */
export const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

const MAX_SYNC_PAYLOAD = 6_291_456;
const MAX_ASYNC_PAYLOAD = 262_144;

// Over HTTP the codec hands the payload over as bytes; a service dispatching an invocation may pass text.
type InvokeInput = Omit<InvocationRequest, 'Payload'> & { Payload?: Buffer | Uint8Array | string };
type InvokeOutput = Omit<InvocationResponse, 'Payload'> & { Payload?: Buffer };

export async function invoke(ctx: CallContext, input: InvokeInput): Promise<InvokeOutput> {
  const fn = findFunction(ctx, input.FunctionName ?? '', input.Qualifier);
  const type = input.InvocationType ?? 'RequestResponse';
  if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
    );
  }
  checkInvoker(ctx, fn);
  const payload = input.Payload?.length ? Buffer.from(input.Payload) : Buffer.from('{}');
  const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
  if (payload.length > limit) {
    throw new ServiceError(
      'RequestTooLargeException',
      `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
      413,
    );
  }
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new ServiceError(
      'InvalidRequestContentException',
      `Could not parse request body into json: ${(err as Error).message}`,
    );
  }
  if (type === 'DryRun') return { StatusCode: 204 };
  if (type === 'Event') {
    // Accepted even when the function is throttled: Lambda queues the event and retries it (below).
    enqueue(ctx, fn.name, payload, newRequestId(), { attempt: 0, acceptedAt: ctx.now.getTime() });
    return { StatusCode: 202 };
  }
  // At its reserved concurrency (0: always) the function is throttled and nothing runs.
  if (!hasRoom(ctx, fn)) throw reservedThrottle();
  const run = await track(
    ctx.range,
    counted(ctx, fn, () => execute(ctx, fn, payload, ctx.requestId)),
  );
  return {
    StatusCode: 200,
    Payload: run.payload,
    ExecutedVersion: '$LATEST',
    ...(run.functionError ? { FunctionError: run.functionError } : {}),
    ...(input.LogType === 'Tail' ? { LogResult: tail(run.log) } : {}),
  };
}

/** The last 4 KB of the run's log, base64, as `X-Amz-Log-Result` carries it. */
function tail(log: string): string {
  const bytes = Buffer.from(log);
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString('base64');
}

/** How long Lambda keeps retrying a throttled asynchronous event (the default maximum event age). */
export const MAX_EVENT_AGE_MS = 6 * 3_600_000;
/** The range retries a throttled event this often (Lambda backs off up to five minutes between tries). */
export const THROTTLED_RETRY_MS = 5 * 60_000;

interface Delivery {
  /** Runs that ended in a function error so far. */
  attempt: number;
  acceptedAt: number;
  delayMs?: number;
}

/**
 * Queue an asynchronous invocation on the range clock. Lambda retries a function error twice; the
 * event is dropped after the last attempt (no destinations or dead-letter queue on the range). A
 * function at its reserved concurrency (0: a responder stopped it) does not run: the event goes back
 * to the queue and is tried again every five minutes until it is six hours old, then dropped, as
 * Lambda treats throttled asynchronous events.
 */
function enqueue(ctx: CallContext, name: string, payload: Buffer, requestId: string, d: Delivery): void {
  const delay = d.delayMs ?? (d.attempt === 0 ? 0 : (ASYNC_RETRY_DELAYS_MS[d.attempt - 1] ?? 0));
  ctx.clock.schedule(delay, () => {
    const functions = ctx.state(lambdaState).functions;
    const fn: LambdaFunction | undefined = has(functions, name) ? functions[name] : undefined;
    if (!fn) return; // deleted meanwhile
    if (!hasRoom(ctx, fn)) {
      if (ctx.clock.now().getTime() + THROTTLED_RETRY_MS - d.acceptedAt <= MAX_EVENT_AGE_MS)
        enqueue(ctx, name, payload, requestId, { ...d, delayMs: THROTTLED_RETRY_MS });
      return;
    }
    const again = (): void => {
      if (d.attempt < ASYNC_RETRY_DELAYS_MS.length)
        enqueue(ctx, name, payload, requestId, { attempt: d.attempt + 1, acceptedAt: d.acceptedAt });
    };
    void track(
      ctx.range,
      counted(ctx, fn, () => execute(ctx, fn, payload, requestId, { queue: true })).then((run) => {
        if (run.functionError) again();
      }, again),
    );
  });
}

/**
 * A service invoking for a customer (an EventBridge rule, a Config rule) needs a statement in the
 * function's resource-based policy naming it (AddPermission), as in AWS. The range knows the service
 * but not the source ARN of such a call, so SourceArn/SourceAccount conditions are not checked.
 */
function checkInvoker(ctx: CallContext, fn: LambdaFunction): void {
  const service = ctx.invokedBy;
  if (!service || service === 'cloudformation.amazonaws.com') return;
  const allowed = fn.policy.some((s) => {
    const principal = s.Principal;
    const names = principal === '*' || (typeof principal === 'object' && principal.Service === service);
    return names && (s.Action === 'lambda:InvokeFunction' || s.Action === 'lambda:*');
  });
  if (!allowed) {
    throw new ServiceError(
      'AccessDeniedException',
      `User: ${service} is not authorized to perform: lambda:InvokeFunction on resource: ${fn.arn} because no resource-based policy allows the lambda:InvokeFunction action`,
      403,
    );
  }
}
