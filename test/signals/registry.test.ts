import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  describeCondition,
  findSignalKind,
  signalKindNames,
  signalKinds,
} from '../../src/signals/registry.js';

const kindsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'signals', 'kinds');

/** A minimal valid parameter set per kind, used to check each kind's unit behaves alike. */
const examples: Record<string, Record<string, unknown>> = {
  ack: { finding: 'ssh-exposure' },
  sgIngress: { group: 'sg-1', port: 22, cidr: '0.0.0.0/0', expect: 'absent' },
  sgEgress: { group: 'sg-1', expect: 'present' },
  naclEntry: { acl: 'acl-1', expect: 'present' },
  flowLogs: { resource: 'vpc-1', expect: 'enabled' },
  trailLogging: { trail: 'main', expect: 'logging' },
  trailExists: { trail: 'main', expect: 'present' },
  trailManagementEvents: { trail: 'main', expect: 'covered' },
  bucketPublic: { bucket: 'b', expect: 'private' },
  objectPublic: { bucket: 'b', key: 'k', expect: 'private' },
  snapshotPublic: { snapshot: 'snap-1', expect: 'private' },
  accessKey: { user: 'u', expect: 'inactive' },
  userAdmin: { user: 'u', expect: 'absent' },
  userDenied: { user: 'u', expect: 'denied' },
  loginProfile: { user: 'u', expect: 'absent' },
  rootAccessKeys: { expect: 'absent' },
  rootMfa: { expect: 'enabled' },
  kmsKeyState: { key: 'alias/k', expect: 'pending-deletion' },
  kmsDecrypts: { key: 'alias/k', ciphertext: 'AQIDBA==', expect: 'decrypts' },
  kmsAlias: { alias: 'alias/k', key: '1234abcd-12ab-34cd-56ef-1234567890ab', expect: 'present' },
  patchCompliance: { instance: 'i-1', expect: 'compliant' },
  instanceIsolated: { instance: 'i-1', egress: true, expect: 'isolated' },
  volumeSnapshot: { volume: 'vol-1', expect: 'present' },
  alarmState: { alarm: 'a', expect: 'ALARM' },
  configCompliance: { rule: 'restricted-ssh', resource: 'sg-1', expect: 'NON_COMPLIANT' },
  exists: { type: 'iamUser', id: 'backdoor', expect: 'absent' },
  cloudtrailEvent: { eventName: 'StopLogging' },
  logEvents: { logGroup: '/g', filterPattern: '{ $.eventName = "StopLogging" }' },
};

