import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { alarm } from '../reads/operations.js';

export const alarmState = defineSignalKind({
  name: 'alarmState',
  family: 'state',
  reads: ['cloudwatch:DescribeAlarms'],
  summary: 'A CloudWatch alarm is in the OK, ALARM or INSUFFICIENT_DATA state.',
  params: z.strictObject({
    alarm: resource('Alarm name.'),
    expect: expect(['OK', 'ALARM', 'INSUFFICIENT_DATA'], 'The alarm state.'),
  }),
  describe: (p) => `Alarm ${p.alarm} is in state ${p.expect}`,
  probe: async (ctx, p) => {
    const a = await alarm(ctx.reader, p.alarm);
    if (!a) return observed(ctx, false, `Alarm ${p.alarm} does not exist`);
    const since = a.StateUpdatedTimestamp ? ` since ${new Date(a.StateUpdatedTimestamp).toISOString()}` : '';
    const reason = a.StateReason ? `: ${a.StateReason}` : '';
    return observed(
      ctx,
      a.StateValue === p.expect,
      `Alarm ${p.alarm} is ${a.StateValue ?? '?'}${since}${reason}`,
    );
  },
  // Alarms change state by evaluating metrics (no API call); only SetAlarmState is in CloudTrail.
  attribution: (p) => ({
    eventNames: ['SetAlarmState'],
    resource: p.alarm,
    accept: (e) => (e.requestParameters as { stateValue?: unknown } | null)?.stateValue === p.expect,
  }),
});
