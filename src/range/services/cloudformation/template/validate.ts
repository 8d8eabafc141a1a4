import { ServiceError } from '../../../errors.js';
import { templateFormatError } from './parse.js';
import { PSEUDO_PARAMETERS, referencesOf } from './refs.js';
import { templateError } from './intrinsics.js';
import { assertAcyclic, dependenciesOf } from './graph.js';
import type { Template } from './types.js';

export interface ValidationOptions {
  /** The GetAtt attributes a resource type documents, when the range knows the type. */
  attributesOf?(type: string): readonly string[] | undefined;
}

/**
 * The reference checks CloudFormation makes before it accepts a template: every Ref, Fn::GetAtt,
 * Fn::Sub variable, DependsOn and condition name resolves, conditions do not use resources, and the
 * resources do not depend on each other in a cycle.
 */
export function checkReferences(t: Template, opts: ValidationOptions = {}): void {
  const resources = t.Resources;
  const known = (name: string) => name in t.Parameters || PSEUDO_PARAMETERS.has(name) || name in resources;

  const conditionRefs = new Set<string>();
  for (const body of Object.values(t.Conditions)) {
    const r = referencesOf(body);
    const bad = [...r.refs].filter((n) => !(n in t.Parameters) && !PSEUDO_PARAMETERS.has(n));
    bad.push(...r.getAtts.map(([target]) => target));
    if (bad.length) {
      throw templateFormatError(
        `Unresolved dependencies [${[...new Set(bad)].join(', ')}]. Cannot reference resources in the Conditions block of the template`,
      );
    }
    r.conditions.forEach((c) => conditionRefs.add(c));
  }
  for (const c of conditionRefs) {
    if (!(c in t.Conditions)) throw templateError(`unresolved condition dependency ${c} in Fn::Condition`);
  }

  const unresolved = new Set<string>();
  for (const [id, r] of Object.entries(resources)) {
    r.DependsOn.filter((d) => !(d in resources)).forEach((d) => unresolved.add(d));
    const refs = referencesOf(r.Properties);
    [...refs.refs].filter((n) => !known(n)).forEach((n) => unresolved.add(n));
    checkGetAtts(refs.getAtts, t, opts);
    checkConditions(refs.conditions, t, 'Fn::If');
    if (r.Condition !== undefined && !(r.Condition in t.Conditions)) {
      throw templateFormatError(
        `Unresolved condition dependency ${r.Condition} in the Resources block of the template (resource ${id})`,
      );
    }
  }
  if (unresolved.size) {
    throw templateFormatError(
      `Unresolved resource dependencies [${[...unresolved].join(', ')}] in the Resources block of the template`,
    );
  }

  const outputUnresolved = new Set<string>();
  for (const o of Object.values(t.Outputs)) {
    const refs = referencesOf([o.Value, o.Export?.Name ?? null]);
    [...refs.refs].filter((n) => !known(n)).forEach((n) => outputUnresolved.add(n));
    checkGetAtts(refs.getAtts, t, opts);
    checkConditions(refs.conditions, t, 'Fn::If');
    if (o.Condition !== undefined && !(o.Condition in t.Conditions)) {
      throw templateFormatError(
        `Unresolved condition dependency ${o.Condition} in the Outputs block of the template`,
      );
    }
  }
  if (outputUnresolved.size) {
    throw templateFormatError(
      `Unresolved resource dependencies [${[...outputUnresolved].join(', ')}] in the Outputs block of the template`,
    );
  }

  assertAcyclic(dependenciesOf(resources));
}

function checkGetAtts(getAtts: Array<[string, string]>, t: Template, opts: ValidationOptions): void {
  for (const [target, attribute] of getAtts) {
    const r = t.Resources[target];
    if (!r) throw templateError(`instance of Fn::GetAtt references undefined resource ${target}`);
    const attrs = opts.attributesOf?.(r.Type);
    if (attrs && attribute && !attrs.includes(attribute)) {
      throw templateError(`resource ${target} does not support attribute type ${attribute} in Fn::GetAtt`);
    }
  }
}

function checkConditions(names: Set<string>, t: Template, fn: string): void {
  for (const c of names)
    if (!(c in t.Conditions)) throw templateError(`unresolved condition dependency ${c} in ${fn}`);
}

/** Templates that ask for a macro (Transform) need expansion the range does not do. */
export function checkTransform(t: Template): void {
  if (t.Transform === undefined || t.Transform === null) return;
  const names = Array.isArray(t.Transform) ? t.Transform.map(String) : [String(t.Transform)];
  throw new ServiceError(
    'ValidationError',
    `Template format error: the range does not expand transforms (${names.join(', ')}); deploy the processed template instead.`,
  );
}
