/**
 * CloudTrail for one exercise: one LookupEvents window per account and region, read forward with a
 * cursor (from the exercise start, then from the newest event seen, or the last read's start when
 * that is later, minus an overlap for late deliveries), deduplicated by event id and kept in memory. `cloudtrailEvent` probes and attribution
 * both match against this buffer.
 */
import type { Evidence } from '../controller/model.js';
import { allPages, ReadError, type Reader } from './reader.js';

export interface TrailEvent {
  eventId: string;
  eventName: string;
  eventSource: string;
  /** Epoch ms of eventTime. */
  time: number;
  readOnly: boolean;
  identityType?: string;
  /** userIdentity.arn, or the service that acted (invokedBy) when there is no ARN. */
  actor?: string;
  userArn?: string;
  userAgent?: string;
  /** sourceIPAddress: where the call came from (an IP address, or the AWS service that acted). */
  sourceIp?: string;
  errorCode?: string;
  requestParameters: unknown;
  /** Resource names and ARNs the event lists. */
  resources: string[];
  /** Order of arrival among events with the same time (later is newer). */
  seq: number;
}

export interface TrailWindowOptions {
  startedAt: Date;
  /** How far behind the last read the next one starts: AWS delivers events late and out of order. */
  overlapMs: number;
  /** Read-only events carrying this in their user agent are the probes' own reads and are not kept. */
  ownUserAgent?: string;
}

const MAX_PAGES = 200;

export class TrailWindow {
  private readonly buffer = new Map<string, TrailEvent>();
  private readonly start: number;
  private cursor: number;
  private newest = 0;
  /** Bumped when read events join the window: a read begun before must not move the cursor. */
  private generation = 0;
  private includeReadOnly = false;
  private seq = 0;
  private started = 0;
  private completed = 0;
  private tickEpoch = 0;
  private inflight?: { epoch: number; promise: Promise<void> };
  private queued?: Promise<void>;

  constructor(
    private readonly reader: Reader,
    private readonly opts: TrailWindowOptions,
  ) {
    // CloudTrail times have whole seconds.
    this.start = Math.floor(opts.startedAt.getTime() / 1000) * 1000;
    this.cursor = this.start;
  }

  beginTick(): void {
    this.tickEpoch = this.started;
  }

  /**
   * The events since the exercise started, from a read that began in this tick (`tick`) or after this
   * call (`now`: attribution needs a read made after the state read that saw the change).
   */
  async events(fresh: 'tick' | 'now', includeReadOnly = false): Promise<TrailEvent[]> {
    let want = fresh === 'now' ? this.started + 1 : this.tickEpoch + 1;
    if (includeReadOnly && !this.includeReadOnly) {
      // Read events were not fetched so far: read everything again from the exercise start.
      this.includeReadOnly = true;
      this.generation++;
      this.cursor = this.start;
      want = this.started + 1;
    }
    await this.refreshFrom(want);
    return [...this.buffer.values()].filter((e) => includeReadOnly || !e.readOnly);
  }

  private refreshFrom(want: number): Promise<void> {
    if (this.completed >= want) return Promise.resolve();
    if (this.inflight && this.inflight.epoch >= want) return this.inflight.promise;
    // One refresh queued behind the one in flight serves everyone who asked meanwhile.
    this.queued ??= (this.inflight?.promise ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.refresh();
      });
    return this.queued;
  }

  private refresh(): Promise<void> {
    const epoch = ++this.started;
    const promise = this.read().then(() => {
      this.completed = Math.max(this.completed, epoch);
    });
    this.inflight = { epoch, promise };
    promise
      .finally(() => {
        if (this.inflight?.epoch === epoch) this.inflight = undefined;
      })
      .catch(() => undefined);
    return promise;
  }

  private async read(): Promise<void> {
    const readAt = this.reader.clock.now();
    const generation = this.generation;
    const input: Record<string, unknown> = { StartTime: new Date(this.cursor), MaxResults: 50 };
    if (!this.includeReadOnly)
      input.LookupAttributes = [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }];
    const pages = await allPages(this.reader, 'cloudtrail:LookupEvents', input, undefined, MAX_PAGES);
    if (pages.length === MAX_PAGES && pages.at(-1)?.NextToken) {
      throw new ReadError(
        'cloudtrail:LookupEvents',
        `more than ${MAX_PAGES} pages of CloudTrail events in one read`,
      );
    }
    // Pages come newest first; number the new ones oldest first so ties in time keep their order.
    const raw = pages
      .flatMap((p) => (p.Events as Array<Record<string, unknown>> | undefined) ?? [])
      .reverse();
    for (const item of raw) {
      const e = parseEvent(item, this.seq + 1);
      if (!e || e.time < this.start) continue;
      this.newest = Math.max(this.newest, e.time);
      if (this.buffer.has(e.eventId)) continue;
      if (e.readOnly && this.opts.ownUserAgent && e.userAgent?.includes(this.opts.ownUserAgent)) continue;
      this.seq++;
      this.buffer.set(e.eventId, e);
    }
    // Quiet or not, the cursor only moves forward; an event stamped ahead of our clock counts too.
    if (generation !== this.generation) return;
    this.cursor = Math.max(this.cursor, Math.max(this.newest, readAt) - this.opts.overlapMs);
  }
}

