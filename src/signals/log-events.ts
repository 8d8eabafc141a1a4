/**
 * CloudWatch Logs for one exercise: per (log group, filter pattern) a FilterLogEvents window read
 * forward with a cursor (startTime from the exercise start, then from the newest event seen, or the
 * last read's start when later, minus an overlap for late ingestion), deduplicated by event id, kept in
 * memory. Read at most once a tick.
 */
import { Absent, ReadError, type Reader } from './reader.js';

export interface LogEvent {
  eventId: string;
  /** Epoch ms the event carries. */
  timestamp: number;
  logStream?: string;
  message: string;
}

/** Pages one tick reads at most; the rest is read next tick from the saved token. */
const PAGES_PER_TICK = 20;

class LogWindow {
  readonly events = new Map<string, LogEvent>();
  cursor: number;
  newest = 0;
  /** When the read in progress (which may span ticks) began. */
  readAt?: number;
  /** A read that stopped at PAGES_PER_TICK continues here. */
  token?: string;
  missing = false;

  constructor(
    readonly group: string,
    readonly pattern: string,
    startedAt: number,
  ) {
    this.cursor = startedAt;
  }
}

export class LogWindows {
  private readonly windows = new Map<string, LogWindow>();

  constructor(
    private readonly reader: Reader,
    private readonly startedAt: Date,
    private readonly overlapMs: number,
  ) {}

  /** Matching events since the exercise started, oldest first; undefined when the group does not exist. */
  async events(group: string, pattern: string): Promise<LogEvent[] | undefined> {
    const key = `${group}\u0000${pattern}`;
    let w = this.windows.get(key);
    if (!w) {
      w = new LogWindow(group, pattern, this.startedAt.getTime());
      this.windows.set(key, w);
    }
    const window = w;
    await this.reader.once(`logs:FilterLogEvents ${key}`, () => this.read(window));
    if (window.missing) return undefined;
    // A read cut short proves nothing until it finds a match: the rest may hold one.
    if (window.token && window.events.size === 0) {
      throw new ReadError(
        'logs:FilterLogEvents',
        `${group}: more events than one tick reads; continuing next tick`,
      );
    }
    return [...window.events.values()].sort((a, b) => a.timestamp - b.timestamp);
  }

  private async read(w: LogWindow): Promise<void> {
    w.readAt ??= this.reader.clock.now();
    for (let page = 0; page < PAGES_PER_TICK; page++) {
      const out = await this.reader.callOrAbsent(
        'logs:FilterLogEvents',
        {
          logGroupName: w.group,
          filterPattern: w.pattern,
          startTime: w.cursor,
          ...(w.token ? { nextToken: w.token } : {}),
        },
        ['ResourceNotFoundException'],
      );
      if (out instanceof Absent) {
        w.missing = true;
        w.token = undefined;
        w.readAt = undefined;
        return;
      }
      w.missing = false;
      for (const raw of (out.events as Array<Record<string, unknown>> | undefined) ?? []) {
        const eventId = String(raw.eventId ?? '');
        const timestamp = Number(raw.timestamp);
        if (!eventId || !Number.isFinite(timestamp)) continue;
        w.newest = Math.max(w.newest, timestamp);
        if (!w.events.has(eventId)) {
          w.events.set(eventId, {
            eventId,
            timestamp,
            message: String(raw.message ?? ''),
            ...(typeof raw.logStreamName === 'string' ? { logStream: raw.logStreamName } : {}),
          });
        }
      }
      w.token = typeof out.nextToken === 'string' && out.nextToken ? out.nextToken : undefined;
      if (!w.token) {
        w.cursor = Math.max(w.cursor, Math.max(w.newest, w.readAt) - this.overlapMs);
        w.readAt = undefined;
        return;
      }
    }
  }
}
