import { z } from 'zod';
import { defineSignalKind } from '../types.js';

const FIELDS = ['eventName', 'eventSource', 'userIdentityType', 'userArn', 'resource', 'errorCode'] as const;

export const cloudtrailEvent = defineSignalKind({
  name: 'cloudtrailEvent',
  family: 'audit',
  summary: 'A CloudTrail event matching every given field was recorded during the exercise.',
  params: z
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
    }),
  describe: (p) => {
    const parts = FIELDS.filter((f) => p[f] !== undefined).map((f) => `${f} ${p[f]}`);
    return `CloudTrail records an event with ${parts.join(', ')}`;
  },
});
