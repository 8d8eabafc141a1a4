/**
 * The cost of the fault layer when it is off: the same requests through the range's request chain
 * (in-process, no HTTP, so the layer's cost is not hidden in network noise) with the fault injector
 * present but empty, and with no fault injector at all. Rounds alternate to share any drift.
 */
import { RangeEngine } from '../../src/range/engine.js';
import { RandomFaults } from '../../src/range/faults.js';
import { rangeServices } from '../../src/range/services/index.js';
import { systemClock } from '../../src/range/clock.js';
import { identityState, wellKnownKeys } from '../../src/range/identity.js';
import type { HttpRequest } from '../../src/range/protocol/types.js';
import { signRequest } from './load.js';
import type { BenchSection } from '../bench.js';

const ROUNDS = 10;
const PER_ROUND = 20_000;

async function engine(withFaults: boolean): Promise<RangeEngine> {
  const e = new RangeEngine({
    info: {
      accountId: '123456789012',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:0',
      hostname: '127.0.0.1',
      lookupEventsPerSecond: 0,
    },
    clock: systemClock,
    services: rangeServices,
    ...(withFaults ? { faults: new RandomFaults({}) } : {}),
  });
  await e.ensureAccount('123456789012');
  return e;
}

/** GetCallerIdentity signed with this engine's administrator secret (random per engine), once. */
async function signedRequest(e: RangeEngine): Promise<() => HttpRequest> {
  const id = wellKnownKeys.admin.accessKeyId;
  const secretAccessKey = e.state.get(identityState, '', '').credentials[id]!.secretAccessKey;
  const signed = await signRequest(
    { endpoint: 'http://127.0.0.1:4566', credentials: { accessKeyId: id, secretAccessKey } },
    'sts',
    {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    },
  );
  return () => ({
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: signed.headers,
    body: Buffer.from('Action=GetCallerIdentity&Version=2011-06-15'),
  });
}

async function round(e: RangeEngine): Promise<number> {
  const request = await signedRequest(e);
  const start = performance.now();
  for (let i = 0; i < PER_ROUND; i++) await e.handleHttp(request(), '127.0.0.1');
  return performance.now() - start;
}

export async function run(): Promise<BenchSection> {
  await round(await engine(true));
  await round(await engine(false));
  // Fresh engines each round (equal CloudTrail history sizes), order alternating (ABBA), and the
  // fastest round of each: the least disturbed by GC and by whatever else the machine is doing.
  let tOff = Infinity;
  let tNone = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const off = await engine(true);
    const none = await engine(false);
    if (i % 2 === 0) {
      tOff = Math.min(tOff, await round(off));
      tNone = Math.min(tNone, await round(none));
    } else {
      tNone = Math.min(tNone, await round(none));
      tOff = Math.min(tOff, await round(off));
    }
  }
  const n = PER_ROUND;
  // The A/B difference above is within the noise of a busy machine; the layer's own cost, measured
  // alone, is what the goal is judged on: one `decide()` per request with every fault at zero.
  const layer = new RandomFaults({});
  const calls = 5_000_000;
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) if (layer.decide('sts', 'GetCallerIdentity', 'query') !== undefined) sink++;
  const decideUs = ((performance.now() - t0) / calls) * 1000;
  if (sink !== 0) throw new Error('the fault layer injected a fault while every share was zero');
  const requestUs = (Math.min(tOff, tNone) / n) * 1000;
  const overhead = decideUs / requestUs;
  return {
    title: 'faults on demand: overhead of the fault layer when off',
    rows: [
      {
        name: 'GetCallerIdentity through the chain, no fault layer',
        value: (tNone / n) * 1000,
        unit: 'µs/req',
      },
      {
        name: 'GetCallerIdentity through the chain, fault layer off',
        value: (tOff / n) * 1000,
        unit: 'µs/req',
        ratio: tOff / tNone,
      },
      {
        name: 'the fault layer alone, off (decide per request)',
        value: decideUs * 1000,
        unit: 'ns/req',
        goal: { text: 'overhead < 2% of a request', met: overhead < 0.02 },
        note: `${(overhead * 100).toFixed(3)}% of a request`,
      },
    ],
    notes: [
      `fastest of ${ROUNDS} alternating rounds of ${PER_ROUND} requests each, in-process (CloudTrail recording included);`,
      'the two chain rows differ by machine noise (they swing both ways between runs); the layer-alone row is the measure',
    ],
  };
}
