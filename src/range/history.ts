/** A CloudTrail record, in the shape CloudTrail delivers and LookupEvents returns as CloudTrailEvent. */
export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: Record<string, unknown>;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: Array<{ accountId?: string; type: string; ARN: string }>;
  eventType: string;
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: string;
  [key: string]: unknown;
}

export interface StoredEvent {
  seq: number;
  accountId: string;
  region: string;
  time: number;
  username: string;
  accessKeyId: string;
  resources: Array<{ ResourceType: string; ResourceName: string }>;
  record: CloudTrailRecord;
}

export type LookupAttributeKey =
  | 'EventId'
  | 'EventName'
  | 'ReadOnly'
  | 'Username'
  | 'ResourceType'
  | 'ResourceName'
  | 'EventSource'
  | 'AccessKeyId';

interface Partition {
  all: number[];
  byAttribute: Map<string, number[]>;
}

/** How much history the range keeps: AWS keeps 90 days of management events in Event history. */
export interface HistoryRetention {
  /** Events older than this are dropped (default 90 days). */
  maxAgeMs: number;
  /** At most this many events are kept, the newest (default 100,000: about 300 MB of heap). */
  maxEvents: number;
  /** The range clock, in ms (event times are on it). */
  now: () => number;
}

export const DEFAULT_RETENTION_DAYS = 90;
export const DEFAULT_RETENTION_EVENTS = 100_000;

/**
 * CloudTrail event history: management events of every account and region, indexed so that
 * LookupEvents answers from an index and a binary search, newest first, whatever the history's size.
 * Events carry a sequence number that only grows (across restarts too); those below `floor` are past
 * the retention and are dropped from memory in batches.
 */
export class EventHistory {
  /** Events by sequence number, from `base` on (a gap left by a repaired file is undefined). */
  private events: Array<StoredEvent | undefined> = [];
  private base = 0;
  private floor = 0;
  private nextSeq = 0;
  private partitions = new Map<string, Partition>();
  private retention: HistoryRetention = {
    maxAgeMs: DEFAULT_RETENTION_DAYS * 86_400_000,
    maxEvents: DEFAULT_RETENTION_EVENTS,
    now: () => Number.POSITIVE_INFINITY,
  };
  /** Events not yet handed to the journal (only kept while one is attached). */
  private unjournaled: StoredEvent[] | undefined;

  /** Events kept (within the retention). */
  get size(): number {
    return this.nextSeq - this.floor;
  }

  /** The sequence number the next event gets. */
  get sequence(): number {
    return this.nextSeq;
  }

  retain(retention: Partial<HistoryRetention>): void {
    this.retention = { ...this.retention, ...retention };
    this.expire();
  }

  /** From now on, keep new events for `takeUnjournaled` (the journal writes them before the response). */
  journal(): void {
    this.unjournaled ??= [];
  }

  takeUnjournaled(): StoredEvent[] {
    const out = this.unjournaled ?? [];
    if (this.unjournaled) this.unjournaled = [];
    return out;
  }

  add(event: Omit<StoredEvent, 'seq'>): StoredEvent {
    const stored: StoredEvent = { ...event, seq: this.nextSeq };
    this.index(stored);
    this.unjournaled?.push(stored);
    this.expire();
    return stored;
  }

  /** Put back an event read from disk, with its sequence number (greater than any before it). */
  restore(event: StoredEvent): void {
    if (event.seq < this.nextSeq) return;
    if (this.events.length === 0) {
      this.base = event.seq;
      this.floor = event.seq;
      this.nextSeq = event.seq;
    }
    this.index(event);
    this.expire();
  }

  /** Numbering continues from here (a state whose newest events were dropped by the retention). */
  continueFrom(seq: number): void {
    if (seq <= this.nextSeq) return;
    if (this.events.length === 0) this.base = this.floor = seq;
    this.nextSeq = seq;
  }

