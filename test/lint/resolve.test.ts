import { expect } from 'chai';
import { parseConfig } from '../../src/lint/config.js';
import { firedRules, lintText, template } from './helpers.js';

const SSH_FROM = (cidr: string) => `  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: ${cidr} }]
`;

describe('lint: resolution before judging', () => {
  it('a parameter default is judged, and --parameters overrides it', () => {
    const t = template(
      SSH_FROM('!Ref AdminCidr'),
      `Parameters:\n  AdminCidr: { Type: String, Default: 0.0.0.0/0 }\n`,
    );
    expect(firedRules(lintText(t))).to.include('SG001');
    expect(firedRules(lintText(t, { parameters: { AdminCidr: '10.1.0.0/24' } }))).to.not.include('SG001');
  });

  it('a parameter without a default is unknown: no verdict either way, the skipped check is reported', () => {
    const r = lintText(template(SSH_FROM('!Ref AdminCidr'), `Parameters:\n  AdminCidr: { Type: String }\n`));
    expect(firedRules(r)).to.not.include('SG001');
    expect(r.unresolved.map((u) => u.rule)).to.include('SG001');
    expect(r.unresolved[0]!.reason).to.match(/AdminCidr has no default/);
    expect(r.unresolved[0]!.line).to.equal(9);
  });

  it('Fn::If follows Conditions (Equals, Not, And, Or, Condition), and a resource whose Condition is false is not judged', () => {
    const extra = `Parameters:
  Env: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  DevInUsEast: !And [!Condition IsDev, !Or [!Equals [!Ref 'AWS::Region', us-east-1], !Equals [a, b]]]
`;
    const resources = `${SSH_FROM("!If [DevInUsEast, '0.0.0.0/0', 10.0.0.0/8]")}  ProdVolume:
    Type: AWS::EC2::Volume
    Condition: IsProd
    Properties: { AvailabilityZone: us-east-1a, Size: 8 }
`;
    const dev = lintText(template(resources, extra));
    expect(firedRules(dev)).to.include('SG001');
    expect(firedRules(dev)).to.not.include('EBS001');
    expect(dev.notCreated).to.deep.equal([{ resource: 'ProdVolume', condition: 'IsProd' }]);
    const prod = lintText(template(resources, extra), { parameters: { Env: 'prod' } });
    expect(firedRules(prod)).to.include('EBS001');
    expect(firedRules(prod)).to.not.include('SG001');
  });

  it('Fn::Sub (both forms), Fn::FindInMap, Fn::Select, Fn::Join and Fn::Split resolve to the values rules judge', () => {
    const extra = `Mappings:
  Cidrs:
    us-east-1: { Admin: '0.0.0.0/0' }
Parameters:
  Prefix: { Type: String, Default: '0.0.0.0' }
  Ports: { Type: CommaDelimitedList, Default: '3389,22' }
`;
    const cases = [
      "!FindInMap [Cidrs, !Ref 'AWS::Region', Admin]",
      "!Sub '${Prefix}/0'",
      "!Sub ['${P}/${Bits}', { P: !Ref Prefix, Bits: '0' }]",
      "!Select [1, ['10.0.0.0/8', '0.0.0.0/0']]",
      "!Join ['/', [!Ref Prefix, '0']]",
      "!Select [0, !Split [',', '0.0.0.0/0,10.0.0.0/8']]",
    ];
    for (const c of cases) expect(firedRules(lintText(template(SSH_FROM(c), extra))), c).to.include('SG001');
    const rdp = `  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: rdp
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: !Select [0, !Ref Ports], ToPort: 3389, CidrIp: 0.0.0.0/0 }]
`;
    expect(firedRules(lintText(template(rdp, extra)))).to.include('SG001');
  });

  it('Fn::GetAtt and resource Refs are unknown, but rules still follow them to the resource they name', () => {
    const r = lintText(
      template(`  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: web }
  Open:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupId: !GetAtt Sg.GroupId, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !GetAtt Sg.VpcId }
`),
    );
    expect(firedRules(r)).to.deep.equal([]);
    expect(r.unresolved.map((u) => `${u.rule} ${u.resource}`)).to.include.members(['SG001 Open']);
  });

  it('AWS::NoValue removes the property, as CloudFormation does', () => {
    const r = lintText(
      template(`  V:
    Type: AWS::EC2::Volume
    Properties: { AvailabilityZone: us-east-1a, Size: 8, Encrypted: !Ref 'AWS::NoValue' }
`),
    );
    expect(firedRules(r)).to.include('EBS001');
  });

  it('never crashes on malformed intrinsic functions', () => {
    const r = lintText(
      template(
        SSH_FROM('{ "Fn::Select": "nope" }') +
          `  V:\n    Type: AWS::EC2::Volume\n    Properties: { Encrypted: { "Fn::If": [1] } }\n`,
      ),
    );
    expect(r.unresolved.length).to.be.greaterThan(0);
  });
});

