/**
 * Defences: a team's own detection and remediation (EventBridge rules, Lambda functions, AWS Config rules
 * and remediations) deployed beside an exercise's scenarios, so that a drill scores its automation.
 *
 * On the range each template becomes a sirs stack of its own (`<prefix>-<exercise>-defense-<name>`,
 * tagged, journaled and in the plan like a scenario's), created before any fault is injected and torn
 * down with the exercise (and by `sirs cleanup` after a crash). On AWS the defences already live in the
 * account: `--defenses` only names them (stack names, or templates whose resources carry explicit
 * names), and nothing is deployed or deleted.
 *
 * What a defence holds (its functions, rules, Config rules and remediations, by physical name) is its
 * inventory: evidence uses it to say which automation closed a loop, drills to say which loop failed.
 */
import { readdirSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import type { ApiSession } from '../aws/api.js';
import { UsageError } from '../errors.js';
import { readCfnTemplate, type CfnTemplate } from '../scenario/cfn-template.js';
import { formatProblem } from '../scenario/problem.js';
import { readTextFile } from '../scenario/source.js';
import type { SirsConfig } from './config.js';
import type { PlannedStack } from './entries.js';
import { stackNameFor } from './plan.js';

/** A defence as named on the command line: a template to deploy, or a stack that already exists (AWS). */
export type DefenseSpec =
  | {
      id: string;
      kind: 'template';
      file: string;
      templateBody: string;
      /** The template as read (for `sirs policy --defenses`, which derives permissions from it). */
      template: CfnTemplate;
      shape: DefenseShape;
    }
  | { id: string; kind: 'stack'; stackName: string };

/** The automation a template declares, by logical id (and by name where the template gives one). */
export interface DefenseShape {
  functions: Array<{ logicalId: string; name?: string }>;
  rules: Array<{ logicalId: string; name?: string; targets: string[] }>;
  configRules: Array<{ logicalId: string; name?: string }>;
  /** `document` is a literal name (an AWS-owned runbook); `documentRef` a document of the same template. */
  remediations: Array<{ rule: string; document?: string; documentRef?: string; automatic: boolean }>;
  /** The template's own SSM Automation runbooks and the API calls their `aws:executeAwsApi` steps make. */
  documents: Array<{ logicalId: string; name?: string; calls: string[] }>;
}

/** What the defences hold, by the names AWS knows them by. */
export interface DefenseInventory {
  functions: Array<{ defense: string; name: string }>;
  rules: Array<{ defense: string; name: string; functions: string[] }>;
  configRules: Array<{
    defense: string;
    name: string;
    remediation?: string;
    automatic?: boolean;
    /** For the team's own runbook: the calls its steps make (AWS-owned ones are known by name). */
    remediationCalls?: string[];
  }>;
}

export const MAX_DEFENSES = 10;
const TEMPLATE_FILE = /\.(cfn\.ya?ml|ya?ml|json|template)$/i;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
/** Defences create roles for their functions and remediations (CloudFormation refuses them otherwise). */
export const DEFENSE_CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'];

export function emptyInventory(): DefenseInventory {
  return { functions: [], rules: [], configRules: [] };
}

/**
 * The defences `--defenses` names: template files, folders of templates (not recursive), or on AWS the
 * names of stacks already deployed. Every problem is a usage error naming the path.
 */
export function loadDefenses(
  paths: readonly string[],
  opts: { cwd: string; target: 'range' | 'aws' },
): DefenseSpec[] {
  const specs: DefenseSpec[] = [];
  for (const given of paths) {
    const abs = resolve(opts.cwd, given);
    let isDir = false;
    let exists = true;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      exists = false;
    }
    if (!exists) {
      if (opts.target === 'aws' && STACK_NAME.test(given)) {
        specs.push({ id: defenseId(given), kind: 'stack', stackName: given });
        continue;
      }
      throw new UsageError('defenses-not-found', `--defenses ${given}: no such file or folder`, {
        suggestions: [
          'give a CloudFormation template or a folder of them, e.g. --defenses templates/defenses/ssh-revert.cfn.yaml',
          ...(opts.target === 'aws' ? ['on AWS, a stack name names defences already deployed'] : []),
        ],
      });
    }
    const files = isDir
      ? readdirSync(abs)
          .filter((f) => TEMPLATE_FILE.test(f))
          .sort()
          .map((f) => resolve(abs, f))
      : [abs];
    if (files.length === 0) {
      throw new UsageError('defenses-empty', `--defenses ${given}: the folder holds no template`, {
        suggestions: ['templates end in .cfn.yaml, .yaml, .yml, .json or .template'],
      });
    }
    for (const file of files) specs.push(readDefense(file, displayPath(opts.cwd, file)));
  }
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.id)) {
      throw new UsageError(
        'duplicate-defense',
        `two defences are both named ${s.id.slice('defense-'.length)}`,
        {
          suggestions: ['give each defence template its own file name'],
        },
      );
    }
    seen.add(s.id);
  }
  if (specs.length > MAX_DEFENSES) {
    throw new UsageError(
      'too-many-defenses',
      `${specs.length} defences: an exercise takes at most ${MAX_DEFENSES}`,
    );
  }
  return specs;
}

