import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sirs } from '../cli/helpers.js';

describe('sirs policy (command)', function () {
  this.timeout(60_000);

  it('prints the policy document; --json adds the scenarios and why each action is there', async () => {
    const plain = await sirs(['policy', 'kms-key-deletion']);
    expect(plain.exitCode, plain.stderr).to.equal(0);
    const document = JSON.parse(plain.stdout) as { Version: string; Statement: Array<{ Sid: string }> };
    expect(document.Version).to.equal('2012-10-17');
    const run = await sirs(['policy', 'kms-key-deletion', '--json']);
    const result = run.json as {
      scenarios: string[];
      policy: typeof document;
      statements: Array<{ sid: string; actions: Record<string, string[]> }>;
    };
    expect(result.scenarios).to.deep.equal(['kms-key-deletion']);
    expect(result.policy).to.deep.equal(document);
    expect(result.statements.map((s) => s.sid)).to.deep.equal(document.Statement.map((s) => s.Sid));
    const why = Object.assign({}, ...result.statements.map((s) => s.actions)) as Record<string, string[]>;
    expect(why['ssm:PutParameter']!.join(' ')).to.contain('inject action 1 of kms-key-deletion');
    expect(why['kms:CancelKeyDeletion']!.join(' ')).to.contain('autopilot step');
    expect(why['kms:CreateKey']!.join(' ')).to.contain('CloudFormation: create AWS::KMS::Key');
    expect(why['logs:PutLogEvents']!.join(' ')).to.contain('exercise channel');
  });

  it('--format cfn --out writes the role template', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirs-policy-cmd-'));
    try {
      const file = join(dir, 'role.cfn.yaml');
      const run = await sirs(['policy', 'ssh-open-to-world', '--format', 'cfn', '--out', file]);
      expect(run.exitCode, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`written to ${file}`);
      const template = parse(readFileSync(file, 'utf8')) as { Resources: Record<string, { Type: string }> };
      const types = Object.values(template.Resources).map((r) => r.Type);
      expect(types).to.include('AWS::IAM::Role').and.include('AWS::IAM::ManagedPolicy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--defenses adds what deploying the team's defences needs, says why, and --help says what it does", async () => {
    const defense = 'templates/defenses/ssh-revert.cfn.yaml';
    const run = await sirs(['policy', 'ssh-open-to-world', '--defenses', defense, '--json']);
    expect(run.exitCode, run.stderr).to.equal(0);
    const result = run.json as {
      scenarios: string[];
      defenses: string[];
      policy: { Statement: Array<{ Action: string[]; Condition?: unknown }> };
      statements: Array<{ sid: string; actions: Record<string, string[]> }>;
    };
    expect(result.scenarios).to.deep.equal(['ssh-open-to-world']);
    expect(result.defenses).to.deep.equal(['defense-ssh-revert']);
    const why = Object.assign({}, ...result.statements.map((s) => s.actions)) as Record<string, string[]>;
    expect(why['lambda:CreateFunction']!.join(' ')).to.contain(
      'defence ssh-revert: CloudFormation: create AWS::Lambda::Function',
    );
    expect(why['events:PutRule']!.join(' ')).to.contain('AWS::Events::Rule');
    // The function's execution role is passed to Lambda only; no statement passes a role unconditioned.
    const passRole = result.policy.Statement.filter((s) => s.Action.includes('iam:PassRole'));
    expect(passRole.map((s) => s.Condition)).to.deep.include({
      StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' },
    });
    for (const s of passRole) expect(s.Condition).to.not.equal(undefined);
    // Without --defenses the scenario's policy deploys no function.
    const plain = await sirs(['policy', 'ssh-open-to-world', '--json']);
    const actions = (plain.json as typeof result).policy.Statement.flatMap((s) => s.Action);
    expect(actions).to.not.include('lambda:CreateFunction');
    const help = await sirs(['policy', '--help']);
    expect(help.stdout).to.match(/--defenses=<value>/);
    expect(help.stdout).to.contain('Also cover these defences');
  });

  it('--defenses naming nothing that exists is a usage error naming the path', async () => {
    const run = await sirs(['policy', 'ssh-open-to-world', '--defenses', 'templates/defenses/nope.cfn.yaml']);
    expect(run.exitCode).to.equal(2);
    expect(run.stderr).to.contain('--defenses templates/defenses/nope.cfn.yaml: no such file or folder');
  });

  it('asks for scenarios or --all, not both', async () => {
    const none = await sirs(['policy']);
    expect(none.exitCode).to.equal(2);
    expect(none.stderr).to.contain('name the scenarios sirs will run, or --all');
    const both = await sirs(['policy', '--all', 'ssh-open-to-world']);
    expect(both.exitCode).to.equal(2);
  });
});
