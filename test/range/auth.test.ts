import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ManualClock } from '../../src/range/index.js';
import { checkChunkedBody } from '../../src/range/auth/chunked.js';
import {
  canonicalRequest,
  signatureOf,
  signingKey,
  stringToSign,
  type SigV4Claim,
} from '../../src/range/auth/sigv4.js';
import { failure, signRequest, startTestRange, type TestRange } from './harness.js';

/** The AWS CLI's error line names the error code in parentheses: "(SignatureDoesNotMatch)". */
function cliCode(stderr: string): string | undefined {
  return /An error occurred \(([A-Za-z]+)\)/.exec(stderr)?.[1];
}

describe('range: request signatures are verified (SigV4)', function () {
  this.timeout(60_000);
  // The range's clock starts at the wall clock; the presigned-URL test moves it past an expiry.
  const clock = new ManualClock(Date.now());
  let range: TestRange;
  let s3: S3Client;
  const wrong = () => ({ ...range.credentials, secretAccessKey: 'not-the-secret-of-this-key-0000000000000' });

  before(async () => {
    range = await startTestRange({ clock, signatureClock: clock });
    s3 = new S3Client(range.clientConfig());
    await range.aws(['s3api', 'create-bucket', '--bucket', 'shared']);
    await s3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'report.txt', Body: 'quarterly numbers' }));
    await s3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'secret.txt', Body: 'not for you' }));
  });
  after(() => range.stop());
  afterEach(async () => {
    // Every refusal leaves the range answering, with its data.
    const who = await new STSClient(range.clientConfig()).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).to.equal(`arn:aws:iam::${range.accountId}:user/range-admin`);
  });

  it("refuses a known access key id signed with another secret, in each service's own error", async () => {
    const sts = await failure(
      new STSClient(range.clientConfig({ credentials: wrong() })).send(new GetCallerIdentityCommand({})),
    );
    expect(sts).to.include({ name: 'SignatureDoesNotMatch' });
    expect(sts.$metadata.httpStatusCode).to.equal(403);
    const s3Err = await failure(
      new S3Client(range.clientConfig({ credentials: wrong() })).send(new ListBucketsCommand({})),
    );
    expect(s3Err).to.include({
      name: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    });
    expect(s3Err.$metadata.httpStatusCode).to.equal(403);
    const logs = await failure(
      new CloudWatchLogsClient(range.clientConfig({ credentials: wrong() })).send(
        new DescribeLogGroupsCommand({}),
      ),
    );
    expect(logs).to.include({ name: 'InvalidSignatureException' });
    const cli = await range.awsFails(['iam', 'create-user', '--user-name', 'mallory'], {
      env: { AWS_SECRET_ACCESS_KEY: wrong().secretAccessKey },
    });
    expect(cliCode(cli.stderr)).to.equal('SignatureDoesNotMatch');
    // Nothing happened: no user, and no CreateUser in CloudTrail.
    expect(
      await failure(new IAMClient(range.clientConfig()).send(new GetUserCommand({ UserName: 'mallory' }))),
    ).to.include({
      name: 'NoSuchEntityException',
    });
    expect(range.events('CreateUser')).to.deep.equal([]);
  });

  it('refuses a made-up signature and a body changed after signing', async () => {
    const signed = await signRequest(range.endpoint, '/', {
      service: 'iam',
      method: 'POST',
      credentials: range.credentials,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateUser&UserName=alice&Version=2010-05-08',
    });
    const { host: _host, ...headers } = signed.headers;
    const madeUp = await fetch(signed.url, {
      method: 'POST',
      headers: {
        ...headers,
        authorization: headers['authorization']!.replace(/Signature=\w+/, `Signature=${'0'.repeat(64)}`),
      },
      body: signed.body,
    });
    expect(madeUp.status).to.equal(403);
    expect(await madeUp.text()).to.contain('<Code>SignatureDoesNotMatch</Code>');
    const swapped = await fetch(signed.url, {
      method: 'POST',
      headers,
      body: 'Action=CreateUser&UserName=mallory&Version=2010-05-08',
    });
    expect(swapped.status).to.equal(403);
    expect(range.events('CreateUser')).to.deep.equal([]);
    // The request as signed goes through.
    const honest = await fetch(signed.url, { method: 'POST', headers, body: signed.body });
    expect(honest.status).to.equal(200);
  });

  it('refuses a request dated 2020 or 20 minutes ahead (15-minute window on the range clock)', async () => {
    const old = await range.signedFetch('/?Action=GetCallerIdentity&Version=2011-06-15', {
      service: 'sts',
      signingDate: new Date('2020-01-01T00:00:00Z'),
    });
    expect(old.status).to.equal(400);
    expect(await old.text()).to.contain('<Code>RequestExpired</Code>');
    const ahead = await range.signedFetch('/shared/report.txt', {
      service: 's3',
      signingDate: new Date(clock.now().getTime() + 20 * 60_000),
    });
    expect(ahead.status).to.equal(403);
    const text = await ahead.text();
    expect(text).to.contain('<Code>RequestTimeTooSkewed</Code>');
    expect(text).to.contain('<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>');
    const inWindow = await range.signedFetch('/shared/report.txt', {
      service: 's3',
      signingDate: new Date(clock.now().getTime() - 10 * 60_000),
    });
    expect(inWindow.status).to.equal(200);
  });

  it('answers IncompleteSignature for an Authorization header without its parts', async () => {
    const res = await fetch(`${range.endpoint}/?Action=GetCallerIdentity&Version=2011-06-15`, {
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=${range.credentials.accessKeyId}/20261206/us-east-1/sts/aws4_request`,
        'x-amz-date': '20261206T000000Z',
      },
    });
    expect(res.status).to.equal(400);
    const text = await res.text();
    expect(text).to.contain('<Code>IncompleteSignature</Code>');
    expect(text.replace(/&apos;/g, "'")).to.contain("Authorization header requires 'Signature' parameter.");
  });

  it('serves an AWS CLI presigned URL, refuses it tampered (path, expiry) and after it expires', async () => {
    // AWS CLI v1 presigns with Signature Version 2 unless told s3v4; AWS refuses SigV2 on buckets
    // created since June 2020, and so does the range.
    const dir = mkdtempSync(join(tmpdir(), 'auth-presign-'));
    const config = join(dir, 'config');
    writeFileSync(config, '[default]\ns3 =\n    signature_version = s3v4\n');
    const v2 = String(await range.aws(['s3', 'presign', 's3://shared/report.txt']));
    expect(v2).to.contain('AWSAccessKeyId=');
    expect((await fetch(v2)).status).to.equal(400);
    // The warm CLI driver keeps the config it started with: this one runs as a new `aws` process.
    const presign = spawnSync('aws', ['s3', 'presign', 's3://shared/report.txt', '--expires-in', '60'], {
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...range.env(), AWS_CONFIG_FILE: config },
      encoding: 'utf8',
    });
    const url = presign.stdout.trim();
    rmSync(dir, { recursive: true, force: true });
    expect(url).to.contain('X-Amz-Expires=60');
    const ok = await fetch(url);
    expect(ok.status).to.equal(200);
    expect(await ok.text()).to.equal('quarterly numbers');
    const otherKey = await fetch(url.replace('/report.txt', '/secret.txt'));
    expect(otherKey.status).to.equal(403);
    expect(await otherKey.text()).to.contain('<Code>SignatureDoesNotMatch</Code>');
    const longer = await fetch(url.replace('X-Amz-Expires=60', 'X-Amz-Expires=604800'));
    expect(longer.status).to.equal(403);
    expect(await longer.text()).to.contain('<Code>SignatureDoesNotMatch</Code>');
    // Move the range's clock to 61 s after the URL was signed.
    const signedAt = amzDateMs(new URL(url).searchParams.get('X-Amz-Date')!);
    clock.advance(signedAt + 61_000 - clock.now().getTime());
    const expired = await fetch(url);
    expect(expired.status).to.equal(403);
    const text = await expired.text();
    expect(text).to.contain('<Code>AccessDenied</Code>');
    expect(text).to.contain('<Message>Request has expired</Message>');
  });

  it('refuses S3 x-amz-* headers the signature does not cover (HeadersNotSigned), and writes nothing', async () => {
    const signed = await signRequest(range.endpoint, '/shared/added.txt', {
      service: 's3',
      method: 'PUT',
      body: 'data',
      credentials: range.credentials,
    });
    // Someone who intercepted the signed request adds a public ACL and a copy source after signing.
    const res = await fetch(signed.url, {
      method: 'PUT',
      headers: { ...signed.headers, 'x-amz-acl': 'public-read', 'X-Amz-Copy-Source': '/shared/secret.txt' },
      body: 'data',
    });
    expect(res.status).to.equal(403);
    const text = await res.text();
    expect(text).to.contain('<Code>AccessDenied</Code>');
    expect(text).to.contain(
      '<Message>There were headers present in the request which were not signed</Message>',
    );
    expect(text).to.contain('<HeadersNotSigned>x-amz-acl, x-amz-copy-source</HeadersNotSigned>');
    const head = await range.awsFails(['s3api', 'head-object', '--bucket', 'shared', '--key', 'added.txt']);
    expect(head.stderr).to.match(/404|Not Found/);
    // The same request as signed is accepted.
    const ok = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'data' });
    expect(ok.status).to.equal(200);
  });

  it('takes a multi-megabyte `aws s3 cp` (multipart, signed payloads) and an SDK v3 stream upload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-cp-'));
    try {
      const file = join(dir, 'evidence.bin');
      const bytes = randomBytes(9 * 1024 * 1024);
      writeFileSync(file, bytes);
      await range.aws(['s3', 'cp', file, 's3://shared/evidence.bin']);
      await range.aws(['s3', 'cp', 's3://shared/evidence.bin', join(dir, 'back.bin')]);
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(sha(readFileSync(join(dir, 'back.bin')))).to.equal(sha(bytes));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A Readable body: the SDK sends aws-chunked with STREAMING-UNSIGNED-PAYLOAD-TRAILER and a CRC32 trailer.
    const parts = [Buffer.from('chunk one, '), Buffer.from('chunk two')];
    await s3.send(
      new PutObjectCommand({
        Bucket: 'shared',
        Key: 'streamed.txt',
        Body: Readable.from(parts),
        ContentLength: 20,
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'streamed.txt' }));
    expect(await got.Body!.transformToString()).to.equal('chunk one, chunk two');
  });

  it('verifies signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) and refuses a tampered one', async () => {
    const data = [Buffer.alloc(8192, 'x'), Buffer.from('tail')];
    const put = async (tamper: boolean) => {
      const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
      const body = signedChunks(range, data, amzDate, tamper);
      const path = `/shared/chunked-${tamper ? 'bad' : 'good'}.txt`;
      const seedless = await signRequest(range.endpoint, path, {
        service: 's3',
        method: 'PUT',
        credentials: range.credentials,
        signingDate: new Date(amzDateMs(amzDate)),
        headers: {
          'content-encoding': 'aws-chunked',
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'x-amz-decoded-content-length': String(8196),
        },
      });
      const seed = /Signature=(\w+)/.exec(seedless.headers['authorization']!)![1]!;
      const { host: _h, ...headers } = seedless.headers;
      return fetch(seedless.url, { method: 'PUT', headers, body: body.withSeed(seed) });
    };
    const bad = await put(true);
    expect(bad.status).to.equal(403);
    expect(await bad.text()).to.contain('<Code>SignatureDoesNotMatch</Code>');
    const good = await put(false);
    expect(good.status).to.equal(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'chunked-good.txt' }));
    expect((await got.Body!.transformToString()).length).to.equal(8196);
  });
});

describe('range: chunk signatures match the AWS documentation example', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html, "Example: PUT Object":
  // 66,560 bytes of 'a' in chunks of 64 KB, 1 KB and 0, with these seed and chunk signatures.
  it('reproduces the seed signature and accepts the documented chunks, in order only', () => {
    const headers: Record<string, string> = {
      'content-encoding': 'aws-chunked',
      'content-length': '66824',
      host: 's3.amazonaws.com',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'x-amz-date': '20130524T000000Z',
      'x-amz-decoded-content-length': '66560',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    };
    const claim: SigV4Claim = {
      form: 'header',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      scopeDate: '20130524',
      region: 'us-east-1',
      service: 's3',
      amzDate: '20130524T000000Z',
      signedHeaders: Object.keys(headers).sort(),
      signature: '',
    };
    const req = {
      method: 'PUT',
      path: '/examplebucket/chunkObject.txt',
      query: new URLSearchParams(),
      headers,
      body: Buffer.alloc(0),
    };
    const key = signingKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3');
    const seed = signatureOf(
      key,
      stringToSign(claim, canonicalRequest(req, claim, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD')),
    );
    expect(seed).to.equal('4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
    const sigs = [
      'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
      '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
      'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
    ];
    const body = (a: string, b: string) =>
      Buffer.concat([
        Buffer.from(`10000;chunk-signature=${a}\r\n`),
        Buffer.alloc(65536, 'a'),
        Buffer.from(`\r\n400;chunk-signature=${b}\r\n`),
        Buffer.alloc(1024, 'a'),
        Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\n\r\n`),
      ]);
    const signing = { key, amzDate: '20130524T000000Z', scope: claim, seedSignature: seed };
    expect(body(sigs[0]!, sigs[1]!).length).to.equal(66824);
    expect(checkChunkedBody(body(sigs[0]!, sigs[1]!), { trailer: false, signing })).to.equal(undefined);
    expect(checkChunkedBody(body(sigs[1]!, sigs[0]!), { trailer: false, signing })).to.include({
      kind: 'signature',
    });
  });
});

function amzDateMs(amzDate: string): number {
  return Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
}

/**
 * An aws-chunked body signed chunk by chunk as the documentation describes, chained from the seed
 * (the request's own signature); `tamper` flips a byte of the first chunk after signing it.
 */
function signedChunks(range: TestRange, data: Buffer[], amzDate: string, tamper: boolean) {
  const scopeDate = amzDate.slice(0, 8);
  const key = signingKey(range.credentials.secretAccessKey, scopeDate, 'us-east-1', 's3');
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const build = (seed: string) => {
    let previous = seed;
    const out: Buffer[] = [];
    for (const chunk of [...data, Buffer.alloc(0)]) {
      const toSign = [
        'AWS4-HMAC-SHA256-PAYLOAD',
        amzDate,
        `${scopeDate}/us-east-1/s3/aws4_request`,
        previous,
        sha(Buffer.alloc(0)),
        sha(chunk),
      ].join('\n');
      previous = signatureOf(key, toSign);
      const sent = Buffer.from(chunk);
      if (tamper && out.length === 0 && sent.length) sent[0] = sent[0]! ^ 1;
      out.push(
        Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`),
        sent,
        Buffer.from('\r\n'),
      );
    }
    return Buffer.concat(out);
  };
  return { withSeed: build };
}