describe('lint: suppressions and config', () => {
  const open = `  Sg:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      sirs:
        ignore:
          - { rule: SG001, reason: 'CHG-4821: partner SFTP until 2027-03-31' }
    Properties:
      GroupDescription: sftp
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }]
`;
  it('a suppression with a reason moves the finding to suppressed, with the reason', () => {
    const r = lintText(template(open));
    expect(firedRules(r)).to.not.include('SG001');
    expect(r.suppressed.map((f) => [f.rule, f.suppressed?.reason])).to.deep.equal([
      ['SG001', 'CHG-4821: partner SFTP until 2027-03-31'],
    ]);
  });

  it('a suppression without a reason suppresses nothing and is itself a finding', () => {
    const r = lintText(template(open.replace(", reason: 'CHG-4821: partner SFTP until 2027-03-31'", '')));
    expect(firedRules(r)).to.include.members(['SG001', 'LINT001']);
    expect(r.findings.find((f) => f.rule === 'LINT001')!.line).to.equal(8);
  });

  it('the config turns rules off and changes severities; its problems are reported with file:line', () => {
    const { config } = parseConfig(
      'failOn: medium\nrules:\n  SG001: off\n  VPC001: critical\n',
      '.sirs-lint.yaml',
    );
    const r = lintText(template(SSH_FROM('0.0.0.0/0') + '  V:\n    Type: AWS::EC2::VPC\n'), {
      config: config!,
    });
    expect(firedRules(r)).to.deep.equal(['VPC001']);
    expect(r.findings[0]!.severity).to.equal('critical');
    const bad = parseConfig('rules:\n  SG01: off\n  S3004: loud\n', '.sirs-lint.yaml');
    expect(bad.config).to.equal(undefined);
    expect(bad.problems.map((p) => `${p.line}:${p.code}`)).to.have.length.greaterThan(0);
    expect(bad.problems[0]!.line).to.be.oneOf([2, 3]);
  });
});

describe('lint: secrets in parameters', () => {
  const db = (extra: string) =>
    template(
      `  Db:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: mysql, DBInstanceClass: db.t3.micro, StorageEncrypted: true, MasterUsername: admin, MasterUserPassword: !Ref DbPassword }
`,
      `Parameters:\n  DbPassword: { Type: String${extra} }\n`,
    );
  it('a NoEcho parameter given at deployment is a secret (unknown); its default, or a parameter without NoEcho, is readable', () => {
    expect(
      firedRules(lintText(db(', NoEcho: true'), { parameters: { DbPassword: 's3cret-s3cret' } })),
    ).to.not.include('RDS003');
    expect(firedRules(lintText(db(', NoEcho: true, Default: s3cret-s3cret')))).to.include('RDS003');
    expect(firedRules(lintText(db(''), { parameters: { DbPassword: 's3cret-s3cret' } }))).to.include(
      'RDS003',
    );
  });
});

describe('lint: block devices', () => {
  it('EBS003 judges instances and launch configurations as well as launch templates', () => {
    const r = lintText(
      template(`  Lc:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-12345678
      InstanceType: t3.micro
      BlockDeviceMappings: [{ DeviceName: /dev/xvda, Ebs: { VolumeSize: 8, Encrypted: false } }]
  I:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      BlockDeviceMappings: [{ DeviceName: /dev/xvda, Ebs: { VolumeSize: 8 } }]
`),
    );
    expect(r.findings.filter((f) => f.rule === 'EBS003').map((f) => f.resource)).to.deep.equal(['Lc']);
  });
});
