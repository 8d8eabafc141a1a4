import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ManualClock } from '../../src/range/clock.js';
import { startTestRange, type TestRange } from './harness.js';

const DAY = 86_400_000;

async function createUsers(r: TestRange, names: string[]): Promise<void> {
  const iam = new IAMClient(r.clientConfig());
  for (const n of names) await iam.send(new CreateUserCommand({ UserName: n }));
}

/** User names of the CreateUser events LookupEvents finds, newest first. */
async function lookedUp(r: TestRange): Promise<string[]> {
  const trail = new CloudTrailClient(r.clientConfig());
  const out = await trail.send(
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }],
    }),
  );
  return (out.Events ?? []).map(
    (e) =>
      (JSON.parse(e.CloudTrailEvent ?? '{}') as { requestParameters: { userName: string } }).requestParameters
        .userName,
  );
}

describe('range: CloudTrail Event history retention', function () {
  this.timeout(60_000);

  it('keeps the newest events up to the count cap, also across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirs-range-retention-'));
    try {
      const first = await startTestRange({ stateDir: dir, trailRetention: { events: 5 } });
      try {
        await createUsers(first, ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7']);
        expect(first.engine.history.size).to.equal(5);
        expect(await lookedUp(first)).to.deep.equal(['u7', 'u6', 'u5', 'u4', 'u3']);
      } finally {
        await first.stop();
      }
      const second = await startTestRange({ stateDir: dir, trailRetention: { events: 3 } });
      try {
        // The LookupEvents call above is an event too: the newest 3 are it and u7, u6.
        expect(second.events().map((e) => e.eventName)).to.deep.equal([
          'CreateUser',
          'CreateUser',
          'LookupEvents',
        ]);
        expect(second.events('CreateUser').map((e) => e.requestParameters?.userName)).to.deep.equal([
          'u6',
          'u7',
        ]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drops events older than the retention days, on the range clock', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const r = await startTestRange({ clock, trailRetention: { days: 90 } });
    try {
      await createUsers(r, ['old']);
      clock.advance(60 * DAY);
      await createUsers(r, ['recent']);
      clock.advance(31 * DAY);
      await createUsers(r, ['new']);
      // 91 days after `old`: gone from memory, not only from LookupEvents' 90-day window.
      expect(r.events('CreateUser').map((e) => e.requestParameters?.userName)).to.deep.equal([
        'recent',
        'new',
      ]);
      expect(r.engine.history.size).to.equal(2);
    } finally {
      await r.stop();
    }
  });

  it('a small cap holds after many events: only the newest are kept and found', async () => {
    const r = await startTestRange({ trailRetention: { events: 10 } });
    try {
      const { history } = r.engine;
      const base = {
        accountId: r.accountId,
        region: r.region,
        username: 'u',
        accessKeyId: 'AKIA',
        resources: [],
      };
      for (let i = 0; i < 5000; i++) {
        history.add({ ...base, time: Date.now(), record: { eventID: `e${i}`, eventName: 'X' } as never });
      }
      expect(history.size).to.equal(10);
      expect([...history.entries()].map((e) => e.record.eventID)).to.deep.equal(
        Array.from({ length: 10 }, (_, i) => `e${4990 + i}`),
      );
      const found = history.lookup({
        accountId: r.accountId,
        region: r.region,
        attribute: { key: 'EventId', value: 'e10' },
        limit: 50,
      });
      expect(found.events).to.deep.equal([]);
      expect(history.lookup({ accountId: r.accountId, region: r.region, limit: 50 }).events).to.have.length(
        10,
      );
    } finally {
      await r.stop();
    }
  });
});
