import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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

/**
 * CloudTrail event history: management events of every account and region, indexed so that
 * LookupEvents answers from an index and a binary search, newest first, whatever the history's size.
 */
export class EventHistory {
  private events: StoredEvent[] = [];
  private partitions = new Map<string, Partition>();
  private file?: string;
  private pending: string[] = [];
  private flushTimer?: NodeJS.Timeout;

  get size(): number {
    return this.events.length;
  }

  /** Keep the history in `<dir>/cloudtrail-events.jsonl` (loaded now, appended as events arrive). */
  persistTo(dir: string): void {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'cloudtrail-events.jsonl');
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (line.trim()) this.index(JSON.parse(line) as Omit<StoredEvent, 'seq'>, false);
      }
    }
  }

  add(event: Omit<StoredEvent, 'seq'>): StoredEvent {
    return this.index(event, true);
  }

  private index(event: Omit<StoredEvent, 'seq'>, persist: boolean): StoredEvent {
    const stored: StoredEvent = { ...event, seq: this.events.length };
    this.events.push(stored);
    const key = `${event.accountId}/${event.region}`;
    let p = this.partitions.get(key);
    if (!p) {
      p = { all: [], byAttribute: new Map() };
      this.partitions.set(key, p);
    }
    p.all.push(stored.seq);
    const r = event.record;
    const attrs: Array<[LookupAttributeKey, string]> = [
      ['EventId', r.eventID],
      ['EventName', r.eventName],
      ['ReadOnly', String(r.readOnly)],
      ['Username', event.username],
      ['EventSource', r.eventSource],
      ['AccessKeyId', event.accessKeyId],
    ];
    for (const res of event.resources) {
      attrs.push(['ResourceType', res.ResourceType], ['ResourceName', res.ResourceName]);
    }
    for (const [k, v] of attrs) {
      if (!v) continue;
      const idx = `${k}\u0000${v}`;
      let list = p.byAttribute.get(idx);
      if (!list) p.byAttribute.set(idx, (list = []));
      if (list[list.length - 1] !== stored.seq) list.push(stored.seq);
    }
    if (persist && this.file) {
      this.pending.push(JSON.stringify(event));
      this.flushTimer ??= setTimeout(() => this.flush(), 50);
    }
    return stored;
  }

  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.file || this.pending.length === 0) return;
    appendFileSync(this.file, this.pending.join('\n') + '\n', { mode: 0o600 });
    this.pending = [];
  }

  reset(): void {
    this.events = [];
    this.partitions.clear();
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
      const e = this.at(seqs[i] as number);
      if (q.start !== undefined && e.time < q.start) {
        i = -1;
        break;
      }
      out.push(e);
    }
    const more = i >= 0 && (q.start === undefined || this.at(seqs[i] as number).time >= q.start);
    return { events: out, more };
  }

  private at(seq: number): StoredEvent {
    return this.events[seq] as StoredEvent;
  }

  /** Every stored event in order (for tests and for trails that replay). */
  *entries(): IterableIterator<StoredEvent> {
    yield* this.events;
  }
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
