import { templateFormatError } from './parse.js';
import {
  isObject,
  type Json,
  type JsonObject,
  type OutputDeclaration,
  type ParameterDeclaration,
  type ResourceDeclaration,
  type Template,
} from './types.js';
import { record } from '../../../records.js';

const SECTIONS = new Set([
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
  'Hooks',
]);
const RESOURCE_ATTRIBUTES = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
  'Version',
]);
const PARAMETER_PROPERTIES = new Set([
  'Type',
  'Default',
  'AllowedValues',
  'AllowedPattern',
  'ConstraintDescription',
  'Description',
  'MaxLength',
  'MaxValue',
  'MinLength',
  'MinValue',
  'NoEcho',
]);
const OUTPUT_PROPERTIES = new Set(['Value', 'Description', 'Export', 'Condition']);

const AWS_PARAMETER_TYPES = [
  'AWS::EC2::AvailabilityZone::Name',
  'AWS::EC2::Image::Id',
  'AWS::EC2::Instance::Id',
  'AWS::EC2::KeyPair::KeyName',
  'AWS::EC2::SecurityGroup::GroupName',
  'AWS::EC2::SecurityGroup::Id',
  'AWS::EC2::Subnet::Id',
  'AWS::EC2::Volume::Id',
  'AWS::EC2::VPC::Id',
  'AWS::Route53::HostedZone::Id',
];

/** Whether CloudFormation knows a parameter type. */
export function isParameterType(type: string): boolean {
  if (['String', 'Number', 'List<Number>', 'CommaDelimitedList', 'AWS::SSM::Parameter::Name'].includes(type))
    return true;
  if (AWS_PARAMETER_TYPES.includes(type)) return true;
  const list = /^List<(.+)>$/.exec(type);
  if (list && AWS_PARAMETER_TYPES.includes(list[1] as string)) return true;
  const ssm = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(type);
  if (ssm) {
    const inner = ssm[1] as string;
    return (
      inner === 'String' ||
      inner === 'List<String>' ||
      inner === 'CommaDelimitedList' ||
      isParameterType(inner)
    );
  }
  return false;
}

const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

/**
 * Check a parsed template's structure the way CloudFormation's template validation does and give it a
 * typed shape. References between sections are checked separately (validate.ts).
 */
export function readTemplate(doc: JsonObject): Template {
  const unknown = Object.keys(doc).filter((k) => !SECTIONS.has(k));
  if (unknown.length)
    throw templateFormatError(`Invalid template property or properties [${unknown.join(', ')}]`);
  const version = doc.AWSTemplateFormatVersion;
  if (version !== undefined && String(version) !== '2010-09-09') {
    throw templateFormatError(
      `Unsupported template version ${String(version)}. The only supported version is 2010-09-09.`,
    );
  }
  if (doc.Description !== undefined && typeof doc.Description !== 'string') {
    throw templateFormatError('Every Description member must be a string.');
  }
  for (const section of ['Metadata', 'Parameters', 'Mappings', 'Conditions', 'Outputs'] as const) {
    if (doc[section] !== undefined && doc[section] !== null && !isObject(doc[section])) {
      throw templateFormatError(`The ${section} section must be an object.`);
    }
  }
  if (!isObject(doc.Resources) || Object.keys(doc.Resources).length === 0) {
    throw templateFormatError('At least one Resources member must be defined.');
  }
  return {
    AWSTemplateFormatVersion: version === undefined ? undefined : String(version),
    Description: doc.Description,
    Metadata: isObject(doc.Metadata) ? doc.Metadata : undefined,
    Transform: doc.Transform,
    Parameters: readParameters(objectOr(doc.Parameters)),
    Mappings: readMappings(objectOr(doc.Mappings)),
    Conditions: objectOr(doc.Conditions),
    Resources: readResources(doc.Resources),
    Outputs: readOutputs(objectOr(doc.Outputs)),
  };
}

function objectOr(v: Json | undefined): JsonObject {
  return record(isObject(v) ? v : {});
}

function readParameters(section: JsonObject): Record<string, ParameterDeclaration> {
  const out: Record<string, ParameterDeclaration> = record();
  for (const [name, decl] of Object.entries(section)) {
    if (!ALPHANUMERIC.test(name)) throw templateFormatError(`Parameter name ${name} is non alphanumeric.`);
    if (!isObject(decl) || decl.Type === undefined)
      throw templateFormatError('Every Parameters object must contain a Type member.');
    for (const key of Object.keys(decl)) {
      if (!PARAMETER_PROPERTIES.has(key))
        throw templateFormatError(`Invalid template parameter property '${key}'`);
    }
    const type = String(decl.Type);
    if (!isParameterType(type)) throw templateFormatError(`Unrecognized parameter type: ${type}`);
    const num = (key: string): number | undefined => {
      const v = decl[key];
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n))
        throw templateFormatError(`Parameter '${name}' has an invalid ${key}: ${String(v)}`);
      return n;
    };
    if (decl.AllowedValues !== undefined && !Array.isArray(decl.AllowedValues)) {
      throw templateFormatError(`Every AllowedValues member of parameter ${name} must be a list.`);
    }
    out[name] = {
      Type: type,
      Default: decl.Default,
      AllowedValues: decl.AllowedValues as Json[] | undefined,
      AllowedPattern: decl.AllowedPattern === undefined ? undefined : String(decl.AllowedPattern),
      MinLength: num('MinLength'),
      MaxLength: num('MaxLength'),
      MinValue: num('MinValue'),
      MaxValue: num('MaxValue'),
      NoEcho: decl.NoEcho === true || decl.NoEcho === 'true',
      Description: decl.Description === undefined ? undefined : String(decl.Description),
      ConstraintDescription:
        decl.ConstraintDescription === undefined ? undefined : String(decl.ConstraintDescription),
    };
  }
  return out;
}

