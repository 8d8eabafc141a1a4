/**
 * `--defenses` as the policy sees them: each template as loadDefenses read it (for its resource types),
 * or the name of a stack that holds defences already deployed on AWS.
 */
import type { DefenseSpec } from '../exercise/defenses.js';
import type { PolicyDefense } from './generate.js';

export function policyDefenses(
  specs: readonly DefenseSpec[],
  opts: { deployed?: boolean } = {},
): PolicyDefense[] {
  return specs.map((spec) => {
    if (spec.kind === 'stack') return { id: spec.id, kind: 'stack', stackName: spec.stackName };
    return {
      id: spec.id,
      kind: 'template',
      template: spec.template,
      ...(opts.deployed === false ? { deployed: false } : {}),
    };
  });
}
