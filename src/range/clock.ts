/**
 * The range's clock. Delays that happen "later" in AWS (a patch run finishing, an alarm period ending)
 * are scheduled on it, so tests can move time forward instead of waiting.
 */
export interface RangeClock {
  now(): Date;
  /** Run `fn` after `ms` of range time. Returns a cancel function. */
  schedule(ms: number, fn: () => void): () => void;
}

export const systemClock: RangeClock = {
  now: () => new Date(),
  schedule(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** A clock that only moves when told to: `advance(ms)` runs everything that falls due. */
export class ManualClock implements RangeClock {
  private t: number;
  private queue: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 0;

  constructor(start: Date | number = Date.now()) {
    this.t = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  schedule(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.queue.push({ at: this.t + ms, fn, id });
    this.queue.sort((a, b) => a.at - b.at || a.id - b.id);
    return () => {
      this.queue = this.queue.filter((q) => q.id !== id);
    };
  }

  advance(ms: number): void {
    const end = this.t + ms;
    for (let next = this.queue[0]; next && next.at <= end; next = this.queue[0]) {
      this.queue.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}