  private index(stored: StoredEvent): void {
    while (this.base + this.events.length < stored.seq) this.events.push(undefined);
    this.events.push(stored);
    this.nextSeq = stored.seq + 1;
    const key = `${stored.accountId}/${stored.region}`;
    let p = this.partitions.get(key);
    if (!p) {
      p = { all: [], byAttribute: new Map() };
      this.partitions.set(key, p);
    }
    p.all.push(stored.seq);
    const r = stored.record;
    const attrs: Array<[LookupAttributeKey, string]> = [
      ['EventId', r.eventID],
      ['EventName', r.eventName],
      ['ReadOnly', String(r.readOnly)],
      ['Username', stored.username],
      ['EventSource', r.eventSource],
      ['AccessKeyId', stored.accessKeyId],
    ];
    for (const res of stored.resources) {
      attrs.push(['ResourceType', res.ResourceType], ['ResourceName', res.ResourceName]);
    }
    for (const [k, v] of attrs) {
      if (!v) continue;
      const idx = `${k}\u0000${v}`;
      let list = p.byAttribute.get(idx);
      if (!list) p.byAttribute.set(idx, (list = []));
      if (list[list.length - 1] !== stored.seq) list.push(stored.seq);
    }
  }

  /** Move the floor past events beyond the retention; free their memory once enough have gone. */
  private expire(): void {
    const { maxEvents, maxAgeMs } = this.retention;
    if (this.nextSeq - this.floor > maxEvents) this.floor = this.nextSeq - maxEvents;
    const cutoff = this.retention.now() - maxAgeMs;
    while (this.floor < this.nextSeq) {
      const e = this.events[this.floor - this.base];
      if (e && e.time >= cutoff) break;
      this.floor++;
    }
    const gone = this.floor - this.base;
    if (gone > 1024 && gone * 4 > this.events.length) this.prune();
  }

  private prune(): void {
    this.events.splice(0, this.floor - this.base);
    this.base = this.floor;
    for (const [key, p] of this.partitions) {
      dropBelow(p.all, this.floor);
      if (p.all.length === 0) {
        this.partitions.delete(key);
        continue;
      }
      for (const [idx, list] of p.byAttribute) {
        dropBelow(list, this.floor);
        if (list.length === 0) p.byAttribute.delete(idx);
      }
    }
  }

  reset(): void {
    this.events = [];
    this.partitions.clear();
    this.base = this.floor = this.nextSeq;
    if (this.unjournaled) this.unjournaled = [];
  }

  /**
   * Events of one account and region, newest first, optionally matching one attribute, within
   * [start, end]; `before` continues a previous page (exclusive sequence number).
   */
  lookup(q: {
    accountId: string;
    region: string;
    attribute?: { key: LookupAttributeKey; value: string };
    start?: number;
    end?: number;
    before?: number;
    limit: number;
  }): { events: StoredEvent[]; more: boolean } {
    const p = this.partitions.get(`${q.accountId}/${q.region}`);
    if (!p) return { events: [], more: false };
    const seqs = q.attribute ? p.byAttribute.get(`${q.attribute.key}\u0000${q.attribute.value}`) : p.all;
    if (!seqs || seqs.length === 0) return { events: [], more: false };
    // Sequence numbers grow with time: find the newest position at or before `end` and `before`.
    let hi = seqs.length - 1;
    if (q.before !== undefined) hi = Math.min(hi, upperBound(seqs, (s) => s < (q.before as number)) - 1);
    if (q.end !== undefined)
      hi = Math.min(hi, upperBound(seqs, (s) => this.at(s).time <= (q.end as number)) - 1);
    const out: StoredEvent[] = [];
    let i = hi;
    for (; i >= 0 && out.length < q.limit; i--) {
      const seq = seqs[i] as number;
      if (seq < this.floor) {
        i = -1;
        break;
      }
      const e = this.at(seq);
      if (q.start !== undefined && e.time < q.start) {
        i = -1;
        break;
      }
      out.push(e);
    }
    const more =
      i >= 0 &&
      (seqs[i] as number) >= this.floor &&
      (q.start === undefined || this.at(seqs[i] as number).time >= q.start);
    return { events: out, more };
  }

  private at(seq: number): StoredEvent {
    return this.events[seq - this.base] as StoredEvent;
  }

  /** Every event kept, in order (for tests, for trails that replay, and for the history file). */
  *entries(): IterableIterator<StoredEvent> {
    for (let i = this.floor - this.base; i < this.events.length; i++) {
      const e = this.events[i];
      if (e) yield e;
    }
  }
}

/** Remove the leading sequence numbers below `floor` from an ascending list. */
function dropBelow(list: number[], floor: number): void {
  const n = upperBound(list, (s) => s < floor);
  if (n > 0) list.splice(0, n);
}

/** Number of leading elements for which `pred` holds (pred must be monotone: true…true false…false). */
function upperBound(arr: number[], pred: (v: number) => boolean): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(arr[mid] as number)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
