/**
 * A range as its own process, for the durability crash test and the reliability bench.
 *
 * `node --import tsx durable-range.ts --wait` loads the range's modules, prints `ready`, then reads one
 * JSON line from standard input: `{ "dir": "<state dir>" (absent: no state folder),
 * "trailRetentionEvents": n, "memoryEveryMs": ms }`. It starts the range on a free port with the fixed
 * demo keys and no LookupEvents limit, prints one JSON line with the endpoint and keys, and serves until
 * killed; with `memoryEveryMs` it prints `{ "rss", "heapUsed" }` lines that often.
 */
import { createInterface } from 'node:readline';

interface Start {
  dir?: string;
  trailRetentionEvents?: number;
  memoryEveryMs?: number;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startRange } = await import('../../src/range/index.js');
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const first = await lines.next();
const start = (first.done ? {} : JSON.parse(first.value)) as Start;
try {
  const range = await startRange({
    port: 0,
    stateDir: start.dir,
    wellKnownKeys: true,
    lookupEventsPerSecond: 0,
    ...(start.trailRetentionEvents ? { trailRetention: { events: start.trailRetentionEvents } } : {}),
  });
  process.stdout.write(`${JSON.stringify({ endpoint: range.endpoint, credentials: range.credentials })}\n`);
  if (start.memoryEveryMs) {
    const gc = (globalThis as { gc?: () => void }).gc;
    setInterval(() => {
      // After a collection (the process runs with --expose-gc), so that samples compare what is kept.
      gc?.();
      const m = process.memoryUsage();
      process.stdout.write(`${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed })}\n`);
    }, start.memoryEveryMs);
  }
  process.once('SIGTERM', () => void range.stop().then(() => process.exit(0)));
} catch (err) {
  process.stdout.write(`${JSON.stringify({ error: (err as Error).message })}\n`);
  process.exit(1);
}
