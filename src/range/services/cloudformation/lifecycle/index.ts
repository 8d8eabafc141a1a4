import type { PreparedStack } from '../prepare.js';
import type { StackStatus } from '../store.js';
import { deleteStackResources, runCreate } from './create.js';
import { exportConflict } from './outputs.js';
import { StackGone, StackRun, reasonOf, type RunOptions } from './run.js';
import { runUpdate } from './update.js';

export type StackOperation =
  | { kind: 'create'; prepared: PreparedStack }
  | { kind: 'update'; prepared: PreparedStack }
  | { kind: 'delete' };

/** Where a stack stops when the engine itself fails mid-operation, so pollers never wait forever. */
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
  opts.ctx.clock.schedule(0, () => {
    void (async () => {
      try {
        if (op.kind === 'create') await runCreate(run, op.prepared);
        else if (op.kind === 'update') await runUpdate(run, op.prepared);
        else await runDelete(run);
      } catch (err) {
        if (err instanceof StackGone) return;
        try {
          const stack = run.stack;
          const status = INTERNAL_FAILURE[stack.status];
          if (status) {
            stack.status = status;
            stack.statusReason = `Internal Failure: ${reasonOf(err)}`;
            run.stackEvent(stack.statusReason);
          }
        } catch {
          // The stack is gone; nothing to report on.
        }
      }
      try {
        onDone?.(run.stack.status);
      } catch {
        // Same: the stack vanished with a reset.
      }
    })();
  });
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
