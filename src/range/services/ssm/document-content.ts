import { parse as parseYaml } from 'yaml';
import { ServiceError } from '../../errors.js';

/**
 * The content of a customer SSM document: parsed from JSON or YAML and checked the way SSM checks it
 * at CreateDocument/UpdateDocument (what a schema 0.3 Automation runbook or a Command document must
 * hold). What the range runs is the parsed form; the content itself is kept exactly as given.
 */

export type ParameterType = 'String' | 'StringList' | 'Boolean' | 'Integer' | 'StringMap' | 'MapList';
const PARAMETER_TYPES: readonly string[] = [
  'String',
  'StringList',
  'Boolean',
  'Integer',
  'StringMap',
  'MapList',
];

export interface DeclaredParameter {
  name: string;
  type: ParameterType;
  description?: string;
  default?: unknown;
  allowedValues?: unknown[];
}

export interface RunbookStep {
  name: string;
  action: string;
  inputs: Record<string, unknown>;
  outputs: Array<{ Name: string; Selector: string; Type: string }>;
  onFailure: string;
  isCritical: boolean;
  isEnd: boolean;
  nextStep?: string;
  maxAttempts: number;
  timeoutSeconds?: number;
}

export interface ParsedDocument {
  schemaVersion: string;
  description?: string;
  /** Document-level `assumeRole`, usually `{{ AutomationAssumeRole }}`. */
  assumeRole?: string;
  parameters: DeclaredParameter[];
  mainSteps: RunbookStep[];
  /** Document-level outputs, `stepName.OutputName`. */
  outputs: string[];
}

/** Automation actions of schema 0.3 (the Automation actions reference). The range runs some of them. */
export const AUTOMATION_ACTIONS: readonly string[] = [
  'aws:approve',
  'aws:assertAwsResourceProperty',
  'aws:branch',
  'aws:changeInstanceState',
  'aws:copyImage',
  'aws:createImage',
  'aws:createStack',
  'aws:createTags',
  'aws:deleteImage',
  'aws:deleteStack',
  'aws:executeAutomation',
  'aws:executeAwsApi',
  'aws:executeScript',
  'aws:executeStateMachine',
  'aws:invokeLambdaFunction',
  'aws:invokeWebhook',
  'aws:loop',
  'aws:pause',
  'aws:runCommand',
  'aws:runInstances',
  'aws:sleep',
  'aws:updateVariable',
  'aws:waitForAwsResourceProperty',
];

/** Command document plugins (schema 2.2). */
const COMMAND_ACTIONS: readonly string[] = [
  'aws:applications',
  'aws:cloudWatch',
  'aws:configureDocker',
  'aws:configurePackage',
  'aws:domainJoin',
  'aws:downloadContent',
  'aws:psModule',
  'aws:refreshAssociation',
  'aws:runDockerAction',
  'aws:runDocument',
  'aws:runPowerShellScript',
  'aws:runShellScript',
  'aws:softwareInventory',
  'aws:updateAgent',
  'aws:updateSsmAgent',
];

const invalid = (message: string) => new ServiceError('InvalidDocumentContent', message);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse the content in its declared format into a plain object. */
export function parseContent(content: string, format: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = format === 'YAML' ? parseYaml(content, { maxAliasCount: 100 }) : JSON.parse(content);
  } catch (err) {
    throw invalid(
      `The document content is not valid ${format}: ${err instanceof Error ? err.message.split('\n')[0] : ''}`,
    );
  }
  if (!isObject(parsed)) throw invalid(`The document content must be a ${format} object.`);
  return parsed;
}

/** `{{ Name }}` references in a value, as the names between the braces. */
export function references(value: unknown): string[] {
  if (typeof value === 'string')
    return [...value.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)].map((m) => m[1] ?? '');
  if (Array.isArray(value)) return value.flatMap(references);
  if (isObject(value)) return Object.values(value).flatMap(references);
  return [];
}

/** A reference that is not a document parameter: a built-in variable, a step output, a parameter store value. */
function isBuiltIn(ref: string): boolean {
  return /^(automation|global|ssm|ssm-secure|variable):/.test(ref) || ref.includes('.');
}

function declaredParameters(raw: unknown): DeclaredParameter[] {
  if (raw === undefined) return [];
  if (!isObject(raw)) throw invalid('The document parameters must be an object.');
  return Object.entries(raw).map(([name, spec]) => {
    if (!isObject(spec)) throw invalid(`Parameter "${name}" must be an object with a type.`);
    const type = spec.type;
    if (typeof type !== 'string' || !PARAMETER_TYPES.includes(type)) {
      throw invalid(
        `Parameter "${name}" has an invalid type ${JSON.stringify(type)}: use one of ${PARAMETER_TYPES.join(', ')}.`,
      );
    }
    return {
      name,
      type: type as ParameterType,
      ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
      ...(spec.default !== undefined ? { default: spec.default } : {}),
      ...(Array.isArray(spec.allowedValues) ? { allowedValues: spec.allowedValues as unknown[] } : {}),
    };
  });
}

