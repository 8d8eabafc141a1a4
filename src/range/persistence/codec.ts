/**
 * How range state is written to disk and read back: plain data (objects, arrays, strings, numbers,
 * booleans, `Date`, `Buffer`, and `Map`/`Set` for completeness) as JSON, with tagged objects for the
 * values JSON cannot carry. Every object read back has a null prototype, so a client-chosen name such
 * as `__proto__` or `constructor` stays a plain key.
 */

type Tagged = '$date' | '$b64' | '$map' | '$set' | '$obj';
const TAGS = new Set<string>(['$date', '$b64', '$map', '$set', '$obj']);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A plain record of the state (not an array, Date, Buffer, Map or Set). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    !ArrayBuffer.isView(v) &&
    !(v instanceof Map) &&
    !(v instanceof Set)
  );
}

export function emptyRecord<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function tagged(tag: Tagged, value: Json): Json {
  const out = emptyRecord<Json>();
  out[tag] = value;
  return out;
}

/** The JSON form of a state value. `undefined` members are left out, as JSON.stringify does. */
export function encode(v: unknown): Json {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'bigint':
      return v.toString();
    case 'object':
      break;
    default:
      return null;
  }
  if (Array.isArray(v)) return v.map(encode);
  if (v instanceof Date) return tagged('$date', Number.isNaN(v.getTime()) ? null : v.toISOString());
  if (ArrayBuffer.isView(v)) {
    return tagged('$b64', Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
  }
  if (v instanceof Map)
    return tagged(
      '$map',
      [...v].map(([k, x]) => [encode(k), encode(x)]),
    );
  if (v instanceof Set) return tagged('$set', [...v].map(encode));
  const out = emptyRecord<Json>();
  let count = 0;
  let only = '';
  for (const key of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[key];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    out[key] = encode(x);
    count++;
    only = key;
  }
  // A record whose one key looks like a tag is wrapped, so that it does not read back as a Date or bytes.
  return count === 1 && TAGS.has(only) ? tagged('$obj', out) : out;
}

/** The value a JSON form stands for; objects come back with a null prototype. */
export function decode(j: unknown): unknown {
  if (j === null || typeof j !== 'object') return j;
  if (Array.isArray(j)) return j.map(decode);
  const o = j as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const x = o[key];
    if (key === '$date' && (typeof x === 'string' || x === null)) return new Date(x ?? Number.NaN);
    if (key === '$b64' && typeof x === 'string') return Buffer.from(x, 'base64');
    if (key === '$map' && Array.isArray(x)) {
      return new Map((x as unknown[]).map((pair) => (pair as unknown[]).map(decode) as [unknown, unknown]));
    }
    if (key === '$set' && Array.isArray(x)) return new Set((x as unknown[]).map(decode));
    if (key === '$obj' && x !== null && typeof x === 'object' && !Array.isArray(x)) {
      return decodeMembers(x as Record<string, unknown>);
    }
  }
  return decodeMembers(o);
}

function decodeMembers(o: Record<string, unknown>): Record<string, unknown> {
  const out = emptyRecord();
  // JSON.parse keeps `__proto__` as an own key; assigning it on a null-prototype object keeps it as data.
  for (const key of Object.keys(o)) out[key] = decode(o[key]);
  return out;
}

/** A copy that shares nothing mutable with the original (Buffers are shared: state never edits bytes in place). */
export function clone<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (ArrayBuffer.isView(v)) return v;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, clone(x)])) as T;
  if (v instanceof Set) return new Set([...v].map(clone)) as T;
  const out = emptyRecord();
  for (const key of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[key];
    if (x !== undefined) out[key] = clone(x);
  }
  return out as T;
}

/** Structural equality of two state values, as their JSON forms would compare. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Date) return b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (ArrayBuffer.isView(a)) {
    return (
      ArrayBuffer.isView(b) &&
      Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
        Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      )
    );
  }
  if (a instanceof Map || a instanceof Set || b instanceof Map || b instanceof Set) {
    return JSON.stringify(encode(a)) === JSON.stringify(encode(b));
  }
  if (!isRecord(b)) return false;
  const ra = a as Record<string, unknown>;
  let count = 0;
  for (const key of Object.keys(ra)) {
    if (ra[key] === undefined) continue;
    count++;
    if (!Object.hasOwn(b, key) || !same(ra[key], b[key])) return false;
  }
  for (const key of Object.keys(b)) if (b[key] !== undefined) count--;
  return count === 0;
}
