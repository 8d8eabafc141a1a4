import { expect } from 'chai';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sirs } from '../cli/helpers.js';

const require = createRequire(import.meta.url);
// ajv 6 (draft-04, which the SARIF schema uses) is installed with eslint; see the fixtures README.
const Ajv = require('ajv') as new (opts: Record<string, unknown>) => {
  addMetaSchema(s: unknown): void;
  validate(schema: unknown, data: unknown): boolean;
  errors?: unknown[];
};

const SSH = `Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Metadata: { sirs: { ignore: [{ rule: SG004, reason: game port approved in CHG-1 }] } }
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
        - { IpProtocol: udp, FromPort: 27015, ToPort: 27015, CidrIp: 0.0.0.0/0 }
`;

describe('sirs lint (command)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sirs-lint-'));
  const file = join(dir, 'web.yaml');
  writeFileSync(file, SSH);

  it('prints findings with file:line:col, control and fix, and exits 1 on a high finding', async () => {
    const run = await sirs(['lint', file]);
    expect(run.exitCode).to.equal(1);
    expect(run.stdout).to.match(
      /web\.yaml:8:\d+ HIGH +SG001 Web: ingress from 0\.0\.0\.0\/0 opens SSH \(22\)/,
    );
    expect(run.stdout).to.include('control: SSH and RDP are reachable only');
    expect(run.stdout).to.match(/suppressed SG004 Web: game port approved in CHG-1/);
  });

  it('--fail-on critical passes the same template; --json returns the report', async () => {
    expect((await sirs(['lint', file, '--fail-on', 'critical'])).exitCode).to.equal(0);
    const run = await sirs(['lint', file, '--json']);
    const report = run.json as { failed: boolean; summary: { findings: number; suppressed: number } };
    expect(report.failed).to.equal(true);
    expect(report.summary.suppressed).to.equal(1);
  });

  it('--format sarif is valid SARIF 2.1.0 with rules, levels, locations and the suppression', async () => {
    const run = await sirs(['lint', file, '--format', 'sarif', '--fail-on', 'critical']);
    const sarif = JSON.parse(run.stdout) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; defaultConfiguration: { level: string } }> } };
        results: Array<{
          ruleId: string;
          level: string;
          suppressions?: Array<{ justification: string }>;
          locations: Array<{ physicalLocation: { region: { startLine: number } } }>;
        }>;
      }>;
    };
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, 'fixtures', 'sarif-2.1.0-rtm.5.json'), 'utf8'),
    );
    const ajv = new Ajv({ schemaId: 'id', allErrors: true, logger: false });
    ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
    const valid = ajv.validate(schema, sarif);
    expect(ajv.errors ?? [], 'schema errors').to.deep.equal([]);
    expect(valid).to.equal(true);
    const run0 = sarif.runs[0]!;
    expect(run0.tool.driver.rules.find((r) => r.id === 'SG003')?.defaultConfiguration.level).to.equal(
      'error',
    );
    const ssh = run0.results.find((r) => r.ruleId === 'SG001')!;
    expect(ssh.level).to.equal('error');
    expect(ssh.locations[0]!.physicalLocation.region.startLine).to.equal(8);
    expect(run0.results.find((r) => r.ruleId === 'SG004')?.suppressions?.[0]?.justification).to.equal(
      'game port approved in CHG-1',
    );
  });

  it('usage errors exit 2: a malformed --parameters, a missing path, an invalid config (with file:line)', async () => {
    expect((await sirs(['lint', file, '--parameters', 'nokey'])).exitCode).to.equal(2);
    expect((await sirs(['lint', join(dir, 'missing.yaml')])).exitCode).to.equal(2);
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'rules:\n  SG01: off\n');
    const run = await sirs(['lint', file, '--config', config]);
    expect(run.exitCode).to.equal(2);
    expect(run.stderr).to.match(/bad\.yaml:2:3: no rule SG01 \(did you mean "SG001"\?\)/);
  });

  it('--deploy creates the stack on an ephemeral range, judges the deployed resources and reports a failed deployment', async () => {
    const stack = join(dir, 'stack.yaml');
    writeFileSync(
      stack,
      `Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Logs:
    Type: AWS::EC2::FlowLog
    Properties: { ResourceId: !Ref Vpc, ResourceType: VPC, TrafficType: ALL, LogDestinationType: s3, LogDestination: 'arn:aws:s3:::nowhere' }
  Data:
    Type: AWS::EC2::Volume
    Properties: { AvailabilityZone: !Select [0, !GetAZs ''], Size: 1, Encrypted: !Ref Encrypt }
Parameters:
  Encrypt: { Type: String }
`,
    );
    const run = await sirs(['lint', '--deploy', stack, '--parameters', 'Encrypt=false', '--json']);
    const report = run.json as {
      files: Array<{ findings: Array<{ rule: string; deployedOnly?: boolean }>; problems: unknown[] }>;
    };
    expect(report.files[0]!.problems, JSON.stringify(report.files[0]!.problems)).to.deep.equal([]);
    expect(report.files[0]!.findings.map((f) => f.rule)).to.include('EBS001');
    const broken = join(dir, 'broken.yaml');
    writeFileSync(
      broken,
      'Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties: { GroupDescription: no vpc }\n',
    );
    const failed = await sirs(['lint', '--deploy', broken, '--json']);
    expect(failed.exitCode).to.equal(1);
    expect(JSON.stringify(failed.json)).to.match(/could not be deployed on the range/);
  });
});
