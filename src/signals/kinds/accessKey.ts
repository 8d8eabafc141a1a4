import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { accessKeys } from '../reads/iam.js';

export const accessKey = defineSignalKind({
  name: 'accessKey',
  family: 'state',
  reads: ['iam:ListAccessKeys'],
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
  probe: async (ctx, p) => {
    const all = (await accessKeys(ctx.reader, p.user)) ?? [];
    const keys = p.accessKeyId ? all.filter((k) => k.AccessKeyId === p.accessKeyId) : all;
    const active = keys.filter((k) => k.Status === 'Active');
    const list = keys.map((k) => `${k.AccessKeyId} ${k.Status}`).join(', ');
    const what = p.accessKeyId ? `access key ${p.accessKeyId}` : 'access keys';
    const summary = keys.length ? `User ${p.user} has ${what}: ${list}` : `User ${p.user} has no ${what}`;
    const met =
      p.expect === 'absent'
        ? keys.length === 0
        : p.expect === 'active'
          ? active.length > 0
          : // "inactive": the key exists and is not active; without a key id, no key of the user is active.
            active.length === 0 && (keys.length > 0 || !p.accessKeyId);
    return observed(ctx, met, summary);
  },
  attribution: (p) => ({
    eventNames:
      p.expect === 'active'
        ? ['CreateAccessKey', 'UpdateAccessKey']
        : p.expect === 'inactive'
          ? ['UpdateAccessKey', 'DeleteAccessKey', 'DeleteUser']
          : ['DeleteAccessKey', 'DeleteUser'],
    resource: p.accessKeyId ?? p.user,
  }),
});
