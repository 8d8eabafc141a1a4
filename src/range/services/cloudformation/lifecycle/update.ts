import { ServiceError } from '../../../errors.js';
import { failureReason } from '../machine.js';
import type { PreparedStack } from '../prepare.js';
import { readProperties } from '../properties.js';
import type { Tag } from '../provider.js';
import { runGraph } from '../schedule.js';
import type { StackResource } from '../store.js';
import type { EvalScope } from '../template/intrinsics.js';
import type { Json, JsonObject } from '../template/types.js';
import { createResource, failedResources, resolveProperties } from './create.js';
import { deleteResources } from './delete.js';
import { evaluateOutputs, exportConflict } from './outputs.js';
import { reasonOf, StackGone, type StackRun } from './run.js';
import { record } from '../../../records.js';

type Touch = 'created' | 'updated' | 'replaced';

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Top-level properties that differ between two resolved property sets. */
export function changedProperties(before: Record<string, Json> | undefined, after: JsonObject): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  return [...keys].filter((k) => !sameJson(before?.[k], after[k]));
}

function sameTags(a: readonly Tag[] | undefined, b: readonly Tag[]): boolean {
  const norm = (t: readonly Tag[] | undefined) =>
    JSON.stringify([...(t ?? [])].sort((x, y) => x.Key.localeCompare(y.Key)));
  return norm(a) === norm(b);
}

/**
 * Bring one resource to its new definition: create it, update it in place, or replace it (new physical
 * resource now, the old one deleted in the cleanup phase), with CloudFormation's events.
 */
async function updateResource(
  run: StackRun,
  prepared: PreparedStack,
  id: string,
  scope: EvalScope,
  touched: Record<string, Touch>,
  cancelled: () => boolean,
): Promise<boolean> {
  if (cancelled()) return false;
  const decl = prepared.resources[id];
  const stack = run.stack;
  const old = stack.resources[id];
  if (!decl) return false;
  if (!old?.physicalId || old.status === 'DELETE_COMPLETE') {
    touched[id] = 'created';
    return createResource(run, prepared, id, scope, cancelled);
  }
  old.deletionPolicy = decl.DeletionPolicy;
  old.updateReplacePolicy = decl.UpdateReplacePolicy;
  old.dependsOn = prepared.deps[id] ?? [];
  old.metadata = decl.Metadata;
  let props: JsonObject | undefined;
  let started = false;
  try {
    props = resolveProperties(run, id, prepared, scope);
    const provider = run.provider(decl.Type);
    const changed = changedProperties(old.properties, props);
    const tagsChanged = !sameTags(old.stackTags, stack.tags);
    if (!changed.length && (!tagsChanged || !provider.update)) {
      old.stackTags = stack.tags;
      return true;
    }
    const replace =
      !provider.update || provider.replaceOn === '*'
        ? changed.length > 0
        : changed.some((k) => provider.replaceOn.includes(k));
    if (replace) {
      const name = provider.nameProperty;
      if (name && props[name] !== undefined && sameJson(props[name], old.properties?.[name])) {
        throw new ServiceError(
          'ValidationError',
          `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${String(props[name])} and update the stack again.`,
        );
      }
      touched[id] = 'replaced';
      run.resourceEvent(
        old,
        'UPDATE_IN_PROGRESS',
        'Requested update requires the creation of a new physical resource; hence creating one.',
        props,
      );
      started = true;
      await run.sleep();
      const out = await provider.create(run.providerContext(id, decl.Type), readProperties(props));
      stack.cleanup.push(structuredClone(old));
      Object.assign(old, {
        physicalId: out.physicalId,
        ref: out.ref,
        attributes: out.attributes ?? {},
        state: out.state ?? {},
      });
      old.properties = props;
      old.stackTags = stack.tags;
      run.resourceEvent(old, 'UPDATE_IN_PROGRESS', 'Resource creation Initiated', props);
    } else {
      touched[id] = 'updated';
      run.resourceEvent(old, 'UPDATE_IN_PROGRESS', undefined, props);
      started = true;
      await run.sleep();
      const out = await provider.update!(
        run.providerContext(id, decl.Type, old.stackTags),
        run.current(old),
        readProperties(props),
      );
      Object.assign(old, {
        physicalId: out.physicalId,
        ref: out.ref,
        attributes: out.attributes ?? {},
        state: out.state ?? {},
      });
      old.properties = props;
      old.stackTags = stack.tags;
    }
    await run.sleep();
    run.resourceEvent(old, 'UPDATE_COMPLETE');
    return true;
  } catch (err) {
    if (err instanceof StackGone) throw err;
    if (!started) run.resourceEvent(old, 'UPDATE_IN_PROGRESS', undefined, props);
    run.resourceEvent(old, 'UPDATE_FAILED', reasonOf(err, id));
    touched[id] ??= 'updated';
    return false;
  }
}

