import { ServiceError } from '../../errors.js';
import type { Properties, Tag } from './provider.js';

/** A resource's properties failing the resource type's schema, worded as CloudFormation does. */
export class PropertyValidationError extends ServiceError {
  constructor(detail: string) {
    super('InvalidRequest', detail);
  }
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'JSONArray';
  if (v === null) return 'Null';
  switch (typeof v) {
    case 'string':
      return 'String';
    case 'number':
      return 'Number';
    case 'boolean':
      return 'Boolean';
    default:
      return 'JSONObject';
  }
}

/** Reads resolved properties with CloudFormation's coercions ("22" is an Integer, "true" a Boolean). */
export function readProperties(raw: unknown, path = '#'): Properties {
  const obj: Record<string, unknown> =
    raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const bad = (name: string, expected: string, v: unknown): never => {
    throw new PropertyValidationError(`${path}/${name}: expected type: ${expected}, found: ${typeName(v)}`);
  };
  const reader: Properties = {
    raw: obj,
    has: (name) => obj[name] !== undefined && obj[name] !== null,
    str(name) {
      const v = obj[name];
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      return bad(name, 'String', v);
    },
    required(name) {
      const v = reader.str(name);
      if (v === undefined) throw new PropertyValidationError(`${path}: required key [${name}] not found`);
      return v;
    },
    num(name) {
      const v = obj[name];
      if (v === undefined || v === null) return undefined;
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      return Number.isFinite(n) ? n : bad(name, 'Number', v);
    },
    bool(name) {
      const v = obj[name];
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      return bad(name, 'Boolean', v);
    },
    strList(name) {
      const v = obj[name];
      if (v === undefined || v === null) return undefined;
      if (!Array.isArray(v)) return bad(name, 'JSONArray', v);
      return v.map((x, i) =>
        typeof x === 'string' || typeof x === 'number' ? String(x) : bad(`${name}/${i}`, 'String', x),
      );
    },
    objects(name) {
      const v = obj[name];
      if (v === undefined || v === null) return undefined;
      if (!Array.isArray(v)) return bad(name, 'JSONArray', v);
      return v.map((x, i) =>
        x && typeof x === 'object' && !Array.isArray(x)
          ? readProperties(x, `${path}/${name}/${i}`)
          : bad(`${name}/${i}`, 'JSONObject', x),
      );
    },
    object(name) {
      const v = obj[name];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'object' || Array.isArray(v)) return bad(name, 'JSONObject', v);
      return readProperties(v, `${path}/${name}`);
    },
    json(name) {
      const v = obj[name];
      if (v === undefined || v === null) return undefined;
      return typeof v === 'string' ? v : JSON.stringify(v);
    },
    tags(name = 'Tags') {
      const list = reader.objects(name);
      return list?.map((t): Tag => ({ Key: t.required('Key'), Value: t.str('Value') ?? '' }));
    },
  };
  return reader;
}

/** Check a resource's top-level properties against what its provider declares. */
export function checkProperties(
  logicalId: string,
  type: string,
  props: Record<string, unknown>,
  provider: { properties: readonly string[]; required?: readonly string[]; unsupported?: readonly string[] },
): void {
  const fail = (detail: string): never => {
    throw new PropertyValidationError(
      `Properties validation failed for resource ${logicalId} with message: ${detail}`,
    );
  };
  const notYet = Object.keys(props).filter((k) => provider.unsupported?.includes(k));
  if (notYet.length) {
    throw new ServiceError(
      'NotImplemented',
      `The range does not support the property ${notYet.join(', ')} of ${type} yet.`,
    );
  }
  const extra = Object.keys(props).filter((k) => !provider.properties.includes(k));
  if (extra.length) fail(`#: extraneous key [${extra[0]}] is not permitted`);
  const missing = (provider.required ?? []).filter((k) => props[k] === undefined || props[k] === null);
  if (missing.length) fail(`#: required key [${missing[0]}] not found`);
}
