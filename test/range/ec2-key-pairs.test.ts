import { expect } from 'chai';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateKeyPairCommand,
  DeleteKeyPairCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  EC2Client,
  ImportKeyPairCommand,
} from '@aws-sdk/client-ec2';
import { failure, startTestRange, type TestRange } from './harness.js';
import { launch, network } from './ec2-fixtures.js';
import { userWith } from './users.js';

const colonHex = (b: Buffer) => b.toString('hex').match(/../g)!.join(':');

/** An OpenSSH `ssh-rsa` line for a public key, built by the test from the key's JWK. */
function sshRsaLine(pem: string, comment: string): string {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, (b.length >> 8) & 0xff, b.length & 0xff]), b]);
  const mpint = (s: string) => {
    const b = Buffer.from(s, 'base64url');
    return str(b[0]! & 0x80 ? Buffer.concat([Buffer.alloc(1), b]) : b);
  };
  const blob = Buffer.concat([str(Buffer.from('ssh-rsa')), mpint(jwk.e!), mpint(jwk.n!)]);
  return `ssh-rsa ${blob.toString('base64')} ${comment}`;
}

/**
 * Key pairs: the private key is handed out once and never kept or logged; fingerprints are what the
 * EC2 API reference defines (KeyFingerprint: SHA-1 of the DER private key for a created RSA key, the RFC
 * 4716 MD5 for an imported one, base64 SHA-256 of the public key for ED25519).
 */
