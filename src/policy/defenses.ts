/**
 * `--defenses` as the policy sees them: each template read again for its resource types (loadDefenses
 * has checked it already), or the name of a stack that holds defences already deployed on AWS.
 */
import { resolve } from 'node:path';
import { SirsError } from '../errors.js';
import type { DefenseSpec } from '../exercise/defenses.js';
import { readCfnTemplate } from '../scenario/cfn-template.js';
import type { PolicyDefense } from './generate.js';

export function policyDefenses(
  specs: readonly DefenseSpec[],
  cwd: string,
  opts: { deployed?: boolean } = {},
): PolicyDefense[] {
  return specs.map((spec) => {
    if (spec.kind === 'stack') return { id: spec.id, kind: 'stack', stackName: spec.stackName };
    const { template } = readCfnTemplate(resolve(cwd, spec.file), spec.file);
    if (!template) throw new SirsError('bad-defense', `--defenses ${spec.file} could not be read again`);
    return {
      id: spec.id,
      kind: 'template',
      template,
      ...(opts.deployed === false ? { deployed: false } : {}),
    };
  });
}
