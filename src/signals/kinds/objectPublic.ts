import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { accountBlock, anonymousRequest, bucketFacts, bucketPolicy, objectGrants } from '../reads/s3.js';
import { objectVerdict } from '../s3-public.js';

export const objectPublic = defineSignalKind({
  name: 'objectPublic',
  family: 'state',
  reads: [
    's3:GetBucketPolicyStatus',
    's3:GetBucketAcl',
    's3:GetPublicAccessBlock',
    's3:GetBucketOwnershipControls',
    's3control:GetPublicAccessBlock',
    's3:GetBucketPolicy',
    's3:GetObjectAcl',
  ],
  summary: 'An S3 object is readable by everyone or private.',
  params: z.strictObject({
    bucket: resource('Bucket name.'),
    key: resource('Object key.'),
    expect: expect(['public', 'private'], 'Whether the object must be public or private.'),
    anonymousGet: z
      .boolean()
      .optional()
      .describe('Also GET the object without credentials, as an outsider would: the answer decides.'),
  }),
  describe: (p) =>
    `Object s3://${p.bucket}/${p.key} is ${p.expect}${p.anonymousGet ? ' (checked with an anonymous GET)' : ''}`,
  probe: async (ctx, p) => {
    const [facts, account, grants, policy] = await Promise.all([
      bucketFacts(ctx.reader, p.bucket),
      accountBlock(ctx.reader, ctx.exercise.accountId),
      objectGrants(ctx.reader, p.bucket, p.key),
      bucketPolicy(ctx.reader, p.bucket),
    ]);
    const verdict = objectVerdict(facts, account, grants, policy, p.bucket, p.key);
    if (p.anonymousGet) {
      // What an outsider gets is the truth whenever S3 answers at all.
      const answer = await anonymousRequest(ctx.reader, ctx.exercise, p.bucket, p.key);
      if ('unreachable' in answer)
        verdict.reasons.push(`an anonymous GET got no answer (${answer.unreachable})`);
      else if (answer.status < 300) {
        verdict.public = true;
        verdict.reasons.unshift(`an anonymous GET succeeded (HTTP ${answer.status})`);
      } else if (answer.status === 403 || answer.status === 404) {
        verdict.public = false;
        verdict.reasons.unshift(`an anonymous GET was refused (HTTP ${answer.status})`);
      }
    }
    const summary = `s3://${p.bucket}/${p.key} is ${verdict.public ? 'public' : 'private'}: ${verdict.reasons.join('; ')}`;
    return observed(ctx, verdict.public === (p.expect === 'public'), summary);
  },
  // Object ACL changes (PutObjectAcl) are data events, absent from LookupEvents: only bucket-level
  // changes can be attributed; otherwise the probe's time stands.
  attribution: (p) => ({
    eventNames:
      p.expect === 'public'
        ? [
            'PutBucketPolicy',
            'DeleteBucketPublicAccessBlock',
            'PutBucketPublicAccessBlock',
            'PutBucketOwnershipControls',
            'DeleteBucketOwnershipControls',
          ]
        : [
            'DeleteBucketPolicy',
            'PutBucketPolicy',
            'PutBucketPublicAccessBlock',
            'PutBucketOwnershipControls',
            'DeleteBucket',
          ],
    resource: p.bucket,
  }),
});
