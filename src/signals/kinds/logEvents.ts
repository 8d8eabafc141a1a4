import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { resource } from '../params.js';

/** A CloudTrail record delivered to Logs as "<eventName> by <arn> (event <id>)"; other messages as one short line. */
function readable(message: string): string {
  try {
    const r = JSON.parse(message) as {
      eventName?: unknown;
      eventID?: unknown;
      userIdentity?: { arn?: unknown };
    };
    if (typeof r.eventName === 'string') {
      const by = typeof r.userIdentity?.arn === 'string' ? ` by ${r.userIdentity.arn}` : '';
      return `${r.eventName}${by} (event ${String(r.eventID)})`;
    }
  } catch {
    // not JSON: shown as it is
  }
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

export const logEvents = defineSignalKind({
  name: 'logEvents',
  family: 'audit',
  reads: ['logs:FilterLogEvents'],
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
    const message = readable(first.message);
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
