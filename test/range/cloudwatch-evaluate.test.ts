import { expect } from 'chai';
import {
  awsTimestamp,
  breaches,
  evaluateAlarm,
  javaDouble,
  shortDate,
  type AlarmDatapoint,
  type AlarmRule,
  type AlarmStateValue,
  type MissingDataTreatment,
} from '../../src/range/services/monitoring/evaluate.js';
import { bucketize, percentile, pointOf, statisticOf } from '../../src/range/services/monitoring/metrics.js';
import {
  ExpressionError,
  evaluateExpression,
  type Series,
} from '../../src/range/services/monitoring/expression.js';

const MIN = 60_000;
/** 10:00:30 on a day; the current (partial) period starts at 10:00:00. */
const NOW = new Date('2026-03-01T10:00:30Z');
const P0 = Date.parse('2026-03-01T10:00:00Z');

function rule(over: Partial<AlarmRule> = {}): AlarmRule {
  return {
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'missing',
    statistic: 'Sum',
    ...over,
  };
}

/**
 * Datapoints from a picture of the evaluation range, oldest first, ending with the last complete
 * period: `0` not breaching (value 0), `X` breaching (value 5), `-` missing.
 */
function picture(p: string): AlarmDatapoint[] {
  const out: AlarmDatapoint[] = [];
  [...p].forEach((c, i) => {
    const timestamp = P0 - (p.length - i) * MIN;
    if (c !== '-') out.push({ timestamp, value: c === 'X' ? 5 : 0, sampleCount: 1 });
  });
  return out;
}

function stateFor(
  p: string,
  treat: MissingDataTreatment,
  current: AlarmStateValue = 'OK',
  m = 3,
): AlarmStateValue | 'unchanged' {
  const r = evaluateAlarm(rule({ treatMissingData: treat, datapointsToAlarm: m }), picture(p), NOW, current);
  return r ? r.state : 'unchanged';
}

