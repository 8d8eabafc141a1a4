import { expect } from 'chai';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { CloudTrailRecord } from '../../src/range/history.js';
import type { ServiceDefinition } from '../../src/range/context.js';
import { rangeServices } from '../../src/range/services/index.js';
import { failure as fails, startTestRange, type TestRange } from './harness.js';

/** Data events reach services' onEvent only (never LookupEvents); this spy collects them. */

function dataEventSpy(): { service: ServiceDefinition; events: CloudTrailRecord[] } {
  const events: CloudTrailRecord[] = [];
  return {
    events,
    service: {
      name: 'data-event-spy',
      eventSource: 'spy',
      handlers: {},
      onEvent: (_c, r, management) => void (management || events.push(r)),
    },
  };
}

describe('range: S3 listing, copies, deletes, versions and bucket settings', () => {
  let range: TestRange;
  let s3: S3Client;
  const spy = dataEventSpy();
  before(async () => {
    range = await startTestRange({ services: [...rangeServices, spy.service] });
    s3 = new S3Client(range.clientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: 'alpha' }));
    await s3.send(
      new CreateBucketCommand({
        Bucket: 'beta.logs',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: 'alpha', Key: 'docs/fox.txt', Body: 'the quick brown fox' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'docs/report.csv', Body: 'id,finding' }));
  });
  after(() => range.stop());

  it('lists with prefixes, delimiters, pages and URL encoding (V2 and V1), and `aws s3 ls`', async () => {
    for (const key of [
      'logs/2024/a.log',
      'logs/2024/b.log',
      'logs/2025/c.log',
      'logs/top.log',
      'odd key+1.txt',
    ]) {
      await s3.send(new PutObjectCommand({ Bucket: 'beta.logs', Key: key, Body: key }));
    }
    const byDir = await s3.send(
      new ListObjectsV2Command({ Bucket: 'beta.logs', Prefix: 'logs/', Delimiter: '/' }),
    );
    expect(byDir.CommonPrefixes?.map((p) => p.Prefix)).to.deep.equal(['logs/2024/', 'logs/2025/']);
    expect(byDir.Contents?.map((c) => c.Key)).to.deep.equal(['logs/top.log']);
    expect(byDir.KeyCount).to.equal(3);

    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: 'beta.logs', MaxKeys: 2, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ''));
      expect(page.KeyCount).to.be.at.most(2);
      token = page.NextContinuationToken;
      pages++;
    } while (token);
    expect(pages).to.equal(3);
    expect(keys).to.deep.equal([
      'logs/2024/a.log',
      'logs/2024/b.log',
      'logs/2025/c.log',
      'logs/top.log',
      'odd key+1.txt',
    ]);
    const after = await s3.send(
      new ListObjectsV2Command({ Bucket: 'beta.logs', StartAfter: 'logs/2025/c.log' }),
    );
    expect(after.Contents?.map((c) => c.Key)).to.deep.equal(['logs/top.log', 'odd key+1.txt']);
    const encoded = await s3.send(
      new ListObjectsV2Command({ Bucket: 'beta.logs', Prefix: 'odd', EncodingType: 'url' }),
    );
    expect(encoded.Contents?.[0]?.Key).to.equal('odd%20key%2B1.txt');
    expect(
      await fails(s3.send(new ListObjectsV2Command({ Bucket: 'beta.logs', ContinuationToken: 'bogus' }))),
    ).to.have.property('name', 'InvalidArgument');

    const v1 = await s3.send(
      new ListObjectsCommand({ Bucket: 'beta.logs', Prefix: 'logs/', Delimiter: '/', MaxKeys: 2 }),
    );
    expect(v1.IsTruncated).to.equal(true);
    expect(v1.NextMarker).to.equal('logs/2025/');
    const v1next = await s3.send(
      new ListObjectsCommand({ Bucket: 'beta.logs', Prefix: 'logs/', Delimiter: '/', Marker: v1.NextMarker }),
    );
    expect(v1next.Contents?.map((c) => c.Key)).to.deep.equal(['logs/top.log']);
    expect(v1next.Contents?.[0]?.Owner?.ID).to.match(/^[0-9a-f]{64}$/);

    const ls = (await range.aws(['s3', 'ls', 's3://beta.logs/logs/'])) as string;
    expect(ls).to.match(/PRE 2024\/\n\s+PRE 2025\/\n.* \d+ top\.log$/);
    const recursive = (await range.aws(['s3', 'ls', 's3://beta.logs', '--recursive'])) as string;
    expect(recursive).to.contain('odd key+1.txt');
  });

  it('copies, deletes one or many, refuses to delete a non-empty bucket, and `aws s3 rb --force` empties it', async () => {
    const copy = await s3.send(
      new CopyObjectCommand({ Bucket: 'alpha', Key: 'copy/fox.txt', CopySource: 'alpha/docs/fox.txt' }),
    );
    const original = await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'docs/fox.txt' }));
    expect(copy.CopyObjectResult?.ETag).to.equal(original.ETag);
    const self = await fails(
      s3.send(
        new CopyObjectCommand({ Bucket: 'alpha', Key: 'docs/fox.txt', CopySource: 'alpha/docs/fox.txt' }),
      ),
    );
    expect(self).to.have.property('name', 'InvalidRequest');
    await range.aws(['s3', 'cp', 's3://alpha/docs/fox.txt', 's3://beta.logs/copied/fox.txt']);
    const copied = await s3.send(new GetObjectCommand({ Bucket: 'beta.logs', Key: 'copied/fox.txt' }));
    expect(await copied.Body?.transformToString()).to.equal('the quick brown fox');

    await s3.send(new DeleteObjectCommand({ Bucket: 'alpha', Key: 'copy/fox.txt' }));
    const many = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'alpha',
        Delete: { Objects: [{ Key: 'docs/fox.txt' }, { Key: 'docs/never-existed' }] },
      }),
    );
    expect(many.Deleted?.map((d) => d.Key)).to.deep.equal(['docs/fox.txt', 'docs/never-existed']);
    const notEmpty = await fails(s3.send(new DeleteBucketCommand({ Bucket: 'alpha' })));
    expect(notEmpty).to.have.property('name', 'BucketNotEmpty');
    expect(notEmpty.$metadata.httpStatusCode).to.equal(409);
    await range.aws(['s3', 'rb', 's3://alpha', '--force']);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).to.deep.equal([
      'beta.logs',
    ]);
    expect(range.events('DeleteBucket').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'BucketNotEmpty',
      'ok',
    ]);
    const cliDeletes = spy.events.filter(
      (e) => e.eventName === 'DeleteObject' && e.userAgent.startsWith('aws-cli/'),
    );
    expect(cliDeletes.map((e) => e.requestParameters?.key)).to.include('docs/report.csv');
  });

  it('keeps versions when versioning is on: version ids, delete markers, old versions, ListObjectVersions', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'versions' }));
    await range.aws([
      's3api',
      'put-bucket-versioning',
      '--bucket',
      'versions',
      '--versioning-configuration',
      'Status=Enabled',
    ]);
    expect(await range.aws(['s3api', 'get-bucket-versioning', '--bucket', 'versions'])).to.deep.include({
      Status: 'Enabled',
    });
    const v1 = await s3.send(new PutObjectCommand({ Bucket: 'versions', Key: 'k', Body: 'one' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: 'versions', Key: 'k', Body: 'two' }));
    expect(v1.VersionId).to.match(/^[A-Za-z0-9_-]{32}$/);
    expect(v2.VersionId).not.to.equal(v1.VersionId);
    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'versions', Key: 'k' }));
    expect(del.DeleteMarker).to.equal(true);
    expect(await fails(s3.send(new GetObjectCommand({ Bucket: 'versions', Key: 'k' })))).to.have.property(
      'name',
      'NoSuchKey',
    );
    const old = await s3.send(
      new GetObjectCommand({ Bucket: 'versions', Key: 'k', VersionId: v1.VersionId }),
    );
    expect(await old.Body?.transformToString()).to.equal('one');
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versions' }));
    expect(versions.Versions?.map((v) => v.VersionId)).to.deep.equal([v2.VersionId, v1.VersionId]);
    expect(versions.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).to.deep.equal([
      [del.VersionId, true],
    ]);
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: 'versions',
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
    const suspended = await s3.send(new PutObjectCommand({ Bucket: 'versions', Key: 'k', Body: 'three' }));
    expect(suspended.VersionId).to.equal('null');
    const notEmpty = await fails(s3.send(new DeleteBucketCommand({ Bucket: 'versions' })));
    expect(notEmpty.message).to.contain('You must delete all versions in the bucket');
  });

  it('has SSE-S3 default encryption, configurable and reset on delete; bucket tags (SDK and CLI)', async () => {
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'beta.logs' }));
    expect(
      enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault,
    ).to.deep.equal({ SSEAlgorithm: 'AES256' });
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'beta.logs',
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/logs' },
              BucketKeyEnabled: true,
            },
          ],
        },
      }),
    );
    const kms = await s3.send(new PutObjectCommand({ Bucket: 'beta.logs', Key: 'enc.txt', Body: 'x' }));
    expect(kms).to.include({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'alias/logs',
      BucketKeyEnabled: true,
    });
    const cliEnc = (await range.aws(['s3api', 'get-bucket-encryption', '--bucket', 'beta.logs'])) as {
      ServerSideEncryptionConfiguration: { Rules: Array<{ ApplyServerSideEncryptionByDefault: object }> };
    };
    expect(
      cliEnc.ServerSideEncryptionConfiguration.Rules[0]?.ApplyServerSideEncryptionByDefault,
    ).to.deep.equal({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/logs' });
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: 'beta.logs' }));
    const reset = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'beta.logs' }));
    expect(
      reset.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    ).to.equal('AES256');

    expect(await fails(s3.send(new GetBucketTaggingCommand({ Bucket: 'beta.logs' })))).to.have.property(
      'name',
      'NoSuchTagSet',
    );
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: 'beta.logs',
        Tagging: { TagSet: [{ Key: 'sirs:exercise', Value: 'x1' }] },
      }),
    );
    expect(await range.aws(['s3api', 'get-bucket-tagging', '--bucket', 'beta.logs'])).to.deep.equal({
      TagSet: [{ Key: 'sirs:exercise', Value: 'x1' }],
    });
    const dup = await fails(
      s3.send(
        new PutBucketTaggingCommand({
          Bucket: 'beta.logs',
          Tagging: {
            TagSet: [
              { Key: 'a', Value: '1' },
              { Key: 'a', Value: '2' },
            ],
          },
        }),
      ),
    );
    expect(dup).to.have.property('name', 'InvalidTag');
    await range.aws(['s3api', 'delete-bucket-tagging', '--bucket', 'beta.logs']);
    expect(
      (await range.awsFails(['s3api', 'get-bucket-tagging', '--bucket', 'beta.logs'])).stderr,
    ).to.contain('NoSuchTagSet');
    expect(range.events('PutBucketEncryption').at(-1)?.requestParameters).to.include({
      bucketName: 'beta.logs',
    });
  });
});
