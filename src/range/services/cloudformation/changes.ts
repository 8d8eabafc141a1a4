import type { PreparedStack } from './prepare.js';
import type { ProviderTable } from './provider.js';
import type { ChangeSetChange, Stack } from './store.js';
import { evaluate, type EvalScope } from './template/intrinsics.js';
import { topologicalOrder } from './template/graph.js';
import type { JsonObject } from './template/types.js';

const UNKNOWN = '\u0000unknown-until-execution';

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function mentionsUnknown(v: unknown): boolean {
  return JSON.stringify(v ?? null).includes(UNKNOWN.slice(1));
}

/**
 * What executing a template against a stack would do, as a change set lists it: resources added,
 * removed, or modified (in place or by replacement), with each changed property. Values that depend on
 * a resource being added or replaced are only known at execution, so they count as Dynamic.
 */
export function computeChanges(
  stack: Stack | undefined,
  prepared: PreparedStack,
  providers: ProviderTable,
  importValue: (name: string) => string,
): ChangeSetChange[] {
  const existing = stack?.resources ?? {};
  const changes: ChangeSetChange[] = [];
  const moving = new Set<string>();
  const scope: EvalScope = {
    parameters: prepared.parameters,
    pseudo: prepared.pseudo,
    mappings: prepared.template.Mappings,
    conditions: prepared.conditions,
    resourceRef: (name) => {
      if (!(name in prepared.resources)) return undefined;
      const r = existing[name];
      return !r?.physicalId || moving.has(name) ? UNKNOWN : (r.ref ?? r.physicalId);
    },
    getAtt: (name, attr) => {
      const r = existing[name];
      return !r?.physicalId || moving.has(name) ? UNKNOWN : (r.attributes[attr] ?? UNKNOWN);
    },
    importValue,
    availabilityZones: () => prepared.azs,
  };
  for (const id of topologicalOrder(prepared.deps)) {
    const decl = prepared.resources[id];
    if (!decl) continue;
    const old = existing[id];
    if (!old?.physicalId) {
      moving.add(id);
      changes.push({ action: 'Add', logicalId: id, type: decl.Type, scope: [], details: [] });
      continue;
    }
    let props: JsonObject;
    try {
      props = evaluate(decl.Properties, scope) as JsonObject;
    } catch {
      props = { [UNKNOWN]: UNKNOWN };
    }
    const keys = [...new Set([...Object.keys(old.properties ?? {}), ...Object.keys(props)])].filter(
      (k) => k !== UNKNOWN && !same(old.properties?.[k], props[k]),
    );
    const tagsChanged = !same(old.stackTags ?? [], stack?.tags ?? []);
    if (!keys.length && !tagsChanged) continue;
    const provider = providers[decl.Type];
    const replaces = (k: string) =>
      !provider?.update || provider.replaceOn === '*' || provider.replaceOn.includes(k);
    const details = keys.map((k) => {
      const dynamic = mentionsUnknown(props[k]);
      const recreation: 'Never' | 'Always' | 'Conditionally' = !replaces(k)
        ? 'Never'
        : dynamic
          ? 'Conditionally'
          : 'Always';
      return {
        name: k,
        requiresRecreation: recreation,
        evaluation: dynamic ? ('Dynamic' as const) : ('Static' as const),
      };
    });
    const replacement = details.some((d) => d.requiresRecreation === 'Always')
      ? 'True'
      : details.some((d) => d.requiresRecreation === 'Conditionally')
        ? 'Conditional'
        : 'False';
    if (replacement !== 'False') moving.add(id);
    changes.push({
      action: 'Modify',
      logicalId: id,
      physicalId: old.physicalId,
      type: decl.Type,
      replacement,
      scope: [
        ...(keys.length ? ['Properties'] : []),
        ...(tagsChanged || keys.includes('Tags') ? ['Tags'] : []),
      ],
      details,
    });
  }
  for (const [id, r] of Object.entries(existing)) {
    if (!(id in prepared.resources) && r.physicalId && r.status !== 'DELETE_COMPLETE') {
      changes.push({
        action: 'Remove',
        logicalId: id,
        physicalId: r.physicalId,
        type: r.type,
        scope: [],
        details: [],
      });
    }
  }
  return changes;
}
