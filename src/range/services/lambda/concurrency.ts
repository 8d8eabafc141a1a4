import type {
  Concurrency,
  DeleteFunctionConcurrencyRequest,
  GetAccountSettingsResponse,
  GetFunctionConcurrencyRequest,
  GetFunctionConcurrencyResponse,
  PutFunctionConcurrencyRequest,
} from '@aws-sdk/client-lambda';
import type { CallContext, RangeInfo } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { findFunction, lambdaState, type LambdaFunction } from './store.js';

/**
 * Reserved concurrency (PutFunctionConcurrency): a function's own slice of the account's concurrency,
 * and its ceiling. 0 throttles every invocation: the playbook's "stop a malicious function" step.
 */

/** The account's concurrent executions quota per Region (Lambda's default) and the part that stays unreserved. */
export const ACCOUNT_CONCURRENCY = 1000;
export const UNRESERVED_MINIMUM = 100;

function reservedElsewhere(ctx: CallContext, except?: string): number {
  return Object.values(ctx.state(lambdaState).functions)
    .filter((f) => f.name !== except)
    .reduce((sum, f) => sum + (f.reservedConcurrency ?? 0), 0);
}

/**
 * GetAccountSettings: the Region's limits (Lambda's default quotas) and usage, with the concurrency
 * left unreserved, where a responder checks what the reservations took.
 */
export function getAccountSettings(ctx: CallContext): GetAccountSettingsResponse {
  const functions = Object.values(ctx.state(lambdaState).functions);
  return {
    AccountLimit: {
      TotalCodeSize: 80_530_636_800,
      CodeSizeUnzipped: 262_144_000,
      CodeSizeZipped: 52_428_800,
      ConcurrentExecutions: ACCOUNT_CONCURRENCY,
      UnreservedConcurrentExecutions: ACCOUNT_CONCURRENCY - reservedElsewhere(ctx),
    },
    AccountUsage: {
      TotalCodeSize: functions.reduce((sum, f) => sum + f.codeSize, 0),
      FunctionCount: functions.length,
    },
  };
}

export function putFunctionConcurrency(ctx: CallContext, input: PutFunctionConcurrencyRequest): Concurrency {
  const fn = findFunction(ctx, input.FunctionName ?? '');
  const wanted = input.ReservedConcurrentExecutions ?? -1;
  if (!Number.isInteger(wanted) || wanted < 0) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(wanted)}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`,
    );
  }
  const others = reservedElsewhere(ctx, fn.name);
  if (ACCOUNT_CONCURRENCY - others - wanted < UNRESERVED_MINIMUM) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${UNRESERVED_MINIMUM}].`,
    );
  }
  fn.reservedConcurrency = wanted;
  return { ReservedConcurrentExecutions: wanted };
}

export function getFunctionConcurrency(
  ctx: CallContext,
  input: GetFunctionConcurrencyRequest,
): GetFunctionConcurrencyResponse {
  const fn = findFunction(ctx, input.FunctionName ?? '');
  return fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency };
}

export function deleteFunctionConcurrency(
  ctx: CallContext,
  input: DeleteFunctionConcurrencyRequest,
): Record<string, never> {
  const fn = findFunction(ctx, input.FunctionName ?? '');
  delete fn.reservedConcurrency;
  return {};
}

/** GetFunction's `Concurrency`, present only when the function has a reservation. */
export function concurrencyOf(fn: LambdaFunction): { Concurrency?: Concurrency } {
  return fn.reservedConcurrency === undefined
    ? {}
    : { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } };
}

/** Runs in progress per function (account/region/name), held in memory: they end with the process. */
const running = new WeakMap<RangeInfo, Map<string, number>>();

function runningOf(range: RangeInfo): Map<string, number> {
  let map = running.get(range);
  if (!map) running.set(range, (map = new Map()));
  return map;
}

/** Whether the function's reservation leaves room for one more run now (0 never does). */
export function hasRoom(ctx: CallContext, fn: LambdaFunction): boolean {
  if (fn.reservedConcurrency === undefined) return true;
  const key = `${ctx.accountId}/${ctx.region}/${fn.name}`;
  return (runningOf(ctx.range).get(key) ?? 0) < fn.reservedConcurrency;
}

/** Lambda's throttle of a function at its reserved concurrency (the SDK reads `Reason`). */
export function reservedThrottle(): ServiceError {
  return new ServiceError('TooManyRequestsException', 'Rate Exceeded.', 429, {
    fields: { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' },
  });
}

/** Count a run against the function's reservation while it lasts. */
export async function counted<T>(ctx: CallContext, fn: LambdaFunction, run: () => Promise<T>): Promise<T> {
  const map = runningOf(ctx.range);
  const key = `${ctx.accountId}/${ctx.region}/${fn.name}`;
  map.set(key, (map.get(key) ?? 0) + 1);
  try {
    return await run();
  } finally {
    const left = (map.get(key) ?? 1) - 1;
    if (left > 0) map.set(key, left);
    else map.delete(key);
  }
}
