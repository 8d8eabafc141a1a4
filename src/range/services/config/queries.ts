import type {
  BaseConfigurationItem,
  BatchGetResourceConfigRequest,
  BatchGetResourceConfigResponse,
  ConfigurationItem,
  GetDiscoveredResourceCountsRequest,
  GetDiscoveredResourceCountsResponse,
  GetResourceConfigHistoryRequest,
  GetResourceConfigHistoryResponse,
  ListDiscoveredResourcesRequest,
  ListDiscoveredResourcesResponse,
} from '@aws-sdk/client-config-service';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import { resourcesOf } from './history.js';
import { recorderOf } from './recorder.js';
import {
  configState,
  resourceKey,
  type ConfigState,
  type StoredConfigurationItem,
  type StoredResourceHistory,
} from './store.js';

// What AWS Config answers about the resources it recorded: which exist (ListDiscoveredResources), how each
// changed (GetResourceConfigHistory) and how each is now (BatchGetResourceConfig).

const invalidToken = () => new ServiceError('InvalidNextTokenException', 'The nextToken provided is invalid');

/** Resource types are `AWS::<Service>::<Type>` (or a third-party `<Org>::<Service>::<Type>`). */
function checkType(type: string, member = 'resourceType'): void {
  if (!/^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(type)) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${type}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set`,
    );
  }
}

function checkLimit(limit: number | undefined, max: number): number | undefined {
  if (limit === undefined || limit === 0) return undefined;
  if (limit < 0 || limit > max) {
    throw new ServiceError(
      'InvalidLimitException',
      `Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
  return limit;
}

/** The history APIs need a recorder (they answer NoAvailableConfigurationRecorderException without one). */
function recordedState(ctx: CallContext): ConfigState {
  const s = ctx.state(configState);
  if (!recorderOf(s)) {
    throw new ServiceError(
      'NoAvailableConfigurationRecorderException',
      'There are no configuration recorders available to provide the configuration history.',
    );
  }
  return s;
}

export function listDiscoveredResources(
  ctx: CallContext,
  input: ListDiscoveredResourcesRequest,
): ListDiscoveredResourcesResponse {
  const type = input.resourceType ?? '';
  checkType(type);
  const limit = checkLimit(input.limit, 100);
  const ids = input.resourceIds ?? [];
  if (ids.length > 20) {
    throw new ServiceError(
      'ValidationException',
      "1 validation error detected: Value at 'resourceIds' failed to satisfy constraint: Member must have length less than or equal to 20",
    );
  }
  if (ids.length && input.resourceName !== undefined) {
    throw new ServiceError(
      'ValidationException',
      'You cannot specify both resource IDs and a resource name. Specify either resourceIds or resourceName.',
    );
  }
  const s = recordedState(ctx);
  const rows = Object.values(resourcesOf(s))
    .filter((h) => h.resourceType === type)
    .filter((h) => input.includeDeletedResources === true || !h.deletedAt)
    .filter((h) => !ids.length || ids.includes(h.resourceId))
    .filter((h) => input.resourceName === undefined || h.resourceName === input.resourceName)
    .sort((a, b) => a.resourceId.localeCompare(b.resourceId))
    .map((h) => ({
      resourceType: h.resourceType as never,
      resourceId: h.resourceId,
      resourceName: h.resourceName,
      resourceDeletionTime: h.deletedAt,
    }));
  const { page, nextToken } = paginate(rows, {
    token: input.nextToken,
    max: limit,
    defaultMax: 100,
    query: [type, ids, input.resourceName, input.includeDeletedResources === true],
    invalidToken,
  });
  return { resourceIdentifiers: page, nextToken };
}

/** How many resources of each type the recorder knows (deleted ones excluded), most numerous first. */
export function getDiscoveredResourceCounts(
  ctx: CallContext,
  input: GetDiscoveredResourceCountsRequest,
): GetDiscoveredResourceCountsResponse {
  const types = input.resourceTypes ?? [];
  for (const t of types) checkType(t, 'resourceTypes');
  const limit = checkLimit(input.limit, 100);
  const counts = new Map<string, number>();
  for (const h of Object.values(resourcesOf(ctx.state(configState)))) {
    if (h.deletedAt || (types.length && !types.includes(h.resourceType))) continue;
    counts.set(h.resourceType, (counts.get(h.resourceType) ?? 0) + 1);
  }
  const rows = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([resourceType, count]) => ({ resourceType: resourceType as never, count }));
  const { page, nextToken } = paginate(rows, {
    token: input.nextToken,
    max: limit,
    defaultMax: 100,
    query: [types],
    invalidToken,
  });
  return {
    totalDiscoveredResources: rows.reduce((n, r) => n + r.count, 0),
    resourceCounts: page,
    nextToken,
  };
}

