import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/**
 * The input shapes of the operations a scenario can call, and which of them the range implements, as
 * scripts/derive-models.mjs derives them at build time into models/: from the SDK v3 clients that make the
 * calls (src/aws/api.ts), so that what validates is what runs. One service's shapes are read only when a
 * scenario calls that service.
 */
export type SimpleType =
  | 'string'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  /** Numeric, integer or not: the SDK does not say, and the older v2 model lacks the member. */
  | 'number'
  | 'boolean'
  | 'timestamp'
  | 'blob'
  | 'document';

/** A simple type, `#Name` of a structure or enum in the service's `shapes`, or a list or map. */
export type InputShape =
  | SimpleType
  | `#${string}`
  | { type: 'list'; member: InputShape }
  | { type: 'map'; key: InputShape; value: InputShape };

export interface StructureShape {
  type: 'structure';
  members: Record<string, InputShape>;
  required?: string[];
  /** Exactly one member must be given. */
  union?: true;
}

export interface EnumShape {
  type: 'enum';
  values: string[];
}

export interface ServiceInputs {
  /** The SDK package and version the shapes come from, like `@aws-sdk/client-ec2@3.1169.0`. */
  sdk: string;
  /** Operation → its input structure (`#Name`), or null for an operation that takes no input. */
  operations: Record<string, `#${string}` | null>;
  shapes: Record<string, StructureShape | EnumShape>;
}

export type ResolvedShape =
  | { type: SimpleType }
  | StructureShape
  | EnumShape
  | { type: 'list'; member: InputShape }
  | { type: 'map'; key: InputShape; value: InputShape };

/** Resolves `#Name` references; a reference to a shape the file lacks is a build bug, so it throws. */
export function resolveShape(service: ServiceInputs, shape: InputShape): ResolvedShape {
  if (typeof shape !== 'string') return shape;
  if (!shape.startsWith('#')) return { type: shape as SimpleType };
  const named = Object.hasOwn(service.shapes, shape.slice(1)) ? service.shapes[shape.slice(1)] : undefined;
  if (!named) throw new Error(`${service.sdk}: no shape ${shape} in the derived input shapes`);
  return named;
}

const inputsCache = new Map<string, ServiceInputs | undefined>();
let rangeCache: Record<string, string[]> | undefined;

function modelsDir(): string {
  return join(packageRoot(), 'models');
}

/** The input shapes of a service (by scenario prefix: `ec2`, `logs`, `cloudwatch`), or undefined if not derived. */
export function serviceInputs(service: string): ServiceInputs | undefined {
  if (!inputsCache.has(service)) {
    inputsCache.set(service, readJson<ServiceInputs>(join(modelsDir(), 'inputs', `${service}.json`)));
  }
  return inputsCache.get(service);
}

/** Whether the range implements `service:operation`; undefined when models/range-operations.json is missing. */
export function rangeImplements(service: string, operation: string): boolean | undefined {
  rangeCache ??= readJson<Record<string, string[]>>(join(modelsDir(), 'range-operations.json')) ?? {};
  const ops = Object.hasOwn(rangeCache, service) ? rangeCache[service] : undefined;
  return ops === undefined ? undefined : ops.includes(operation);
}

function readJson<T>(file: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}

/** The command that derives models/, for messages about missing files. */
export const MODELS_COMMAND = 'npm run models';
