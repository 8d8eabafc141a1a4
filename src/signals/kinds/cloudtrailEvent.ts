import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { describeEvent, eventEvidence, refersTo, type TrailEvent } from '../trail-events.js';

const FIELDS = ['eventName', 'eventSource', 'userIdentityType', 'userArn', 'resource', 'errorCode'] as const;

const params = z
  .strictObject({
    eventName: z.string().min(1).optional().describe('API call name, e.g. RevokeSecurityGroupIngress.'),
    eventSource: z.string().min(1).optional().describe('Service endpoint, e.g. ec2.amazonaws.com.'),
    userIdentityType: z
      .string()
      .min(1)
      .optional()
      .describe('userIdentity.type, e.g. Root, IAMUser, AssumedRole.'),
    userArn: z.string().min(1).optional().describe('userIdentity.arn of the caller.'),
    resource: z.string().min(1).optional().describe('A resource name or id the event refers to.'),
    errorCode: z.string().min(1).optional().describe('errorCode of a failed call, e.g. AccessDenied.'),
  })
  .superRefine((p, ctx) => {
    if (FIELDS.every((f) => p[f] === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: `cloudtrailEvent needs at least one of ${FIELDS.join(', ')}`,
      });
    }
  });

type Params = z.output<typeof params>;

export function eventMatches(e: TrailEvent, p: Params): boolean {
  return (
    (p.eventName === undefined || e.eventName === p.eventName) &&
    (p.eventSource === undefined || e.eventSource === p.eventSource) &&
    (p.userIdentityType === undefined || e.identityType === p.userIdentityType) &&
    (p.userArn === undefined || e.userArn === p.userArn) &&
    (p.errorCode === undefined || e.errorCode === p.errorCode) &&
    (p.resource === undefined || refersTo(e, [p.resource]))
  );
}

/**
 * Read-only events are fetched only for conditions that may need them: without an event name, or
 * naming a read call. Write events alone keep the CloudTrail window small (the probes' own reads are
 * read events).
 */
export function needsReadEvents(p: Params): boolean {
  return (
    p.eventName === undefined ||
    /^(Get|Describe|List|Head|Lookup|Search|Scan|Query|BatchGet|Select|Decrypt|Generate)/.test(p.eventName)
  );
}

export const cloudtrailEvent = defineSignalKind({
  name: 'cloudtrailEvent',
  family: 'audit',
  reads: [],
  summary: 'A CloudTrail event matching every given field was recorded during the exercise.',
  params,
  describe: (p) => {
    const parts = FIELDS.filter((f) => p[f] !== undefined).map((f) => `${f} ${p[f]}`);
    return `CloudTrail records an event with ${parts.join(', ')}`;
  },
  probe: async (ctx, p) => {
    const events = await ctx.trailEvents({ includeReadOnly: needsReadEvents(p) });
    const matching = events.filter((e) => eventMatches(e, p));
    // The first time it happened is when it was detected or done.
    const first = matching.sort((a, b) => a.time - b.time || a.seq - b.seq)[0];
    if (first) {
      const more = matching.length > 1 ? ` (and ${matching.length - 1} more)` : '';
      return { status: 'met', evidence: eventEvidence(first, `CloudTrail: ${describeEvent(first)}${more}`) };
    }
    return {
      status: 'not-met',
      evidence: {
        summary: `No matching CloudTrail event among ${events.length} since the exercise started`,
        source: 'probe',
        at: ctx.at.toISOString(),
      },
    };
  },
});
