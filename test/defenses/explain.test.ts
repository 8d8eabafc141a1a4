import { expect } from 'chai';
import { explainLoops, readLoopFacts, type LoopFacts } from '../../src/controller/explain.js';
import { junitXml } from '../../src/controller/results.js';
import type { DefenseInventory } from '../../src/exercise/defenses.js';
import type { ExerciseScore } from '../../src/controller/scoring.js';

const FN = 'ssh-revert-fn';
const inventory: DefenseInventory = {
  functions: [{ defense: 'defense-ssh-revert', name: FN }],
  rules: [{ defense: 'defense-ssh-revert', name: 'ssh-rule', functions: [FN] }],
  configRules: [
    {
      defense: 'defense-config',
      name: 'public-read',
      remediation: 'AWS-DisableS3BucketPublicReadWrite',
      automatic: true,
    },
  ],
};

function facts(over: Partial<LoopFacts>): LoopFacts {
  return {
    rules: { 'ssh-rule': { matched: 1, failedInvocations: 0 } },
    functions: { [FN]: { lines: ['START RequestId: 1 Version: $LATEST', 'END RequestId: 1'] } },
    configRules: {
      'public-read': { nonCompliant: ['b'], executions: [{ resource: 'b', state: 'SUCCEEDED' }] },
    },
    ...over,
  };
}

const loop = (f: LoopFacts, i = 0) => explainLoops(inventory, f)[i]!;

