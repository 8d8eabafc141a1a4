import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CloudTrailRecord } from '../../src/range/history.js';
import type { ServiceDefinition } from '../../src/range/context.js';
import { rangeServices } from '../../src/range/services/index.js';
import { failure as fails, signRequest, startTestRange, type TestRange } from './harness.js';
import { otherAccountUser } from './other-account.js';

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

/** Credentials of an IAM user in another account, allowed everything by its own account's policies. */
function otherAccount(range: TestRange, accountId = '210987654321') {
  const { accessKeyId, secretAccessKey } = otherAccountUser(range, {
    accountId,
    userName: 'outsider',
    accessKeyId: 'AKIAOTHERACCOUNT0S3T',
    secretAccessKey: 'other-account-secret-not-a-real-key-0000',
  });
  return { accessKeyId, secretAccessKey };
}

describe('range: S3 buckets and objects', () => {
  let range: TestRange;
  let s3: S3Client;
  const spy = dataEventSpy();
  before(async () => {
    range = await startTestRange({ services: [...rangeServices, spy.service] });
    s3 = new S3Client(range.clientConfig());
  });
  after(() => range.stop());

  it('creates buckets by the naming and ownership rules, and lists and locates them (SDK and CLI)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'alpha' }));
    await range.aws([
      's3api',
      'create-bucket',
      '--bucket',
      'beta.logs',
      '--create-bucket-configuration',
      'LocationConstraint=eu-west-1',
    ]);
    expect(await fails(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).to.have.property(
      'name',
      'InvalidBucketName',
    );
    // us-east-1 answers 200 to re-creating your own bucket (legacy); other regions say BucketAlreadyOwnedByYou.
    await s3.send(new CreateBucketCommand({ Bucket: 'alpha' }));
    const eu = new S3Client(range.clientConfig({ region: 'eu-west-1' }));
    const owned = await fails(
      eu.send(
        new CreateBucketCommand({
          Bucket: 'beta.logs',
          CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
        }),
      ),
    );
    expect(owned).to.include({ name: 'BucketAlreadyOwnedByYou' });
    expect(owned.$metadata.httpStatusCode).to.equal(409);
    const wrongRegion = await fails(
      eu.send(
        new CreateBucketCommand({
          Bucket: 'gamma',
          CreateBucketConfiguration: { LocationConstraint: 'ap-south-1' },
        }),
      ),
    );
    expect(wrongRegion).to.have.property('name', 'IllegalLocationConstraintException');
    const unspecified = await range.awsFails([
      's3api',
      'create-bucket',
      '--bucket',
      'gamma',
      '--region',
      'eu-west-1',
    ]);
    expect(unspecified.stderr).to.contain(
      'The unspecified location constraint is incompatible for the region specific endpoint',
    );
    const outsider = new S3Client(range.clientConfig({ credentials: otherAccount(range) }));
    expect(await fails(outsider.send(new CreateBucketCommand({ Bucket: 'alpha' })))).to.have.property(
      'name',
      'BucketAlreadyExists',
    );
    const cliTaken = await range.awsFails(['s3api', 'create-bucket', '--bucket', 'alpha'], {
      env: otherAccountEnv(range),
    });
    expect(cliTaken.stderr).to.contain('BucketAlreadyExists');

    const listed = await s3.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((b) => [b.Name, b.BucketRegion])).to.deep.equal([
      ['alpha', 'us-east-1'],
      ['beta.logs', 'eu-west-1'],
    ]);
    expect(listed.Owner?.ID).to.match(/^[0-9a-f]{64}$/);
    expect((await outsider.send(new ListBucketsCommand({}))).Buckets).to.deep.equal([]);
    expect(await range.aws(['s3', 'ls'])).to.match(/ alpha\n.* beta\.logs$/);

    expect(
      (await s3.send(new GetBucketLocationCommand({ Bucket: 'beta.logs' }))).LocationConstraint,
    ).to.equal('eu-west-1');
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: 'alpha' }))).LocationConstraint).to.equal(
      undefined,
    );
    expect(await range.aws(['s3api', 'get-bucket-location', '--bucket', 'beta.logs'])).to.deep.equal({
      LocationConstraint: 'eu-west-1',
    });
    expect((await s3.send(new HeadBucketCommand({ Bucket: 'beta.logs' }))).BucketRegion).to.equal(
      'eu-west-1',
    );
    const missing = await fails(s3.send(new HeadBucketCommand({ Bucket: 'nope-missing' })));
    expect(missing.$metadata.httpStatusCode).to.equal(404);
    expect(
      (await fails(outsider.send(new HeadBucketCommand({ Bucket: 'alpha' })))).$metadata.httpStatusCode,
    ).to.equal(403);

    const created = range.events('CreateBucket');
    expect(created.filter((e) => !e.errorCode).map((e) => e.requestParameters?.bucketName)).to.deep.equal([
      'alpha',
      'beta.logs',
      'alpha',
    ]);
    expect(created.find((e) => e.errorCode === 'InvalidBucketName')?.errorMessage).to.equal(
      'The specified bucket is not valid.',
    );
    const stored = [...range.engine.history.entries()].find((e) => e.record.eventName === 'CreateBucket');
    expect(stored?.resources).to.deep.equal([{ ResourceType: 'AWS::S3::Bucket', ResourceName: 'alpha' }]);
    expect(range.events('ListBuckets').at(-1)?.managementEvent).to.equal(true);
  });

  it('stores objects with their metadata, ETag and checksum, and serves ranges and conditional GETs', async () => {
    const body = 'the quick brown fox';
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'alpha',
        Key: 'docs/fox.txt',
        Body: body,
        ContentType: 'text/plain',
        Metadata: { team: 'blue' },
        Tagging: 'a=1&b=2',
      }),
    );
    expect(put.ETag).to.equal(`"${createHash('md5').update(body).digest('hex')}"`);
    expect(put.ServerSideEncryption).to.equal('AES256');
    // The SDK sends a CRC32 checksum; S3 echoes it.
    expect(put.ChecksumCRC32).to.match(/^[A-Za-z0-9+/]{6}==$/);

    const got = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'docs/fox.txt' }));
    expect(await got.Body?.transformToString()).to.equal(body);
    expect(got).to.include({
      ContentType: 'text/plain',
      ETag: put.ETag,
      ContentLength: body.length,
      TagCount: 2,
    });
    expect(got.Metadata).to.deep.equal({ team: 'blue' });
    const part = await s3.send(
      new GetObjectCommand({ Bucket: 'alpha', Key: 'docs/fox.txt', Range: 'bytes=4-8' }),
    );
    expect(part.$metadata.httpStatusCode).to.equal(206);
    expect(part.ContentRange).to.equal(`bytes 4-8/${body.length}`);
    expect(await part.Body?.transformToString()).to.equal('quick');
    const tail = await s3.send(
      new GetObjectCommand({ Bucket: 'alpha', Key: 'docs/fox.txt', Range: 'bytes=-3' }),
    );
    expect(await tail.Body?.transformToString()).to.equal('fox');
    expect(
      await fails(
        s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'docs/fox.txt', Range: 'bytes=100-' })),
      ),
    ).to.have.property('name', 'InvalidRange');
    expect(
      (
        await fails(
          s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'docs/fox.txt', IfNoneMatch: put.ETag })),
        )
      ).$metadata.httpStatusCode,
    ).to.equal(304);
    expect(
      await fails(s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'docs/fox.txt', IfMatch: '"0000"' }))),
    ).to.have.property('name', 'PreconditionFailed');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'docs/fox.txt' }));
    expect(head).to.include({ ContentLength: body.length, ContentType: 'text/plain', ETag: put.ETag });
    expect(
      await fails(s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'docs/none.txt' }))),
    ).to.have.property('name', 'NoSuchKey');
    expect(
      (await fails(s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'docs/none.txt' })))).$metadata
        .httpStatusCode,
    ).to.equal(404);

    // "Folder" placeholder keys keep their trailing slash.
    await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'empty-folder/', Body: '' }));
    const folder = await s3.send(new ListObjectsV2Command({ Bucket: 'alpha', Prefix: 'empty-folder' }));
    expect(folder.Contents?.map((c) => [c.Key, c.Size])).to.deep.equal([['empty-folder/', 0]]);

    // The AWS CLI uploads aws-chunked bodies with a trailing checksum.
    const dir = mkdtempSync(join(tmpdir(), 's3-test-'));
    try {
      const file = join(dir, 'report.csv');
      writeFileSync(file, 'id,finding\n1,open bucket\n');
      const cliPut = (await range.aws([
        's3api',
        'put-object',
        '--bucket',
        'alpha',
        '--key',
        'docs/report.csv',
        '--body',
        file,
        '--metadata',
        'owner=sec',
      ])) as {
        ETag: string;
        ChecksumCRC32?: string;
      };
      expect(cliPut.ETag).to.equal(`"${createHash('md5').update(readFileSync(file)).digest('hex')}"`);
      expect(cliPut.ChecksumCRC32).to.be.a('string');
      const out = join(dir, 'out.csv');
      const cliGet = (await range.aws([
        's3api',
        'get-object',
        '--bucket',
        'alpha',
        '--key',
        'docs/report.csv',
        out,
      ])) as { Metadata: object };
      expect(cliGet.Metadata).to.deep.equal({ owner: 'sec' });
      expect(readFileSync(out, 'utf8')).to.equal('id,finding\n1,open bucket\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // Object calls are CloudTrail data events: not in LookupEvents, delivered with bucketName and key.
    expect(range.events('PutObject')).to.deep.equal([]);
    const putEvent = spy.events.find(
      (e) => e.eventName === 'PutObject' && e.requestParameters?.key === 'docs/fox.txt',
    );
    expect(putEvent?.requestParameters).to.include({ bucketName: 'alpha', key: 'docs/fox.txt' });
    expect(putEvent).to.include({ managementEvent: false, eventCategory: 'Data', readOnly: false });
    expect(
      spy.events.filter((e) => e.eventName === 'GetObject' && e.errorCode === 'NoSuchKey'),
    ).to.have.length(1);
  });

  it('takes large uploads in parts (`aws s3 cp` over 8 MB) and checks parts on completion', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3-big-'));
    try {
      const big = Buffer.alloc(9 * 1024 * 1024, 'sirs');
      writeFileSync(join(dir, 'big.bin'), big);
      await range.aws(['s3', 'cp', join(dir, 'big.bin'), 's3://alpha/big.bin']);
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'big.bin' }));
      expect(head.ContentLength).to.equal(big.length);
      expect(head.ETag).to.match(/^"[0-9a-f]{32}-2"$/);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'big.bin' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(big)).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: 'alpha', Key: 'parts.bin' }),
    );
    const one = await s3.send(
      new UploadPartCommand({ Bucket: 'alpha', Key: 'parts.bin', UploadId, PartNumber: 1, Body: 'small' }),
    );
    await s3.send(
      new UploadPartCommand({ Bucket: 'alpha', Key: 'parts.bin', UploadId, PartNumber: 2, Body: 'tail' }),
    );
    const parts = await s3.send(new ListPartsCommand({ Bucket: 'alpha', Key: 'parts.bin', UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).to.deep.equal([
      [1, 5],
      [2, 4],
    ]);
    const complete = (Parts: Array<{ PartNumber: number; ETag?: string }>) =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'alpha',
          Key: 'parts.bin',
          UploadId,
          MultipartUpload: { Parts },
        }),
      );
    expect(await fails(complete([{ PartNumber: 1, ETag: one.ETag }, { PartNumber: 2 }]))).to.have.property(
      'name',
      'EntityTooSmall',
    );
    expect(await fails(complete([{ PartNumber: 3, ETag: one.ETag }]))).to.have.property(
      'name',
      'InvalidPart',
    );
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'alpha', Key: 'parts.bin', UploadId }));
    expect(await fails(complete([{ PartNumber: 1, ETag: one.ETag }]))).to.have.property(
      'name',
      'NoSuchUpload',
    );
    expect(
      spy.events.filter((e) => e.eventName === 'UploadPart' && e.userAgent.startsWith('aws-cli/')),
    ).to.have.length(2);
  });

  it('answers virtual-hosted-style requests (Host: <bucket>.localhost)', async () => {
    // Signed for the virtual host, sent to 127.0.0.1 (where *.localhost resolves to).
    const signed = await signRequest(`http://alpha.localhost:${range.port}`, '/docs/fox.txt', {
      service: 's3',
      credentials: range.credentials,
    });
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: range.port,
          path: '/docs/fox.txt',
          headers: signed.headers,
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).to.equal(200);
    expect(body).to.equal('the quick brown fox');
    const event = spy.events.filter((e) => e.eventName === 'GetObject').at(-1);
    expect(event?.requestParameters).to.include({
      bucketName: 'alpha',
      key: 'docs/fox.txt',
      Host: `alpha.localhost:${range.port}`,
    });
  });
});

describe('range: S3 object bodies survive a restart with --state-dir', () => {
  it('reads back the exact bytes after the range restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3-state-'));
    const bytes = Buffer.from([0, 255, 1, 254, 10, 13]);
    try {
      const first = await startTestRange({ stateDir: dir });
      const s3a = new S3Client(first.clientConfig());
      await s3a.send(new CreateBucketCommand({ Bucket: 'durable' }));
      await s3a.send(new PutObjectCommand({ Bucket: 'durable', Key: 'bin', Body: bytes }));
      first.engine.state.saveTo(dir, true);
      await first.stop();
      const second = await startTestRange({ stateDir: dir });
      try {
        const got = await new S3Client(second.clientConfig()).send(
          new GetObjectCommand({ Bucket: 'durable', Key: 'bin' }),
        );
        expect(Buffer.from(await got.Body!.transformToByteArray())).to.deep.equal(bytes);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function otherAccountEnv(range: TestRange): Record<string, string> {
  const c = otherAccount(range);
  return { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey };
}