function stepOf(raw: unknown, index: number, actions: readonly string[]): RunbookStep {
  if (!isObject(raw)) throw invalid(`Step ${index + 1} of mainSteps must be an object.`);
  const { name, action } = raw;
  if (typeof name !== 'string' || !name) throw invalid(`Step ${index + 1} of mainSteps has no name.`);
  // No dots: `{{ step.Output }}` splits on the first one.
  if (!/^[a-zA-Z0-9_-]+$/.test(name))
    throw invalid(`Step name ${name} is invalid: use letters, digits, hyphens and underscores.`);
  if (typeof action !== 'string' || !action) throw invalid(`Step ${name} has no action.`);
  if (!actions.includes(action)) throw invalid(`Action ${action} of step ${name} is not a valid action.`);
  const inputs = raw.inputs ?? {};
  if (!isObject(inputs)) throw invalid(`The inputs of step ${name} must be an object.`);
  const outputs = raw.outputs ?? [];
  if (!Array.isArray(outputs) || !outputs.every((o) => isObject(o) && typeof o.Name === 'string')) {
    throw invalid(`The outputs of step ${name} must be a list of objects with Name, Selector and Type.`);
  }
  const onFailure = raw.onFailure ?? 'Abort';
  if (typeof onFailure !== 'string' || !/^(Abort|Continue|step:[a-zA-Z0-9_-]+)$/.test(onFailure))
    throw invalid(`Step ${name} has an invalid onFailure: use Abort, Continue or step:<step name>.`);
  const maxAttempts = raw.maxAttempts === undefined ? 1 : Number(raw.maxAttempts);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw invalid(`Step ${name} has an invalid maxAttempts: use a positive integer.`);
  const timeoutSeconds = raw.timeoutSeconds === undefined ? undefined : Number(raw.timeoutSeconds);
  if (timeoutSeconds !== undefined && !(Number.isInteger(timeoutSeconds) && timeoutSeconds > 0))
    throw invalid(`Step ${name} has an invalid timeoutSeconds: use a positive integer.`);
  return {
    name,
    action,
    inputs,
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    outputs: outputs.map((o: Record<string, unknown>) => ({
      Name: String(o.Name),
      Selector: String(o.Selector ?? ''),
      Type: String(o.Type ?? 'String'),
    })),
    onFailure,
    isCritical: raw.isCritical === undefined ? true : raw.isCritical === true || raw.isCritical === 'true',
    isEnd: raw.isEnd === true || raw.isEnd === 'true',
    ...(typeof raw.nextStep === 'string' ? { nextStep: raw.nextStep } : {}),
    maxAttempts,
  };
}

/** Parse and check a document as SSM does before storing it; every refusal is InvalidDocumentContent. */
export function checkDocument(content: string, format: string, documentType: string): ParsedDocument {
  const doc = parseContent(content, format);
  const schemaVersion = doc.schemaVersion;
  if (typeof schemaVersion !== 'string' || !schemaVersion)
    throw invalid('The document content has no schemaVersion.');
  const automation = documentType === 'Automation';
  if (automation && schemaVersion !== '0.3') {
    throw new ServiceError(
      'InvalidDocumentSchemaVersion',
      `Automation documents use schemaVersion 0.3, not ${schemaVersion}.`,
    );
  }
  const parameters = declaredParameters(doc.parameters);
  // Schema 1.2 Command documents hold runtimeConfig instead of mainSteps; the range never runs them.
  if (!automation && schemaVersion === '1.2' && isObject(doc.runtimeConfig)) {
    return { schemaVersion, parameters, mainSteps: [], outputs: [] };
  }
  if (!Array.isArray(doc.mainSteps) || doc.mainSteps.length === 0)
    throw invalid('The document content has no mainSteps.');
  const steps = doc.mainSteps.map((s, i) => stepOf(s, i, automation ? AUTOMATION_ACTIONS : COMMAND_ACTIONS));
  const seen = new Set<string>();
  for (const s of steps) {
    if (seen.has(s.name)) throw invalid(`Step name ${s.name} is used more than once in mainSteps.`);
    seen.add(s.name);
  }
  const names = new Set(parameters.map((p) => p.name));
  const refs = [...references(doc.mainSteps), ...references(doc.assumeRole)];
  const undeclared = refs.find((r) => !isBuiltIn(r) && !names.has(r));
  if (undeclared !== undefined) throw invalid(`Parameter "${undeclared}" is referenced but not declared.`);
  for (const s of steps) {
    for (const target of [s.nextStep, s.onFailure.startsWith('step:') ? s.onFailure.slice(5) : undefined]) {
      if (target !== undefined && !seen.has(target))
        throw invalid(`Step ${s.name} names a step ${target} that is not in mainSteps.`);
    }
  }
  const outputs = doc.outputs ?? [];
  if (!Array.isArray(outputs) || !outputs.every((o) => typeof o === 'string'))
    throw invalid('The document outputs must be a list of stepName.OutputName.');
  return {
    schemaVersion,
    ...(typeof doc.description === 'string' ? { description: doc.description } : {}),
    ...(typeof doc.assumeRole === 'string' ? { assumeRole: doc.assumeRole } : {}),
    parameters,
    mainSteps: steps,
    outputs: outputs as string[],
  };
}