describe('range: EC2 key pairs', function () {
  this.timeout(60_000);
  let range: TestRange;
  let ec2: EC2Client;
  let dir: string;

  before(async () => {
    range = await startTestRange();
    ec2 = new EC2Client(range.clientConfig());
    dir = mkdtempSync(join(tmpdir(), 'sirs-keys-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await range.stop();
  });

  it('creates an RSA key pair: PEM private key once, its SHA-1 fingerprint, never in CloudTrail (SDK)', async () => {
    const made = await ec2.send(
      new CreateKeyPairCommand({
        KeyName: 'responder',
        TagSpecifications: [{ ResourceType: 'key-pair', Tags: [{ Key: 'team', Value: 'ir' }] }],
      }),
    );
    expect(made.KeyMaterial).to.match(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const privateKey = createPrivateKey(made.KeyMaterial!);
    expect(privateKey.asymmetricKeyDetails?.modulusLength).to.equal(2048);
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(made.KeyFingerprint).to.equal(colonHex(createHash('sha1').update(der).digest()));
    expect(made.KeyPairId).to.match(/^key-[0-9a-f]{17}$/);
    expect(made.Tags).to.deep.equal([{ Key: 'team', Value: 'ir' }]);

    const { KeyPairs } = await ec2.send(
      new DescribeKeyPairsCommand({ KeyNames: ['responder'], IncludePublicKey: true }),
    );
    expect(KeyPairs).to.have.length(1);
    expect(KeyPairs![0]).to.deep.include({ KeyName: 'responder', KeyPairId: made.KeyPairId, KeyType: 'rsa' });
    expect(KeyPairs![0]!.PublicKey).to.equal(sshRsaLine(made.KeyMaterial!, 'responder'));
    expect(KeyPairs![0]).to.not.have.property('KeyMaterial');
    const plain = await ec2.send(new DescribeKeyPairsCommand({ KeyPairIds: [made.KeyPairId!] }));
    expect(plain.KeyPairs![0]!.PublicKey).to.equal(undefined);

    const event = range.events('CreateKeyPair').at(-1)!;
    expect(event.requestParameters).to.deep.include({ keyName: 'responder' });
    expect(JSON.stringify(range.events())).to.not.contain('PRIVATE KEY');
    expect((event.responseElements as Record<string, unknown>).keyMaterial).to.not.equal(made.KeyMaterial);
  });

  it('creates an ED25519 key in OpenSSH format and refuses a duplicate name (aws CLI)', async () => {
    const made = (await range.aws([
      'ec2',
      'create-key-pair',
      '--key-name',
      'edge',
      '--key-type',
      'ed25519',
    ])) as {
      KeyMaterial: string;
      KeyFingerprint: string;
      KeyName: string;
    };
    expect(made.KeyMaterial).to.match(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const described = (await range.aws([
      'ec2',
      'describe-key-pairs',
      '--key-names',
      'edge',
      '--include-public-key',
    ])) as { KeyPairs: Array<{ PublicKey: string; KeyType: string; KeyFingerprint: string }> };
    const [type, body] = described.KeyPairs[0]!.PublicKey.split(' ');
    expect(type).to.equal('ssh-ed25519');
    const blob = Buffer.from(body!, 'base64');
    expect(made.KeyFingerprint).to.equal(createHash('sha256').update(blob).digest('base64'));
    expect(described.KeyPairs[0]).to.deep.include({
      KeyType: 'ed25519',
      KeyFingerprint: made.KeyFingerprint,
    });
    // The private key file holds the same public key (openssh-key-v1 carries it in the clear).
    const inner = Buffer.from(made.KeyMaterial.split('\n').slice(1, -2).join(''), 'base64');
    expect(inner.includes(blob)).to.equal(true);

    const dup = await range.awsFails(['ec2', 'create-key-pair', '--key-name', 'edge']);
    expect(dup.stderr).to.contain('(InvalidKeyPair.Duplicate)');
    expect(dup.stderr).to.contain("The keypair 'edge' already exists.");
  });

  it('imports a public key with its RFC 4716 MD5 fingerprint, and refuses what is not one (aws CLI)', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const line = sshRsaLine(publicKey.export({ format: 'pem', type: 'spki' }).toString(), 'laptop');
    const file = join(dir, 'id_rsa.pub');
    writeFileSync(file, `${line}\n`);
    const out = (await range.aws([
      'ec2',
      'import-key-pair',
      '--key-name',
      'laptop',
      '--public-key-material',
      `fileb://${file}`,
    ])) as { KeyFingerprint: string; KeyPairId: string; KeyName: string };
    const blob = Buffer.from(line.split(' ')[1]!, 'base64');
    expect(out.KeyFingerprint).to.equal(colonHex(createHash('md5').update(blob).digest()));
    expect(out).to.deep.include({ KeyName: 'laptop' });
    const withKey = (await range.aws([
      'ec2',
      'describe-key-pairs',
      '--key-pair-ids',
      out.KeyPairId,
      '--include-public-key',
    ])) as {
      KeyPairs: Array<{ PublicKey: string }>;
    };
    expect(withKey.KeyPairs[0]!.PublicKey).to.equal(line);

    const junk = join(dir, 'junk.pub');
    writeFileSync(junk, 'ssh-rsa not-a-key\n');
    const bad = await range.awsFails([
      'ec2',
      'import-key-pair',
      '--key-name',
      'junk',
      '--public-key-material',
      `fileb://${junk}`,
    ]);
    expect(bad.stderr).to.contain('(InvalidKey.Format)');
    expect(bad.stderr).to.contain('Key is not in valid OpenSSH public key format');
    const err = await failure(
      ec2.send(new ImportKeyPairCommand({ KeyName: 'laptop', PublicKeyMaterial: Buffer.from(line) })),
    );
    expect(err.name).to.equal('InvalidKeyPair.Duplicate');
  });

  it('lists by filter, answers NotFound for a name that does not exist, and deletes by name or id (SDK)', async () => {
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'ops-1', KeyType: 'ed25519' }));
    const two = await ec2.send(new CreateKeyPairCommand({ KeyName: 'ops-2', KeyType: 'ed25519' }));
    const byFilter = await ec2.send(
      new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: ['ops-*'] }] }),
    );
    expect(byFilter.KeyPairs!.map((k) => k.KeyName).sort()).to.deep.equal(['ops-1', 'ops-2']);
    const byFingerprint = await ec2.send(
      new DescribeKeyPairsCommand({ Filters: [{ Name: 'fingerprint', Values: [two.KeyFingerprint!] }] }),
    );
    expect(byFingerprint.KeyPairs!.map((k) => k.KeyName)).to.deep.equal(['ops-2']);
    const missing = await failure(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['ops-1', 'nope'] })));
    expect(missing.name).to.equal('InvalidKeyPair.NotFound');
    expect(missing.message).to.equal("The key pair 'nope' does not exist");

    const byName = await ec2.send(new DeleteKeyPairCommand({ KeyName: 'ops-1' }));
    expect(byName).to.deep.include({ Return: true });
    expect(byName.KeyPairId).to.match(/^key-/);
    // EC2 answers true for a name that is not there (deleting is idempotent by name)...
    expect((await ec2.send(new DeleteKeyPairCommand({ KeyName: 'ops-1' }))).Return).to.equal(true);
    // ...but an id must exist.
    const noId = await failure(ec2.send(new DeleteKeyPairCommand({ KeyPairId: 'key-0123456789abcdef0' })));
    expect(noId.name).to.equal('InvalidKeyPair.NotFound');
    await ec2.send(new DeleteKeyPairCommand({ KeyPairId: two.KeyPairId }));
    const left = await ec2.send(
      new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: ['ops-*'] }] }),
    );
    expect(left.KeyPairs).to.deep.equal([]);
    expect(range.events('DeleteKeyPair').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'ok',
      'ok',
      'Client.InvalidKeyPair.NotFound',
      'ok',
    ]);
  });

  it('RunInstances names an existing key pair only; DescribeInstances filters by key-name (SDK)', async () => {
    const { subnetId } = await network(ec2, '10.9');
    const err = await failure(launch(ec2, subnetId, { KeyName: 'no-such-key' }));
    expect(err.name).to.equal('InvalidKeyPair.NotFound');
    expect(err.message).to.equal("The key pair 'no-such-key' does not exist");
    const id = await launch(ec2, subnetId, { KeyName: 'responder' });
    const found = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'key-name', Values: ['responder'] }] }),
    );
    expect(
      found.Reservations!.flatMap((r) => r.Instances!.map((i) => [i.InstanceId, i.KeyName])),
    ).to.deep.equal([[id, 'responder']]);
  });

  it('a user without ec2:CreateKeyPair is refused, and no key pair appears (aws CLI)', async () => {
    const user = await userWith(range, 'auditor', [
      { Effect: 'Allow', Action: 'ec2:DescribeKeyPairs', Resource: '*' },
    ]);
    const denied = await range.awsFails(['ec2', 'create-key-pair', '--key-name', 'backdoor'], {
      env: user.env,
    });
    expect(denied.stderr).to.contain('(UnauthorizedOperation)');
    expect(denied.stderr).to.contain('ec2:CreateKeyPair');
    const listed = (await range.aws(['ec2', 'describe-key-pairs'], { env: user.env })) as {
      KeyPairs: Array<{ KeyName: string }>;
    };
    expect(listed.KeyPairs.map((k) => k.KeyName)).to.not.include('backdoor');
  });
});
