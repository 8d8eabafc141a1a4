import { expect } from 'chai';
import { ApiSession } from '../../src/aws/api.js';
import { crashOnce } from '../../scripts/reliability/crash.js';
import { startTestRange, type TestRange } from '../range/harness.js';

// `npm run bench -- --only reliability` runs this 20 times and reports the figure; here, three runs.
describe('e2e: SIGKILL during an exercise, then sirs cleanup leaves nothing', function () {
  this.timeout(120_000);
  let range: TestRange;
  let session: ApiSession;
  before(async () => {
    range = await startTestRange();
    session = new ApiSession({
      region: range.region,
      endpoint: range.endpoint,
      credentials: range.credentials,
      forcePathStyle: true,
    });
  });
  after(async () => {
    session.destroy();
    await range.stop();
  });

  for (const [i, phase, delayMs] of [
    [0, 'injecting', 0],
    [1, 'injecting', 60],
    [2, 'live', 1500],
  ] as const) {
    it(`killed ${phase} (+${delayMs} ms)`, async () => {
      const run = await crashOnce({
        endpoint: range.endpoint,
        session,
        id: `crash-test-${i}`,
        phase,
        delayMs,
      });
      expect(run.leftovers, `killed after ${run.killedAfter}`).to.deep.equal([]);
      if (phase === 'live') {
        // The exercise was live: its stack really existed before the kill, and cleanup removed it.
        const created = range
          .events('CreateStack')
          .some((e) => JSON.stringify(e.requestParameters).includes(`crash-test-${i}`));
        const deleted = range
          .events('DeleteStack')
          .some((e) => JSON.stringify(e.requestParameters).includes(`crash-test-${i}`));
        expect([created, deleted]).to.deep.equal([true, true]);
      }
    });
  }
});
