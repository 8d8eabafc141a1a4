import type { ServiceModel, Shape } from '../model/index.js';
import { parseScalar } from './values.js';
import { record } from '../records.js';

/**
 * Reads structured input from the flat `Name.member.1.Key=value` parameters of the query protocol
 * and the `Name.1.Key=value` parameters of the EC2 protocol.
 */
export type FormStyle = 'query' | 'ec2';

export class FormParams {
  readonly values = new Map<string, string>();
  private readonly prefixes = new Set<string>();

  constructor(params: URLSearchParams) {
    for (const [k, v] of params) {
      this.values.set(k, v);
      let i = k.indexOf('.');
      while (i !== -1) {
        this.prefixes.add(k.slice(0, i));
        i = k.indexOf('.', i + 1);
      }
      this.prefixes.add(k);
    }
  }

  has(prefix: string): boolean {
    return this.prefixes.has(prefix);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }
}

function ucfirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function formMemberName(style: FormStyle, name: string, member: Shape): string {
  if (style === 'ec2') return member.queryName ?? (member.locationName ? ucfirst(member.locationName) : name);
  return member.locationName ?? name;
}

export function readForm(
  model: ServiceModel,
  shape: Shape,
  params: FormParams,
  prefix: string,
  style: FormStyle,
): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, member] of model.members(shape)) {
        const key = formMemberName(style, name, member);
        const full = prefix ? `${prefix}.${key}` : key;
        if (!params.has(full)) continue;
        const v = readForm(model, member, params, full, style);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'list': {
      const member = model.listMember(shape);
      const flat = style === 'ec2' || shape.flattened === true;
      const itemPrefix = flat ? prefix : `${prefix}.${member.locationName ?? 'member'}`;
      const items: unknown[] = [];
      for (let i = 1; params.has(`${itemPrefix}.${i}`); i++) {
        items.push(readForm(model, member, params, `${itemPrefix}.${i}`, style));
      }
      // An empty list travels as `Name=` in the query protocol.
      if (items.length === 0 && params.get(prefix) === '') return [];
      return items;
    }
    case 'map': {
      const keyName = model.mapKey(shape).locationName ?? 'key';
      const valueShape = model.mapValue(shape);
      const valueName = valueShape.locationName ?? 'value';
      const entryPrefix = shape.flattened || style === 'ec2' ? prefix : `${prefix}.entry`;
      const out: Record<string, unknown> = record(); // map keys are the client's
      for (let i = 1; params.has(`${entryPrefix}.${i}`); i++) {
        const k = params.get(`${entryPrefix}.${i}.${keyName}`);
        if (k === undefined) continue;
        out[k] = readForm(model, valueShape, params, `${entryPrefix}.${i}.${valueName}`, style);
      }
      return out;
    }
    default: {
      const text = params.get(prefix);
      return text === undefined ? undefined : parseScalar(shape, text, prefix);
    }
  }
}
