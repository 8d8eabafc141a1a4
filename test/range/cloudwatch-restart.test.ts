import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { ManualClock } from '../../src/range/clock.js';
import { startTestRange } from './harness.js';

const MIN = 60_000;

describe('range: CloudWatch alarms across a restart', function () {
  this.timeout(60_000);
  const T0 = Date.parse('2026-03-01T12:00:10Z');

  it('keeps evaluating alarms after a restart from --state-dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirs-cloudwatch-'));
    const first = await startTestRange({ clock: new ManualClock(T0), stateDir: dir });
    const c1 = new CloudWatchClient(first.clientConfig());
    await c1.send(
      new PutMetricAlarmCommand({
        AlarmName: 'persisted',
        Namespace: 'Sirs/App',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    await c1.send(
      new PutMetricDataCommand({ Namespace: 'Sirs/App', MetricData: [{ MetricName: 'Errors', Value: 2 }] }),
    );
    await first.stop();
    const clock2 = new ManualClock(T0);
    const second = await startTestRange({ clock: clock2, stateDir: dir });
    try {
      const c2 = new CloudWatchClient(second.clientConfig());
      expect(
        (await c2.send(new DescribeAlarmsCommand({ AlarmNames: ['persisted'] }))).MetricAlarms?.[0]
          ?.StateValue,
      ).to.equal('ALARM');
      clock2.advance(2 * MIN);
      expect(
        (await c2.send(new DescribeAlarmsCommand({ AlarmNames: ['persisted'] }))).MetricAlarms?.[0]
          ?.StateValue,
      ).to.equal('OK');
    } finally {
      await second.stop();
    }
  });
});
