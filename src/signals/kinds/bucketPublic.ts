import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const bucketPublic = defineSignalKind({
  name: 'bucketPublic',
  family: 'state',
  summary: 'An S3 bucket is public (policy, ACL or Block Public Access off) or private.',
  params: z.strictObject({
    bucket: resource('Bucket name.'),
    expect: expect(['public', 'private'], 'Whether the bucket must be public or private.'),
    anonymousGet: z
      .boolean()
      .optional()
      .describe('Also try an unauthenticated request, proving what an outsider sees.'),
  }),
  describe: (p) =>
    `Bucket ${p.bucket} is ${p.expect}${p.anonymousGet ? ' (checked with an anonymous request)' : ''}`,
});