function itemView(
  ctx: CallContext,
  h: StoredResourceHistory,
  item: StoredConfigurationItem,
): ConfigurationItem & BaseConfigurationItem {
  return {
    version: '1.3',
    accountId: ctx.accountId,
    configurationItemCaptureTime: item.captureTime,
    configurationItemStatus: item.status,
    configurationStateId: item.stateId,
    configurationItemMD5Hash: item.md5,
    arn: item.arn,
    resourceType: h.resourceType as never,
    resourceId: h.resourceId,
    resourceName: item.resourceName,
    awsRegion: ctx.region,
    availabilityZone: 'Not Applicable',
    resourceCreationTime: item.creationTime,
    tags: item.tags,
    relatedEvents: item.relatedEvents,
    relationships: item.relationships as ConfigurationItem['relationships'],
    configuration: item.configuration,
    supplementaryConfiguration: item.supplementary,
    recordingFrequency: 'CONTINUOUS',
    configurationItemDeliveryTime: item.captureTime,
  };
}

function notDiscovered(type: string, id: string): ServiceError {
  return new ServiceError(
    'ResourceNotDiscoveredException',
    `Resource ${id} of resourceType:${type} is unknown or has not been discovered`,
  );
}

export function getResourceConfigHistory(
  ctx: CallContext,
  input: GetResourceConfigHistoryRequest,
): GetResourceConfigHistoryResponse {
  const type = input.resourceType ?? '';
  const id = input.resourceId ?? '';
  checkType(type);
  const limit = checkLimit(input.limit, 100);
  const later = input.laterTime ?? ctx.now;
  const earlier = input.earlierTime;
  if (earlier && earlier.getTime() > later.getTime()) {
    throw new ServiceError(
      'InvalidTimeRangeException',
      'The earlierTime must be chronologically before the laterTime.',
    );
  }
  if (input.chronologicalOrder !== undefined && !['Reverse', 'Forward'].includes(input.chronologicalOrder)) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(input.chronologicalOrder)}' at 'chronologicalOrder' failed to satisfy constraint: Member must satisfy enum value set: [Reverse, Forward]`,
    );
  }
  const s = recordedState(ctx);
  const h = resourcesOf(s)[resourceKey(type, id)];
  if (!h) throw notDiscovered(type, id);
  const items = h.items.filter(
    (i) =>
      i.captureTime.getTime() <= later.getTime() &&
      (!earlier || i.captureTime.getTime() >= earlier.getTime()),
  );
  if (input.chronologicalOrder !== 'Forward') items.reverse();
  const { page, nextToken } = paginate(items, {
    token: input.nextToken,
    max: limit,
    defaultMax: 10,
    query: [type, id, later.getTime(), earlier?.getTime(), input.chronologicalOrder],
    invalidToken,
  });
  return { configurationItems: page.map((i) => itemView(ctx, h, i)), nextToken };
}

/** Each resource's current item; deleted and undiscovered resources are left out, as in AWS. */
export function batchGetResourceConfig(
  ctx: CallContext,
  input: BatchGetResourceConfigRequest,
): BatchGetResourceConfigResponse {
  const keys = input.resourceKeys ?? [];
  if (!keys.length || keys.length > 100) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value at 'resourceKeys' failed to satisfy constraint: Member must have length ${keys.length ? 'less than or equal to 100' : 'greater than or equal to 1'}`,
    );
  }
  for (const k of keys) checkType(k.resourceType ?? '', 'resourceKeys.member.resourceType');
  const s = recordedState(ctx);
  const resources = resourcesOf(s);
  const items: BaseConfigurationItem[] = [];
  for (const k of keys) {
    const h = resources[resourceKey(k.resourceType ?? '', k.resourceId ?? '')];
    const last = h?.items.at(-1);
    if (!h || !last || h.deletedAt) continue;
    const {
      relatedEvents: _events,
      relationships: _rels,
      tags: _tags,
      configurationItemMD5Hash: _md5,
      ...base
    } = itemView(ctx, h, last);
    items.push(base);
  }
  return { baseConfigurationItems: items, unprocessedResourceKeys: [] };
}
