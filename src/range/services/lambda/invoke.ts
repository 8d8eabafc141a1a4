import type { InvocationRequest, InvocationResponse } from '@aws-sdk/client-lambda';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { requestId as newRequestId } from '../../ids.js';
import { has } from '../../records.js';
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
    enqueue(ctx, fn.name, payload, newRequestId(), 0);
    return { StatusCode: 202 };
  }
  const run = await track(ctx.range, execute(ctx, fn, payload, ctx.requestId));
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

/**
 * Queue an asynchronous invocation on the range clock. Lambda retries a function error twice; the
 * event is dropped after the last attempt (no destinations or dead-letter queue on the range).
 */
function enqueue(ctx: CallContext, name: string, payload: Buffer, requestId: string, attempt: number): void {
  const delay = attempt === 0 ? 0 : (ASYNC_RETRY_DELAYS_MS[attempt - 1] ?? 0);
  ctx.clock.schedule(delay, () => {
    const functions = ctx.state(lambdaState).functions;
    const fn: LambdaFunction | undefined = has(functions, name) ? functions[name] : undefined;
    if (!fn) return; // deleted meanwhile
    void track(
      ctx.range,
      execute(ctx, fn, payload, requestId, { queue: true }).then(
        (run) => {
          if (run.functionError && attempt < ASYNC_RETRY_DELAYS_MS.length)
            enqueue(ctx, name, payload, requestId, attempt + 1);
        },
        () => {
          if (attempt < ASYNC_RETRY_DELAYS_MS.length) enqueue(ctx, name, payload, requestId, attempt + 1);
        },
      ),
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
