import { expect } from 'chai';
import { Controller, type ControlledScenario, type Observation } from '../../src/controller/controller.js';
import type { Evidence } from '../../src/controller/model.js';
import { describeResponder, meetsBy, responderOf } from '../../src/controller/responder.js';
import type { JournalEntryBody } from '../../src/exercise/entries.js';
import type { DefenseInventory } from '../../src/exercise/defenses.js';
import type { Condition } from '../../src/signals/registry.js';
import { classifyUserAgent } from '../../src/report/activity.js';

const EXERCISE = 'gd-test-1';
const inventory: DefenseInventory = {
  functions: [
    { defense: 'defense-ssh-revert', name: 'sirs-gd-test-1-defense-ssh-revert-RevertFunction-AB12' },
  ],
  rules: [
    {
      defense: 'defense-ssh-revert',
      name: 'sirs-gd-test-1-defense-ssh-revert-SshIngressRule-CD34',
      functions: ['sirs-gd-test-1-defense-ssh-revert-RevertFunction-AB12'],
    },
  ],
  configRules: [
    {
      defense: 'defense-config-remediation',
      name: 's3-bucket-public-read-prohibited',
      remediation: 'AWS-DisableS3BucketPublicReadWrite',
      automatic: true,
    },
    {
      defense: 'defense-config-remediation',
      name: 'cloudtrail-enabled',
      remediation: 'AWS-EnableCloudTrail',
      automatic: true,
    },
    {
      defense: 'defense-team-runbooks',
      name: 'restricted-ssh',
      remediation: 'team-RestrictSshRunbook-5E6F',
      automatic: true,
      remediationCalls: ['RevokeSecurityGroupIngress', 'AuthorizeSecurityGroupIngress'],
    },
  ],
};
const ctx = { exerciseId: EXERCISE, inventory };

function trail(over: Partial<Evidence>): Evidence {
  return { summary: 'seen', source: 'cloudtrail', at: '2026-12-06T10:00:05.000Z', ...over };
}

