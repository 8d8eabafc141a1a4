import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { generateKeyPair, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  GenerateCredentialReportCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetSSHPublicKeyCommand,
  IAMClient,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  PutUserPolicyCommand,
  UpdateSSHPublicKeyCommand,
  UploadSigningCertificateCommand,
  UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { ManualClock } from '../../src/range/clock.js';
import { failure, startTestRange, type TestRange } from './harness.js';

const run = promisify(execFile);

/** A fresh RSA key as `ssh-keygen` writes it, its SPKI PEM and its MD5 fingerprint as `ssh-keygen -l` shows it. */
async function rsaKey(dir: string, bits = 2048): Promise<{ ssh: string; pem: string; md5: string }> {
  const generated = await promisify(generateKeyPair)('rsa', { modulusLength: bits });
  const pem = generated.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const file = join(dir, `k${Math.random().toString(36).slice(2)}.pem`);
  await writeFile(file, pem);
  const ssh = (await run('ssh-keygen', ['-i', '-m', 'PKCS8', '-f', file])).stdout.trim();
  await writeFile(`${file}.pub`, `${ssh} responder@test\n`);
  const listed = (await run('ssh-keygen', ['-l', '-E', 'md5', '-f', `${file}.pub`])).stdout;
  const md5 = /MD5:([0-9a-f:]+)/.exec(listed)?.[1] ?? '';
  return { ssh, pem, md5 };
}

/**
 * A 2048-bit RSA public key line without generating a key pair (IAM sees only the public half, so a
 * random odd modulus of the right size stands for one): cheap keys to fill the quota with.
 */
function publicOnlyKey(): string {
  const n = randomBytes(256);
  n[0] = (n[0] as number) | 0x80;
  n[255] = (n[255] as number) | 1;
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const wire = Buffer.concat([
    field(Buffer.from('ssh-rsa')),
    field(Buffer.from([1, 0, 1])),
    field(Buffer.concat([Buffer.from([0]), n])),
  ]);
  return `ssh-rsa ${wire.toString('base64')}`;
}

/** An ssh-ed25519 public key line (RFC 8709): CodeCommit takes RSA keys only. */
async function ed25519Key(): Promise<string> {
  const { publicKey } = await promisify(generateKeyPair)('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')}`;
}

/** A self-signed certificate valid for one day from now (node:crypto cannot issue one; openssl can). */
async function certificate(): Promise<string> {
  const out = await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    '/dev/null',
    '-subj',
    '/CN=backdoor',
    '-days',
    '1',
  ]);
  return out.stdout;
}

describe('range: IAM SSH public keys and signing certificates', function () {
  this.timeout(60_000);
  let range: TestRange;
  let iam: IAMClient;
  let dir: string;
  let clock: ManualClock;
  before(async () => {
    clock = new ManualClock(new Date());
    range = await startTestRange({ clock });
    iam = new IAMClient(range.clientConfig());
    dir = await mkdtemp(join(tmpdir(), 'sirs-iam-keys-'));
    for (const name of ['dev', 'ops']) await iam.send(new CreateUserCommand({ UserName: name }));
  });
  after(async () => {
    await range.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads, reads in both encodings, deactivates and deletes SSH public keys', async () => {
    const [first, second] = await Promise.all([rsaKey(dir), rsaKey(dir)]);
    const { SSHPublicKey: up } = await iam.send(
      new UploadSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyBody: `${first.ssh} responder@test` }),
    );
    expect(up?.SSHPublicKeyId).to.match(/^APKA[A-Z0-9]{16}$/);
    expect(up).to.include({ UserName: 'dev', Status: 'Active', Fingerprint: first.md5 });
    const viaCli = (await range.aws([
      'iam',
      'upload-ssh-public-key',
      '--user-name',
      'dev',
      '--ssh-public-key-body',
      second.pem,
    ])) as { SSHPublicKey: { SSHPublicKeyId: string; Fingerprint: string } };
    expect(viaCli.SSHPublicKey.Fingerprint).to.equal(second.md5);

    const asSsh = await iam.send(
      new GetSSHPublicKeyCommand({
        UserName: 'dev',
        SSHPublicKeyId: viaCli.SSHPublicKey.SSHPublicKeyId,
        Encoding: 'SSH',
      }),
    );
    expect(asSsh.SSHPublicKey?.SSHPublicKeyBody).to.equal(second.ssh);
    const asPem = (await range.aws([
      'iam',
      'get-ssh-public-key',
      '--user-name',
      'dev',
      '--ssh-public-key-id',
      up?.SSHPublicKeyId ?? '',
      '--encoding',
      'PEM',
    ])) as { SSHPublicKey: { SSHPublicKeyBody: string } };
    expect(asPem.SSHPublicKey.SSHPublicKeyBody).to.equal(first.pem);

    const dup = await failure(
      iam.send(new UploadSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyBody: first.pem })),
    );
    expect([dup.name, dup.$metadata.httpStatusCode]).to.deep.equal(['DuplicateSSHPublicKeyException', 400]);
    const weak = await rsaKey(dir, 1024);
    const short = await failure(
      iam.send(new UploadSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyBody: weak.ssh })),
    );
    expect(short.name).to.equal('InvalidPublicKeyException');
    const garbled = await range.awsFails([
      'iam',
      'upload-ssh-public-key',
      '--user-name',
      'dev',
      '--ssh-public-key-body',
      'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ',
    ]);
    expect(garbled.stderr).to.contain('(InvalidPublicKey)');
    const ed25519 = await failure(
      iam.send(
        new UploadSSHPublicKeyCommand({
          UserName: 'dev',
          SSHPublicKeyBody: await ed25519Key(),
        }),
      ),
    );
    expect(ed25519.name).to.equal('UnrecognizedPublicKeyEncodingException');

    // Five keys per user (IAM quotas): the sixth is refused.
    for (let i = 0; i < 3; i++)
      await iam.send(new UploadSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyBody: publicOnlyKey() }));
    const sixth = await failure(
      iam.send(new UploadSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyBody: publicOnlyKey() })),
    );
    expect([sixth.name, sixth.$metadata.httpStatusCode]).to.deep.equal(['LimitExceededException', 409]);

    await iam.send(
      new UpdateSSHPublicKeyCommand({
        UserName: 'dev',
        SSHPublicKeyId: up?.SSHPublicKeyId,
        Status: 'Inactive',
      }),
    );
    const listed = (await range.aws(['iam', 'list-ssh-public-keys', '--user-name', 'dev'])) as {
      SSHPublicKeys: Array<{ SSHPublicKeyId: string; Status: string }>;
    };
    expect(listed.SSHPublicKeys).to.have.length(5);
    expect(listed.SSHPublicKeys[0]).to.include({ SSHPublicKeyId: up?.SSHPublicKeyId, Status: 'Inactive' });
    const other = await failure(
      iam.send(
        new GetSSHPublicKeyCommand({ UserName: 'ops', SSHPublicKeyId: up?.SSHPublicKeyId, Encoding: 'SSH' }),
      ),
    );
    expect([other.name, other.message]).to.deep.equal([
      'NoSuchEntityException',
      `The Public Key with id ${up?.SSHPublicKeyId} cannot be found.`,
    ]);

    const conflict = await failure(iam.send(new DeleteUserCommand({ UserName: 'dev' })));
    expect([conflict.name, conflict.message]).to.deep.equal([
      'DeleteConflictException',
      'Cannot delete entity, must delete SSH public keys first.',
    ]);
    for (const k of listed.SSHPublicKeys)
      await iam.send(new DeleteSSHPublicKeyCommand({ UserName: 'dev', SSHPublicKeyId: k.SSHPublicKeyId }));
    expect((await iam.send(new ListSSHPublicKeysCommand({ UserName: 'dev' }))).SSHPublicKeys).to.deep.equal(
      [],
    );

    const [upload] = range.events('UploadSSHPublicKey');
    expect(upload?.requestParameters?.userName).to.equal('dev');
    expect(range.events('DeleteSSHPublicKey')).to.have.length(5);
    expect(range.events('UpdateSSHPublicKey')[0]?.requestParameters).to.include({ status: 'Inactive' });
  });

  it('uploads, lists, deactivates and deletes signing certificates, refusing bad ones', async () => {
    const body = await certificate();
    const uploaded = (await range.aws([
      'iam',
      'upload-signing-certificate',
      '--user-name',
      'ops',
      '--certificate-body',
      body,
    ])) as { Certificate: { CertificateId: string; Status: string; CertificateBody: string } };
    expect(uploaded.Certificate.Status).to.equal('Active');
    expect(uploaded.Certificate.CertificateId).to.match(/^\w{24,128}$/);

    // One certificate belongs to one user of the account.
    const dup = await failure(
      iam.send(new UploadSigningCertificateCommand({ UserName: 'dev', CertificateBody: body })),
    );
    expect([dup.name, dup.$metadata.httpStatusCode]).to.deep.equal(['DuplicateCertificateException', 409]);
    const junk = await failure(
      iam.send(
        new UploadSigningCertificateCommand({ UserName: 'ops', CertificateBody: 'not a certificate' }),
      ),
    );
    expect(junk.name).to.equal('MalformedCertificateException');
    const tomorrows = await certificate();
    clock.advance(3 * 24 * 3600 * 1000);
    const expired = await failure(
      iam.send(new UploadSigningCertificateCommand({ UserName: 'ops', CertificateBody: tomorrows })),
    );
    expect([expired.name, expired.message]).to.deep.equal([
      'MalformedCertificateException',
      'Certificate has expired.',
    ]);
    clock.advance(-3 * 24 * 3600 * 1000);

    await iam.send(new UploadSigningCertificateCommand({ UserName: 'ops', CertificateBody: tomorrows }));
    const third = await failure(
      iam.send(
        new UploadSigningCertificateCommand({ UserName: 'ops', CertificateBody: await certificate() }),
      ),
    );
    expect(third.name).to.equal('LimitExceededException');

    await range.aws([
      'iam',
      'update-signing-certificate',
      '--user-name',
      'ops',
      '--certificate-id',
      uploaded.Certificate.CertificateId,
      '--status',
      'Inactive',
    ]);
    const listed = await iam.send(new ListSigningCertificatesCommand({ UserName: 'ops' }));
    expect(listed.Certificates?.map((c) => c.Status)).to.deep.equal(['Inactive', 'Active']);
    expect(listed.Certificates?.[0]?.CertificateBody).to.equal(body);

    // The credential report shows them (cert_1_active, cert_1_last_rotated, ...), oldest first.
    await iam.send(new GenerateCredentialReportCommand({}));
    clock.advance(60_000);
    const report = await iam.send(new GetCredentialReportCommand({}));
    const rows = Buffer.from(report.Content ?? new Uint8Array())
      .toString('utf8')
      .split('\n');
    const header = rows[0]?.split(',') ?? [];
    const ops = rows.find((r) => r.startsWith('ops,'))?.split(',') ?? [];
    const column = (name: string) => ops[header.indexOf(name)];
    expect([column('cert_1_active'), column('cert_2_active')]).to.deep.equal(['false', 'true']);
    expect(column('cert_1_last_rotated')).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);

    const conflict = await failure(iam.send(new DeleteUserCommand({ UserName: 'ops' })));
    expect(conflict.message).to.equal('Cannot delete entity, must delete signing certificate first.');
    for (const c of listed.Certificates ?? [])
      await iam.send(
        new DeleteSigningCertificateCommand({ UserName: 'ops', CertificateId: c.CertificateId }),
      );
    const gone = (await range.aws(['iam', 'list-signing-certificates', '--user-name', 'ops'])) as {
      Certificates: unknown[];
    };
    expect(gone.Certificates).to.deep.equal([]);
    const missing = await failure(
      iam.send(
        new DeleteSigningCertificateCommand({
          UserName: 'ops',
          CertificateId: uploaded.Certificate.CertificateId,
        }),
      ),
    );
    expect(missing.name).to.equal('NoSuchEntityException');
    expect(range.events('UploadSigningCertificate').filter((e) => !e.errorCode)).to.have.length(2);
    expect(range.events('DeleteSigningCertificate')[0]?.requestParameters).to.include({ userName: 'ops' });
  });

  it("keeps the account root's own signing certificate apart from users' and counts it in the account summary", async () => {
    const root = new IAMClient(range.clientConfig({ credentials: { ...range.rootCredentials } }));
    const { Certificate } = await root.send(
      new UploadSigningCertificateCommand({ CertificateBody: await certificate() }),
    );
    expect(Certificate).not.to.have.property('UserName');
    const summary = await iam.send(new GetAccountSummaryCommand({}));
    expect(summary.SummaryMap?.AccountSigningCertificatesPresent).to.equal(1);
    // The root's certificates are its own: a user's listing does not show them.
    expect(
      (await iam.send(new ListSigningCertificatesCommand({ UserName: 'dev' }))).Certificates,
    ).to.deep.equal([]);
    const mine = await root.send(new ListSigningCertificatesCommand({}));
    expect(mine.Certificates?.map((c) => c.CertificateId)).to.deep.equal([Certificate?.CertificateId]);
    await root.send(new DeleteSigningCertificateCommand({ CertificateId: Certificate?.CertificateId }));
    const after = await iam.send(new GetAccountSummaryCommand({}));
    expect(after.SummaryMap?.AccountSigningCertificatesPresent).to.equal(0);
    const [event] = range.events('UploadSigningCertificate').filter((e) => e.userIdentity.type === 'Root');
    expect(event?.userIdentity.arn).to.equal(`arn:aws:iam::${range.accountId}:root`);
  });

  it('refuses a user without iam:UploadSigningCertificate, even for its own certificate', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'self' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'self',
        PolicyName: 'list',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'iam:List*', Resource: '*' }],
        }),
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'self' }));
    const self = new IAMClient(
      range.clientConfig({
        credentials: {
          accessKeyId: AccessKey?.AccessKeyId ?? '',
          secretAccessKey: AccessKey?.SecretAccessKey ?? '',
        },
      }),
    );
    expect((await self.send(new ListSigningCertificatesCommand({}))).Certificates).to.deep.equal([]);
    const denied = await failure(
      self.send(new UploadSigningCertificateCommand({ CertificateBody: await certificate() })),
    );
    expect(denied.name).to.equal('AccessDenied');
    expect(denied.message).to.equal(
      `User: arn:aws:iam::${range.accountId}:user/self is not authorized to perform: iam:UploadSigningCertificate ` +
        `on resource: arn:aws:iam::${range.accountId}:user/self because no identity-based policy allows the ` +
        'iam:UploadSigningCertificate action',
    );
  });
});
