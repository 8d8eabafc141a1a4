/**
 * The fields of one log event as Logs Insights sees them ("Supported logs and discovered fields"):
 * the system fields `@message`, `@timestamp`, `@ingestionTime`, `@logStream`, `@log`, and the fields
 * of a JSON message, nested names joined with dots and array items by index
 * (`requestParameters.instancesSet.items.0.instanceId`). A discovered name that starts with `@` gets
 * another `@` in front.
 */
import type { Value } from './functions.js';

/** "You can only parse JSON log events that include no more than 200 log event fields." */
export const MAX_DISCOVERED_FIELDS = 200;

export interface ScannedEvent {
  accountId: string;
  logGroupName: string;
  logStreamName: string;
  timestamp: number;
  ingestionTime: number;
  message: string;
  seq: number;
}

export const SYSTEM_FIELDS = ['@timestamp', '@message', '@logStream', '@log', '@ingestionTime'] as const;

/** Fields that hold a time: shown as `yyyy-MM-dd HH:mm:ss.SSS` in results. */
export const TIME_FIELDS: ReadonlySet<string> = new Set(['@timestamp', '@ingestionTime']);

export function systemField(e: ScannedEvent, name: string): Value {
  switch (name) {
    case '@timestamp':
      return e.timestamp;
    case '@ingestionTime':
      return e.ingestionTime;
    case '@message':
      return e.message;
    case '@logStream':
      return e.logStreamName;
    case '@log':
      return `${e.accountId}:${e.logGroupName}`;
    default:
      return undefined;
  }
}

/** The JSON fields of a message, or an empty map when it is not a JSON object. */
export function discoverFields(message: string): Map<string, Value> {
  const out = new Map<string, Value>();
  const trimmed = message.trimStart();
  if (!trimmed.startsWith('{')) return out;
  let doc: unknown;
  try {
    doc = JSON.parse(message);
  } catch {
    return out;
  }
  const visit = (v: unknown, path: string): void => {
    if (out.size >= MAX_DISCOVERED_FIELDS) return;
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${path}.${i}`));
      return;
    }
    if (typeof v === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>))
        visit(child, path ? `${path}.${k}` : k);
      return;
    }
    const name = path.startsWith('@') ? `@${path}` : path;
    if (typeof v === 'string' || typeof v === 'number') out.set(name, v);
    else if (typeof v === 'boolean') out.set(name, v ? 1 : 0);
  };
  visit(doc, '');
  return out;
}

/** A message parsed once: its JSON object, or null when it is not one. */
export function parseMessage(message: string): Record<string, unknown> | null {
  if (!message.trimStart().startsWith('{')) return null;
  try {
    const doc = JSON.parse(message) as unknown;
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc)
      ? (doc as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * The value of a discovered field in a parsed message: the dotted name walked through objects and
 * array indexes (a key that itself holds dots is found too), as the flattened field would hold it.
 */
export function jsonField(doc: Record<string, unknown> | null, name: string): Value {
  if (!doc) return undefined;
  let path = name;
  if (path.startsWith('@@')) path = path.slice(1);
  else if (path.startsWith('@')) return undefined;
  return walk(doc, path.split('.'), 0);
}

function walk(node: unknown, parts: string[], i: number): Value {
  if (i === parts.length) {
    if (typeof node === 'string' || typeof node === 'number') return node;
    if (typeof node === 'boolean') return node ? 1 : 0;
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  for (let j = i + 1; j <= parts.length; j++) {
    const key = parts.slice(i, j).join('.');
    if (!Object.hasOwn(node, key)) continue;
    const found = walk((node as Record<string, unknown>)[key], parts, j);
    if (found !== undefined) return found;
  }
  return undefined;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2019-06-26 18:14:37.000`, the form GetQueryResults gives times in (UTC). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}
