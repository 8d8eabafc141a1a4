import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintPaths } from '../../src/lint/index.js';
import { policyTemplate, splitStatements, MANAGED_POLICY_LIMIT } from '../../src/policy/cfn.js';
import { actionsForCall } from '../../src/policy/calls.js';
import { policyFor, PolicyGapError, type SirsPolicy } from '../../src/policy/generate.js';
import { libraryIds } from '../../src/policy/index.js';
import { actionReference } from '../../src/policy/reference.js';
import { RESOURCE_TYPE_PERMISSIONS } from '../../src/policy/resource-types.js';
import { evaluate } from '../../src/range/policy/evaluate.js';
import type { CfnTemplate } from '../../src/scenario/cfn-template.js';
import { loadExercise, type LoadedScenario } from '../../src/scenario/load.js';
import { KEY_PRINCIPAL } from '../../src/scenario/schema.js';
import { conditionParts, signalKinds, type Condition } from '../../src/signals/registry.js';

const ACCOUNT = '123456789012';
const library = loadExercise(libraryIds());
const scenarios = library.scenarios.filter(
  (s, i, all) => all.findIndex((o) => o.scenario.id === s.scenario.id) === i,
);

function policyOf(loaded: LoadedScenario): SirsPolicy {
  return policyFor({ scenarios: [loaded] }, { namePrefix: 'sirs' });
}

/** Whether the policy allows the action on the resource, as the range's IAM evaluator decides. */
function allows(
  policy: SirsPolicy,
  action: string,
  resource: string,
  context: Record<string, string> = {},
): boolean {
  return (
    evaluate({
      request: {
        principal: { arn: `arn:aws:iam::${ACCOUNT}:user/facilitator`, accountId: ACCOUNT, type: 'IAMUser' },
        action,
        resource,
        context,
      },
      identity: [{ id: 'sirs-policy', kind: 'identity', document: policy.document }],
    }).decision === 'allowed'
  );
}

function granted(policy: SirsPolicy): Set<string> {
  return new Set(policy.document.Statement.flatMap((s) => s.Action.map((a) => a.toLowerCase())));
}

function conditionsOf(loaded: LoadedScenario): Condition[] {
  const s = loaded.scenario;
  const phases = [s.phases.detect, s.phases.contain, s.phases.recover].filter((p) => p !== undefined);
  return [
    ...phases.flatMap((p) => [...(p.any ?? []), ...(p.all ?? [])]),
    ...(s.steadyState ?? []),
  ] as Condition[];
}

