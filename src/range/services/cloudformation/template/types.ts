/** A template's values after parsing: plain JSON, with intrinsic functions as `{ "Fn::X": ... }` / `{ Ref: ... }`. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export interface ParameterDeclaration {
  Type: string;
  Default?: Json;
  AllowedValues?: Json[];
  AllowedPattern?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
  NoEcho?: boolean;
  Description?: string;
  ConstraintDescription?: string;
}

export interface ResourceDeclaration {
  Type: string;
  Properties: JsonObject;
  DependsOn: string[];
  Condition?: string;
  DeletionPolicy: 'Delete' | 'Retain' | 'Snapshot' | 'RetainExceptOnCreate';
  UpdateReplacePolicy: 'Delete' | 'Retain' | 'Snapshot';
  Metadata?: JsonObject;
  CreationPolicy?: Json;
  UpdatePolicy?: Json;
}

export interface OutputDeclaration {
  Value: Json;
  Description?: string;
  Condition?: string;
  Export?: { Name: Json };
}

/** A template whose structure has been checked; values still hold intrinsic functions. */
export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: JsonObject;
  Transform?: Json;
  Parameters: Record<string, ParameterDeclaration>;
  Mappings: Record<string, Record<string, Record<string, Json>>>;
  Conditions: Record<string, Json>;
  Resources: Record<string, ResourceDeclaration>;
  Outputs: Record<string, OutputDeclaration>;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
