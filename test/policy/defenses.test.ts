import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefenses } from '../../src/exercise/defenses.js';
import { lintPaths } from '../../src/lint/index.js';
import { policyTemplate } from '../../src/policy/cfn.js';
import { policyDefenses } from '../../src/policy/defenses.js';
import { givenName } from '../../src/policy/names.js';
import { policyFor, PolicyGapError, type PolicyDefense, type SirsPolicy } from '../../src/policy/generate.js';
import { actionReference } from '../../src/policy/reference.js';
import { RESOURCE_TYPE_PERMISSIONS } from '../../src/policy/resource-types.js';
import { evaluate } from '../../src/range/policy/evaluate.js';
import { loadExercise } from '../../src/scenario/load.js';
import { repoRoot } from '../e2e/helpers.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const SHIPPED = join(repoRoot, 'templates', 'defenses');
/** Every shipped defence, read as `--defenses templates/defenses` reads them: a new one is covered here. */
const shipped = policyDefenses(loadDefenses([SHIPPED], { cwd: repoRoot, target: 'range' }));
const ssh = loadExercise(['ssh-open-to-world']).scenarios;

function defense(id: string): PolicyDefense {
  const found = shipped.find((d) => d.id === `defense-${id}`);
  if (!found) throw new Error(`no shipped defence ${id}`);
  return found;
}

