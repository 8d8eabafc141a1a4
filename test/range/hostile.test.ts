import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { failure, startTestRange, type TestRange } from './harness.js';
import { replaceBody, rewrite } from './hostile-requests.js';

// Requests an attacker (or a broken client) sends to the range. Every case ends by checking that the
// range still answers and that what was stored before it is intact.

const MiB = 1024 * 1024;

/**
 * A gzip body of about 1 MiB that inflates to 1 GiB: 64 gzip members of 16 MiB of zeros each (a gzip
 * stream may hold several members, read one after another). Built in well under a second.
 */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: 64 }, () => member));
}

/** What every case checks last: the range answers, and an object and a user created before are still there. */
async function expectIntact(range: TestRange): Promise<void> {
  const sts = new STSClient(range.clientConfig());
  const s3 = new S3Client(range.clientConfig());
  const iam = new IAMClient(range.clientConfig());
  try {
    const who = await sts.send(new GetCallerIdentityCommand({}));
    expect(who.Account).to.equal(range.accountId);
    const object = await s3.send(new GetObjectCommand({ Bucket: 'hostile-evidence', Key: 'before.txt' }));
    expect(await object.Body?.transformToString()).to.equal('written before the hostile request');
    const user = await iam.send(new GetUserCommand({ UserName: 'before' }));
    expect(user.User?.UserName).to.equal('before');
  } finally {
    // Close the clients' keep-alive connections: the connection-cap case counts them.
    for (const c of [sts, s3, iam]) c.destroy();
  }
}

async function seed(range: TestRange): Promise<void> {
  const s3 = new S3Client(range.clientConfig());
  const iam = new IAMClient(range.clientConfig());
  await s3.send(new CreateBucketCommand({ Bucket: 'hostile-evidence' }));
  await s3.send(
    new PutObjectCommand({
      Bucket: 'hostile-evidence',
      Key: 'before.txt',
      Body: 'written before the hostile request',
    }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'before' }));
  s3.destroy();
  iam.destroy();
}

interface RawConnection {
  socket: Socket;
  /** Everything the server sent until the connection closed (a reset or refusal ends it too). */
  closed: Promise<string>;
}

/** A raw connection to the range, listening from the start so an immediate close is not missed. */
function open(range: TestRange): Promise<RawConnection> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(range.port, '127.0.0.1');
    const closed = new Promise<string>((done) => {
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => done(text));
    });
    socket.once('connect', () => resolve({ socket, closed }));
    void closed.then(() => resolve({ socket, closed }));
  });
}

