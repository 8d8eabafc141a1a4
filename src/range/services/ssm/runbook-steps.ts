import { isServiceError } from '../../errors.js';
import { record } from '../../records.js';
import { apiRequest, InvalidRequest } from './api-request.js';
import { operationName, plain, rangeService, select, typed } from './aws-api.js';
import type { RunbookStep } from './document-content.js';
import type { AutomationCall } from './runbooks.js';

/**
 * The Automation actions the range runs for customer runbooks, as the Automation actions reference
 * describes them. Each takes its step's resolved inputs and returns its outputs (and, for aws:branch,
 * the next step; for aws:sleep, the time it adds), or throws a StepFailure with the message
 * GetAutomationExecution shows.
 */

export class StepFailure extends Error {
  /** Set when the step waited out its timeout: how long it waited on the range clock. */
  constructor(
    message: string,
    readonly timedOutAfterMs?: number,
  ) {
    super(message);
  }
}

/** aws:waitForAwsResourceProperty's default timeout (its reference: 3600 seconds). */
const WAIT_TIMEOUT_SECONDS = 3600;

export interface ActionResult {
  outputs?: Record<string, unknown>;
  next?: string;
  sleepMs?: number;
}

export interface ActionContext {
  call: AutomationCall;
  now: Date;
}

type Inputs = Record<string, unknown>;

/** The request an API action sends: its inputs without the action's own keys. */
function request(inputs: Inputs, own: readonly string[]): Inputs {
  return Object.fromEntries(Object.entries(inputs).filter(([k]) => !own.includes(k)));
}

async function callApi(ctx: ActionContext, inputs: Inputs, own: readonly string[]): Promise<unknown> {
  let service: string;
  let api: string;
  try {
    service = rangeService(inputs.Service);
    api = operationName(inputs.Api);
  } catch (err) {
    if (isServiceError(err)) throw new StepFailure(`Step fails when it is validating inputs. ${err.message}`);
    throw err;
  }
  let body: Inputs;
  try {
    body = apiRequest(service, api, request(inputs, own));
  } catch (err) {
    if (!(err instanceof InvalidRequest)) throw err;
    throw new StepFailure(
      `Step fails when it is validating and resolving the step inputs. Parameter validation failed: ${err.message}`,
    );
  }
  try {
    return plain(await ctx.call(service, api, body));
  } catch (err) {
    if (!isServiceError(err)) throw err;
    throw new StepFailure(
      `Step fails when it is Executing. Fail the step because an error occurred when calling the ${api} method. ` +
        `Error details: An error occurred (${err.code}) when calling the ${api} operation: ${err.message}`,
    );
  }
}

const executeAwsApi = async (
  ctx: ActionContext,
  step: RunbookStep,
  inputs: Inputs,
): Promise<ActionResult> => {
  const response = await callApi(ctx, inputs, ['Service', 'Api']);
  const outputs: Record<string, unknown> = record();
  for (const o of step.outputs) {
    let value: unknown;
    try {
      value = typed(select(response, o.Selector), o.Type);
    } catch (err) {
      if (isServiceError(err))
        throw new StepFailure(`Step fails when it is selecting output ${o.Name}. ${err.message}`);
      throw err;
    }
    if (value !== undefined) outputs[o.Name] = value;
  }
  return { outputs };
};

const PROPERTY_KEYS = ['Service', 'Api', 'PropertySelector', 'DesiredValues'] as const;

async function propertyHolds(ctx: ActionContext, inputs: Inputs): Promise<{ ok: boolean; actual: unknown }> {
  const response = await callApi(ctx, inputs, PROPERTY_KEYS);
  const desired = (Array.isArray(inputs.DesiredValues) ? inputs.DesiredValues : [inputs.DesiredValues]).map(
    String,
  );
  const selected = select(response, String(inputs.PropertySelector ?? '$'));
  const actual = Array.isArray(selected) ? selected : [selected];
  const ok = actual.length > 0 && actual.every((v) => v !== undefined && desired.includes(String(v)));
  return { ok, actual: selected };
}

const assertAwsResourceProperty = async (ctx: ActionContext, _step: RunbookStep, inputs: Inputs) => {
  const { ok, actual } = await propertyHolds(ctx, inputs);
  if (!ok) {
    throw new StepFailure(
      `Step fails when it is verifying the property. The actual value ${JSON.stringify(actual ?? null)} of ` +
        `${String(inputs.PropertySelector)} is not one of the desired values ${JSON.stringify(inputs.DesiredValues)}.`,
    );
  }
  return {};
};

/**
 * The range checks the property once, when the step starts: desired, the step succeeds at once; not
 * desired, the step waits out its timeoutSeconds on the range clock and times out (status TimedOut).
 */
const waitForAwsResourceProperty = async (ctx: ActionContext, step: RunbookStep, inputs: Inputs) => {
  const { ok, actual } = await propertyHolds(ctx, inputs);
  if (!ok) {
    const seconds = step.timeoutSeconds ?? WAIT_TIMEOUT_SECONDS;
    throw new StepFailure(
      `Step timed out after ${seconds} seconds waiting for ${String(inputs.PropertySelector)} to be one of ` +
        `${JSON.stringify(inputs.DesiredValues)}; it was ${JSON.stringify(actual ?? null)} ` +
        '(the range checks the property once, when the step starts).',
      seconds * 1000,
    );
  }
  return {};
};

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const WEEK_MS = 7 * 24 * 3_600_000;