function policyWith(defenses: readonly PolicyDefense[]): SirsPolicy {
  return policyFor({ scenarios: ssh, defenses }, { namePrefix: 'sirs' });
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

/** What CloudFormation names a resource of the defence's stack (`<stack>-<logical id>-<suffix>`). */
const named = (logicalId: string) => `sirs-gd-1-defense-ssh-revert-${logicalId}-ABCDEF123456`;

describe('sirs policy --defenses: what deploying and reading the defences needs', () => {
  it('every resource type of every shipped defence template has its CloudFormation permissions, each an IAM action', () => {
    expect(shipped.length).to.be.at.least(2);
    const missing: string[] = [];
    for (const d of shipped) {
      if (d.kind !== 'template') continue;
      for (const { type } of d.template.resources.values()) {
        const row = RESOURCE_TYPE_PERMISSIONS[type];
        if (!row) {
          missing.push(`${d.id}: ${type}`);
          continue;
        }
        for (const a of [...row.create, ...row.read, ...row.update, ...row.delete])
          if (!actionReference(a)) missing.push(`${d.id}: ${type} ${a} is not an IAM action`);
      }
    }
    expect(missing).to.deep.equal([]);
    // The whole set gives a policy, with every action it grants in the Service Authorization Reference.
    const policy = policyWith(shipped);
    expect(
      policy.document.Statement.flatMap((s) => s.Action).filter((a) => !actionReference(a)),
    ).to.deep.equal([]);
  });

  it("scopes the defence's functions, rules and their log groups to the name prefix", () => {
    const without = policyWith([]);
    const policy = policyWith([defense('ssh-revert'), defense('config-remediation')]);
    const fn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${named('RevertFunction')}`;
    expect(allows(without, 'lambda:CreateFunction', fn)).to.equal(false);
    expect(allows(policy, 'lambda:CreateFunction', fn)).to.equal(true);
    expect(allows(policy, 'lambda:AddPermission', fn)).to.equal(true);
    expect(allows(policy, 'lambda:DeleteFunction', fn)).to.equal(true);
    const billing = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:billing`;
    expect(allows(policy, 'lambda:DeleteFunction', billing)).to.equal(false);
    expect(allows(policy, 'lambda:AddPermission', billing)).to.equal(false);
    const rule = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${named('SshIngressRule')}`;
    expect(allows(policy, 'events:PutRule', rule)).to.equal(true);
    expect(allows(policy, 'events:PutTargets', rule)).to.equal(true);
    expect(
      allows(policy, 'events:DeleteRule', `arn:aws:events:${REGION}:${ACCOUNT}:rule/prod-alerts`),
    ).to.equal(false);
    // The function's log lines, read to explain a loop that failed: its own log group, no other.
    const logs = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${name}`;
    expect(allows(policy, 'logs:FilterLogEvents', logs(named('RevertFunction')))).to.equal(true);
    expect(allows(policy, 'logs:FilterLogEvents', logs('billing'))).to.equal(false);
  });

  it('passes only sirs-named roles, and each only to the service that uses it (iam:PassedToService)', () => {
    const policy = policyWith([defense('ssh-revert'), defense('config-remediation')]);
    const role = `arn:aws:iam::${ACCOUNT}:role/${named('RevertRole')}`;
    const to = (service: string) => ({ 'iam:PassedToService': service });
    expect(allows(policy, 'iam:PassRole', role, to('lambda.amazonaws.com'))).to.equal(true);
    expect(allows(policy, 'iam:PassRole', role, to('config.amazonaws.com'))).to.equal(true);
    expect(allows(policy, 'iam:PassRole', role, to('ec2.amazonaws.com'))).to.equal(false);
    expect(allows(policy, 'iam:PassRole', role)).to.equal(false);
    expect(
      allows(
        policy,
        'iam:PassRole',
        `arn:aws:iam::${ACCOUNT}:role/OrganizationAdmin`,
        to('lambda.amazonaws.com'),
      ),
    ).to.equal(false);
    const passRole = policy.document.Statement.filter((s) => s.Action.includes('iam:PassRole'));
    for (const s of passRole) {
      expect(s.Resource, s.Sid).to.equal('arn:aws:iam::*:role/sirs-*');
      expect(s.Condition?.StringEquals?.['iam:PassedToService'], s.Sid).to.be.a('string');
    }
  });

  it('a name the template gives (a function, its role, a rule) is granted by that name, its role passed only to Lambda', () => {
    const revert = defense('ssh-revert');
    if (revert.kind !== 'template') throw new Error('ssh-revert is a template');
    const resources = new Map(revert.template.resources);
    const rename = (id: string, property: string, value: unknown) => {
      const r = resources.get(id)!;
      resources.set(id, { ...r, properties: { ...r.properties, [property]: value } });
    };
    rename('RevertFunction', 'FunctionName', 'team-ssh-revert');
    rename('RevertRole', 'RoleName', 'team-revert-role');
    rename('SshIngressRule', 'Name', 'team-ssh-ingress');
    const policy = policyWith([{ ...revert, template: { ...revert.template, resources } }]);
    const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
    expect(allows(policy, 'lambda:CreateFunction', fn('team-ssh-revert'))).to.equal(true);
    expect(allows(policy, 'lambda:DeleteFunction', fn('team-ssh-revert'))).to.equal(true);
    expect(allows(policy, 'lambda:DeleteFunction', fn('team-billing'))).to.equal(false);
    const rule = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`;
    expect(allows(policy, 'events:PutRule', rule('team-ssh-ingress'))).to.equal(true);
    expect(allows(policy, 'events:DeleteRule', rule('team-deploys'))).to.equal(false);
    const role = `arn:aws:iam::${ACCOUNT}:role/team-revert-role`;
    expect(allows(policy, 'iam:CreateRole', role)).to.equal(true);
    expect(allows(policy, 'iam:PassRole', role, { 'iam:PassedToService': 'lambda.amazonaws.com' })).to.equal(
      true,
    );
    expect(allows(policy, 'iam:PassRole', role, { 'iam:PassedToService': 'ec2.amazonaws.com' })).to.equal(
      false,
    );
    expect(allows(policy, 'iam:DeleteRole', `arn:aws:iam::${ACCOUNT}:role/team-admin`)).to.equal(false);
    const logs = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/team-ssh-revert`;
    expect(allows(policy, 'logs:FilterLogEvents', logs)).to.equal(true);
    // A !Sub name: the stack's name is the prefix's pattern, any other value a wildcard.
    expect(givenName({ 'Fn::Sub': '${AWS::StackName}-revert-${AWS::Region}' }, 'sirs')).to.equal(
      'sirs-{{stack}}-revert-{{value}}',
    );
    expect(givenName({ Ref: 'Name' }, 'sirs')).to.equal(undefined);
  });

  it("a stack of defences already on AWS is only read: its resources by the stack's name, nothing deployed", () => {
    const policy = policyWith([{ id: 'defense-team-guard', kind: 'stack', stackName: 'team-guard' }]);
    const stack = (name: string) => `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/0a1b2c3d`;
    expect(allows(policy, 'cloudformation:DescribeStackResources', stack('team-guard'))).to.equal(true);
    expect(allows(policy, 'cloudformation:DescribeStackResources', stack('prod-web'))).to.equal(false);
    const actions = new Set(policy.document.Statement.flatMap((s) => s.Action));
    expect(actions.has('lambda:CreateFunction')).to.equal(false);
    expect(actions.has('cloudwatch:GetMetricStatistics')).to.equal(true);
    // On AWS a template only names what is deployed: the same reads, no deployment.
    const named = policyWith([{ ...defense('ssh-revert'), deployed: false } as PolicyDefense]);
    expect(new Set(named.document.Statement.flatMap((s) => s.Action)).has('lambda:CreateFunction')).to.equal(
      false,
    );
  });

  it('a defence with a resource type sirs has no permissions for fails naming it, never a silent gap', () => {
    const revert = defense('ssh-revert');
    if (revert.kind !== 'template') throw new Error('ssh-revert is a template');
    const resources = new Map(revert.template.resources);
    resources.set('Queue', { type: 'AWS::SQS::Queue', properties: {} });
    expect(() => policyWith([{ ...revert, template: { ...revert.template, resources } }])).to.throw(
      PolicyGapError,
      /defence ssh-revert: .*AWS::SQS::Queue/,
    );
  });

  it('--format cfn with every shipped defence is clean for sirs lint and cfn-lint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sirs-policy-defenses-'));
    try {
      const file = join(dir, 'sirs-role.cfn.yaml');
      const text = policyTemplate(policyWith(shipped), { generatedBy: 'sirs test' });
      expect(text.split('\n')[0]).to.match(/\(defences: .*ssh-revert.*\)$/);
      expect(text).to.contain('lambda:CreateFunction');
      writeFileSync(file, text);
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
