import type { Tags } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import { parseYaml } from './document.js';
import { isRecord } from './issues.js';
import type { Problem } from './problem.js';
import { readTextFile } from './source.js';

/**
 * Just enough CloudFormation to validate a scenario against its template: the template parses (YAML with
 * the short-form intrinsic tags, or JSON), has a Resources section, and declares the Parameters and
 * Outputs the scenario refers to. The range has its own, complete engine; this one never deploys anything.
 */
export interface TemplateParameter {
  name: string;
  type: string | undefined;
  hasDefault: boolean;
  allowedValues: string[] | undefined;
}

export interface CfnTemplate {
  file: string;
  parameters: Map<string, TemplateParameter>;
  outputs: Set<string>;
  resources: Map<string, { type: string; properties: Record<string, unknown> }>;
}

const SECTIONS = [
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
];

const INTRINSICS = [
  'Ref',
  'Sub',
  'GetAtt',
  'Join',
  'If',
  'Select',
  'Split',
  'FindInMap',
  'GetAZs',
  'Base64',
  'ImportValue',
  'Cidr',
  'Equals',
  'Not',
  'And',
  'Or',
  'Condition',
];

/** `!Ref X` → `{ Ref: X }`, `!GetAtt A.B` → `{ 'Fn::GetAtt': [A, B] }`, `!Sub [...]` → `{ 'Fn::Sub': [...] }`. */
export const cfnTags: Tags = INTRINSICS.flatMap((fn) => {
  const key = fn === 'Ref' || fn === 'Condition' ? fn : `Fn::${fn}`;
  const scalar = (value: string): unknown => {
    if (fn === 'GetAtt') {
      const dot = value.indexOf('.');
      return { [key]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
    }
    return { [key]: value };
  };
  return [
    { tag: `!${fn}`, resolve: scalar },
    {
      tag: `!${fn}`,
      collection: 'seq' as const,
      resolve: (seq: { toJSON(): unknown }) => ({ [key]: seq.toJSON() }),
    },
    {
      tag: `!${fn}`,
      collection: 'map' as const,
      resolve: (map: { toJSON(): unknown }) => ({ [key]: map.toJSON() }),
    },
  ];
}) as unknown as Tags;

const RESOURCE_TYPE = /^(AWS|Alexa)::[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)*$|^Custom::[A-Za-z0-9_@-]+$/;
const LOGICAL_ID = /^[A-Za-z0-9]+$/;

export function readCfnTemplate(
  abs: string,
  display: string,
): { template?: CfnTemplate; problems: Problem[] } {
  const read = readTextFile(abs, 'the template');
  if (!read.ok) {
    const { line = 1, col = 1, ...rest } = read.issue;
    return { problems: [{ file: display, line, col, path: '', ...rest }] };
  }
  const parsed = parseYaml(read.text, display, {
    customTags: cfnTags,
    tagHint: `CloudFormation's short forms are ${INTRINSICS.map((f) => `!${f}`).join(' ')}`,
  });
  if (!parsed.ok) return { problems: parsed.problems };
  const { source, data } = parsed;
  const problems: Problem[] = [];
  const notCfn = (path: (string | number)[], message: string, hint?: string) =>
    problems.push(source.problem(path, 'template-not-cloudformation', message, hint));

  if (!isRecord(data)) {
    const holds = data === null ? 'nothing' : Array.isArray(data) ? 'a list' : 'a single value';
    notCfn([], `the template is not a CloudFormation template (it holds ${holds})`);
    return { problems };
  }
  if (!Object.keys(data).some((k) => SECTIONS.includes(k))) {
    notCfn(
      [],
      'the template is not a CloudFormation template (it has none of the sections Resources, Parameters, Outputs, ...)',
    );
    return { problems };
  }
  for (const key of Object.keys(data)) {
    if (!SECTIONS.includes(key)) {
      problems.push(
        source.problem(
          [key],
          'template-invalid',
          `unknown template section "${key}"`,
          didYouMean(key, SECTIONS),
          { key: true },
        ),
      );
    }
  }
  const resources = new Map<string, { type: string; properties: Record<string, unknown> }>();
  if (!isRecord(data.Resources) || Object.keys(data.Resources).length === 0) {
    notCfn(
      data.Resources === undefined ? [] : ['Resources'],
      'the template has no Resources',
      'a CloudFormation template declares at least one resource under Resources',
    );
  } else {
    for (const [id, res] of Object.entries(data.Resources)) {
      if (!LOGICAL_ID.test(id))
        problems.push(
          source.problem(
            ['Resources', id],
            'template-invalid',
            `resource id "${id}" must be alphanumeric`,
            undefined,
            { key: true },
          ),
        );
      if (!isRecord(res)) {
        problems.push(
          source.problem(
            ['Resources', id],
            'template-invalid',
            `resource ${id} must be a mapping with Type and Properties`,
          ),
        );
        continue;
      }
      if (typeof res.Type !== 'string' || !RESOURCE_TYPE.test(res.Type)) {
        problems.push(
          source.problem(
            ['Resources', id, 'Type'],
            'template-invalid',
            `resource ${id} needs a Type like AWS::EC2::VPC`,
          ),
        );
        continue;
      }
      resources.set(id, { type: res.Type, properties: isRecord(res.Properties) ? res.Properties : {} });
    }
  }
  const parameters = new Map<string, TemplateParameter>();
  if (data.Parameters !== undefined && !isRecord(data.Parameters)) {
    problems.push(source.problem(['Parameters'], 'template-invalid', 'Parameters must be a mapping'));
  } else {
    for (const [name, p] of Object.entries(data.Parameters ?? {})) {
      if (!isRecord(p) || typeof p.Type !== 'string') {
        problems.push(
          source.problem(['Parameters', name], 'template-invalid', `parameter ${name} needs a Type`),
        );
        continue;
      }
      const allowed = Array.isArray(p.AllowedValues) ? p.AllowedValues.map(String) : undefined;
      parameters.set(name, {
        name,
        type: p.Type,
        hasDefault: p.Default !== undefined,
        allowedValues: allowed,
      });
    }
  }
  const outputs = new Set<string>();
  if (data.Outputs !== undefined && !isRecord(data.Outputs)) {
    problems.push(source.problem(['Outputs'], 'template-invalid', 'Outputs must be a mapping'));
  } else {
    for (const [name, o] of Object.entries(data.Outputs ?? {})) {
      if (!isRecord(o) || o.Value === undefined) {
        problems.push(source.problem(['Outputs', name], 'template-invalid', `output ${name} needs a Value`));
      }
      outputs.add(name);
    }
  }
  // Without resources it is not a template the scenario can use; checking its outputs would only add noise.
  if (problems.some((p) => p.code === 'template-not-cloudformation')) return { problems };
  return { template: { file: display, parameters, outputs, resources }, problems };
}