describe('signal kinds', () => {
  it('has one file per kind in src/signals/kinds, named after it, and all registered', () => {
    const files = readdirSync(kindsDir)
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(files).to.deep.equal([...signalKindNames].sort());
  });

  it('has unique names, a family and a one-line summary each', () => {
    expect(new Set(signalKindNames).size).to.equal(signalKinds.length);
    for (const k of signalKinds) {
      expect(['ack', 'state', 'audit'], k.name).to.include(k.family);
      expect(k.summary, k.name).to.match(/^[A-Z].*\.$/);
      expect(k.summary, k.name).not.to.contain('\n');
    }
  });

  for (const kind of signalKinds) {
    describe(kind.name, () => {
      const example = examples[kind.name]!;

      it('accepts its documented parameters and describes them in a sentence', () => {
        const parsed = kind.params.safeParse(example);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).to.equal(true);
        const sentence = kind.describe(parsed.data as never);
        expect(sentence).to.match(/^[A-Z]/);
        expect(sentence.length).to.be.greaterThan(10);
      });

      it('rejects unknown parameters', () => {
        expect(kind.params.safeParse({ ...example, colour: 'red' }).success).to.equal(false);
      });

      if ('expect' in example) {
        it('requires expect', () => {
          const { expect: _omitted, ...rest } = example;
          expect(kind.params.safeParse(rest).success).to.equal(false);
        });
      }
    });
  }

  it('finds kinds by name and describes conditions', () => {
    expect(findSignalKind('sgIngress')?.family).to.equal('state');
    expect(findSignalKind('sgIngres')).to.equal(undefined);
    expect(
      describeCondition({
        sgIngress: {
          group: '{{outputs.WebSgId}}',
          protocol: 'tcp',
          port: 22,
          cidr: '0.0.0.0/0',
          expect: 'absent',
        },
      }),
    ).to.equal('Security group {{outputs.WebSgId}} does not allow inbound tcp port 22 from 0.0.0.0/0');
  });

  it('checks security group rule parameters for contradictions', () => {
    const sg = findSignalKind('sgIngress')!;
    const errors = (p: object) =>
      sg.params.safeParse({ group: 'sg-1', expect: 'absent', ...p }).error?.issues.map((i) => i.message) ??
      [];
    expect(errors({ port: 22, fromPort: 20, toPort: 30 })).to.deep.equal([
      'port and fromPort/toPort exclude each other; give one of them',
    ]);
    expect(errors({ fromPort: 30, toPort: 20 })).to.deep.equal(['toPort 20 is below fromPort 30']);
    expect(errors({ fromPort: 30 })).to.deep.equal(['fromPort and toPort go together; add toPort']);
    expect(errors({ protocol: 'all', port: 22 })).to.deep.equal([
      'protocol "all" covers every port; drop port, fromPort and toPort',
    ]);
    expect(errors({ cidr: '0.0.0.0/0', sourceGroup: 'sg-2' })).to.have.length(1);
    expect(errors({ cidr: '300.0.0.0/0' })).to.deep.equal(['must be an IPv4 CIDR like 10.0.0.0/24']);
    expect(errors({ cidr: '{{outputs.BastionCidr}}' })).to.deep.equal([]);
    expect(errors({ ipv6Cidr: '::/0', protocol: 'udp', fromPort: 1, toPort: 2 })).to.deep.equal([]);
  });

  it('requires at least one field of a CloudTrail event', () => {
    expect(findSignalKind('cloudtrailEvent')!.params.safeParse({}).success).to.equal(false);
  });

  describe('exists', () => {
    const kind = findSignalKind('exists')!;
    const errors = (p: object) =>
      kind.params.safeParse(p).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

    it('accepts every type with its names, and placeholders anywhere', () => {
      const good: object[] = [
        { type: 's3Object', bucket: 'b', key: 'a/k.csv', expect: 'present' },
        { type: 's3Object', bucket: 'b', key: 'k', sha256: 'AB'.repeat(32), expect: 'present' },
        {
          type: 's3Object',
          bucket: '{{outputs.Bucket}}',
          key: 'k',
          sha256: '{{outputs.Sha}}',
          expect: 'absent',
        },
        { type: 's3Bucket', id: 'my-bucket', expect: 'present' },
        { type: 'ec2Instance', id: 'i-0123456789abcdef0', expect: 'present' },
        { type: 'ec2Instance', id: '{{outputs.InstanceId}}', expect: 'absent' },
        { type: 'ebsVolume', id: 'vol-0abc', expect: 'present' },
        { type: 'ebsSnapshot', id: 'snap-0abc', expect: 'present' },
        { type: 'kmsKey', id: 'alias/payments', expect: 'present' },
        { type: 'iamUser', id: 'backdoor', expect: 'absent' },
        { type: 'iamRole', id: 'ci-deploy', expect: 'absent' },
        { type: 'accessKey', id: 'AKIAIOSFODNN7EXAMPLE', expect: 'absent' },
        { type: 'accessKey', id: 'AKIAIOSFODNN7EXAMPLE', user: 'deploy', expect: 'absent' },
        { type: 'logGroup', id: '/aws/cloudtrail/main', expect: 'present' },
        { type: 'securityGroup', id: 'sg-0abc', expect: 'absent' },
        { type: 'trail', id: 'main', expect: 'present' },
        { type: 'flowLog', id: 'fl-0abc', expect: 'present' },
      ];
      for (const p of good) expect(errors(p), JSON.stringify(p)).to.deep.equal([]);
    });

    it('says which names each type needs, and refuses the others', () => {
      expect(errors({ type: 's3Object', bucket: 'b', expect: 'present' })).to.deep.equal([
        'key: type s3Object names the object with bucket and key; add key',
      ]);
      expect(errors({ type: 's3Object', bucket: 'b', key: 'k', id: 'b/k', expect: 'present' })).to.deep.equal(
        ['id: type s3Object names the object with bucket and key, not id'],
      );
      expect(errors({ type: 'iamUser', expect: 'absent' })).to.deep.equal([
        'id: type iamUser needs id: the user name',
      ]);
      expect(errors({ type: 's3Bucket', bucket: 'b', expect: 'present' })).to.deep.equal([
        'id: type s3Bucket needs id: the bucket name',
        'bucket: type s3Bucket takes the bucket name as id, not bucket',
      ]);
      expect(errors({ type: 'trail', id: 'main', key: 'k', expect: 'present' })).to.deep.equal([
        'key: key is for type s3Object; type trail takes id',
      ]);
      expect(errors({ type: 'iamRole', id: 'r', user: 'u', expect: 'absent' })).to.deep.equal([
        'user: user is for type accessKey only',
      ]);
      expect(errors({ type: 'logGroup', id: '/g', sha256: 'a'.repeat(64), expect: 'present' })).to.deep.equal(
        ['sha256: sha256 is for type s3Object only'],
      );
      expect(errors({ type: 'ec2Instance', id: 'web-1', expect: 'present' })).to.deep.equal([
        'id: type ec2Instance takes the instance id (i-...), like i-0123456789abcdef0',
      ]);
      expect(
        errors({ type: 's3Object', bucket: 'b', key: 'k', sha256: 'abc', expect: 'present' }),
      ).to.deep.equal(['sha256: must be 64 hex digits: the SHA-256 of the content (sha256sum prints it)']);
      expect(errors({ type: 'rdsInstance', id: 'db', expect: 'present' })).to.have.length(1);
      expect(errors({ type: 'iamUser', id: 'u', expect: 'deleted' })).to.have.length(1);
      expect(errors({ type: 'iamUser', id: '', expect: 'absent' })).to.deep.equal(['id: must not be empty']);
    });

    it('describes each condition in one sentence', () => {
      const said = (p: object) => describeCondition({ exists: p } as never);
      expect(
        said({ type: 's3Object', bucket: 'b', key: 'k', sha256: 'a'.repeat(64), expect: 'present' }),
      ).to.equal('Object s3://b/k still exists with its original content');
      expect(said({ type: 's3Object', bucket: 'b', key: 'k', expect: 'absent' })).to.equal(
        'Object s3://b/k is gone',
      );
      expect(said({ type: 'iamUser', id: 'backdoor', expect: 'absent' })).to.equal(
        'IAM user backdoor is gone',
      );
      expect(said({ type: 'ec2Instance', id: 'i-1', expect: 'present' })).to.equal(
        'EC2 instance i-1 still exists (not terminated)',
      );
      expect(said({ type: 'kmsKey', id: 'alias/k', expect: 'absent' })).to.equal(
        'KMS key alias/k is gone (deleted or pending deletion)',
      );
      expect(said({ type: 'accessKey', id: 'AKIA1', user: 'deploy', expect: 'absent' })).to.equal(
        'Access key AKIA1 of user deploy is gone',
      );
      expect(said({ type: 'ebsSnapshot', id: 'snap-1', expect: 'present' })).to.equal(
        'EBS snapshot snap-1 still exists',
      );
    });

    it('credits deletions and creations to their calls; object changes are left to the probe', () => {
      const spec = (p: object) => kind.attribution!(kind.params.parse(p));
      expect(spec({ type: 'iamUser', id: 'backdoor', expect: 'absent' })).to.deep.equal({
        eventNames: ['DeleteUser'],
        resource: 'backdoor',
      });
      expect(spec({ type: 'kmsKey', id: 'alias/k', expect: 'present' })?.eventNames).to.deep.equal([
        'CreateKey',
        'CancelKeyDeletion',
      ]);
      expect(spec({ type: 'ebsVolume', id: 'vol-1', expect: 'absent' })).to.deep.include({ slow: true });
      expect(spec({ type: 's3Object', bucket: 'b', key: 'k', expect: 'absent' })).to.equal(undefined);
    });
  });
});