function readMappings(section: JsonObject): Template['Mappings'] {
  const out: Template['Mappings'] = record();
  for (const [name, mapping] of Object.entries(section)) {
    if (!isObject(mapping)) throw templateFormatError(`Every Mappings member ${name} must be a map`);
    const top: Record<string, Record<string, Json>> = record();
    for (const [key, second] of Object.entries(mapping)) {
      if (!isObject(second)) throw templateFormatError(`Every Mappings member ${key} must be a map`);
      for (const v of Object.values(second)) {
        if (isObject(v)) throw templateFormatError('Every Mappings attribute must be a String or a List.');
      }
      top[key] = second;
    }
    out[name] = top;
  }
  return out;
}

function readResources(section: JsonObject): Record<string, ResourceDeclaration> {
  const out: Record<string, ResourceDeclaration> = record();
  for (const [id, decl] of Object.entries(section)) {
    if (!ALPHANUMERIC.test(id)) throw templateFormatError(`Resource name ${id} is non alphanumeric.`);
    if (!isObject(decl) || decl.Type === undefined) {
      throw templateFormatError(`[/Resources/${id}] Every Resources object must contain a Type member.`);
    }
    for (const key of Object.keys(decl)) {
      if (!RESOURCE_ATTRIBUTES.has(key))
        throw templateFormatError(`Invalid template resource property '${key}'`);
    }
    if (typeof decl.Type !== 'string')
      throw templateFormatError(`[/Resources/${id}/Type] Every Type member must be a string.`);
    if (decl.Properties !== undefined && decl.Properties !== null && !isObject(decl.Properties)) {
      throw templateFormatError(`[/Resources/${id}/Properties] Every Properties member must be an object.`);
    }
    const dependsOn =
      decl.DependsOn === undefined ? [] : Array.isArray(decl.DependsOn) ? decl.DependsOn : [decl.DependsOn];
    if (!dependsOn.every((d): d is string => typeof d === 'string')) {
      throw templateFormatError(
        `[/Resources/${id}/DependsOn] DependsOn must be a string or a list of strings.`,
      );
    }
    if (decl.Condition !== undefined && typeof decl.Condition !== 'string') {
      throw templateFormatError('Every Condition member must be a string.');
    }
    const deletion = policy(id, 'DeletionPolicy', decl.DeletionPolicy, [
      'Delete',
      'Retain',
      'Snapshot',
      'RetainExceptOnCreate',
    ]);
    const replace = policy(id, 'UpdateReplacePolicy', decl.UpdateReplacePolicy, [
      'Delete',
      'Retain',
      'Snapshot',
    ]);
    out[id] = {
      Type: decl.Type,
      Properties: isObject(decl.Properties) ? decl.Properties : {},
      DependsOn: dependsOn,
      Condition: decl.Condition,
      DeletionPolicy: deletion as ResourceDeclaration['DeletionPolicy'],
      UpdateReplacePolicy: replace as ResourceDeclaration['UpdateReplacePolicy'],
      Metadata: isObject(decl.Metadata) ? decl.Metadata : undefined,
      CreationPolicy: decl.CreationPolicy,
      UpdatePolicy: decl.UpdatePolicy,
    };
  }
  return out;
}

function policy(id: string, name: string, value: Json | undefined, allowed: string[]): string {
  if (value === undefined) return 'Delete';
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw templateFormatError(`Unrecognized ${name} ${JSON.stringify(value)} for resource ${id}`);
  }
  return value;
}

function readOutputs(section: JsonObject): Record<string, OutputDeclaration> {
  const out: Record<string, OutputDeclaration> = record();
  for (const [id, decl] of Object.entries(section)) {
    if (!ALPHANUMERIC.test(id))
      throw templateFormatError(`Output ${id} is malformed. The name must be alphanumeric.`);
    if (!isObject(decl) || decl.Value === undefined)
      throw templateFormatError('Every Outputs member must contain a Value object');
    for (const key of Object.keys(decl)) {
      if (!OUTPUT_PROPERTIES.has(key))
        throw templateFormatError(`Invalid template property or properties [${key}]`);
    }
    if (decl.Export !== undefined && (!isObject(decl.Export) || decl.Export.Name === undefined)) {
      throw templateFormatError('Every Export member must contain a Name object');
    }
    if (decl.Condition !== undefined && typeof decl.Condition !== 'string') {
      throw templateFormatError('Every Condition member must be a string.');
    }
    out[id] = {
      Value: decl.Value,
      Description: decl.Description === undefined ? undefined : String(decl.Description),
      Condition: decl.Condition,
      Export: isObject(decl.Export) ? { Name: decl.Export.Name as Json } : undefined,
    };
  }
  return out;
}
