import { createFailureTransition, failureReason } from '../machine.js';
import type { PreparedStack } from '../prepare.js';
import { checkProperties, readProperties } from '../properties.js';
import { runGraph } from '../schedule.js';
import { cloudFormationState, type StackResource } from '../store.js';
import { evaluate, type EvalScope } from '../template/intrinsics.js';
import type { JsonObject } from '../template/types.js';
import { deleteResources } from './delete.js';
import { evaluateOutputs, exportConflict } from './outputs.js';
import { reasonOf, type StackRun } from './run.js';
import { record } from '../../../records.js';

export const CANCELLED = 'Resource creation cancelled';

/** Evaluate a resource's properties and check them against its provider before any call is made. */
export function resolveProperties(
  run: StackRun,
  id: string,
  prepared: PreparedStack,
  scope: EvalScope,
): JsonObject {
  const decl = prepared.resources[id];
  if (!decl) throw new Error(`no resource ${id} in the template`);
  const provider = run.provider(decl.Type);
  const props = evaluate(decl.Properties, scope) as JsonObject;
  checkProperties(id, decl.Type, props, provider);
  return props;
}

/**
 * Create one resource with the events CloudFormation emits: CREATE_IN_PROGRESS, then "Resource
 * creation Initiated" once the physical id exists, then CREATE_COMPLETE or CREATE_FAILED.
 */
export async function createResource(
  run: StackRun,
  prepared: PreparedStack,
  id: string,
  scope: EvalScope,
  cancelled: () => boolean,
  record?: StackResource,
): Promise<boolean> {
  if (cancelled()) return false;
  const decl = prepared.resources[id];
  if (!decl) return false;
  const res: StackResource = record ?? {
    logicalId: id,
    type: decl.Type,
    status: 'CREATE_IN_PROGRESS',
    updatedAt: run.now(),
    attributes: {},
    state: {},
    deletionPolicy: decl.DeletionPolicy,
    updateReplacePolicy: decl.UpdateReplacePolicy,
    dependsOn: prepared.deps[id] ?? [],
    metadata: decl.Metadata,
  };
  run.stack.resources[id] = res;
  let props: JsonObject | undefined;
  let started = false;
  try {
    props = resolveProperties(run, id, prepared, scope);
    run.resourceEvent(res, 'CREATE_IN_PROGRESS', undefined, props);
    started = true;
    await run.sleep();
    const provider = run.provider(decl.Type);
    const out = await provider.create(run.providerContext(id, decl.Type), readProperties(props));
    res.physicalId = out.physicalId;
    res.ref = out.ref;
    res.attributes = out.attributes ?? {};
    res.state = out.state ?? {};
    res.properties = props;
    res.stackTags = run.stack.tags;
    run.resourceEvent(res, 'CREATE_IN_PROGRESS', 'Resource creation Initiated', props);
    await run.sleep();
    if (cancelled()) {
      run.resourceEvent(res, 'CREATE_FAILED', CANCELLED);
      return false;
    }
    run.resourceEvent(res, 'CREATE_COMPLETE');
    return true;
  } catch (err) {
    if (!started) run.resourceEvent(res, 'CREATE_IN_PROGRESS', undefined, props);
    run.resourceEvent(res, 'CREATE_FAILED', reasonOf(err, id));
    return false;
  }
}

/** Resources that failed for their own reasons (not cancelled because another failed). */
export function failedResources(run: StackRun, ids: readonly string[]): string[] {
  return ids.filter((id) => {
    const r = run.stack.resources[id];
    return r && r.status.endsWith('_FAILED') && r.statusReason !== CANCELLED;
  });
}

/** CreateStack's work after the API call returned: create every resource, then outputs and exports. */
export async function runCreate(run: StackRun, prepared: PreparedStack): Promise<void> {
  const ids = Object.keys(prepared.resources);
  const imports = new Set<string>();
  const scope = run.scope(prepared, imports);
  let failed = false;
  const cancelled = () => failed || run.stack.deleteRequested === true;
  await runGraph(ids, prepared.deps, async (id) => {
    const ok = await createResource(run, prepared, id, scope, cancelled);
    if (!ok && !run.stack.deleteRequested) failed = true;
    return ok;
  });
  const stack = run.stack;
  if (stack.deleteRequested) {
    await deleteStackResources(run, 'User Initiated');
    return;
  }
  let reason: string | undefined;
  if (failed) {
    reason = failureReason('create', failedResources(run, ids));
  } else {
    try {
      const { outputs, exports } = evaluateOutputs(prepared, scope);
      const conflict = exportConflict(run.ctx, stack, exports);
      if (conflict) throw new Error(conflict);
      stack.outputs = outputs;
      stack.exports = exports;
      stack.imports = [...imports];
      run.transition('succeeded');
      return;
    } catch (err) {
      reason = `${err instanceof Error ? err.message : String(err)}. `;
    }
  }
  const t = createFailureTransition(stack.onFailure);
  if (t === 'failedDoNothing') {
    run.transition(t, reason);
    return;
  }
  run.transition(t, `${reason}${t === 'failedDelete' ? 'Delete' : 'Rollback'} requested by user.`);
  const undeleted = await deleteResources(run, Object.values(run.stack.resources), { rollback: true });
  run.transition(
    undeleted.length ? 'failed' : 'succeeded',
    undeleted.length ? failureReason('delete', undeleted) : undefined,
  );
  if (!undeleted.length && t === 'failedDelete') run.stack.deletedAt = run.now();
}

/** Delete a stack's resources after the stack went DELETE_IN_PROGRESS, ending in DELETE_COMPLETE or DELETE_FAILED. */
export async function deleteStackResources(run: StackRun, reason: string): Promise<void> {
  const stack = run.stack;
  if (stack.status !== 'DELETE_IN_PROGRESS') run.transition('delete', reason);
  const retain = new Set(stack.retainResources ?? []);
  const undeleted = await deleteResources(run, Object.values(stack.resources), { retain });
  // Old physical resources an unfinished update replaced go too.
  const leftovers = stack.cleanup.splice(0);
  await deleteResources(run, leftovers, { replaced: true });
  const done = run.stack;
  if (undeleted.length) {
    run.transition('failed', failureReason('delete', undeleted));
    return;
  }
  done.deletedAt = run.now();
  done.exports = record();
  done.imports = [];
  // A deleted stack's change sets go with it.
  const changeSets = run.ctx.state(cloudFormationState).changeSets;
  for (const cs of Object.values(changeSets))
    if (cs.stackId === done.stackId) delete changeSets[cs.changeSetId];
  run.transition('succeeded');
}
