/** Test doubles for the reader: a session answering from handlers and counting calls, a manual clock. */
import type { ReaderClock, ReadSession } from '../../src/signals/reader.js';

export type Handler = (input: Record<string, unknown>) => unknown;

/** An SDK-style error, as awsErrorCode and isThrottle recognise it. */
export function awsError(code: string, message = code): Error {
  return Object.assign(new Error(message), { name: code, $metadata: { httpStatusCode: 400 } });
}

export class FakeSession implements ReadSession {
  readonly calls: Array<{ api: string; input: Record<string, unknown> }> = [];

  constructor(public handlers: Record<string, Handler> = {}) {}

  count(api?: string): number {
    return api ? this.calls.filter((c) => c.api === api).length : this.calls.length;
  }

  async call(api: string, input: object = {}): Promise<Record<string, unknown>> {
    this.calls.push({ api, input: input as Record<string, unknown> });
    const handler = this.handlers[api];
    if (!handler) throw new Error(`fake session has no handler for ${api}`);
    await Promise.resolve();
    return handler(input as Record<string, unknown>) as Record<string, unknown>;
  }
}

/** Time moves only when told; sleeping advances it (and records how long). */
export class FakeClock implements ReaderClock {
  readonly slept: number[] = [];

  constructor(public t = Date.parse('2026-01-01T00:00:00Z')) {}

  now(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    const wake = this.t + ms;
    await Promise.resolve();
    this.t = Math.max(this.t, wake);
  }
}
