import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const accessKey = defineSignalKind({
  name: 'accessKey',
  family: 'state',
  summary: "An IAM user's access key is active, inactive or deleted.",
  params: z.strictObject({
    user: resource('IAM user name.'),
    accessKeyId: z
      .string()
      .min(1)
      .optional()
      .describe('A specific key (AKIA...); without it, any key of the user counts.'),
    expect: expect(['active', 'inactive', 'absent'], 'The state the key must be in.'),
  }),
  describe: (p) => {
    const key = p.accessKeyId
      ? `Access key ${p.accessKeyId} of user ${p.user}`
      : `An access key of user ${p.user}`;
    if (p.expect === 'absent')
      return p.accessKeyId ? `${key} is deleted` : `User ${p.user} has no access keys`;
    return p.expect === 'active' || p.accessKeyId
      ? `${key} is ${p.expect}`
      : `No access key of user ${p.user} is active`;
  },
});
