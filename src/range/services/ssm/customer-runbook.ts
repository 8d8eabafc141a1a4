import { record } from '../../records.js';
import type { ParsedDocument, RunbookStep } from './document-content.js';
import { shown } from './aws-api.js';
import { substitute, UnresolvedReference } from './runbook-parameters.js';
import { runAction, StepFailure, type ActionContext } from './runbook-steps.js';
import type { StoredAutomationStep } from './store.js';

/**
 * Runs a customer runbook's mainSteps in order, as Automation does: `nextStep`, `isEnd`, aws:branch,
 * `maxAttempts`, and on failure `onFailure` (Abort, Continue, step:<name>). The execution fails when
 * it aborts, or when a step with `isCritical` (the default) failed even though the run went on.
 */

export interface RunbookRun {
  steps: StoredAutomationStep[];
  outputs: Record<string, string[]>;
  failureMessage?: string;
  /** The step that ended the execution timed out (status TimedOut rather than Failed). */
  timedOut?: boolean;
  /** Time aws:sleep steps add to the execution on the range clock. */
  sleepMs: number;
}

export interface RunbookVariables {
  parameters: Record<string, unknown>;
  executionId: string;
  accountId: string;
  region: string;
  partition: string;
}

/** A guard against runbooks whose nextStep/branch choices loop forever. */
const MAX_STEP_RUNS = 200;

const NOT_AVAILABLE = 'No output available yet because the step is not successfully executed';

export async function runCustomerRunbook(
  doc: ParsedDocument,
  vars: RunbookVariables,
  ctx: ActionContext,
): Promise<RunbookRun> {
  const stepOutputs = new Map<string, unknown>();
  const lookup = (name: string): unknown => {
    if (Object.hasOwn(vars.parameters, name)) return vars.parameters[name];
    switch (name) {
      case 'automation:EXECUTION_ID':
        return vars.executionId;
      case 'global:ACCOUNT_ID':
        return vars.accountId;
      case 'global:REGION':
        return vars.region;
      case 'global:AWS_PARTITION':
        return vars.partition;
      case 'global:DATE':
        return ctx.now.toISOString().slice(0, 10);
      case 'global:DATE_TIME':
        // yyyyMMdd_HHmmss, as the Automation system variables reference gives it.
        return ctx.now.toISOString().replace(/[-:]/g, '').slice(0, 15).replace('T', '_');
      default:
        return stepOutputs.get(name);
    }
  };
  const index = new Map(doc.mainSteps.map((s, i) => [s.name, i]));
  const run: RunbookRun = { steps: [], outputs: record(), sleepMs: 0 };
  let i: number | undefined = 0;
  while (i !== undefined && i < doc.mainSteps.length && run.steps.length < MAX_STEP_RUNS) {
    const step = doc.mainSteps[i] as RunbookStep;
    const { executed, next, failed, outputs } = await runStep(step, lookup, ctx, run);
    run.steps.push(executed);
    if (failed) {
      const aborts = step.onFailure === 'Abort';
      if ((step.isCritical || aborts) && run.failureMessage === undefined) {
        run.failureMessage = executed.failureMessage;
        run.timedOut = executed.timedOut === true;
      }
      if (aborts || step.isEnd) break;
      i = step.onFailure.startsWith('step:') ? index.get(step.onFailure.slice(5)) : i + 1;
      continue;
    }
    // The typed values feed later steps; the shown ones are what GetAutomationExecution lists.
    for (const [k, v] of Object.entries(outputs ?? {})) stepOutputs.set(`${step.name}.${k}`, v);
    if (step.isEnd) break;
    const target = next ?? step.nextStep;
    i = target !== undefined ? index.get(target) : i + 1;
    if (target !== undefined && i === undefined) {
      executed.failureMessage = `Step ${target} does not exist in the runbook.`;
      run.failureMessage ??= executed.failureMessage;
      break;
    }
  }
  if (run.steps.length >= MAX_STEP_RUNS && run.failureMessage === undefined) {
    run.failureMessage = `The automation ran ${MAX_STEP_RUNS} steps without ending: the range stops runbooks that loop.`;
  }
  for (const name of doc.outputs) {
    const v = stepOutputs.get(name);
    run.outputs[name] = v === undefined ? [NOT_AVAILABLE] : shown(v);
  }
  return run;
}

async function runStep(
  step: RunbookStep,
  lookup: (name: string) => unknown,
  ctx: ActionContext,
  run: RunbookRun,
): Promise<{
  executed: StoredAutomationStep;
  next?: string;
  failed: boolean;
  outputs?: Record<string, unknown>;
}> {
  const executed: StoredAutomationStep = {
    name: step.name,
    action: step.action,
    inputs: {},
    onFailure: step.onFailure,
    isCritical: step.isCritical,
    isEnd: step.isEnd,
    maxAttempts: step.maxAttempts,
    ...(step.nextStep ? { nextStep: step.nextStep } : {}),
  };
  let inputs: Record<string, unknown>;
  try {
    inputs = substitute(step.inputs, lookup) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof UnresolvedReference)) throw err;
    executed.failureMessage = `Step fails when it is validating and resolving the step inputs. ${err.message}`;
    return { executed, failed: true };
  }
  executed.inputs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, JSON.stringify(v)]));
  let failure: StepFailure | undefined;
  for (let attempt = 1; attempt <= step.maxAttempts; attempt++) {
    try {
      const result = await runAction(ctx, step, inputs);
      run.sleepMs += result.sleepMs ?? 0;
      executed.outputs = Object.fromEntries(
        Object.entries(result.outputs ?? {}).map(([k, v]) => [k, shown(v)]),
      );
      return { executed, next: result.next, failed: false, outputs: result.outputs };
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      failure = err;
      run.sleepMs += err.timedOutAfterMs ?? 0;
    }
  }
  executed.failureMessage = failure?.message ?? '';
  if (failure?.timedOutAfterMs !== undefined) executed.timedOut = true;
  return { executed, failed: true };
}
