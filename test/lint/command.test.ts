import { expect } from 'chai';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintPaths, type LintReport } from '../../src/lint/index.js';
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

interface DeployReport {
  files: Array<{
    file: string;
    findings: Array<{ rule: string; deployedOnly?: boolean }>;
    unresolved: Array<{ rule: string; resource: string }>;
    problems: unknown[];
  }>;
}

function rulesOf(report: DeployReport | LintReport, file: string): string[] {
  return report.files
    .find((f) => f.file.endsWith(file))!
    .findings.map((f) => f.rule)
    .sort();
}

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

  it('with no path, lints the working directory (non-template YAML beside the templates is left alone)', () => {
    writeFileSync(join(dir, 'workflow.yml'), 'on: [push]\njobs: {}\n');
    const report = lintPaths({ paths: [], cwd: dir });
    expect(report.files.map((f) => f.file)).to.include('web.yaml');
    expect(report.skippedFiles).to.include('workflow.yml');
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

  it('--deploy creates the stacks on an ephemeral range in order, judges the deployed resources, marks what only shows there, and reports a failed deployment', async () => {
    const stacks = mkdtempSync(join(tmpdir(), 'sirs-lint-deploy-'));
    // The network stack exports the admin CIDR; the app stack imports it: statically unknown (not judged),
    // deployed it is 0.0.0.0/0.
    writeFileSync(
      join(stacks, 'a-network.yaml'),
      `Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Logs:
    Type: AWS::EC2::FlowLog
    Properties: { ResourceId: !Ref Vpc, ResourceType: VPC, TrafficType: ALL, LogDestinationType: s3, LogDestination: 'arn:aws:s3:::nowhere' }
Outputs:
  VpcId: { Value: !Ref Vpc, Export: { Name: network-vpc } }
  AdminCidr: { Value: 0.0.0.0/0, Export: { Name: network-admin-cidr } }
`,
    );
    writeFileSync(
      join(stacks, 'b-app.yaml'),
      `Parameters:
  Encrypt: { Type: String }
Resources:
  Admin:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: admin access
      VpcId: !ImportValue network-vpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !ImportValue network-admin-cidr }]
  Data:
    Type: AWS::EC2::Volume
    Properties: { AvailabilityZone: !Select [0, !GetAZs ''], Size: 1, Encrypted: !Ref Encrypt }
`,
    );
    writeFileSync(
      join(stacks, 'c-broken.yaml'),
      'Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties: { GroupDescription: no vpc }\n',
    );
    const statically = lintPaths({ paths: [stacks], cwd: stacks, parameters: { Encrypt: 'false' } });
    expect(rulesOf(statically, 'b-app.yaml')).to.deep.equal(['EBS001']);
    const unjudged = (r: DeployReport | LintReport) =>
      r.files.find((f) => f.file.endsWith('b-app.yaml'))!.unresolved.map((u) => `${u.rule} ${u.resource}`);
    expect(unjudged(statically)).to.include('SG001 Admin');
    const run = await sirs(['lint', '--deploy', stacks, '--parameters', 'Encrypt=false', '--json']);
    expect(run.exitCode).to.equal(1);
    const report = run.json as DeployReport;
    const app = report.files.find((f) => f.file.endsWith('b-app.yaml'))!;
    expect(app.problems).to.deep.equal([]);
    expect(
      app.findings.map((f) => `${f.rule}${f.deployedOnly ? ' (after deployment)' : ''}`).sort(),
    ).to.deep.equal(['EBS001', 'SG001 (after deployment)']);
    expect(unjudged(report), 'judged once deployed').to.not.include('SG001 Admin');
    const network = report.files.find((f) => f.file.endsWith('a-network.yaml'))!;
    expect(network.findings, 'the flow log is seen on the deployed VPC').to.deep.equal([]);
    const broken = report.files.find((f) => f.file.endsWith('c-broken.yaml'))!;
    expect(JSON.stringify(broken.problems)).to.match(/could not be deployed on the range/);
  });
});
