import type { CallContext } from '../../../context.js';
import { uuid } from '../../../ids.js';
import type { PreparedStack } from '../prepare.js';
import { cloudFormationState, type StackStatus } from '../store.js';
import { deleteStackResources, runCreate } from './create.js';
import { exportConflict } from './outputs.js';
import { StackGone, StackRun, reasonOf, type RunOptions } from './run.js';
import { runUpdate } from './update.js';

export type StackOperation =
  | { kind: 'create'; prepared: PreparedStack }
  | { kind: 'update'; prepared: PreparedStack }
  | { kind: 'delete' };

/** Where a stack stops when its operation cannot go on, so pollers never wait forever. */
const INTERNAL_FAILURE: Partial<Record<StackStatus, StackStatus>> = {
  CREATE_IN_PROGRESS: 'CREATE_FAILED',
  ROLLBACK_IN_PROGRESS: 'ROLLBACK_FAILED',
  DELETE_IN_PROGRESS: 'DELETE_FAILED',
  UPDATE_IN_PROGRESS: 'UPDATE_ROLLBACK_FAILED',
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_COMPLETE',
  UPDATE_ROLLBACK_IN_PROGRESS: 'UPDATE_ROLLBACK_FAILED',
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_ROLLBACK_COMPLETE',
};

/**
 * Run a stack operation after the API call that started it has answered, on the range clock. The
 * stack record already shows the operation's first status and its "User Initiated" event.
 */
export function startStackOperation(
  opts: RunOptions,
  op: StackOperation,
  onDone?: (status: StackStatus) => void,
): void {
  const run = new StackRun(opts);
  opts.running?.add(opts.stackId);
  opts.ctx.clock.schedule(0, () => {
    void (async () => {
      try {
        if (op.kind === 'create') await runCreate(run, op.prepared);
        else if (op.kind === 'update') await runUpdate(run, op.prepared);
        else await runDelete(run);
      } catch (err) {
        if (!(err instanceof StackGone)) fail(run, `Internal Failure: ${reasonOf(err)}`);
      } finally {
        opts.running?.delete(opts.stackId);
      }
      try {
        onDone?.(run.stack.status);
      } catch {
        // The stack vanished with a reset of the range.
      }
    })();
  });
}

function fail(run: StackRun, reason: string): void {
  try {
    const stack = run.stack;
    const status = INTERNAL_FAILURE[stack.status];
    if (!status) return;
    stack.status = status;
    stack.statusReason = reason;
    run.stackEvent(reason);
  } catch {
    // The stack vanished with a reset of the range.
  }
}

/**
 * Stacks left in an *_IN_PROGRESS status by an operation this process is not running (the range was
 * restarted mid-operation, its state kept in --state-dir) end in the operation's failed status, so
 * pollers stop waiting and the stack can be deleted.
 */
export function settleInterrupted(ctx: CallContext, running: ReadonlySet<string>): void {
  for (const stack of Object.values(ctx.state(cloudFormationState).stacks)) {
    const status = INTERNAL_FAILURE[stack.status];
    if (!status || running.has(stack.stackId)) continue;
    stack.status = status;
    stack.statusReason = 'Internal Failure: the range stopped while this operation was in progress.';
    stack.deleteRequested = undefined;
    stack.events.push({
      EventId: uuid(),
      LogicalResourceId: stack.stackName,
      PhysicalResourceId: stack.stackId,
      ResourceType: 'AWS::CloudFormation::Stack',
      Timestamp: ctx.now,
      ResourceStatus: stack.status,
      ResourceStatusReason: stack.statusReason,
    });
  }
}

async function runDelete(run: StackRun): Promise<void> {
  const stack = run.stack;
  const conflict = exportConflict(run.ctx, stack, {});
  if (conflict) {
    run.transition('failed', conflict);
    return;
  }
  await deleteStackResources(run, 'User Initiated');
}
