import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { resource } from '../params.js';

export const logEvents = defineSignalKind({
  name: 'logEvents',
  family: 'audit',
  summary:
    "Events matching a CloudWatch Logs filter pattern appear in a log group (the team's own alerting).",
  params: z.strictObject({
    logGroup: resource('Log group name.'),
    filterPattern: z
      .string()
      .min(1)
      .describe('CloudWatch Logs filter pattern, e.g. { $.eventName = "AuthorizeSecurityGroupIngress" }.'),
  }),
  describe: (p) => `Log group ${p.logGroup} receives events matching ${p.filterPattern}`,
});
