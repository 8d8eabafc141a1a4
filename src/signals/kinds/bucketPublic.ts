import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { accountBlock, anonymousRequest, bucketFacts } from '../reads/s3.js';
import { bucketVerdict } from '../s3-public.js';

export const bucketPublic = defineSignalKind({
  name: 'bucketPublic',
  family: 'state',
  reads: [
    's3:GetBucketPolicyStatus',
    's3:GetBucketAcl',
    's3:GetPublicAccessBlock',
    's3:GetBucketOwnershipControls',
    's3control:GetPublicAccessBlock',
  ],
  summary: 'An S3 bucket is public (policy, ACL or Block Public Access off) or private.',
  params: z.strictObject({
    bucket: resource('Bucket name.'),
    expect: expect(['public', 'private'], 'Whether the bucket must be public or private.'),
    anonymousGet: z
      .boolean()
      .optional()
      .describe(
        'Also list the bucket without credentials, as an outsider would: a listing that succeeds proves it public.',
      ),
  }),
  describe: (p) =>
    `Bucket ${p.bucket} is ${p.expect}${p.anonymousGet ? ' (checked with an anonymous request)' : ''}`,
  probe: async (ctx, p) => {
    const [facts, account] = await Promise.all([
      bucketFacts(ctx.reader, p.bucket),
      accountBlock(ctx.reader, ctx.exercise.accountId),
    ]);
    const verdict = bucketVerdict(facts, account);
    if (p.anonymousGet && facts.exists) {
      // A listing that works is proof; a refused one is not (a policy may open GetObject only).
      const answer = await anonymousRequest(ctx.reader, ctx.exercise, p.bucket);
      if ('unreachable' in answer)
        verdict.reasons.push(`an anonymous listing got no answer (${answer.unreachable})`);
      else if (answer.status < 300) {
        verdict.public = true;
        verdict.reasons.unshift(`an anonymous ListObjectsV2 succeeded (HTTP ${answer.status})`);
      } else verdict.reasons.push(`an anonymous ListObjectsV2 was refused (HTTP ${answer.status})`);
    }
    const summary = `Bucket ${p.bucket} is ${verdict.public ? 'public' : 'private'}: ${verdict.reasons.join('; ')}`;
    return observed(ctx, verdict.public === (p.expect === 'public'), summary);
  },
  attribution: (p) => ({
    eventNames:
      p.expect === 'public'
        ? [
            'PutBucketPolicy',
            'PutBucketAcl',
            'DeleteBucketPublicAccessBlock',
            'PutBucketPublicAccessBlock',
            'PutBucketOwnershipControls',
            'DeleteBucketOwnershipControls',
          ]
        : [
            'DeleteBucketPolicy',
            'PutBucketPolicy',
            'PutBucketAcl',
            'PutBucketPublicAccessBlock',
            'PutBucketOwnershipControls',
            'DeleteBucket',
          ],
    resource: p.bucket,
  }),
});
