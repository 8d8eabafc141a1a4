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
  accessKey: { user: 'u', expect: 'inactive' },
  userAdmin: { user: 'u', expect: 'absent' },
  loginProfile: { user: 'u', expect: 'absent' },
  rootAccessKeys: { expect: 'absent' },
  rootMfa: { expect: 'enabled' },
  kmsKeyState: { key: 'alias/k', expect: 'pending-deletion' },
  patchCompliance: { instance: 'i-1', expect: 'compliant' },
  alarmState: { alarm: 'a', expect: 'ALARM' },
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
});
