import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const alarmState = defineSignalKind({
  name: 'alarmState',
  family: 'state',
  summary: 'A CloudWatch alarm is in the OK, ALARM or INSUFFICIENT_DATA state.',
  params: z.strictObject({
    alarm: resource('Alarm name.'),
    expect: expect(['OK', 'ALARM', 'INSUFFICIENT_DATA'], 'The alarm state.'),
  }),
  describe: (p) => `Alarm ${p.alarm} is in state ${p.expect}`,
});
