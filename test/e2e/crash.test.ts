import { expect } from 'chai';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

  // The live run's scenario has inject actions that create a root access key, an IAM user, its key and a
  // policy attachment outside the stack: cleanup must find them in the journal and remove them too.
  const withKeys = join(
    fileURLToPath(new URL('./fixtures/scenarios/', import.meta.url)),
    'fast-ssh-keys.yaml',
  );
  for (const [i, phase, delayMs, scenario] of [
    [0, 'injecting', 0, undefined],
    [1, 'injecting', 60, undefined],
    [2, 'live', 1500, withKeys],
  ] as const) {
    it(`killed ${phase} (+${delayMs} ms)${scenario ? ', with resources made by inject actions' : ''}`, async () => {
      const run = await crashOnce({
        endpoint: range.endpoint,
        session,
        rangeKeys: { admin: range.credentials, root: range.rootCredentials },
        id: `crash-test-${i}`,
        phase,
        delayMs,
        ...(scenario ? { scenario } : {}),
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
        // The actions' resources really existed before the kill.
        expect(range.events('CreateUser').length, 'the inject actions ran').to.be.greaterThan(0);
        expect(range.events('DeleteUser').length, 'cleanup removed the user').to.be.greaterThan(0);
      }
    });
  }
});
