import { expect } from 'chai';
import type { Condition } from '../../src/signals/registry.js';
import { expectFixedBy, nextSecond, startLive, statuses, type Live } from './live.js';

describe('storage signals on a live range', () => {
  let live: Live;

  before(async () => {
    live = await startLive();
  });
  after(() => live.stop());

  it('sees a bucket opened by its policy and closed by Block Public Access (bucketPublic)', async () => {
    const bucket = 'site-assets';
    await live.sirs.call('s3:CreateBucket', { Bucket: bucket });
    await live.sirs.call('s3:DeletePublicAccessBlock', { Bucket: bucket });
    const publicBucket: Condition = { bucketPublic: { bucket, expect: 'public', anonymousGet: true } };
    const privateBucket: Condition = { bucketPublic: { bucket, expect: 'private' } };
    expect(statuses(await live.tick(publicBucket, privateBucket))).to.deep.equal(['not-met', 'met']);

    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        },
      ],
    });
    await live.cli(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', policy]);
    const [opened, notPrivate] = await live.tick(publicBucket, privateBucket);
    expectFixedBy(live, opened, 'PutBucketPolicy');
    expect(opened?.status === 'met' && opened.evidence.summary).to.match(
      /^Bucket site-assets is public: an anonymous ListObjectsV2 succeeded \(HTTP 200\); its bucket policy is public/,
    );
    expect(notPrivate?.status).to.equal('not-met');

    await live.cli([
      's3api',
      'put-public-access-block',
      '--bucket',
      bucket,
      '--public-access-block-configuration',
      'BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=true',
    ]);
    const [stillPublic, closed] = await live.tick(publicBucket, privateBucket);
    expect(stillPublic?.status).to.equal('not-met');
    expectFixedBy(live, closed, 'PutBucketPublicAccessBlock');
    expect(closed?.status === 'met' && closed.evidence.summary).to.contain(
      'its bucket policy is public but RestrictPublicBuckets is on for the bucket',
    );
  });

  it('sees an object made public by its ACL and closed by IgnorePublicAcls (objectPublic)', async () => {
    const bucket = 'quarterly-reports';
    const key = 'finance/q3.csv';
    await live.sirs.call('s3:CreateBucket', { Bucket: bucket });
    await live.sirs.call('s3:DeletePublicAccessBlock', { Bucket: bucket });
    await live.sirs.call('s3:PutBucketOwnershipControls', {
      Bucket: bucket,
      OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
    });
    await live.sirs.call('s3:PutObject', { Bucket: bucket, Key: key, Body: 'revenue,42\n' });
    await nextSecond();
    const exposed: Condition = { objectPublic: { bucket, key, expect: 'public', anonymousGet: true } };
    const safe: Condition = { objectPublic: { bucket, key, expect: 'private', anonymousGet: true } };
    expect(statuses(await live.tick(exposed, safe))).to.deep.equal(['not-met', 'met']);

    await live.cli(['s3api', 'put-object-acl', '--bucket', bucket, '--key', key, '--acl', 'public-read']);
    const probedAt = Date.now();
    const [leaked] = await live.tick(exposed, safe);
    // PutObjectAcl is a data event, absent from LookupEvents: the probe dates it.
    expect(leaked?.status === 'met' && leaked.evidence).to.deep.include({
      source: 'probe',
      summary: `s3://${bucket}/${key} is public: an anonymous GET succeeded (HTTP 200); its ACL grants READ to AllUsers`,
    });
    expect(Date.parse(leaked?.status === 'met' ? leaked.evidence.at : '')).to.be.within(
      probedAt - 1000,
      Date.now(),
    );

    await live.cli([
      's3api',
      'put-public-access-block',
      '--bucket',
      bucket,
      '--public-access-block-configuration',
      'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=false',
    ]);
    const [, contained] = await live.tick(exposed, safe);
    expectFixedBy(live, contained, 'PutBucketPublicAccessBlock');
    expect(contained?.status === 'met' && contained.evidence.summary).to.match(
      /is private: an anonymous GET was refused \(HTTP 403\); its ACL grants READ to AllUsers but IgnorePublicAcls is on for the bucket/,
    );
  });
});