/** A path as the user would type it: relative inside the working directory, absolute outside it. */
function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** `defense-<name>`: the file's or stack's name in kebab-case, as a stack name and tag take it. */
export function defenseId(name: string): string {
  const stem = basename(name).replace(TEMPLATE_FILE, '');
  const slug = stem
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `defense-${slug || 'template'}`;
}

function readDefense(file: string, display: string): DefenseSpec {
  const { template, problems } = readCfnTemplate(file, display);
  const errors = problems.filter((p) => p.severity !== 'warning');
  if (!template || errors.length) {
    throw new UsageError(
      'bad-defense',
      `--defenses ${display} is not a CloudFormation template sirs can deploy`,
      {
        suggestions: errors.map(formatProblem),
      },
    );
  }
  const required = [...template.parameters.values()].filter((p) => !p.hasDefault).map((p) => p.name);
  if (required.length) {
    throw new UsageError(
      'defense-parameters',
      `--defenses ${display}: parameter${required.length > 1 ? 's' : ''} ${required.join(', ')} need${required.length > 1 ? '' : 's'} a default (sirs deploys defences with their defaults)`,
      { suggestions: ['give every parameter of a defence template a Default'] },
    );
  }
  const read = readTextFile(file, 'the template');
  if (!read.ok) throw new UsageError('bad-defense', `--defenses ${display}: ${read.issue.message}`);
  return {
    id: defenseId(file),
    kind: 'template',
    file: display,
    templateBody: read.text,
    template,
    shape: defenseShape(template.resources),
  };
}

/** The automation a template declares: functions, rules and what they target, Config rules, remediations. */
export function defenseShape(
  resources: ReadonlyMap<string, { type: string; properties: Record<string, unknown> }>,
): DefenseShape {
  const shape: DefenseShape = { functions: [], rules: [], configRules: [], remediations: [], documents: [] };
  for (const [logicalId, { type, properties: p }] of resources) {
    if (type === 'AWS::Lambda::Function') {
      shape.functions.push({ logicalId, ...literal('name', p.FunctionName) });
    } else if (type === 'AWS::Events::Rule') {
      const targets = (Array.isArray(p.Targets) ? p.Targets : [])
        .map((t) => refOf((t as Record<string, unknown> | null)?.Arn))
        .filter((t): t is string => t !== undefined);
      shape.rules.push({ logicalId, ...literal('name', p.Name), targets });
    } else if (type === 'AWS::Config::ConfigRule') {
      shape.configRules.push({ logicalId, ...literal('name', p.ConfigRuleName) });
    } else if (type === 'AWS::Config::RemediationConfiguration') {
      const rule = refOf(p.ConfigRuleName);
      const target = typeof p.TargetId === 'string' ? undefined : refOf(p.TargetId);
      if (rule)
        shape.remediations.push({
          rule,
          ...literal('document', p.TargetId),
          ...(target ? { documentRef: target } : {}),
          automatic: p.Automatic === true || p.Automatic === 'true',
        });
    } else if (type === 'AWS::SSM::Document' && (p.DocumentType ?? 'Command') === 'Automation') {
      shape.documents.push({ logicalId, ...literal('name', p.Name), calls: runbookCalls(p.Content) });
    }
  }
  return shape;
}

/**
 * The API calls a runbook's `aws:executeAwsApi` steps make, from its Content (an object, or JSON/YAML
 * text); values that are not literal (a `{{ parameter }}`) are left out.
 */
function runbookCalls(content: unknown): string[] {
  let doc = content;
  if (typeof content === 'string') {
    try {
      doc = parseYaml(content) as unknown;
    } catch {
      return [];
    }
  }
  const steps = (doc as { mainSteps?: unknown } | null)?.mainSteps;
  if (!Array.isArray(steps)) return [];
  const calls = new Set<string>();
  for (const step of steps as Array<Record<string, unknown> | null>) {
    const api = (step?.inputs as Record<string, unknown> | undefined)?.Api;
    if (step?.action !== 'aws:executeAwsApi' || typeof api !== 'string' || api.includes('{{')) continue;
    // boto3's snake_case name (revoke_security_group_ingress) is the same call as CloudTrail's name.
    calls.add(api.includes('_') ? api.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase()) : api);
  }
  return [...calls];
}

function literal<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === 'string' && value ? { [key]: value } : {}) as { [P in K]?: string };
}

/** A logical id (`!Ref X`, `!GetAtt X.Arn`) or a literal name/ARN. */
function refOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  const att = v['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  if (typeof att === 'string') return att.split('.')[0];
  return undefined;
}

