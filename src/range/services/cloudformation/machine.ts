import type { StackStatus } from './store.js';

/**
 * The stack status machine: which status each step of an operation leads to. Pure; the lifecycle
 * runner asks it for every transition so an impossible one is a bug caught at once.
 */
export type StackTransition =
  | 'create'
  | 'update'
  | 'delete'
  | 'succeeded'
  | 'failed'
  | 'failedRollback'
  | 'failedDelete'
  | 'failedDoNothing'
  | 'cleanedUp';

const TABLE: Partial<Record<StackStatus | 'NEW', Partial<Record<StackTransition, StackStatus>>>> = {
  NEW: { create: 'CREATE_IN_PROGRESS' },
  REVIEW_IN_PROGRESS: { create: 'CREATE_IN_PROGRESS', delete: 'DELETE_IN_PROGRESS' },
  CREATE_IN_PROGRESS: {
    succeeded: 'CREATE_COMPLETE',
    failedRollback: 'ROLLBACK_IN_PROGRESS',
    failedDelete: 'DELETE_IN_PROGRESS',
    failedDoNothing: 'CREATE_FAILED',
    delete: 'DELETE_IN_PROGRESS',
  },
  ROLLBACK_IN_PROGRESS: { succeeded: 'ROLLBACK_COMPLETE', failed: 'ROLLBACK_FAILED' },
  DELETE_IN_PROGRESS: { succeeded: 'DELETE_COMPLETE', failed: 'DELETE_FAILED' },
  UPDATE_IN_PROGRESS: {
    succeeded: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
    failedRollback: 'UPDATE_ROLLBACK_IN_PROGRESS',
    failedDoNothing: 'UPDATE_FAILED',
  },
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: { cleanedUp: 'UPDATE_COMPLETE' },
  UPDATE_ROLLBACK_IN_PROGRESS: {
    succeeded: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
    failed: 'UPDATE_ROLLBACK_FAILED',
  },
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: { cleanedUp: 'UPDATE_ROLLBACK_COMPLETE' },
  CREATE_COMPLETE: { update: 'UPDATE_IN_PROGRESS', delete: 'DELETE_IN_PROGRESS' },
  UPDATE_COMPLETE: { update: 'UPDATE_IN_PROGRESS', delete: 'DELETE_IN_PROGRESS' },
  UPDATE_ROLLBACK_COMPLETE: { update: 'UPDATE_IN_PROGRESS', delete: 'DELETE_IN_PROGRESS' },
  UPDATE_FAILED: { update: 'UPDATE_IN_PROGRESS', delete: 'DELETE_IN_PROGRESS' },
  CREATE_FAILED: { delete: 'DELETE_IN_PROGRESS' },
  ROLLBACK_COMPLETE: { delete: 'DELETE_IN_PROGRESS' },
  ROLLBACK_FAILED: { delete: 'DELETE_IN_PROGRESS' },
  DELETE_FAILED: { delete: 'DELETE_IN_PROGRESS' },
  UPDATE_ROLLBACK_FAILED: { delete: 'DELETE_IN_PROGRESS' },
};

export function nextStatus(current: StackStatus | 'NEW', transition: StackTransition): StackStatus {
  const next = TABLE[current]?.[transition];
  if (!next) throw new Error(`stack status machine: no '${transition}' transition from ${current}`);
  return next;
}

export function can(current: StackStatus, transition: StackTransition): boolean {
  return TABLE[current]?.[transition] !== undefined;
}

export function isInProgress(status: StackStatus): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}

/** Statuses whose failure leads where, for CreateStack's OnFailure and DisableRollback. */
export function createFailureTransition(onFailure: 'ROLLBACK' | 'DELETE' | 'DO_NOTHING'): StackTransition {
  return onFailure === 'DELETE'
    ? 'failedDelete'
    : onFailure === 'DO_NOTHING'
      ? 'failedDoNothing'
      : 'failedRollback';
}

/** The stack-level reason CloudFormation gives when resources fail. */
export function failureReason(
  verb: 'create' | 'update' | 'delete',
  failed: readonly string[],
  then?: 'Rollback' | 'Delete',
): string {
  return `The following resource(s) failed to ${verb}: [${failed.join(', ')}]. ${then ? `${then} requested by user.` : ''}`;
}
