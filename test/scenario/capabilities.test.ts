import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem } from '../../src/scenario/problem.js';
import { checkScenarioFile } from '../../src/scenario/validate.js';

/**
 * Which capability a stack needs, per the CloudFormation CreateStack reference ("Capabilities"): IAM
 * resources need CAPABILITY_IAM or CAPABILITY_NAMED_IAM; IAM resources with custom names need
 * CAPABILITY_NAMED_IAM. A property that refers to an existing name is not a custom name.
 */
describe('IAM capabilities', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-capabilities-'));
    for (const d of ['scenarios', 'templates', 'runbooks']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'runbooks', 'generic.md.hbs'), '# {{outputs.Out}}\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The problems of a scenario whose template holds `resources` and whose stack grants `capabilities`. */
  function check(name: string, resources: string, capabilities?: string[]): string[] {
    writeFileSync(
      join(dir, 'templates', `${name}.cfn.yaml`),
      `Resources:\n${resources}\nOutputs:\n  Out:\n    Value: x\n`,
    );
    const caps = capabilities ? `\n    capabilities: [${capabilities.join(', ')}]` : '';
    writeFileSync(
      join(dir, 'scenarios', `${name}.yaml`),
      `id: ${name}
title: t
summary: s
severity: low
layer: identity
control: c
monitor: m
fix: f
inject:
  stack:
    template: ${name}.cfn.yaml${caps}
phases:
  detect: { target: 1m, any: [{ ack: { finding: f, resource: '{{outputs.Out}}' } }] }
runbook: generic
timeLimit: 10m
`,
    );
    const { report } = checkScenarioFile(join(dir, 'scenarios', `${name}.yaml`), { cwd: dir });
    return report.problems.map((p) => `${p.code}: ${p.message}`);
  }

  const userAndKey = `  User:
    Type: AWS::IAM::User
  Key:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref User`;

  it("does not count an access key's UserName (a reference to a user) as a custom name", () => {
    expect(check('key-iam', userAndKey, ['CAPABILITY_IAM'])).to.deep.equal([]);
  });

  it('asks for CAPABILITY_IAM when IAM resources have no custom names and none is given', () => {
    expect(check('key-none', userAndKey)).to.deep.equal([
      'missing-capability: the template creates IAM resources (User), so the stack needs CAPABILITY_IAM',
    ]);
    expect(check('key-empty', userAndKey, [])).to.have.length(1);
  });

  it('takes CAPABILITY_NAMED_IAM for CAPABILITY_IAM', () => {
    expect(check('key-named', userAndKey, ['CAPABILITY_NAMED_IAM'])).to.deep.equal([]);
  });

  const named: Array<[string, string]> = [
    ['AWS::IAM::User', 'UserName'],
    ['AWS::IAM::Role', 'RoleName'],
    ['AWS::IAM::Group', 'GroupName'],
    ['AWS::IAM::ManagedPolicy', 'ManagedPolicyName'],
    ['AWS::IAM::InstanceProfile', 'InstanceProfileName'],
  ];
  for (const [type, property] of named) {
    it(`asks for CAPABILITY_NAMED_IAM for ${type} with a ${property}, even with CAPABILITY_IAM`, () => {
      const name = `named-${property.toLowerCase()}`;
      const resources = `  Thing:\n    Type: ${type}\n    Properties:\n      ${property}: custom`;
      expect(check(name, resources, ['CAPABILITY_IAM'])).to.deep.equal([
        `missing-capability: the template names IAM resources (Thing has a ${property}), so the stack needs CAPABILITY_NAMED_IAM`,
      ]);
      expect(check(`${name}-ok`, resources, ['CAPABILITY_NAMED_IAM'])).to.deep.equal([]);
    });
  }

  it("does not count an inline policy's PolicyName, or a group's UserName list, as custom names", () => {
    const resources = `  User:
    Type: AWS::IAM::User
  Inline:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: inline
      Users: [!Ref User]
      PolicyDocument: { Version: '2012-10-17', Statement: [] }
  Membership:
    Type: AWS::IAM::UserToGroupAddition
    Properties:
      GroupName: existing-group
      Users: [!Ref User]`;
    expect(check('inline-policy', resources, ['CAPABILITY_IAM'])).to.deep.equal([]);
  });

  it('asks for nothing when the template has no IAM resources', () => {
    const resources = '  Bucket:\n    Type: AWS::S3::Bucket';
    expect(check('no-iam', resources)).to.deep.equal([]);
  });

  it('reports at the capabilities list when there is one, else at the stack', () => {
    const at = (name: string) =>
      checkScenarioFile(join(dir, 'scenarios', `${name}.yaml`), { cwd: dir }).report.problems.map(
        formatProblem,
      );
    check('at-stack', userAndKey);
    expect(at('at-stack')).to.deep.equal([
      'scenarios/at-stack.yaml:11:5: the template creates IAM resources (User), so the stack needs CAPABILITY_IAM (add capabilities: [CAPABILITY_IAM] under inject.stack; CAPABILITY_NAMED_IAM also does)',
    ]);
    check('at-list', '  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: r', [
      'CAPABILITY_IAM',
    ]);
    expect(at('at-list').map((p) => p.split(': ')[0])).to.deep.equal(['scenarios/at-list.yaml:12:19']);
  });
});