/** UpdateStack's work: apply the new template, then clean up, or roll back to the previous version. */
export async function runUpdate(run: StackRun, prepared: PreparedStack): Promise<void> {
  const ids = Object.keys(prepared.resources);
  const imports = new Set<string>();
  const scope = run.scope(prepared, imports);
  const touched: Record<string, Touch> = record();
  const cleanupStart = run.stack.cleanup.length;
  let failed = false;
  await runGraph(ids, prepared.deps, async (id) => {
    const ok = await updateResource(run, prepared, id, scope, touched, () => failed);
    if (!ok) failed = true;
    return ok;
  });
  let reason: string;
  if (!failed) {
    try {
      const stack = run.stack;
      const { outputs, exports } = evaluateOutputs(prepared, scope);
      const conflict = exportConflict(run.ctx, stack, exports);
      if (conflict) throw new Error(conflict);
      stack.outputs = outputs;
      stack.exports = exports;
      stack.imports = [...imports];
      await finishUpdate(run, prepared);
      return;
    } catch (err) {
      if (err instanceof StackGone) throw err;
      reason = `${err instanceof Error ? err.message : String(err)}. `;
    }
  } else {
    const failedIds = failedResources(run, ids);
    const verb = failedIds.every((id) => touched[id] === 'created') ? 'create' : 'update';
    reason = failureReason(verb, failedIds);
  }
  if (run.stack.disableRollback) {
    run.transition('failedDoNothing', reason);
    run.stack.previous = undefined;
    return;
  }
  run.transition('failedRollback', reason);
  await rollbackUpdate(run, touched, cleanupStart);
}

async function finishUpdate(run: StackRun, prepared: PreparedStack): Promise<void> {
  run.transition('succeeded');
  const stack = run.stack;
  const removed = Object.values(stack.resources).filter((r) => !(r.logicalId in prepared.resources));
  for (const r of removed) delete stack.resources[r.logicalId];
  const replaced = stack.cleanup.splice(0);
  await deleteResources(run, replaced, { replaced: true });
  await deleteResources(run, removed);
  stack.previous = undefined;
  run.transition('cleanedUp');
}

async function rollbackUpdate(
  run: StackRun,
  touched: Record<string, Touch>,
  cleanupStart: number,
): Promise<void> {
  const stack = run.stack;
  const previous = stack.previous;
  if (!previous) throw new Error('update rollback without the previous stack version');
  Object.assign(stack, {
    templateBody: previous.templateBody,
    parameters: previous.parameters,
    tags: previous.tags,
    capabilities: previous.capabilities,
    notificationArns: previous.notificationArns,
    description: previous.description,
  });
  // Resources updated in place go back to their previous properties, in the old dependency order.
  const revert = Object.keys(touched).filter(
    (id) => touched[id] === 'updated' && previous.resources[id]?.physicalId,
  );
  const deps = Object.fromEntries(revert.map((id) => [id, previous.resources[id]?.dependsOn ?? []]));
  const result = await runGraph(revert, deps, async (id) => {
    const cur = stack.resources[id] as StackResource;
    const before = previous.resources[id] as StackResource;
    run.resourceEvent(cur, 'UPDATE_IN_PROGRESS', undefined, before.properties);
    await run.sleep();
    try {
      const provider = run.provider(cur.type);
      if (provider.update) {
        const out = await provider.update(
          run.providerContext(id, cur.type, cur.stackTags),
          run.current(cur),
          readProperties(before.properties ?? {}),
        );
        Object.assign(cur, {
          physicalId: out.physicalId,
          ref: out.ref,
          attributes: out.attributes ?? {},
          state: out.state ?? {},
        });
      }
      cur.properties = before.properties;
      cur.stackTags = before.stackTags;
      run.resourceEvent(cur, 'UPDATE_COMPLETE');
      return true;
    } catch (err) {
      run.resourceEvent(cur, 'UPDATE_FAILED', reasonOf(err, id));
      return false;
    }
  });
  if (result.failed.length || result.skipped.length) {
    run.transition('failed', failureReason('update', [...result.failed, ...result.skipped]));
    return;
  }
  // What the update created (new resources, replacements) goes; everything else is as it was.
  const created: StackResource[] = [];
  for (const [id, kind] of Object.entries(touched)) {
    const cur = stack.resources[id];
    if (!cur?.physicalId) continue;
    if (kind === 'created' || (kind === 'replaced' && cur.physicalId !== previous.resources[id]?.physicalId))
      created.push(cur);
  }
  const restored: Record<string, StackResource> = record();
  for (const [id, before] of Object.entries(previous.resources)) {
    restored[id] = touched[id] === 'updated' ? (stack.resources[id] as StackResource) : before;
  }
  stack.cleanup.splice(cleanupStart);
  stack.resources = restored;
  stack.outputs = previous.outputs;
  stack.exports = previous.exports;
  stack.imports = previous.imports;
  run.transition('succeeded');
  await deleteResources(run, created, { rollback: true });
  stack.previous = undefined;
  run.transition('cleanedUp');
}