describe('range: CloudWatch alarm evaluation (pure)', () => {
  describe('missing data, 3 out of 3 (the table of the CloudWatch user guide)', () => {
    // [datapoints, missing, ignore, breaching, notBreaching]
    const table: Array<[string, string, string, string, string]> = [
      ['000', 'OK', 'OK', 'OK', 'OK'],
      ['00X', 'OK', 'OK', 'OK', 'OK'],
      ['0XX', 'OK', 'OK', 'OK', 'OK'],
      ['XXX', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
      ['0--', 'OK', 'OK', 'OK', 'OK'],
      ['-X-', 'ALARM', 'unchanged', 'ALARM', 'OK'],
      ['--X', 'ALARM', 'unchanged', 'ALARM', 'OK'],
      ['0-X', 'OK', 'OK', 'OK', 'OK'],
      ['X-X', 'ALARM', 'unchanged', 'ALARM', 'OK'],
      ['---', 'INSUFFICIENT_DATA', 'unchanged', 'ALARM', 'OK'],
    ];
    for (const [p, missing, ignore, breaching, notBreaching] of table) {
      it(`${p}: missing → ${missing}, ignore → ${ignore}, breaching → ${breaching}, notBreaching → ${notBreaching}`, () => {
        expect(stateFor(p, 'missing')).to.equal(missing);
        expect(stateFor(p, 'ignore')).to.equal(ignore);
        expect(stateFor(p, 'breaching')).to.equal(breaching);
        expect(stateFor(p, 'notBreaching')).to.equal(notBreaching);
      });
    }

    it('ignore keeps whatever state the alarm is in when the data cannot decide', () => {
      expect(stateFor('---', 'ignore', 'ALARM')).to.equal('unchanged');
      expect(stateFor('--X', 'ignore', 'INSUFFICIENT_DATA')).to.equal('unchanged');
    });
  });

  describe('M out of N', () => {
    it('alarms on 2 breaching datapoints of 3, in any position', () => {
      for (const p of ['XX0', 'X0X', '0XX', 'XXX'])
        expect(stateFor(p, 'missing', 'OK', 2), p).to.equal('ALARM');
      for (const p of ['X00', '0X0', '00X', '000'])
        expect(stateFor(p, 'missing', 'ALARM', 2), p).to.equal('OK');
    });

    it('1 out of 3 alarms on any breaching datapoint; with ignore it goes OK only when no datapoint could breach', () => {
      expect(stateFor('X00', 'missing', 'OK', 1)).to.equal('ALARM');
      expect(stateFor('000', 'ignore', 'ALARM', 1)).to.equal('OK');
      expect(stateFor('0-0', 'ignore', 'ALARM', 1)).to.equal('unchanged');
      expect(stateFor('0-0', 'missing', 'ALARM', 1)).to.equal('OK');
    });

    it('counts filled missing datapoints toward M with breaching', () => {
      expect(stateFor('-0-', 'breaching', 'OK', 2)).to.equal('ALARM');
      expect(stateFor('-0X', 'notBreaching', 'OK', 2)).to.equal('OK');
    });
  });

  describe('the evaluation range', () => {
    it('includes the period in progress as soon as it has data, so a breaching datapoint alarms at once', () => {
      const r = evaluateAlarm(
        rule({ evaluationPeriods: 1, datapointsToAlarm: 1 }),
        [{ timestamp: P0, value: 1, sampleCount: 1 }],
        NOW,
        'OK',
      );
      expect(r?.state).to.equal('ALARM');
    });

    it('ends with the last complete period otherwise, ignoring older datapoints', () => {
      const old: AlarmDatapoint = { timestamp: P0 - 2 * MIN, value: 9, sampleCount: 1 };
      const r = evaluateAlarm(rule({ evaluationPeriods: 1, datapointsToAlarm: 1 }), [old], NOW, 'ALARM');
      expect(r?.state).to.equal('INSUFFICIENT_DATA');
      const r2 = evaluateAlarm(rule({ evaluationPeriods: 2, datapointsToAlarm: 1 }), [old], NOW, 'OK');
      expect(r2?.state).to.equal('ALARM');
    });

    it('aligns periods to multiples of the period (5 minutes: 10:00, 10:05, ...)', () => {
      const now = new Date('2026-03-01T10:07:00Z');
      const at1005 = Date.parse('2026-03-01T10:05:00Z');
      const r = evaluateAlarm(
        rule({ periodSeconds: 300, evaluationPeriods: 1, datapointsToAlarm: 1 }),
        [{ timestamp: at1005, value: 3, sampleCount: 2 }],
        now,
        'OK',
      );
      expect(r?.state).to.equal('ALARM');
      expect(r?.reason).to.contain('(01/03/26 10:05:00)');
    });
  });

  it('compares with each threshold operator', () => {
    const at = (comparison: AlarmRule['comparison'], v: number) => breaches({ comparison, threshold: 1 }, v);
    expect([at('GreaterThanOrEqualToThreshold', 1), at('GreaterThanOrEqualToThreshold', 0.9)]).to.deep.equal([
      true,
      false,
    ]);
    expect([at('GreaterThanThreshold', 1), at('GreaterThanThreshold', 1.1)]).to.deep.equal([false, true]);
    expect([at('LessThanThreshold', 1), at('LessThanThreshold', 0.5)]).to.deep.equal([false, true]);
    expect([at('LessThanOrEqualToThreshold', 1), at('LessThanOrEqualToThreshold', 1.5)]).to.deep.equal([
      true,
      false,
    ]);
  });

  describe('reasons, as CloudWatch words them', () => {
    it('names the datapoints newest first, the comparison, the threshold and the transition', () => {
      const r = evaluateAlarm(rule({ datapointsToAlarm: 2 }), picture('X0X'), NOW, 'OK');
      expect(r?.reason).to.equal(
        'Threshold Crossed: 2 out of the last 3 datapoints [5.0 (01/03/26 09:59:00), 0.0 (01/03/26 09:58:00), 5.0 (01/03/26 09:57:00)] ' +
          'were greater than or equal to the threshold (1.0) (minimum 2 datapoints for OK -> ALARM transition).',
      );
    });

    it('words an OK transition with "not" and the datapoints needed for OK', () => {
      const r = evaluateAlarm(
        rule({
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          comparison: 'GreaterThanThreshold',
          threshold: 50,
        }),
        picture('0'),
        NOW,
        'ALARM',
      );
      expect(r?.reason).to.equal(
        'Threshold Crossed: 1 out of the last 1 datapoints [0.0 (01/03/26 09:59:00)] was not greater than the threshold (50.0) (minimum 1 datapoint for ALARM -> OK transition).',
      );
    });

    it('words missing data', () => {
      expect(evaluateAlarm(rule({ evaluationPeriods: 1 }), [], NOW, 'OK')?.reason).to.equal(
        'Insufficient Data: 1 datapoint was unknown.',
      );
      expect(evaluateAlarm(rule(), [], NOW, 'OK')?.reason).to.equal(
        'Insufficient Data: 3 datapoints were unknown.',
      );
      expect(evaluateAlarm(rule({ treatMissingData: 'breaching' }), [], NOW, 'OK')?.reason).to.equal(
        'Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching].',
      );
      expect(
        evaluateAlarm(rule({ evaluationPeriods: 1, treatMissingData: 'notBreaching' }), [], NOW, 'ALARM')
          ?.reason,
      ).to.equal(
        'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
      );
    });

    it('writes StateReasonData JSON with Java-style doubles', () => {
      const r = evaluateAlarm(
        rule({ evaluationPeriods: 1, datapointsToAlarm: 1 }),
        [{ timestamp: P0 - MIN, value: 2.5, sampleCount: 3 }],
        NOW,
        'OK',
      );
      expect(r?.reasonData).to.equal(
        '{"version":"1.0","queryDate":"2026-03-01T10:00:30.000+0000","startDate":"2026-03-01T09:59:00.000+0000","statistic":"Sum","period":60,' +
          '"recentDatapoints":[2.5],"threshold":1.0,"evaluatedDatapoints":[{"timestamp":"2026-03-01T09:59:00.000+0000","sampleCount":3.0,"value":2.5}]}',
      );
      expect(JSON.parse(r?.reasonData ?? '')).to.include({ statistic: 'Sum', period: 60, threshold: 1 });
    });
  });

  it('formats numbers and dates the way CloudWatch (Java) does', () => {
    expect([
      javaDouble(5),
      javaDouble(0),
      javaDouble(-3),
      javaDouble(0.25),
      javaDouble(1e7),
      javaDouble(12345678.9),
      javaDouble(0.0001),
    ]).to.deep.equal(['5.0', '0.0', '-3.0', '0.25', '1.0E7', '1.23456789E7', '1.0E-4']);
    expect(shortDate(Date.parse('2019-10-02T16:59:00Z'))).to.equal('02/10/19 16:59:00');
    expect(awsTimestamp(Date.parse('2019-10-01T13:56:40.985Z'))).to.equal('2019-10-01T13:56:40.985+0000');
  });
});

describe('range: CloudWatch statistics (pure)', () => {
  const t = P0;
  const points = [
    pointOf(t + 1000, 'Count', { Value: 1 }),
    pointOf(t + 2000, 'Count', { Values: [2, 10], Counts: [3, 1] }),
    pointOf(t + 61_000, 'Count', { StatisticValues: { SampleCount: 4, Sum: 20, Minimum: 2, Maximum: 8 } }),
    pointOf(t + 62_000, 'Seconds', { Value: 7 }),
  ];

  it('aggregates per period and unit: Sum, Average, Minimum, Maximum, SampleCount', () => {
    const b = bucketize(points, { start: t, end: t + 120_000, periodMs: 60_000, byUnit: true });
    expect(b.map((x) => [x.timestamp - t, x.unit, x.n, x.sum, x.min, x.max])).to.deep.equal([
      [0, 'Count', 5, 17, 1, 10],
      [60_000, 'Count', 4, 20, 2, 8],
      [60_000, 'Seconds', 1, 7, 7, 7],
    ]);
    const first = b[0]!;
    expect(
      ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'].map((s) => statisticOf(first, s)),
    ).to.deep.equal([17, 3.4, 1, 10, 5]);
  });

  it('computes percentiles from raw values and their counts, not from statistic sets', () => {
    const b = bucketize(points, { start: t, end: t + 120_000, periodMs: 60_000, unit: 'Count' });
    expect(statisticOf(b[0]!, 'p50')).to.equal(2);
    expect(statisticOf(b[0]!, 'p100')).to.equal(10);
    expect(statisticOf(b[0]!, 'p0')).to.equal(1);
    expect(statisticOf(b[1]!, 'p50'), 'a statistic set with Min != Max has no percentiles').to.equal(
      undefined,
    );
    expect(percentile([5, 1, 3], [1, 1, 1], 90)).to.equal(5);
    expect(
      statisticOf(
        bucketize([pointOf(t, 'None', { Value: -1 })], { start: t, end: t + 1000, periodMs: 1000 })[0]!,
        'p50',
      ),
    ).to.equal(undefined);
  });

  it('keeps percentiles of a statistic set whose values are all equal', () => {
    const p = pointOf(t, 'None', { StatisticValues: { SampleCount: 3, Sum: 6, Minimum: 2, Maximum: 2 } });
    expect(p.values).to.deep.equal([2]);
    expect(p.counts).to.deep.equal([3]);
  });
});

describe('range: CloudWatch metric math (pure)', () => {
  const m1: Series = new Map([
    [1, 10],
    [2, 20],
    [3, 30],
  ]);
  const m2: Series = new Map([
    [1, 2],
    [2, 0],
    [4, 8],
  ]);
  const resolve = (id: string) => ({ m1, m2 })[id];
  const series = (text: string) => {
    const v = evaluateExpression(text, resolve);
    return v.kind === 'series' ? [...v.points] : v.value;
  };

  it('does arithmetic on series (timestamps both have) and numbers, with precedence and parentheses', () => {
    expect(series('m1 / m2 * 100')).to.deep.equal([[1, 500]]);
    expect(series('m1 + m2')).to.deep.equal([
      [1, 12],
      [2, 20],
    ]);
    expect(series('-m1 + 1')).to.deep.equal([
      [1, -9],
      [2, -19],
      [3, -29],
    ]);
    expect(series('(m1 - 10) * 2')).to.deep.equal([
      [1, 0],
      [2, 20],
      [3, 40],
    ]);
    expect(series('2 + 3 * 4')).to.equal(14);
  });

  it('refuses functions, unknown ids and malformed text with an ExpressionError', () => {
    for (const text of [
      'SUM([m1, m2])',
      'FILL(m1, 0)',
      'm3 + 1',
      'm1 +',
      '(m1',
      'm1 $ 2',
      'SELECT AVG(x) FROM y',
    ]) {
      expect(() => evaluateExpression(text, resolve), text).to.throw(ExpressionError);
    }
  });
});
