import { expect } from 'chai';
import { Absent, Reader, type BatchSpec, type ReadError } from '../../src/signals/reader.js';
import { securityGroup } from '../../src/signals/reads/ec2.js';
import { alarm } from '../../src/signals/reads/operations.js';
import { ManualClock } from '../../src/range/clock.js';
import { awsError, FakeClock, FakeSession } from './fakes.js';

/** A batch whose API refuses unknown ids, naming them in the message (like InvalidGroup.NotFound). */
const strictBatch: BatchSpec<string> = {
  name: 'test:Describe',
  maxSize: 100,
  async fetch(reader, ids) {
    const out = await reader.callOrAbsent('test:Describe', { ids }, ['Thing.NotFound']);
    if (out instanceof Absent) return out;
    return new Map(ids.map((id) => [id, `thing ${id}`]));
  },
};

function strictSession(known: Set<string>, nameIds: boolean): FakeSession {
  return new FakeSession({
    'test:Describe': (input) => {
      const missing = (input.ids as string[]).filter((id) => !known.has(id));
      if (missing.length) {
        throw awsError('Thing.NotFound', nameIds ? `The thing '${missing[0]}' does not exist` : 'Not found');
      }
      return {};
    },
  });
}

describe('the shared reader', () => {
  describe('batching', () => {
    it('asks once for all security groups requested in the same turn, and once per tick', async () => {
      const session = new FakeSession({
        'ec2:DescribeSecurityGroups': (input) => {
          const ids = (input.Filters as Array<{ Values: string[] }>)[0]!.Values;
          return { SecurityGroups: ids.filter((id) => id !== 'sg-gone').map((GroupId) => ({ GroupId })) };
        },
      });
      const reader = new Reader({ session });
      reader.beginTick();
      const [a, b, again, gone] = await Promise.all([
        securityGroup(reader, 'sg-a'),
        securityGroup(reader, 'sg-b'),
        securityGroup(reader, 'sg-a'),
        securityGroup(reader, 'sg-gone'),
      ]);
      expect([a?.GroupId, b?.GroupId, again?.GroupId, gone]).to.deep.equal([
        'sg-a',
        'sg-b',
        'sg-a',
        undefined,
      ]);
      expect(session.count()).to.equal(1);
      expect(session.calls[0]!.input).to.deep.equal({
        Filters: [{ Name: 'group-id', Values: ['sg-a', 'sg-b', 'sg-gone'] }],
      });

      // Later in the same tick: known groups come from the cache, a new one costs one request.
      await securityGroup(reader, 'sg-a');
      await securityGroup(reader, 'sg-c');
      expect(session.count()).to.equal(2);
      expect(reader.stats().callsThisTick).to.equal(2);

      reader.beginTick();
      await securityGroup(reader, 'sg-a');
      expect(session.count()).to.equal(3);
      expect(reader.stats()).to.include({ tick: 2, callsThisTick: 1, callsTotal: 3 });
      expect(reader.stats().byApi).to.deep.equal({ 'ec2:DescribeSecurityGroups': 3 });
    });

    it('splits a batch larger than the API takes', async () => {
      const session = new FakeSession({
        'cloudwatch:DescribeAlarms': (input) => ({
          MetricAlarms: (input.AlarmNames as string[]).map((AlarmName) => ({ AlarmName, StateValue: 'OK' })),
        }),
      });
      const reader = new Reader({ session });
      reader.beginTick();
      const names = Array.from({ length: 250 }, (_, i) => `alarm-${i}`);
      const found = await Promise.all(names.map((n) => alarm(reader, n)));
      expect(found.every((a) => a?.StateValue === 'OK')).to.equal(true);
      expect(session.calls.map((c) => (c.input.AlarmNames as string[]).length)).to.deep.equal([100, 100, 50]);
    });

    it('keeps the other ids known when the API refuses one it names', async () => {
      const session = strictSession(new Set(['t-1', 't-2', 't-3']), true);
      const reader = new Reader({ session });
      reader.beginTick();
      const spec = strictBatch;
      const out = await Promise.all(['t-1', 't-gone', 't-2', 't-3'].map((id) => reader.load(spec, id)));
      expect(out).to.deep.equal(['thing t-1', undefined, 'thing t-2', 'thing t-3']);
      expect(session.count()).to.equal(2);
      expect(reader.stats().failed).to.equal(0);
    });

    it('halves a refused batch when the error names no id', async () => {
      const session = strictSession(new Set(['t-1', 't-2', 't-3']), false);
      const reader = new Reader({ session });
      reader.beginTick();
      const spec = strictBatch;
      const out = await Promise.all(['t-1', 't-2', 't-3', 't-gone'].map((id) => reader.load(spec, id)));
      expect(out).to.deep.equal(['thing t-1', 'thing t-2', 'thing t-3', undefined]);
      // [1,2,3,gone] → [1,2] ok, [3,gone] → [3] ok, [gone] absent
      expect(session.count()).to.equal(5);
    });
  });

  describe('throttling and failures', () => {
    it('makes a throttled read fail and backs the API off with exponential backoff and jitter', async () => {
      const clock = new FakeClock();
      let throttle = true;
      const session = new FakeSession({
        'iam:GetAccountSummary': () => {
          if (throttle) throw awsError('Throttling', 'Rate exceeded');
          return { SummaryMap: {} };
        },
      });
      const reader = new Reader({ session, clock, random: () => 0, backoff: { baseMs: 1000, maxMs: 8000 } });
      const attempt = () =>
        reader.call('iam:GetAccountSummary').then(
          () => 'answered',
          (err: ReadError) => err.message,
        );

      expect(await attempt()).to.equal('iam:GetAccountSummary: throttling (Throttling)');
      // random() = 0: half the exponential delay, 500 ms after the first throttle.
      clock.t += 499;
      expect(await attempt()).to.match(/backing off after throttling \(Throttling\) \(next try in 0\.0 s\)/);
      expect(session.count()).to.equal(1);
      clock.t += 1;
      expect(await attempt()).to.equal('iam:GetAccountSummary: throttling (Throttling)');
      // Second failure in a row: 2000 ms delay, half of it with no jitter.
      clock.t += 999;
      expect(await attempt()).to.contain('backing off');
      clock.t += 1;
      throttle = false;
      expect(await attempt()).to.equal('answered');
      expect(reader.stats()).to.include({ throttled: 2, skipped: 2, failed: 0, callsTotal: 3 });

      // Success resets the backoff: the next throttle waits the base delay again.
      throttle = true;
      await attempt();
      clock.t += 500;
      expect(await attempt()).to.contain('throttling');
    });

    it('spreads the jitter over the upper half of the delay and caps it', async () => {
      const clock = new FakeClock();
      const session = new FakeSession({
        'kms:DescribeKey': () => {
          throw awsError('InternalFailure', 'boom');
        },
      });
      const reader = new Reader({
        session,
        clock,
        random: () => 0.999,
        backoff: { baseMs: 1000, maxMs: 4000 },
      });
      const waits: number[] = [];
      for (let i = 0; i < 5; i++) {
        const before = session.count();
        while (session.count() === before) {
          await reader.call('kms:DescribeKey').catch(() => undefined);
          if (session.count() === before) clock.t += 1;
        }
        waits.push(clock.t);
      }
      const gaps = waits.slice(1).map((t, i) => t - waits[i]!);
      // Delays 1000, 2000, 4000, 4000 (cap), each nearly whole with random() close to 1.
      expect(gaps).to.deep.equal([1000, 1999, 3998, 3998]);
      expect(reader.stats().failed).to.equal(5);
    });

    it('treats expected "does not exist" answers as answers, not failures', async () => {
      const session = new FakeSession({
        'iam:GetLoginProfile': () => {
          throw awsError('NoSuchEntity', 'Login Profile for User bob cannot be found.');
        },
      });
      const reader = new Reader({ session });
      const out = await reader.callOrAbsent('iam:GetLoginProfile', { UserName: 'bob' }, ['NoSuchEntity']);
      expect(out).to.be.instanceOf(Absent);
      expect(await reader.callOrAbsent('iam:GetLoginProfile', {}, ['NoSuchEntity'])).to.be.instanceOf(Absent);
      expect(reader.stats()).to.include({ failed: 0, skipped: 0, callsTotal: 2 });
    });
  });

  it('keeps CloudTrail LookupEvents under 2 requests a second', async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const session = new FakeSession({
      'cloudtrail:LookupEvents': () => {
        times.push(clock.now());
        return { Events: [] };
      },
    });
    const reader = new Reader({ session, clock });
    const start = clock.now();
    for (let i = 0; i < 5; i++) await reader.call('cloudtrail:LookupEvents');
    expect(times.map((t) => t - start)).to.deep.equal([0, 500, 1000, 1500, 2000]);
  });

  it('spaces concurrent requests to a limited API and leaves the others alone', async () => {
    // A clock that moves only when the test moves it, so the spacing is exact whatever the machine's load.
    const manual = new ManualClock(0);
    const clock = {
      now: () => manual.now().getTime(),
      sleep: (ms: number) => new Promise<void>((resolve) => manual.schedule(ms, resolve)),
    };
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const times: Record<string, number[]> = { 'cloudtrail:LookupEvents': [], 'ec2:DescribeVpcs': [] };
    const session = new FakeSession({
      'cloudtrail:LookupEvents': () => times['cloudtrail:LookupEvents']!.push(clock.now()),
      'ec2:DescribeVpcs': () => times['ec2:DescribeVpcs']!.push(clock.now()),
    });
    const reader = new Reader({ session, clock, rates: { 'cloudtrail:LookupEvents': 20 } });
    const all = Promise.all([
      ...Array.from({ length: 3 }, () => reader.call('cloudtrail:LookupEvents')),
      ...Array.from({ length: 3 }, () => reader.call('ec2:DescribeVpcs')),
    ]);
    await settle();
    // 20 a second: one now, the others held back; the unlimited API is not held back at all.
    expect(times['cloudtrail:LookupEvents']).to.deep.equal([0]);
    expect(times['ec2:DescribeVpcs']).to.deep.equal([0, 0, 0]);
    manual.advance(49);
    await settle();
    expect(times['cloudtrail:LookupEvents']).to.deep.equal([0]);
    manual.advance(1);
    await settle();
    expect(times['cloudtrail:LookupEvents']).to.deep.equal([0, 50]);
    manual.advance(50);
    await all;
    expect(times['cloudtrail:LookupEvents']).to.deep.equal([0, 50, 100]);
  });
});
