import { runGraph } from '../schedule.js';
import type { StackResource } from '../store.js';
import type { StackRun } from './run.js';

/**
 * Delete resources in reverse dependency order (a resource goes once everything that depends on it is
 * gone), in parallel where independent, carrying on past failures. Returns the logical ids left behind.
 */
export async function deleteResources(
  run: StackRun,
  resources: readonly StackResource[],
  opts: { rollback?: boolean; retain?: ReadonlySet<string>; replaced?: boolean } = {},
): Promise<string[]> {
  const keys = resources.map((_, i) => String(i));
  const keyOf = new Map<string, string>();
  resources.forEach((r, i) => keyOf.set(r.logicalId, String(i)));
  // A resource waits for its dependents: the edges of the creation graph reversed.
  const waitFor: Record<string, string[]> = Object.fromEntries(keys.map((k) => [k, [] as string[]]));
  resources.forEach((r, i) => {
    for (const dep of r.dependsOn) {
      const target = keyOf.get(dep);
      if (target !== undefined && target !== String(i)) waitFor[target]?.push(String(i));
    }
  });
  const result = await runGraph(
    keys,
    waitFor,
    (key) => {
      const res = resources[Number(key)] as StackResource;
      const policy = opts.replaced ? res.updateReplacePolicy : res.deletionPolicy;
      const retain =
        opts.retain?.has(res.logicalId) === true ||
        policy === 'Retain' ||
        (policy === 'RetainExceptOnCreate' && !opts.rollback);
      return run.deleteResource(res, retain);
    },
    { continueOnFailure: true },
  );
  return [...result.failed, ...result.skipped].map((k) => (resources[Number(k)] as StackResource).logicalId);
}
