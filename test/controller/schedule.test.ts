import { expect } from 'chai';
import { scheduleDrills } from '../../src/controller/drill.js';

describe('scheduled drills', function () {
  this.timeout(10_000);

  it('runs at each time of the cron expression, never two at once, until stopped', async () => {
    const stop = new AbortController();
    let running = 0;
    let most = 0;
    let runs = 0;
    const nexts: Array<Date | null> = [];
    const done = scheduleDrills(
      '* * * * * *', // every second (croner's optional seconds field)
      async () => {
        running++;
        most = Math.max(most, running);
        runs++;
        await new Promise((r) => setTimeout(r, 1500)); // longer than the interval
        running--;
      },
      { signal: stop.signal, onError: () => {}, onNext: (n) => nexts.push(n) },
    );
    await new Promise((r) => setTimeout(r, 4200));
    stop.abort();
    await done;
    expect(runs).to.be.within(2, 3);
    expect(most).to.equal(1);
    expect(nexts[0]).to.be.instanceOf(Date);
  });

  it('refuses an expression that is not cron, with an example', async () => {
    const err = await scheduleDrills('every day', async () => {}, {
      signal: new AbortController().signal,
      onError: () => {},
      onNext: () => {},
    }).catch((e: Error & { suggestions: string[] }) => e);
    expect(err).to.have.property('code', 'bad-schedule');
    expect((err as { suggestions: string[] }).suggestions.join(' ')).to.contain('0 9 * * 1-5');
  });
});
