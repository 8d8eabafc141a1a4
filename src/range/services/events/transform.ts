import type { InputTransformer } from '@aws-sdk/client-eventbridge';

/**
 * What a target receives for an event: the whole event, a constant `Input`, the part `InputPath`
 * selects, or an `InputTransformer`'s template filled from the event. Pure.
 */

/** The event as EventBridge hands it to targets (the envelope AWS documents). */
export interface BusEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export interface TargetInput {
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformer;
}

/** The rule a delivery is for, for the transformer's predefined variables. */
export interface RuleRef {
  name: string;
  arn: string;
}

// Dot notation with names of letters, digits, dashes, underscores and slashes; `[n]` array indexes.
const PATH = /^\$(\.[A-Za-z0-9_\-/]+(\[\d+\])*|\[\d+\])*$/;

export function isValidPath(path: string): boolean {
  return PATH.test(path);
}

/** The value a JSON path selects, or undefined when the event has nothing there. */
export function selectPath(event: unknown, path: string): unknown {
  let node: unknown = event;
  const steps = path.slice(1).match(/\.[^.[\]]+|\[\d+\]/g) ?? [];
  for (const step of steps) {
    if (node === null || typeof node !== 'object') return undefined;
    if (step.startsWith('[')) {
      if (!Array.isArray(node)) return undefined;
      node = node[Number(step.slice(1, -1))];
    } else {
      const key = step.slice(1);
      if (Array.isArray(node) || !Object.hasOwn(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
  }
  return node;
}

/** The payload a target receives, as text. */
export function targetPayload(target: TargetInput, event: BusEvent, rule: RuleRef, ingested: Date): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) {
    const v = selectPath(event, target.InputPath);
    return v === undefined ? 'null' : JSON.stringify(v);
  }
  if (target.InputTransformer) return fillTemplate(target.InputTransformer, event, rule, ingested);
  return JSON.stringify(event);
}

/**
 * Fill an InputTemplate. In a JSON template a placeholder inside a string is replaced by the value's
 * text (escaped for the string) and one outside a string by the value as JSON; in a template that is
 * not JSON (`<instance> is in state <status>`) every placeholder is replaced by the value's text.
 * A path the event lacks gives an empty text, or `null` as JSON.
 */
export function fillTemplate(
  transformer: InputTransformer,
  event: BusEvent,
  rule: RuleRef,
  ingested: Date,
): string {
  const template = transformer.InputTemplate ?? '';
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    values.set(name, selectPath(event, path));
  }
  const { detail: _detail, ...withoutDetail } = event;
  const predefined: Record<string, unknown> = {
    'aws.events.rule-arn': rule.arn,
    'aws.events.rule-name': rule.name,
    'aws.events.event.ingestion-time': ingested.toISOString(),
    'aws.events.event': withoutDetail,
    'aws.events.event.json': event,
  };
  const lookup = (name: string): { found: boolean; value: unknown } => {
    if (Object.hasOwn(predefined, name)) return { found: true, value: predefined[name] };
    if (values.has(name)) return { found: true, value: values.get(name) };
    return { found: false, value: undefined };
  };
  const json = /^\s*[{["]/.test(template);
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (c === '<') {
      const end = template.indexOf('>', i + 1);
      const name = end === -1 ? '' : template.slice(i + 1, end);
      const hit = name && !/[\s<"]/.test(name) ? lookup(name) : { found: false, value: undefined };
      if (hit.found) {
        out += render(hit.value, json && !inString, json && inString);
        i = end;
        continue;
      }
    }
    if (json) {
      if (c === '\\' && inString) {
        out += c + (template[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inString = !inString;
    }
    out += c;
  }
  return out;
}

function render(value: unknown, asJson: boolean, inString: boolean): string {
  if (asJson) return value === undefined ? 'null' : JSON.stringify(value);
  const text =
    value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return inString ? JSON.stringify(text).slice(1, -1) : text;
}
