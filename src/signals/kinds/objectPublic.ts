import { z } from 'zod';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

export const objectPublic = defineSignalKind({
  name: 'objectPublic',
  family: 'state',
  summary: 'An S3 object is readable by everyone or private.',
  params: z.strictObject({
    bucket: resource('Bucket name.'),
    key: resource('Object key.'),
    expect: expect(['public', 'private'], 'Whether the object must be public or private.'),
    anonymousGet: z
      .boolean()
      .optional()
      .describe('Also try an unauthenticated GET, proving what an outsider sees.'),
  }),
  describe: (p) =>
    `Object s3://${p.bucket}/${p.key} is ${p.expect}${p.anonymousGet ? ' (checked with an anonymous GET)' : ''}`,
});