/** The stacks sirs deploys for template defences (on the range), tagged like scenario stacks. */
export function planDefenses(
  specs: readonly DefenseSpec[],
  opts: { exerciseId: string; config: SirsConfig },
): Array<PlannedStack & { templateBody: string }> {
  return specs
    .filter((s): s is Extract<DefenseSpec, { kind: 'template' }> => s.kind === 'template')
    .map((s) => ({
      scenario: s.id,
      stackName: stackNameFor(opts.config, opts.exerciseId, s.id),
      template: s.file,
      templateBody: s.templateBody,
      parameters: {},
      capabilities: [...DEFENSE_CAPABILITIES],
      tags: {
        ...opts.config.tags,
        'sirs:exercise': opts.exerciseId,
        'sirs:scenario': s.id,
        'sirs:defense': s.id.slice('defense-'.length),
      },
    }));
}

/**
 * The inventory, from each template's shape and the physical ids of its stack (`physical`: logical id →
 * name, from DescribeStackResources); a resource the stack does not list keeps its template name.
 */
export function inventoryOf(
  defense: string,
  shape: DefenseShape,
  physical: ReadonlyMap<string, string>,
  into: DefenseInventory = emptyInventory(),
): DefenseInventory {
  const nameOf = (logicalId: string, given?: string) => physical.get(logicalId) ?? given;
  const functionName = (ref: string) => {
    const fn = shape.functions.find((f) => f.logicalId === ref);
    if (fn) return nameOf(fn.logicalId, fn.name);
    // A literal function ARN: arn:aws:lambda:region:account:function:name[:qualifier]
    return /:function:([^:]+)/.exec(ref)?.[1];
  };
  for (const f of shape.functions) {
    const name = nameOf(f.logicalId, f.name);
    if (name) into.functions.push({ defense, name });
  }
  for (const r of shape.rules) {
    const name = nameOf(r.logicalId, r.name);
    if (!name) continue;
    const functions = r.targets.map(functionName).filter((n): n is string => n !== undefined);
    // A rule's physical id is `bus|name` on a custom bus; the default bus is what CloudTrail delivers to.
    into.rules.push({ defense, name: name.includes('|') ? name.split('|')[1]! : name, functions });
  }
  for (const c of shape.configRules) {
    const name = nameOf(c.logicalId, c.name);
    if (!name) continue;
    const rem = shape.remediations.find((m) => m.rule === c.logicalId || m.rule === name);
    const own = rem?.documentRef ? shape.documents.find((d) => d.logicalId === rem.documentRef) : undefined;
    const document = own ? nameOf(own.logicalId, own.name) : rem?.document;
    into.configRules.push({
      defense,
      name,
      ...(document ? { remediation: document } : {}),
      ...(rem ? { automatic: rem.automatic } : {}),
      ...(own ? { remediationCalls: own.calls } : {}),
    });
  }
  return into;
}

/**
 * Read the deployed defences' physical names. A stack that cannot be read leaves its template names (on
 * AWS, only names the template spells out): attribution is then by role session and user agent alone.
 */
export async function readInventory(
  session: Pick<ApiSession, 'call'>,
  defenses: ReadonlyArray<{ spec: DefenseSpec; stackName?: string }>,
  warn: (message: string) => void,
): Promise<DefenseInventory> {
  const inventory = emptyInventory();
  for (const { spec, stackName } of defenses) {
    const name = spec.kind === 'stack' ? spec.stackName : stackName;
    const physical = new Map<string, string>();
    const types = new Map<string, string>();
    if (name) {
      try {
        const out = await session.call('cloudformation:DescribeStackResources', { StackName: name });
        type Res = { LogicalResourceId?: string; PhysicalResourceId?: string; ResourceType?: string };
        for (const r of (out.StackResources as Res[] | undefined) ?? []) {
          if (!r.LogicalResourceId || !r.PhysicalResourceId) continue;
          physical.set(r.LogicalResourceId, r.PhysicalResourceId);
          if (r.ResourceType) types.set(r.LogicalResourceId, r.ResourceType);
        }
      } catch (err) {
        warn(`defence ${spec.id}: could not read stack ${name}: ${(err as Error).message}`);
      }
    }
    // A named stack has no template here: its resources' types stand for the shape (targets unknown).
    const shape = spec.kind === 'template' ? spec.shape : shapeFromTypes(types);
    inventoryOf(spec.id, shape, physical, inventory);
  }
  return inventory;
}

function shapeFromTypes(types: ReadonlyMap<string, string>): DefenseShape {
  const shape: DefenseShape = { functions: [], rules: [], configRules: [], remediations: [], documents: [] };
  for (const [logicalId, type] of types) {
    if (type === 'AWS::Lambda::Function') shape.functions.push({ logicalId });
    else if (type === 'AWS::Events::Rule') shape.rules.push({ logicalId, targets: [] });
    else if (type === 'AWS::Config::ConfigRule') shape.configRules.push({ logicalId });
  }
  return shape;
}