describe('who closed the loop', () => {
  it("credits a Lambda function's role session (session name = the function) to the team's automation, with the chain", () => {
    // Lambda runs a function as assumed-role/<execution role>/<function name> (Lambda developer guide).
    const r = responderOf(
      trail({
        actor:
          'arn:aws:sts::123456789012:assumed-role/revert-role/sirs-gd-test-1-defense-ssh-revert-RevertFunction-AB12',
        eventName: 'RevokeSecurityGroupIngress',
        userAgent: 'aws-sdk-js/3.700.0 exec-env/AWS_Lambda_nodejs20.x',
      }),
      ctx,
    );
    expect(r?.kind).to.equal('automation');
    expect(r?.chain).to.deep.equal([
      'EventBridge rule sirs-gd-test-1-defense-ssh-revert-SshIngressRule-CD34',
      'Lambda sirs-gd-test-1-defense-ssh-revert-RevertFunction-AB12',
      'RevokeSecurityGroupIngress',
    ]);
    expect(r?.via).to.contain('role revert-role');
    expect(describeResponder(r)).to.match(
      /^the team's automation, Lambda function .* \(EventBridge rule .* → Lambda .* → RevokeSecurityGroupIngress\)$/,
    );
  });

  it('credits a Lambda session not in the defences by the Lambda runtime in its user agent', () => {
    const r = responderOf(
      trail({
        actor: 'arn:aws:sts::123456789012:assumed-role/their-role/their-function',
        eventName: 'PutPublicAccessBlock',
        userAgent: 'Boto3/1.34.0 md/Botocore#1.34.0 exec-env/AWS_Lambda_python3.12',
      }),
      ctx,
    );
    expect(r).to.include({ kind: 'automation' });
    expect(r?.chain).to.deep.equal(['Lambda their-function', 'PutPublicAccessBlock']);
  });

  it("credits SSM Automation's calls to the Config rule whose remediation document makes that call", () => {
    const r = responderOf(
      trail({
        actor: 'arn:aws:sts::123456789012:assumed-role/remediation-role/a1b2c3d4-0000-4000-8000-123456789012',
        sourceIp: 'ssm.amazonaws.com',
        userAgent: 'ssm.amazonaws.com',
        eventName: 'PutPublicAccessBlock',
      }),
      ctx,
    );
    expect(r?.kind).to.equal('automation');
    expect(r?.chain).to.deep.equal([
      'Config rule s3-bucket-public-read-prohibited',
      'SSM Automation AWS-DisableS3BucketPublicReadWrite',
      'PutPublicAccessBlock',
    ]);
    const trailFix = responderOf(
      trail({ sourceIp: 'ssm.amazonaws.com', eventName: 'StartLogging', actor: 'x' }),
      ctx,
    );
    expect(trailFix?.via).to.equal('Config remediation of rule cloudtrail-enabled (AWS-EnableCloudTrail)');
    // The team's own runbook: its calls are read from its aws:executeAwsApi steps.
    const sshFix = responderOf(
      trail({ sourceIp: 'ssm.amazonaws.com', eventName: 'AuthorizeSecurityGroupIngress', actor: 'x' }),
      ctx,
    );
    expect(sshFix?.chain).to.deep.equal([
      'Config rule restricted-ssh',
      'SSM Automation team-RestrictSshRunbook-5E6F',
      'AuthorizeSecurityGroupIngress',
    ]);
  });

  it('a person: an IAM user, root or a role session that is not a function', () => {
    for (const actor of [
      'arn:aws:iam::123456789012:user/alice',
      'arn:aws:iam::123456789012:root',
      'arn:aws:sts::123456789012:assumed-role/Responders/alice@example.com',
    ]) {
      const r = responderOf(trail({ actor, userAgent: 'aws-cli/1.32.0 Python/3.11' }), ctx);
      expect(r, actor).to.deep.equal({ kind: 'person', principal: actor });
    }
  });

  it("the autopilot by its user agent or its acknowledgement; sirs' own calls and probe-dated evidence name nobody", () => {
    expect(
      responderOf(
        trail({ actor: 'arn:aws:iam::1:user/sirs', userAgent: `sirs/1 exercise/${EXERCISE} autopilot/1` }),
        ctx,
      )?.kind,
    ).to.equal('autopilot');
    expect(
      responderOf(
        trail({ actor: 'arn:aws:iam::1:user/sirs', userAgent: `sirs/1 exercise/${EXERCISE}` }),
        ctx,
      ),
    ).to.equal(undefined);
    expect(responderOf({ summary: 's', source: 'probe', at: '2026-12-06T10:00:00Z' }, ctx)).to.equal(
      undefined,
    );
    expect(responderOf({ summary: 's', source: 'ack', at: 'x', actor: 'bob' }, ctx)?.kind).to.equal('person');
    expect(
      responderOf({ summary: 's', source: 'ack', at: 'x', actor: 'arn:x (sirs autopilot)' }, ctx)?.kind,
    ).to.equal('autopilot');
    expect(describeResponder(undefined)).to.match(/^nobody identified/);
  });

  it("the report's activity tells the team's automation from people by the caller's user agent", () => {
    // Lambda's Node.js runtime sets AWS_EXECUTION_ENV, which the SDK adds to its user agent as exec-env/.
    expect(
      classifyUserAgent('aws-sdk-js/3.700.0 api/ec2#3.700.0 exec-env/AWS_Lambda_nodejs20.x', EXERCISE),
    ).to.equal('automation');
    expect(classifyUserAgent('ssm.amazonaws.com', EXERCISE)).to.equal('automation');
    expect(classifyUserAgent('aws-cli/1.32.0 Python/3.11', EXERCISE)).to.equal('responder');
    expect(classifyUserAgent(`sirs/1 exercise/${EXERCISE} autopilot/1`, EXERCISE)).to.equal('autopilot');
  });

  it('by: automation is met only by automation; by: person by a person or the autopilot standing in', () => {
    expect(meetsBy(undefined, undefined)).to.equal(true);
    expect(meetsBy('automation', { kind: 'automation' })).to.equal(true);
    expect(meetsBy('automation', { kind: 'person' })).to.equal(false);
    expect(meetsBy('automation', { kind: 'autopilot' })).to.equal(false);
    expect(meetsBy('automation', undefined)).to.equal(false);
    expect(meetsBy('person', { kind: 'autopilot' })).to.equal(true);
    expect(meetsBy('person', { kind: 'automation' })).to.equal(false);
  });
});

