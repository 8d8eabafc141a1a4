import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/exercise/config.js';
import {
  defenseId,
  inventoryOf,
  loadDefenses,
  planDefenses,
  readInventory,
  type DefenseSpec,
} from '../../src/exercise/defenses.js';
import { UsageError } from '../../src/errors.js';

const root = join(import.meta.dirname, '..', '..');
const shipped = join(root, 'templates', 'defenses');
/** The shipped examples, by file name (`ssh-revert.cfn.yaml` → `ssh-revert`). */
const shippedNames = readdirSync(shipped)
  .filter((f) => f.endsWith('.cfn.yaml'))
  .map((f) => f.slice(0, -'.cfn.yaml'.length))
  .sort();

function thrown(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected a usage error');
}

describe('defences (--defenses)', () => {
  it('a folder gives each template as a defence, named after its file', () => {
    const specs = loadDefenses([shipped], { cwd: root, target: 'range' });
    expect(shippedNames).to.include.members(['config-remediation', 'ssh-revert']);
    expect(specs.map((s) => s.id)).to.deep.equal(shippedNames.map((n) => `defense-${n}`));
    expect(specs.every((s) => s.kind === 'template')).to.equal(true);
    expect(defenseId('My Team/SSH_Revert.cfn.yaml')).to.equal('defense-ssh-revert');
  });

  it('reads what a template automates: functions, the rules that target them, Config rules and their remediation', () => {
    const [ssh] = loadDefenses(['templates/defenses/ssh-revert.cfn.yaml'], { cwd: root, target: 'range' });
    const [config] = loadDefenses(['templates/defenses/config-remediation.cfn.yaml'], {
      cwd: root,
      target: 'range',
    });
    if (ssh?.kind !== 'template' || config?.kind !== 'template') throw new Error('templates expected');
    expect(ssh.shape.rules).to.deep.equal([{ logicalId: 'SshIngressRule', targets: ['RevertFunction'] }]);
    // Physical names come from the stack (DescribeStackResources).
    const physical = new Map([
      ['RevertFunction', 'sirs-x-defense-ssh-revert-RevertFunction-1A2B'],
      ['SshIngressRule', 'sirs-x-defense-ssh-revert-SshIngressRule-3C4D'],
      ['RestrictedSshRule', 'sirs-x-defense-config-remediation-restricted-ssh'],
      ['RestrictSshRunbook', 'sirs-x-defense-config-remediati-RestrictSshRunbook-5E6F'],
    ]);
    const inv = inventoryOf(ssh.id, ssh.shape, physical);
    inventoryOf(config.id, config.shape, physical, inv);
    expect(inv.functions).to.deep.equal([
      { defense: 'defense-ssh-revert', name: 'sirs-x-defense-ssh-revert-RevertFunction-1A2B' },
    ]);
    expect(inv.rules).to.deep.equal([
      {
        defense: 'defense-ssh-revert',
        name: 'sirs-x-defense-ssh-revert-SshIngressRule-3C4D',
        functions: ['sirs-x-defense-ssh-revert-RevertFunction-1A2B'],
      },
    ]);
    // The remediation runs the template's own runbook: its deployed name, and the calls its steps make.
    expect(inv.configRules).to.deep.equal([
      {
        defense: 'defense-config-remediation',
        name: 'sirs-x-defense-config-remediation-restricted-ssh',
        remediation: 'sirs-x-defense-config-remediati-RestrictSshRunbook-5E6F',
        automatic: true,
        remediationCalls: ['RevokeSecurityGroupIngress', 'AuthorizeSecurityGroupIngress'],
      },
    ]);
  });

  it('plans each template as a sirs stack of its own, tagged, with IAM capabilities', () => {
    const specs = loadDefenses([shipped], { cwd: root, target: 'range' });
    const config = { ...defaultConfig(), tags: { team: 'blue' } };
    const stacks = planDefenses(specs, { exerciseId: 'gd-1', config });
    expect(stacks.map((s) => s.stackName)).to.deep.equal(shippedNames.map((n) => `sirs-gd-1-defense-${n}`));
    const ssh = stacks.find((s) => s.stackName === 'sirs-gd-1-defense-ssh-revert')!;
    expect(ssh.tags).to.deep.equal({
      team: 'blue',
      'sirs:exercise': 'gd-1',
      'sirs:scenario': 'defense-ssh-revert',
      'sirs:defense': 'ssh-revert',
    });
    expect(ssh.capabilities).to.deep.equal(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']);
    expect(ssh.templateBody).to.contain('AWS::Lambda::Function');
  });

  it('refuses what it cannot deploy, saying what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirs-defenses-'));
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'broken.yaml'), 'Resources: [not, a, map]\n');
    writeFileSync(
      join(dir, 'needs.yaml'),
      'Parameters:\n  Cidr: { Type: String }\nResources:\n  T: { Type: AWS::SNS::Topic }\n',
    );
    expect(thrown(() => loadDefenses(['nope.yaml'], { cwd: dir, target: 'range' })).code).to.equal(
      'defenses-not-found',
    );
    expect(thrown(() => loadDefenses(['empty'], { cwd: dir, target: 'range' })).code).to.equal(
      'defenses-empty',
    );
    expect(thrown(() => loadDefenses(['broken.yaml'], { cwd: dir, target: 'range' })).code).to.equal(
      'bad-defense',
    );
    const params = thrown(() => loadDefenses(['needs.yaml'], { cwd: dir, target: 'range' }));
    expect(params.code).to.equal('defense-parameters');
    expect(params.message).to.contain('Cidr');
    expect(
      thrown(() =>
        loadDefenses([shipped, join(shipped, 'ssh-revert.cfn.yaml')], { cwd: dir, target: 'range' }),
      ).code,
    ).to.equal('duplicate-defense');
  });

  it('on AWS a name that is no file names a deployed stack, and nothing is planned for it', () => {
    const specs = loadDefenses(['team-ssh-revert'], { cwd: root, target: 'aws' });
    expect(specs).to.deep.equal([
      { id: 'defense-team-ssh-revert', kind: 'stack', stackName: 'team-ssh-revert' },
    ] satisfies DefenseSpec[]);
    expect(planDefenses(specs, { exerciseId: 'gd-1', config: defaultConfig() })).to.deep.equal([]);
  });

  it("reads a named stack's functions, rules and Config rules from DescribeStackResources (AWS)", async () => {
    const warnings: string[] = [];
    const session = {
      async call(api: string, input?: object): Promise<Record<string, unknown>> {
        expect(api).to.equal('cloudformation:DescribeStackResources');
        if ((input as { StackName?: string }).StackName === 'gone')
          throw new Error('Stack with id gone does not exist');
        return {
          StackResources: [
            {
              LogicalResourceId: 'Fn',
              PhysicalResourceId: 'team-revert',
              ResourceType: 'AWS::Lambda::Function',
            },
            {
              LogicalResourceId: 'Rule',
              PhysicalResourceId: 'team-ssh-rule',
              ResourceType: 'AWS::Events::Rule',
            },
            {
              LogicalResourceId: 'Restricted',
              PhysicalResourceId: 'restricted-ssh',
              ResourceType: 'AWS::Config::ConfigRule',
            },
            { LogicalResourceId: 'Role', PhysicalResourceId: 'team-role', ResourceType: 'AWS::IAM::Role' },
          ],
        };
      },
    };
    const specs = loadDefenses(['team-defences', 'gone'], { cwd: root, target: 'aws' });
    const inv = await readInventory(
      session,
      specs.map((spec) => ({ spec })),
      (w) => warnings.push(w),
    );
    expect(inv.functions).to.deep.equal([{ defense: 'defense-team-defences', name: 'team-revert' }]);
    expect(inv.rules).to.deep.equal([
      { defense: 'defense-team-defences', name: 'team-ssh-rule', functions: [] },
    ]);
    expect(inv.configRules).to.deep.equal([{ defense: 'defense-team-defences', name: 'restricted-ssh' }]);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('defence defense-gone: could not read stack gone');
  });
});