function parseEvent(item: Record<string, unknown>, seq: number): TrailEvent | undefined {
  let record: Record<string, unknown> = {};
  try {
    record = JSON.parse(String(item.CloudTrailEvent ?? '{}')) as Record<string, unknown>;
  } catch {
    // The summary fields of LookupEvents still say what happened.
  }
  const eventId = String(item.EventId ?? record.eventID ?? '');
  const when =
    item.EventTime instanceof Date ? item.EventTime.getTime() : Date.parse(String(record.eventTime));
  if (!eventId || Number.isNaN(when)) return undefined;
  const identity = (record.userIdentity ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const resources = [
    ...((item.Resources as Array<{ ResourceName?: string }> | undefined) ?? []).map((r) => r.ResourceName),
    ...((record.resources as Array<{ ARN?: string }> | undefined) ?? []).map((r) => r.ARN),
  ].filter((r): r is string => typeof r === 'string' && r !== '');
  return {
    eventId,
    eventName: String(item.EventName ?? record.eventName ?? ''),
    eventSource: String(item.EventSource ?? record.eventSource ?? ''),
    time: when,
    readOnly: String(item.ReadOnly ?? record.readOnly) === 'true',
    identityType: str(identity.type),
    userArn: str(identity.arn),
    actor: str(identity.arn) ?? str(identity.invokedBy) ?? str(identity.type),
    userAgent: str(record.userAgent),
    sourceIp: str(record.sourceIPAddress),
    errorCode: str(record.errorCode),
    requestParameters: record.requestParameters ?? null,
    resources,
    seq,
  };
}

/** Whether `value` names `name`: equal, or one is an ARN ending in the other (`...:trail/main`). */
export function sameResource(value: string, name: string): boolean {
  if (value === name) return true;
  const [arn, short] = value.startsWith('arn:')
    ? [value, name]
    : name.startsWith('arn:')
      ? [name, value]
      : [];
  if (!arn || !short || short.startsWith('arn:')) return false;
  return arn.endsWith(`/${short}`) || arn.endsWith(`:${short}`);
}

/** Whether the event refers to any of `names`: in its resources or anywhere in its request parameters. */
export function refersTo(e: TrailEvent, names: readonly string[]): boolean {
  const hit = (v: string) => names.some((n) => sameResource(v, n));
  return e.resources.some(hit) || stringLeaves(e.requestParameters, 0).some(hit);
}

function stringLeaves(value: unknown, depth: number): string[] {
  if (typeof value === 'string') return [value];
  if (depth > 8 || value === null || typeof value !== 'object') return [];
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.flatMap((v) => stringLeaves(v, depth + 1));
}

/** Newest first, ties broken by arrival. */
export function newestFirst(a: TrailEvent, b: TrailEvent): number {
  return b.time - a.time || b.seq - a.seq;
}

export function describeEvent(e: TrailEvent): string {
  const failed = e.errorCode ? ` (failed: ${e.errorCode})` : '';
  return `${e.eventName} by ${e.actor ?? 'an unknown caller'}${failed} at ${new Date(e.time).toISOString()}`;
}

/** Evidence dated and signed by a CloudTrail event. */
export function eventEvidence(e: TrailEvent, summary: string): Evidence {
  return {
    summary,
    source: 'cloudtrail',
    at: new Date(e.time).toISOString(),
    ...(e.actor ? { actor: e.actor } : {}),
    eventId: e.eventId,
    eventName: e.eventName,
    ...(e.userAgent ? { userAgent: e.userAgent } : {}),
    ...(e.sourceIp ? { sourceIp: e.sourceIp } : {}),
  };
}