describe('why the automation did not close the loop', () => {
  it('a rule that never matched: its pattern, with how to check it', () => {
    const x = loop(facts({ rules: { 'ssh-rule': { matched: 0, failedInvocations: 0 } } }));
    expect(x.verdict).to.equal('never-matched');
    expect(x.loop).to.equal(`EventBridge rule ssh-rule → Lambda ${FN}`);
    expect(x.message).to.contain('MatchedEvents is 0').and.to.contain('test-event-pattern');
  });

  it('a rule whose target could not be invoked: FailedInvocations and the resource policy', () => {
    const x = loop(facts({ rules: { 'ssh-rule': { matched: 2, failedInvocations: 2 } } }));
    expect(x.verdict).to.equal('delivery-failed');
    expect(x.message).to.contain('FailedInvocations').and.to.contain('AWS::Lambda::Permission');
  });

  it('a handler that throws: the error and its log lines', () => {
    // Lambda's Node.js runtime logs an uncaught error as a JSON line with errorType and errorMessage.
    const lines = [
      'START RequestId: 7 Version: $LATEST',
      '2026-12-06T10:00:01.000Z\t7\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"revert failed: no permission","stack":["Error: revert failed"]}',
      'END RequestId: 7',
      'REPORT RequestId: 7\tDuration: 12.00 ms',
    ];
    const x = loop(facts({ functions: { [FN]: { lines } } }));
    expect(x.verdict).to.equal('function-errored');
    expect(x.message)
      .to.contain('failed in 1 of 1 invocation(s)')
      .and.to.contain('revert failed: no permission');
    expect(x.logLines).to.have.length(1);
  });

  it('a function that timed out, and one never invoked', () => {
    const timedOut = [
      'START RequestId: 8 Version: $LATEST',
      '2026-12-06T10:00:04.000Z 8 Task timed out after 3.00 seconds',
      'END RequestId: 8',
    ];
    expect(loop(facts({ functions: { [FN]: { lines: timedOut } } })).message).to.contain('Task timed out');
    const never = loop(facts({ functions: { [FN]: {} } }));
    expect(never.verdict).to.equal('not-invoked');
    expect(never.message).to.contain(`/aws/lambda/${FN}`);
  });

  it('a loop that ran without error is blamed only when the exercise did not resolve', () => {
    const missed = explainLoops(inventory, facts({}));
    expect(missed[0]!.message).to.contain('did not change');
    expect(missed[1]!.message).to.contain('did not change in time');
    const met = explainLoops(inventory, facts({}), { resolved: true });
    expect(met[0]!.verdict).to.equal('ran');
    expect(met[0]!.message).to.equal(
      `rule ssh-rule matched 1 event(s); Lambda ${FN} ran 1 time(s) without an error`,
    );
    expect(met[1]!.message).not.to.contain('did not change');
  });

  it('Config: a failed remediation step, a rule that flagged nothing, no execution', () => {
    const failed = loop(
      facts({
        configRules: {
          'public-read': {
            nonCompliant: ['b'],
            executions: [
              { resource: 'b', state: 'FAILED', error: 'DisableS3BucketPublicReadWrite: AccessDenied' },
            ],
          },
        },
      }),
      1,
    );
    expect(failed.verdict).to.equal('remediation-failed');
    expect(failed.message).to.contain('failed on b: DisableS3BucketPublicReadWrite: AccessDenied');
    // It fixed another bucket (the website) and finds nothing now: the fault is not what it judges.
    const elsewhere = loop(
      facts({
        configRules: {
          'public-read': { nonCompliant: [], executions: [{ resource: 'site', state: 'SUCCEEDED' }] },
        },
      }),
      1,
    );
    expect(elsewhere.message).to.contain('ran on site and the rule finds nothing NON_COMPLIANT now');
    expect(loop(facts({ configRules: { 'public-read': { nonCompliant: [] } } }), 1).verdict).to.equal(
      'not-flagged',
    );
    expect(
      loop(facts({ configRules: { 'public-read': { nonCompliant: ['b'], executions: [] } } }), 1).message,
    ).to.contain('automatic remediation (AWS-DisableS3BucketPublicReadWrite) never ran');
  });

  it('reads the rule metrics, the function log and the remediation status from the APIs AWS documents', async () => {
    const calls: string[] = [];
    const session = {
      async call(api: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
        calls.push(api);
        if (api === 'cloudwatch:GetMetricStatistics') {
          expect(input).to.deep.include({
            Namespace: 'AWS/Events',
            Dimensions: [{ Name: 'RuleName', Value: 'ssh-rule' }],
          });
          return { Datapoints: input.MetricName === 'MatchedEvents' ? [{ Sum: 1 }, { Sum: 2 }] : [] };
        }
        if (api === 'logs:FilterLogEvents') {
          expect(input.logGroupName).to.equal(`/aws/lambda/${FN}`);
          return { events: [{ message: 'START RequestId: 1 Version: $LATEST\n' }] };
        }
        if (api === 'config:GetComplianceDetailsByConfigRule')
          return {
            EvaluationResults: [
              { EvaluationResultIdentifier: { EvaluationResultQualifier: { ResourceId: 'bucket-1' } } },
            ],
          };
        if (api === 'config:DescribeRemediationExecutionStatus')
          return {
            RemediationExecutionStatuses: [
              {
                ResourceKey: { resourceId: 'bucket-1' },
                State: 'FAILED',
                StepDetails: [
                  { Name: 'DisableS3BucketPublicReadWrite', State: 'FAILED', ErrorMessage: 'denied' },
                ],
              },
            ],
          };
        throw new Error(`unexpected ${api}`);
      },
    };
    const f = await readLoopFacts(session, inventory, {
      since: new Date('2026-12-06T10:00:00Z'),
      until: new Date('2026-12-06T10:05:00Z'),
    });
    expect(f.rules['ssh-rule']).to.deep.equal({ matched: 3, failedInvocations: 0 });
    expect(f.functions[FN]).to.deep.equal({ lines: ['START RequestId: 1 Version: $LATEST'] });
    expect(f.configRules['public-read']).to.deep.equal({
      nonCompliant: ['bucket-1'],
      executions: [
        { resource: 'bucket-1', state: 'FAILED', error: 'DisableS3BucketPublicReadWrite: denied' },
      ],
    });
    expect(calls).to.include('config:DescribeRemediationExecutionStatus');
  });

  it('JUnit: a missed phase says which loop failed and why, with the function log in system-err', () => {
    const score: ExerciseScore = {
      scenarios: [
        {
          id: 'ssh-open-to-world',
          title: 'SSH',
          severity: 'high',
          phases: [{ phase: 'contain', targetMs: 60_000, max: 100, points: 0, verdict: 'missed' }],
          hints: { count: 0, cost: 0 },
          breaches: { count: 0, penalty: 0 },
          wrongAcks: { count: 0, penalty: 0 },
          points: 0,
        },
      ],
      decoys: [],
      total: 0,
      grade: 'F',
      missedTargets: true,
    };
    const explanations = explainLoops(
      inventory,
      facts({
        functions: {
          [FN]: {
            lines: [
              'START RequestId: 1 Version: $LATEST',
              '{"errorType":"TypeError","errorMessage":"x is <undefined>"}',
            ],
          },
        },
      }),
    );
    const xml = junitXml('gd-1', score, {
      timestamp: '2026-12-06T10:00:00Z',
      durationMs: 1000,
      explanations,
    });
    expect(xml).to.contain('The team&apos;s automation:');
    expect(xml).to.contain(
      `- EventBridge rule ssh-rule → Lambda ${FN}: rule ssh-rule matched 1 event(s); Lambda ${FN} failed`,
    );
    expect(xml).to.match(/<system-err>[^<]*x is &lt;undefined&gt;/);
  });
});
