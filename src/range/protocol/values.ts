import type { Shape } from '../model/index.js';
import { ServiceError } from '../errors.js';

/** Parse one scalar that arrived as text (query string, form field, header, XML text). */
export function parseScalar(shape: Shape, text: string, where: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      const n = Number(text);
      if (!Number.isInteger(n)) throw badValue(text, where, 'an integer');
      return n;
    }
    case 'float':
    case 'double': {
      const n = Number(text);
      if (Number.isNaN(n) && text !== 'NaN') throw badValue(text, where, 'a number');
      return n;
    }
    case 'boolean':
      if (text === 'true' || text === 'TRUE' || text === 'True') return true;
      if (text === 'false' || text === 'FALSE' || text === 'False') return false;
      throw badValue(text, where, 'a boolean');
    case 'timestamp':
      return parseTimestamp(text, where);
    case 'blob':
      return Buffer.from(text, 'base64');
    default:
      return text;
  }
}

export function parseTimestamp(value: string | number, where: string): Date {
  const d =
    typeof value === 'number' || /^\d+(\.\d+)?$/.test(value)
      ? new Date(Number(value) * 1000)
      : new Date(value);
  if (Number.isNaN(d.getTime())) throw badValue(String(value), where, 'a timestamp');
  return d;
}

function badValue(text: string, where: string, what: string): ServiceError {
  return new ServiceError(
    'ValidationError',
    `Invalid value '${text.slice(0, 100)}' for ${where}: expected ${what}`,
  );
}

/** Format a scalar as text for XML bodies and query-style output. */
export function formatScalar(
  shape: Shape,
  value: unknown,
  defaultTimestamp: 'iso8601' | 'rfc822' = 'iso8601',
): string {
  switch (shape.type) {
    case 'timestamp':
      return formatTimestamp(toDate(value), shape.timestampFormat ?? defaultTimestamp);
    case 'blob':
      return Buffer.isBuffer(value) || value instanceof Uint8Array
        ? Buffer.from(value).toString('base64')
        : Buffer.from(String(value)).toString('base64');
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return String(value);
  }
}

export function formatTimestamp(d: Date, format: 'iso8601' | 'rfc822' | 'unixTimestamp'): string {
  if (format === 'rfc822') return d.toUTCString();
  if (format === 'unixTimestamp') return String(d.getTime() / 1000);
  return d.toISOString();
}

export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  return new Date(String(value));
}

export function toEpochSeconds(value: unknown): number {
  return toDate(value).getTime() / 1000;
}
