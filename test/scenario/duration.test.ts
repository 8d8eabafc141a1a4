import { expect } from 'chai';
import { durationMs, formatDuration, parseDuration } from '../../src/scenario/duration.js';

describe('durations', () => {
  it('parses the forms scenario authors write', () => {
    expect(parseDuration('90s')).to.deep.equal({ ok: true, ms: 90_000 });
    expect(parseDuration('10m')).to.deep.equal({ ok: true, ms: 600_000 });
    expect(parseDuration('1h30m')).to.deep.equal({ ok: true, ms: 5_400_000 });
    expect(parseDuration('2h')).to.deep.equal({ ok: true, ms: 7_200_000 });
    expect(parseDuration('1h0m5s')).to.deep.equal({ ok: true, ms: 3_605_000 });
  });

  const rejected: Array<[string, string]> = [
    ['0s', 'is zero'],
    ['0h0m', 'is zero'],
    ['10', 'has no unit; write 10s, 10m or 10h'],
    ['1m1h', 'from largest to smallest'],
    ['5m5m', 'from largest to smallest'],
    ['1.5h', 'whole numbers'],
    ['', 'is not a duration'],
    ['ten minutes', 'is not a duration'],
    ['-5m', 'is not a duration'],
    ['10 m', 'is not a duration'],
    ['25h', 'longer than the maximum of 24h'],
  ];
  for (const [text, why] of rejected) {
    it(`rejects ${JSON.stringify(text)} saying why`, () => {
      const r = parseDuration(text);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.error).to.contain(why);
    });
  }

  it('formats milliseconds back to the shortest form', () => {
    expect(formatDuration(5_400_000)).to.equal('1h30m');
    expect(formatDuration(90_000)).to.equal('1m30s');
    expect(formatDuration(3_605_000)).to.equal('1h5s');
    expect(formatDuration(0)).to.equal('0s');
    for (const text of ['45m', '2h', '1h59m59s', '20s'])
      expect(formatDuration(durationMs(text))).to.equal(text);
  });

  it('treats an invalid duration reaching durationMs as a bug', () => {
    expect(() => durationMs('10')).to.throw(/invalid duration/);
  });
});
