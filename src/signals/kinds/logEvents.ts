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
  probe: async (ctx, p) => {
    const events = await ctx.logEvents(p.logGroup, p.filterPattern);
    const first = events?.[0];
    if (!first) {
      const why = events ? 'no event matches yet' : 'the log group does not exist';
      return {
        status: 'not-met',
        evidence: { summary: `${p.logGroup}: ${why}`, source: 'probe', at: ctx.at.toISOString() },
      };
    }
    const line = first.message.replace(/\s+/g, ' ').trim();
    const message = line.length > 160 ? `${line.slice(0, 157)}...` : line;
    const more = events.length > 1 ? ` (and ${events.length - 1} more)` : '';
    return {
      status: 'met',
      evidence: {
        summary: `${p.logGroup}${first.logStream ? `/${first.logStream}` : ''}: ${message}${more}`,
        source: 'logs',
        at: new Date(first.timestamp).toISOString(),
      },
    };
  },
});
