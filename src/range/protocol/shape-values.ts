import type { ServiceModel, Shape } from '../model/index.js';
import { parseTimestamp, toDate, toEpochSeconds } from './values.js';
import { ServiceError } from '../errors.js';
import { record } from '../records.js';

/**
 * Converts between document values (JSON or CBOR trees) and SDK-shaped values, guided by the model:
 * timestamps become Dates, blobs Buffers, and members unknown to the model are dropped.
 */
export function fromDocument(model: ServiceModel, shape: Shape, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) throw typeError(where, 'an object');
      const out: Record<string, unknown> = {};
      const obj = value as Record<string, unknown>;
      for (const [name, member] of model.members(shape)) {
        if (!(name in obj)) continue;
        const v = fromDocument(model, member, obj[name], `${where}.${name}`);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) throw typeError(where, 'a list');
      const member = model.listMember(shape);
      return value.map((v, i) => fromDocument(model, member, v, `${where}[${i}]`));
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) throw typeError(where, 'a map');
      const valueShape = model.mapValue(shape);
      const out: Record<string, unknown> = record();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out[k] = fromDocument(model, valueShape, v, `${where}.${k}`);
      }
      return out;
    }
    case 'timestamp':
      if (value instanceof Date) return value;
      if (typeof value !== 'number' && typeof value !== 'string') throw typeError(where, 'a timestamp');
      return parseTimestamp(value, where);
    case 'blob':
      if (value instanceof Uint8Array) return Buffer.from(value);
      if (typeof value !== 'string') throw typeError(where, 'base64 text');
      return Buffer.from(value, 'base64');
    case 'boolean':
      if (typeof value !== 'boolean') throw typeError(where, 'a boolean');
      return value;
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      if (typeof value !== 'number' && typeof value !== 'bigint') throw typeError(where, 'a number');
      return Number(value);
    default:
      if (typeof value !== 'string') throw typeError(where, 'a string');
      return value;
  }
}

export type Encoding = 'json' | 'cbor';

/** The reverse of fromDocument, for responses. */
export function toDocument(model: ServiceModel, shape: Shape, value: unknown, encoding: Encoding): unknown {
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      const obj = value as Record<string, unknown>;
      for (const [name, member] of model.members(shape)) {
        const v = toDocument(model, member, obj[name], encoding);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'list': {
      const member = model.listMember(shape);
      return (Array.isArray(value) ? value : []).map((v) => toDocument(model, member, v, encoding) ?? null);
    }
    case 'map': {
      const valueShape = model.mapValue(shape);
      const out: Record<string, unknown> = record();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out[k] = toDocument(model, valueShape, v, encoding);
      }
      return out;
    }
    case 'timestamp':
      return encoding === 'cbor' ? toDate(value) : toEpochSeconds(value);
    case 'blob': {
      const buf = Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array | string);
      return encoding === 'cbor' ? buf : buf.toString('base64');
    }
    default:
      return value;
  }
}

function typeError(where: string, what: string): ServiceError {
  return new ServiceError(
    'SerializationException',
    `Expected ${what} at ${where.replace(/^input\.?/, '') || 'input'}`,
  );
}
