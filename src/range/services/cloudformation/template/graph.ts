import { ServiceError } from '../../../errors.js';
import { referencesOf } from './refs.js';
import type { ResourceDeclaration } from './types.js';
import { record } from '../../../records.js';

/** Each resource's direct dependencies: DependsOn plus the resources its properties reference. */
export type Dependencies = Record<string, string[]>;

/**
 * The dependency graph of the resources a stack will have. With `conditions`, untaken Fn::If branches
 * add no edges, as in CloudFormation once conditions are evaluated.
 */
export function dependenciesOf(
  resources: Record<string, ResourceDeclaration>,
  conditions?: Record<string, boolean>,
): Dependencies {
  const out: Dependencies = record();
  for (const [id, r] of Object.entries(resources)) {
    const refs = referencesOf(r.Properties, conditions);
    const deps = new Set<string>(r.DependsOn);
    for (const name of refs.refs) if (name in resources) deps.add(name);
    for (const [target] of refs.getAtts) if (target in resources) deps.add(target);
    out[id] = [...deps].filter((d) => d in resources);
  }
  return out;
}

/** Resources that take part in a cycle (strongly connected components of 2+ nodes or self-loops), in declaration order. */
export function cyclicResources(deps: Dependencies): string[] {
  const ids = Object.keys(deps);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cyclic = new Set<string>();
  let counter = 0;
  // Iterative Tarjan, so a long chain of resources cannot overflow the call stack.
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const edges = deps[frame.id] ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next++] as string;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ id: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(to) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = component.length === 1 && (deps[frame.id] ?? []).includes(frame.id);
        if (component.length > 1 || selfLoop) component.forEach((c) => cyclic.add(c));
      }
    }
  }
  return ids.filter((id) => cyclic.has(id));
}

export function assertAcyclic(deps: Dependencies): void {
  const cycle = cyclicResources(deps);
  if (cycle.length)
    throw new ServiceError('ValidationError', `Circular dependency between resources: [${cycle.join(', ')}]`);
}

/** Reverse edges: for each resource, the resources that depend on it. */
export function dependentsOf(deps: Dependencies): Dependencies {
  const out: Dependencies = Object.fromEntries(Object.keys(deps).map((id) => [id, [] as string[]]));
  for (const [id, ds] of Object.entries(deps)) for (const d of ds) (out[d] ??= []).push(id);
  return out;
}

/** A creation order: every resource after its dependencies (declaration order breaks ties). */
export function topologicalOrder(deps: Dependencies): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  const ids = Object.keys(deps);
  while (order.length < ids.length) {
    const ready = ids.filter((id) => !done.has(id) && (deps[id] ?? []).every((d) => done.has(d)));
    if (!ready.length)
      throw new ServiceError(
        'ValidationError',
        `Circular dependency between resources: [${cyclicResources(deps).join(', ')}]`,
      );
    for (const id of ready) {
      done.add(id);
      order.push(id);
    }
  }
  return order;
}