/** Calls until the range answers: connections just released may not be counted as closed yet. */
async function eventually(check: () => Promise<void>, attempts = 50): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await check();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('range: hostile requests', function () {
  this.timeout(60_000);

  describe('bodies', () => {
    let range: TestRange;
    before(async () => {
      range = await startTestRange({ limits: { maxBodyBytes: MiB } });
      await seed(range);
    });
    after(async () => range.stop());

    it('answers a gzip bomb (1 MiB inflating to 1 GiB) with 413 and keeps serving', async () => {
      const bomb = gzipBomb();
      expect(bomb.length).to.be.below(1.1 * MiB);
      const cw = new CloudWatchClient(range.clientConfig({ disableRequestCompression: true }));
      rewrite(cw, (req) => {
        replaceBody(req, bomb, 'gzip');
      });
      const err = await failure(
        cw.send(
          new PutMetricDataCommand({ Namespace: 'Hostile', MetricData: [{ MetricName: 'M', Value: 1 }] }),
        ),
      );
      expect(err.$metadata.httpStatusCode).to.equal(413);
      expect(err.name).to.equal('RequestEntityTooLargeException');
      await expectIntact(range);
    });

    it('answers a body that is not gzip although it says so with 400 MalformedHttpRequestException', async () => {
      const cw = new CloudWatchClient(range.clientConfig({ disableRequestCompression: true }));
      const garbage = Buffer.from('this is not a gzip stream at all');
      rewrite(cw, (req) => {
        replaceBody(req, garbage, 'gzip');
      });
      const err = await failure(
        cw.send(
          new PutMetricDataCommand({ Namespace: 'Hostile', MetricData: [{ MetricName: 'M', Value: 1 }] }),
        ),
      );
      expect(err.$metadata.httpStatusCode).to.equal(400);
      expect(err.name).to.equal('MalformedHttpRequestException');
      await expectIntact(range);
    });

    it('answers an S3 upload over the body limit with EntityTooLarge instead of resetting the connection', async () => {
      const s3 = new S3Client(range.clientConfig());
      const err = await failure(
        s3.send(
          new PutObjectCommand({ Bucket: 'hostile-evidence', Key: 'big.bin', Body: Buffer.alloc(3 * MiB) }),
        ),
      );
      // S3's error responses list EntityTooLarge ("Your proposed upload exceeds the maximum allowed object size") as 400.
      expect(err.name).to.equal('EntityTooLarge');
      expect(err.$metadata.httpStatusCode).to.equal(400);
      await expectIntact(range);
    });

    it('shows the AWS CLI the EntityTooLarge answer for an upload over the limit', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hostile-body-'));
      try {
        const file = join(dir, 'big.bin');
        writeFileSync(file, Buffer.alloc(2 * MiB));
        const { stderr } = await range.awsFails([
          's3api',
          'put-object',
          '--bucket',
          'hostile-evidence',
          '--key',
          'big.bin',
          '--body',
          file,
        ]);
        expect(stderr).to.contain('(EntityTooLarge)');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      await expectIntact(range);
    });

    it('answers a JSON-protocol call over the body limit with 413 RequestEntityTooLargeException', async () => {
      const logs = new CloudWatchLogsClient(range.clientConfig());
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'hostile' }));
      const err = await failure(
        logs.send(
          new PutLogEventsCommand({
            logGroupName: 'hostile',
            logStreamName: 'none',
            logEvents: [{ timestamp: Date.now(), message: 'x'.repeat(2 * MiB) }],
          }),
        ),
      );
      expect(err.$metadata.httpStatusCode).to.equal(413);
      expect(err.name).to.equal('RequestEntityTooLargeException');
      await expectIntact(range);
    });
  });

  describe('S3 keys', () => {
    let range: TestRange;
    let s3: S3Client;
    before(async () => {
      range = await startTestRange();
      await seed(range);
      s3 = new S3Client(range.clientConfig());
    });
    after(async () => range.stop());

    it('refuses keys over 1,024 bytes of UTF-8 with KeyTooLongError, and accepts 1,024', async () => {
      // 512 two-byte characters are exactly 1,024 bytes; 342 three-byte ones are 1,026 bytes in 342 characters.
      await s3.send(new PutObjectCommand({ Bucket: 'hostile-evidence', Key: 'é'.repeat(512), Body: 'ok' }));
      for (const Key of ['k'.repeat(1025), '€'.repeat(342)]) {
        const err = await failure(
          s3.send(new PutObjectCommand({ Bucket: 'hostile-evidence', Key, Body: 'x' })),
        );
        expect(err.name).to.equal('KeyTooLongError');
        expect(err.$metadata.httpStatusCode).to.equal(400);
      }
      const err = await failure(
        range.aws([
          's3api',
          'create-multipart-upload',
          '--bucket',
          'hostile-evidence',
          '--key',
          'm'.repeat(1100),
        ]),
      );
      expect(err.message).to.contain('KeyTooLongError');
      await expectIntact(range);
    });

    it('answers a key that is not valid UTF-8 with 400 InvalidURI, not 500', async () => {
      const client = new S3Client(range.clientConfig());
      rewrite(client, (req) => {
        req.path = '/hostile-evidence/bad-%C3%28-key';
      });
      const err = await failure(
        client.send(new PutObjectCommand({ Bucket: 'hostile-evidence', Key: 'x', Body: 'x' })),
      );
      expect(err.$metadata.httpStatusCode).to.equal(400);
      expect(err.name).to.equal('InvalidURI');
      await expectIntact(range);
    });
  });

  describe('slow clients', () => {
    let range: TestRange;
    before(async () => {
      range = await startTestRange({ limits: { headersTimeoutMs: 500, requestTimeoutMs: 1000 } });
      await seed(range);
    });
    after(async () => range.stop());

    it('times out a client that sends headers and then trickles its body (408), while others are served', async () => {
      const slow = await open(range);
      slow.socket.write(
        `PUT /hostile-evidence/slow.txt HTTP/1.1\r\nHost: 127.0.0.1:${range.port}\r\nContent-Length: 1000000\r\n\r\n`,
      );
      const trickle = setInterval(() => slow.socket.writable && slow.socket.write('x'), 50);
      try {
        await expectIntact(range);
        const answer = await slow.closed;
        expect(answer === '' || answer.startsWith('HTTP/1.1 408'), answer).to.equal(true);
      } finally {
        clearInterval(trickle);
      }
      await expectIntact(range);
    });
  });

  describe('connection floods', () => {
    let range: TestRange;
    before(async () => {
      range = await startTestRange({ limits: { maxConnections: 4 } });
      await seed(range);
    });
    after(async () => range.stop());

    it('closes connections beyond the cap and keeps serving the open ones', async () => {
      const held = await Promise.all([open(range), open(range), open(range), open(range)]);
      const extra = await open(range);
      expect(await extra.closed).to.equal('');
      // A held connection is still served (an anonymous GET: S3 answers it, with an error or not).
      const first = held[0] as RawConnection;
      first.socket.write(
        `GET /hostile-evidence/before.txt HTTP/1.1\r\nHost: 127.0.0.1:${range.port}\r\nConnection: close\r\n\r\n`,
      );
      expect(await first.closed).to.match(/^HTTP\/1\.1 \d{3} /);
      for (const c of held) c.socket.destroy();
      await eventually(() => expectIntact(range));
    });
  });

  describe('services the range does not emulate', () => {
    let range: TestRange;
    before(async () => {
      range = await startTestRange();
      await seed(range);
    });
    after(async () => range.stop());

    it('answers a JSON client (DynamoDB) with a JSON error naming the service', async () => {
      const { stderr } = await range.awsFails(['dynamodb', 'list-tables']);
      expect(stderr).to.contain('(UnknownOperationException)');
      expect(stderr).to.contain("does not emulate the service 'dynamodb'");
      await expectIntact(range);
    });

    it('answers a query client (Elastic Beanstalk) with a query XML error naming the service', async () => {
      const { stderr } = await range.awsFails(['elasticbeanstalk', 'describe-applications']);
      expect(stderr).to.contain('(InvalidAction)');
      expect(stderr).to.contain("does not emulate the service 'elasticbeanstalk'");
      await expectIntact(range);
    });

    it('answers a REST-XML client (Route 53) with an S3-style XML error naming the service', async () => {
      const { stderr } = await range.awsFails(['route53', 'list-hosted-zones']);
      expect(stderr).to.contain('(NotImplemented)');
      expect(stderr).to.contain("does not emulate the service 'route53'");
      await expectIntact(range);
    });
  });
});
