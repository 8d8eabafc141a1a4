/**
 * The crash test, 20 times: `sirs start` killed with SIGKILL at a random point during injection or
 * during the live phase, then `sirs cleanup`; the figure is runs and leaks (anything left on the range).
 * Then the range's own durability (`--state-dir`): see durability.ts.
 */
import { ApiSession } from '../../src/aws/api.js';
import { startRange } from '../../src/range/index.js';
import type { BenchSection } from '../bench.js';
import { crashOnce, type CrashRun } from '../reliability/crash.js';
import { durabilityRows } from './durability.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const RUNS = 20;

export async function run(): Promise<BenchSection> {
  const range = await startRange({ port: 0 });
  const session = new ApiSession({
    region: range.region,
    endpoint: range.endpoint,
    credentials: range.credentials,
    forcePathStyle: true,
  });
  const runs: CrashRun[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const phase = i % 2 === 0 ? 'injecting' : 'live';
      const delayMs = Math.floor(Math.random() * (phase === 'injecting' ? 200 : 3000));
      const r = await crashOnce({
        endpoint: range.endpoint,
        session,
        rangeKeys: { admin: range.credentials, root: range.rootCredentials },
        id: `crash-${i}`,
        phase,
        delayMs,
      });
      runs.push(r);
      process.stderr.write(
        `  crash run ${i + 1}/${RUNS}: killed ${phase} +${delayMs} ms (after ${r.killedAfter}): ${r.leftovers.length ? `LEAKED ${r.leftovers.join(', ')}` : 'nothing left'}\n`,
      );
    }
  } finally {
    session.destroy();
    await range.stop();
  }
  const leaks = runs.filter((r) => r.leftovers.length > 0).length;
  const durability = await durabilityRows();
  return {
    title: 'SIGKILL during injection and the live phase, then sirs cleanup; the range with --state-dir',
    rows: [
      { name: 'crash runs', value: runs.length, unit: 'runs' },
      {
        name: 'runs that leaked anything',
        value: leaks,
        unit: 'runs',
        goal: { text: 'zero leaks', met: leaks === 0 },
      },
      ...durability.rows,
    ],
    notes: [
      ...runs.map(
        (r) =>
          `${r.id}: killed ${r.phase} +${r.delayMs} ms after "${r.killedAfter}"${r.leftovers.length ? `: ${r.leftovers.join(', ')}` : ''}`,
      ),
      ...durability.notes,
    ],
  };
}