const sleep = (ctx: ActionContext, _step: RunbookStep, inputs: Inputs): Promise<ActionResult> => {
  let ms: number;
  if (inputs.Duration !== undefined) {
    const m = DURATION.exec(String(inputs.Duration));
    if (!m || String(inputs.Duration) === 'P' || String(inputs.Duration).endsWith('T'))
      throw new StepFailure(`Duration ${String(inputs.Duration)} is not an ISO 8601 duration (PT10M).`);
    ms =
      ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 +
      Number(m[4] ?? 0) * 1000;
  } else if (inputs.Timestamp !== undefined) {
    const at = Date.parse(String(inputs.Timestamp));
    if (Number.isNaN(at))
      throw new StepFailure(`Timestamp ${String(inputs.Timestamp)} is not an ISO 8601 time.`);
    ms = Math.max(0, at - ctx.now.getTime());
  } else {
    throw new StepFailure('aws:sleep takes a Duration or a Timestamp.');
  }
  if (ms > WEEK_MS) throw new StepFailure('aws:sleep sleeps at most 7 days.');
  return Promise.resolve({ sleepMs: ms });
};

type Choice = Record<string, unknown>;

function holds(choice: Choice): boolean {
  if (Array.isArray(choice.And)) return (choice.And as Choice[]).every(holds);
  if (Array.isArray(choice.Or)) return (choice.Or as Choice[]).some(holds);
  if (choice.Not && typeof choice.Not === 'object') return !holds(choice.Not as Choice);
  const v = choice.Variable;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  const n = Number(v);
  const test: Record<string, (x: unknown) => boolean> = {
    StringEquals: (x) => s === String(x),
    EqualsIgnoreCase: (x) => s.toLowerCase() === String(x).toLowerCase(),
    StartsWith: (x) => s.startsWith(String(x)),
    EndsWith: (x) => s.endsWith(String(x)),
    Contains: (x) => (Array.isArray(v) ? v.map(String).includes(String(x)) : s.includes(String(x))),
    BooleanEquals: (x) => String(v) === String(x),
    NumericEquals: (x) => n === Number(x),
    NumericGreater: (x) => n > Number(x),
    NumericLesser: (x) => n < Number(x),
    NumericGreaterOrEquals: (x) => n >= Number(x),
    NumericLesserOrEquals: (x) => n <= Number(x),
  };
  const op = Object.keys(choice).find((k) => Object.hasOwn(test, k));
  if (!op)
    throw new StepFailure(
      `A choice of aws:branch has no operator the range knows: ${JSON.stringify(choice)}.`,
    );
  return test[op]?.(choice[op]) ?? false;
}

/** The first true choice's NextStep, else Default, else (as the aws:branch reference says) the next step. */
const branch = (_ctx: ActionContext, _step: RunbookStep, inputs: Inputs): Promise<ActionResult> => {
  const choices = Array.isArray(inputs.Choices) ? (inputs.Choices as Choice[]) : [];
  const chosen = choices.find(holds);
  const next = chosen?.NextStep ?? inputs.Default;
  return Promise.resolve(typeof next === 'string' ? { next } : {});
};

const DESIRED: Record<string, string> = {
  running: 'StartInstances',
  stopped: 'StopInstances',
  terminated: 'TerminateInstances',
};

const changeInstanceState = async (ctx: ActionContext, _step: RunbookStep, inputs: Inputs) => {
  const operation = DESIRED[String(inputs.DesiredState)];
  if (!operation)
    throw new StepFailure(
      `DesiredState ${String(inputs.DesiredState)} is not running, stopped or terminated.`,
    );
  const ids = Array.isArray(inputs.InstanceIds) ? inputs.InstanceIds : [inputs.InstanceIds];
  try {
    await ctx.call('ec2', operation, { InstanceIds: ids.map(String) });
  } catch (err) {
    if (!isServiceError(err)) throw err;
    throw new StepFailure(`Step fails when it is Executing. ${err.code}: ${err.message}`);
  }
  return {};
};

type Action = (ctx: ActionContext, step: RunbookStep, inputs: Inputs) => Promise<ActionResult>;

const ACTIONS: Readonly<Record<string, Action>> = {
  'aws:executeAwsApi': executeAwsApi,
  'aws:assertAwsResourceProperty': assertAwsResourceProperty,
  'aws:waitForAwsResourceProperty': waitForAwsResourceProperty,
  'aws:sleep': sleep,
  'aws:branch': branch,
  'aws:changeInstanceState': changeInstanceState,
};

export function runAction(ctx: ActionContext, step: RunbookStep, inputs: Inputs): Promise<ActionResult> {
  const action = Object.hasOwn(ACTIONS, step.action) ? ACTIONS[step.action] : undefined;
  if (!action) {
    return Promise.reject(
      new StepFailure(
        `The range does not run ${step.action} steps; it runs ${Object.keys(ACTIONS).join(', ')}.`,
      ),
    );
  }
  return action(ctx, step, inputs);
}
