import { createHash } from 'node:crypto';
import type { CallContext } from '../../context.js';
import type { CloudTrailRecord } from '../../history.js';
import { record as plainRecord } from '../../records.js';
import { readerFor } from './evaluate.js';
import type { ConfigWhere } from './principal.js';
import { recordedTypes, type RecordedType } from './resource-types.js';
import {
  configState,
  resourceKey,
  type ConfigState,
  type StoredRecorder,
  type StoredResourceHistory,
} from './store.js';

/**
 * The configuration history AWS Config keeps: while a recorder records, a change to a resource of a type
 * its recording group selects (seen as a successful, non-read-only CloudTrail event) produces a
 * configuration item with the resource as it is after the change; starting the recorder discovers what
 * exists. Only changes recorded this way are in the history: nothing while the recorder is stopped.
 */

/** Items kept per resource: the oldest are dropped beyond this (AWS keeps seven years; the range is bounded). */
export const HISTORY_LIMIT = 100;

export function resourcesOf(s: ConfigState): Record<string, StoredResourceHistory> {
  s.resources ??= plainRecord();
  return s.resources;
}

interface RecordingGroupView {
  allSupported?: boolean;
  includeGlobalResourceTypes?: boolean;
  resourceTypes?: string[];
  exclusionByResourceTypes?: { resourceTypes?: string[] };
  recordingStrategy?: { useOnly?: string };
}

/**
 * Whether a recorder's RecordingGroup selects a type (developer guide, "Selecting which resources AWS
 * Config records"): every supported type by default, global (IAM) types only with
 * includeGlobalResourceTypes, or the types listed or not excluded.
 */
export function selects(recorder: StoredRecorder, type: RecordedType): boolean {
  const group = (recorder.recordingGroup ?? {}) as RecordingGroupView;
  const listed = group.resourceTypes ?? [];
  const strategy = group.recordingStrategy?.useOnly;
  if (strategy === 'EXCLUSION_BY_RESOURCE_TYPES')
    return !(group.exclusionByResourceTypes?.resourceTypes ?? []).includes(type.type);
  if (strategy === 'INCLUSION_BY_RESOURCE_TYPES' || (group.allSupported === false && listed.length))
    return listed.includes(type.type);
  if (group.allSupported === false) return false;
  return !type.global || group.includeGlobalResourceTypes === true;
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function findHistory(
  resources: Record<string, StoredResourceHistory>,
  type: RecordedType,
  ref: string,
): StoredResourceHistory | undefined {
  const direct = resources[resourceKey(type.type, ref)];
  if (direct) return direct;
  // IAM users are read by name but kept by id.
  return Object.values(resources).find(
    (h) => h.resourceType === type.type && h.resourceName === ref && !h.deletedAt,
  );
}

/** Record the resource as it is now, if it changed since its last item. */
async function capture(
  ctx: CallContext,
  where: ConfigWhere,
  type: RecordedType,
  ref: string,
  eventId: string | undefined,
): Promise<void> {
  const snapshot = await type.read(readerFor(ctx, where), ref);
  const resources = resourcesOf(ctx.state(configState, where));
  const now = ctx.clock.now();
  const relatedEvents = eventId ? [eventId] : [];
  if (!snapshot) {
    const gone = findHistory(resources, type, ref);
    if (!gone || gone.deletedAt) return;
    gone.deletedAt = now;
    const last = gone.items.at(-1);
    append(gone, {
      captureTime: now,
      status: 'ResourceDeleted',
      stateId: String(now.getTime()),
      md5: '',
      resourceName: gone.resourceName,
      arn: last?.arn ?? '',
      supplementary: plainRecord(),
      tags: plainRecord(),
      relationships: [],
      relatedEvents,
    });
    return;
  }
  const configuration = JSON.stringify(snapshot.configuration);
  const supplementary: Record<string, string> = plainRecord();
  for (const [k, v] of Object.entries(snapshot.supplementaryConfiguration ?? {}))
    supplementary[k] = JSON.stringify(v);
  const tags = snapshot.tags ?? plainRecord();
  const relationships = snapshot.relationships ?? [];
  const hash = md5(JSON.stringify([configuration, supplementary, tags, relationships]));
  const key = resourceKey(type.type, snapshot.resourceId);
  let history = resources[key];
  const last = history?.items.at(-1);
  if (history && !history.deletedAt && last?.md5 === hash) return;
  const status = history && !history.deletedAt ? 'OK' : 'ResourceDiscovered';
  if (!history) {
    history = { resourceType: type.type, resourceId: snapshot.resourceId, items: [] };
    resources[key] = history;
  }
  history.resourceName = snapshot.resourceName;
  delete history.deletedAt;
  append(history, {
    captureTime: now,
    status,
    stateId: String(now.getTime()),
    md5: hash,
    resourceName: snapshot.resourceName,
    arn: snapshot.arn,
    configuration,
    supplementary,
    tags,
    creationTime: snapshot.creationTime,
    relationships,
    relatedEvents,
  });
}

function append(history: StoredResourceHistory, item: StoredResourceHistory['items'][number]): void {
  history.items.push(item);
  if (history.items.length > HISTORY_LIMIT) history.items.splice(0, history.items.length - HISTORY_LIMIT);
}

function recordingRecorder(s: ConfigState): StoredRecorder | undefined {
  return Object.values(s.recorders).find((r) => r.recording);
}

/** A recorded CloudTrail event: capture the resources it changed, in every recording slot it concerns. */
export async function recordChange(ctx: CallContext, event: CloudTrailRecord): Promise<void> {
  if (event.readOnly === true || event.errorCode) return;
  const types = Object.values(recordedTypes).filter((t) => t.eventSource === event.eventSource);
  if (!types.length) return;
  for (const slot of ctx.allState(configState)) {
    const where = { accountId: slot.accountId ?? '', region: slot.region ?? '' };
    if (where.accountId !== event.recipientAccountId) continue;
    const recorder = recordingRecorder(slot.value);
    if (!recorder) continue;
    for (const type of types) {
      if (!type.global && where.region !== event.awsRegion) continue;
      if (!selects(recorder, type)) continue;
      for (const ref of new Set(type.touched(event))) await capture(ctx, where, type, ref, event.eventID);
    }
  }
}

/** When the recorder starts: discover every resource of the selected types (new or changed since). */
export async function discoverAll(ctx: CallContext, where: ConfigWhere): Promise<void> {
  const recorder = recordingRecorder(ctx.state(configState, where));
  if (!recorder) return;
  const reader = readerFor(ctx, where);
  for (const type of Object.values(recordedTypes)) {
    if (!selects(recorder, type)) continue;
    for (const ref of await type.list(reader)) await capture(ctx, where, type, ref, undefined);
  }
}