describe('sirs policy: the least privilege derived from the scenarios', () => {
  for (const loaded of scenarios) {
    const id = loaded.scenario.id;
    it(`${id}: covers its template's resource types, the calls sirs makes and the reads of its signals`, () => {
      const policy = policyOf(loaded);
      const actions = granted(policy);
      const missing: string[] = [];
      for (const { type } of loaded.template.resources.values()) {
        const handlers = RESOURCE_TYPE_PERMISSIONS[type]!;
        for (const a of [...handlers.create, ...handlers.read, ...handlers.update, ...handlers.delete])
          if (!actions.has(a.toLowerCase())) missing.push(`${type}: ${a}`);
      }
      const steps = [...(loaded.scenario.inject.actions ?? []), ...(loaded.scenario.autopilot ?? [])];
      for (const step of steps) {
        if (!step.call || (step.as && (step.as === 'root' || KEY_PRINCIPAL.test(step.as)))) continue;
        for (const a of actionsForCall(step.call))
          if (!actions.has(a.toLowerCase())) missing.push(`call ${a}`);
      }
      for (const c of conditionsOf(loaded)) {
        const { kind } = conditionParts(c);
        for (const call of kind.reads ?? [])
          for (const a of actionsForCall(call))
            if (!actions.has(a.toLowerCase())) missing.push(`${kind.name} ${a}`);
      }
      expect(missing).to.deep.equal([]);
      // sirs' own work, scoped to its stacks and its channel.
      expect(
        allows(
          policy,
          'cloudformation:CreateStack',
          `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/sirs-gd-1-${id}/1`,
        ),
      ).to.equal(true);
      expect(
        allows(
          policy,
          'cloudformation:DeleteStack',
          `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/prod-web/1`,
        ),
      ).to.equal(false);
      expect(
        allows(
          policy,
          'logs:PutLogEvents',
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/sirs/exercises/gd-1:log-stream:acks`,
        ),
      ).to.equal(true);
      expect(
        allows(
          policy,
          'logs:DeleteLogGroup',
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/billing`,
        ),
      ).to.equal(false);
    });
  }

  it('scopes IAM writes to the names sirs gives and the scenarios name, never to other users', () => {
    const backdoor = policyOf(scenarios.find((s) => s.scenario.id === 'iam-admin-backdoor')!);
    // The autopilot deletes the backdoor user the inject actions named svc-backup-<exercise>.
    expect(allows(backdoor, 'iam:DeleteUser', `arn:aws:iam::${ACCOUNT}:user/svc-backup-gd-1`)).to.equal(true);
    // CloudFormation creates the stack's users, named after the stack.
    expect(
      allows(
        backdoor,
        'iam:CreateUser',
        `arn:aws:iam::${ACCOUNT}:user/sirs-gd-1-iam-admin-backdoor-CiDeployUser-X`,
      ),
    ).to.equal(true);
    expect(allows(backdoor, 'iam:DeleteUser', `arn:aws:iam::${ACCOUNT}:user/alice`)).to.equal(false);
    expect(allows(backdoor, 'iam:AttachUserPolicy', `arn:aws:iam::${ACCOUNT}:user/alice`)).to.equal(false);
    expect(allows(backdoor, 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/facilitator`)).to.equal(
      false,
    );
  });

  it("scopes changes to EC2 resources by id to those carrying the exercise's tag", () => {
    const ssh = policyOf(scenarios.find((s) => s.scenario.id === 'ssh-open-to-world')!);
    const group = `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0123456789abcdef0`;
    const tagged = { 'aws:ResourceTag/sirs:exercise': 'gd-1' };
    // The autopilot revokes the rule the stack opened; CloudFormation deletes the group.
    expect(allows(ssh, 'ec2:RevokeSecurityGroupIngress', group, tagged)).to.equal(true);
    expect(allows(ssh, 'ec2:DeleteSecurityGroup', group, tagged)).to.equal(true);
    expect(allows(ssh, 'ec2:RevokeSecurityGroupIngress', group)).to.equal(false);
    expect(allows(ssh, 'ec2:DeleteSecurityGroup', group, { 'aws:ResourceTag/team': 'web' })).to.equal(false);
  });

  it('grants "*" only to actions without a resource type or calls naming none, and says so in the Sid', () => {
    const policy = policyFor({ scenarios }, { namePrefix: 'sirs' });
    for (const s of policy.document.Statement) {
      const star = s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*'));
      expect(star, s.Sid).to.equal(/NeedStar$/.test(s.Sid));
      if (!/ActionsWithoutResourceTypes/.test(s.Sid)) continue;
      for (const a of s.Action) expect(actionReference(a)!.resourceTypes, a).to.deep.equal([]);
    }
    for (const s of policy.statements)
      for (const [a, why] of Object.entries(s.reasons))
        expect(why.length, `${s.Sid} ${a}`).to.be.greaterThan(0);
  });

  it('every action it grants is an IAM action of the Service Authorization Reference', () => {
    const policy = policyFor({ scenarios, decoys: library.decoys }, { namePrefix: 'sirs' });
    const unknown = policy.document.Statement.flatMap((s) => s.Action).filter((a) => !actionReference(a));
    expect(unknown).to.deep.equal([]);
    for (const [type, h] of Object.entries(RESOURCE_TYPE_PERMISSIONS))
      for (const a of [...h.create, ...h.read, ...h.update, ...h.delete])
        expect(actionReference(a), `${type} ${a}`).to.not.equal(undefined);
  });

  it('the name prefix of the config scopes stacks and their resources', () => {
    const ssh = scenarios.find((s) => s.scenario.id === 'ssh-open-to-world')!;
    const policy = policyFor({ scenarios: [ssh] }, { namePrefix: 'gameday' });
    expect(
      allows(
        policy,
        'cloudformation:CreateStack',
        `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/gameday-x-ssh-open-to-world/1`,
      ),
    ).to.equal(true);
    expect(
      allows(
        policy,
        'cloudformation:CreateStack',
        `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/sirs-x-ssh-open-to-world/1`,
      ),
    ).to.equal(false);
  });

  it('a resource type sirs has no permissions for fails with a message naming it, never a silent gap', () => {
    const ssh = scenarios.find((s) => s.scenario.id === 'ssh-open-to-world')!;
    const resources = new Map(ssh.template.resources);
    resources.set('Queue', { type: 'AWS::SQS::Queue', properties: {} });
    const template: CfnTemplate = { ...ssh.template, resources };
    expect(() =>
      policyFor({ scenarios: [{ scenario: ssh.scenario, template }] }, { namePrefix: 'sirs' }),
    ).to.throw(PolicyGapError, /AWS::SQS::Queue/);
  });

  it('every registered signal kind declares the AWS calls it makes, each authorized by a known IAM action', () => {
    for (const kind of signalKinds) {
      expect(kind.reads, `${kind.name} declares no reads`).to.be.an('array');
      for (const call of kind.reads ?? [])
        expect(() => actionsForCall(call), `${kind.name} ${call}`).to.not.throw();
    }
  });

  it("--format cfn: managed policies under IAM's size limit and a role, clean for sirs lint and cfn-lint", () => {
    const policy = policyFor({ scenarios, decoys: library.decoys }, { namePrefix: 'sirs' });
    const parts = splitStatements(policy.document.Statement);
    expect(parts.flat()).to.deep.equal(policy.document.Statement);
    for (const p of parts)
      expect(JSON.stringify({ Version: '2012-10-17', Statement: p }).length).to.be.at.most(
        MANAGED_POLICY_LIMIT,
      );
    const dir = mkdtempSync(join(tmpdir(), 'sirs-policy-'));
    try {
      const file = join(dir, 'sirs-role.cfn.yaml');
      writeFileSync(file, policyTemplate(policy, { generatedBy: 'sirs test' }));
      const report = lintPaths({ paths: [file], cwd: dir });
      expect(report.summary.findings, JSON.stringify(report.files[0])).to.equal(0);
      expect(report.summary.problems).to.equal(0);
      const cfnLint = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
      expect(cfnLint.status, `${cfnLint.stdout}${cfnLint.stderr}`).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