describe('phases with by:', () => {
  const revoke: Condition = {
    sgIngress: { group: 'sg-1', port: 22, cidr: '0.0.0.0/0', expect: 'absent', protocol: 'tcp' },
  } as Condition;

  /** Ends when the phases are met, or (the case that should not meet them) at a 5 ms time limit. */
  function run(by: 'automation' | 'person' | undefined, actor: string, timeLimitMs = 3_600_000) {
    const entries: JournalEntryBody[] = [];
    const scenario: ControlledScenario = {
      id: 'ssh-open-to-world',
      scoring: {
        id: 'ssh-open-to-world',
        title: 'SSH',
        severity: 'high',
        timeLimitMs,
        phases: { detect: { targetMs: 1 }, contain: { targetMs: 2 } },
        hints: [],
      },
      phases: {
        detect: { mode: 'any', conditions: [{ ack: { finding: 'ssh-exposure' } } as Condition] },
        contain: { mode: 'all', conditions: [revoke], ...(by ? { by } : {}) },
      },
      steadyState: [],
      hints: [],
      autopilot: [],
    };
    const controller = new Controller({
      scenarios: [scenario],
      observe: async (): Promise<Observation> => ({
        status: 'met',
        evidence: trail({ actor, eventName: 'RevokeSecurityGroupIngress', at: new Date().toISOString() }),
      }),
      responderOf: (ev) => responderOf(ev, ctx),
      newAcks: async () => [],
      runStep: async () => {},
      journal: { append: (e) => entries.push(e) },
      emit: () => {},
      tickMs: 1,
      signal: new AbortController().signal,
      autopilot: false,
    });
    return controller.run().then((reason) => ({ reason, entries }));
  }

  const lambda =
    'arn:aws:sts::123456789012:assumed-role/revert-role/sirs-gd-test-1-defense-ssh-revert-RevertFunction-AB12';

  it("a phase that asks for automation is met by the Lambda's call, and the journal credits it", async () => {
    const { reason, entries } = await run('automation', lambda);
    expect(reason).to.equal('resolved');
    const contain = entries.find((e) => e.type === 'phase.met' && e.phase === 'contain');
    expect(contain?.type === 'phase.met' && contain.evidence[0]?.responder?.kind).to.equal('automation');
    // The detect phase (an acknowledgement, no by:) is implied by the automation's fix.
    expect(
      entries.some((e) => e.type === 'phase.met' && e.phase === 'detect' && e.implied === 'contain'),
    ).to.equal(true);
  });

  it('a phase that asks for automation is not met when a person fixed it', async () => {
    const { reason, entries } = await run('automation', 'arn:aws:iam::123456789012:user/alice', 5);
    expect(reason).to.equal('time-limit');
    expect(entries.some((e) => e.type === 'phase.met')).to.equal(false);
  });

  it('without by:, anyone meets it and the evidence still says who', async () => {
    const { reason, entries } = await run(undefined, 'arn:aws:iam::123456789012:user/alice');
    expect(reason).to.equal('resolved');
    const contain = entries.find((e) => e.type === 'phase.met' && e.phase === 'contain');
    expect(contain?.type === 'phase.met' && contain.evidence[0]?.responder).to.deep.equal({
      kind: 'person',
      principal: 'arn:aws:iam::123456789012:user/alice',
    });
  });
});
