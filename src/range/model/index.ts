import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RawModel, RawOperation, RawShape, ServiceMetadata, Shape } from './types.js';
import { has } from '../records.js';

export type { Shape, ServiceMetadata } from './types.js';

// models/ sits at the package root; this file is at <root>/{src,dist}/range/model/index.{ts,js}.
const modelsDir = new URL('../../../models/', import.meta.url);

/** A service model with shape references resolved lazily (and memoised) for the codecs. */
export class ServiceModel {
  readonly metadata: ServiceMetadata;
  private readonly raw: RawModel;
  private readonly resolved = new WeakMap<RawShape, Shape>();
  private readonly children = new WeakMap<Shape, RawShape>();

  constructor(raw: RawModel) {
    this.raw = raw;
    this.metadata = raw.metadata;
  }

  get operationNames(): string[] {
    return Object.keys(this.raw.operations);
  }

  operation(name: string): Operation | undefined {
    // Own operations only: a request may name `constructor` or `__proto__`.
    const op = has(this.raw.operations, name) ? this.raw.operations[name] : undefined;
    return op ? new Operation(this, name, op) : undefined;
  }

  /** Resolve a raw shape (a member, or an operation's input/output) to a shape with merged traits. */
  resolve(raw: RawShape): Shape {
    const hit = this.resolved.get(raw);
    if (hit) return hit;
    let target: RawShape = raw;
    const seen = new Set<string>();
    while (target.shape !== undefined) {
      if (seen.has(target.shape)) throw new Error(`shape cycle at ${target.shape}`);
      seen.add(target.shape);
      const next = this.raw.shapes[target.shape];
      if (!next) throw new Error(`unknown shape ${target.shape}`);
      target = next;
    }
    const { shape: _ref, members: _m, member: _l, key: _k, value: _v, ...memberTraits } = raw;
    const { shape: _r2, members: _m2, member: _l2, key: _k2, value: _v2, ...shapeTraits } = target;
    const shape: Shape = { ...shapeTraits, ...memberTraits, type: target.type ?? 'string' };
    this.resolved.set(raw, shape);
    this.children.set(shape, target);
    return shape;
  }

  /** Members of a structure, resolved, in model order. */
  members(shape: Shape): Array<[string, Shape]> {
    const body = this.children.get(shape);
    if (!body?.members) return [];
    return Object.entries(body.members).map(([name, m]) => [name, this.resolve(m)]);
  }

  member(shape: Shape, name: string): Shape | undefined {
    const m = this.children.get(shape)?.members?.[name];
    return m ? this.resolve(m) : undefined;
  }

  listMember(shape: Shape): Shape {
    const body = this.children.get(shape);
    return this.resolve(body?.member ?? {});
  }

  mapKey(shape: Shape): Shape {
    return this.resolve(this.children.get(shape)?.key ?? {});
  }

  mapValue(shape: Shape): Shape {
    return this.resolve(this.children.get(shape)?.value ?? {});
  }

  required(shape: Shape): string[] {
    return this.children.get(shape)?.required ?? [];
  }
}

export class Operation {
  constructor(
    readonly model: ServiceModel,
    readonly name: string,
    private readonly raw: RawOperation,
  ) {}

  get http(): { method: string; requestUri: string; responseCode?: number } {
    return {
      method: this.raw.http?.method ?? 'POST',
      requestUri: this.raw.http?.requestUri ?? '/',
      ...this.raw.http,
    };
  }

  get input(): Shape | undefined {
    return this.raw.input ? this.model.resolve(this.raw.input) : undefined;
  }

  get output(): Shape | undefined {
    return this.raw.output ? this.model.resolve(this.raw.output) : undefined;
  }
}

const cache = new Map<string, ServiceModel>();

/** Load a derived model by range service name (`ec2`, `s3`, `monitoring`, ...). */
export function loadModel(service: string): ServiceModel {
  let model = cache.get(service);
  if (!model) {
    const text = readFileSync(fileURLToPath(new URL(`${service}.json`, modelsDir)), 'utf8');
    model = new ServiceModel(JSON.parse(text) as RawModel);
    cache.set(service, model);
  }
  return model;
}
