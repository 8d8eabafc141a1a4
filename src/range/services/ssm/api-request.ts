import { loadModel, type ServiceModel, type Shape } from '../../model/index.js';

/**
 * The request an Automation API step sends, checked against the service model before it is sent, as
 * the SDK Automation uses checks it: a member the operation does not have, or a value of the wrong
 * kind (a string where a list belongs), fails the step with "Parameter validation failed". Scalars
 * are read leniently: 22 and "22", true and "true" are both accepted where the model wants either.
 */

export class InvalidRequest extends Error {}

const kind = (v: unknown): string =>
  Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v === 'object' ? 'map' : typeof v;

function bad(path: string, value: unknown, want: string): InvalidRequest {
  return new InvalidRequest(
    `Invalid type for parameter ${path}, value: ${JSON.stringify(value)}, type: ${kind(value)}, valid types: ${want}`,
  );
}

function shaped(model: ServiceModel, shape: Shape, value: unknown, path: string): unknown {
  switch (shape.type) {
    case 'structure': {
      if (kind(value) !== 'map') throw bad(path, value, 'map');
      const out: Record<string, unknown> = {};
      const names = model.members(shape).map(([n]) => n);
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        const member = model.member(shape, name);
        if (!member) {
          throw new InvalidRequest(
            `Unknown parameter in ${path || 'input'}: "${name}", must be one of: ${names.join(', ')}`,
          );
        }
        out[name] = shaped(model, member, v, path ? `${path}.${name}` : name);
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) throw bad(path, value, 'list');
      const item = model.listMember(shape);
      return value.map((v, i) => shaped(model, item, v, `${path}[${i}]`));
    }
    case 'map': {
      if (kind(value) !== 'map') throw bad(path, value, 'map');
      const valueShape = model.mapValue(shape);
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          shaped(model, valueShape, v, `${path}.${k}`),
        ]),
      );
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      const n =
        typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
      if (Number.isNaN(n)) throw bad(path, value, 'number');
      return n;
    }
    case 'boolean':
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      throw bad(path, value, 'boolean');
    case 'timestamp': {
      const t =
        value instanceof Date ? value : new Date(typeof value === 'number' ? value * 1000 : String(value));
      if (Number.isNaN(t.getTime())) throw bad(path, value, 'timestamp');
      return t;
    }
    case 'blob':
      if (typeof value !== 'string') throw bad(path, value, 'string');
      return Buffer.from(value);
    default:
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw bad(path, value, 'string');
  }
}

/** The request for `service:operation`, typed by its model; throws InvalidRequest as the SDK would. */
export function apiRequest(
  service: string,
  operation: string,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const model = loadModel(service);
  const op = model.operation(operation);
  if (!op) throw new InvalidRequest(`${operation} is not an operation of ${model.metadata.serviceId}.`);
  const shape = op.input;
  if (!shape) {
    if (Object.keys(input).length) throw new InvalidRequest(`${operation} takes no parameters.`);
    return {};
  }
  return shaped(model, shape, input, '') as Record<string, unknown>;
}
