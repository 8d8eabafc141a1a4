import { expect } from 'chai';
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateDocumentCommand,
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { ManualClock } from '../../src/range/clock.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import { runAutomation } from './automation-fixtures.js';
import { failure, startTestRange, type TestRange } from './harness.js';

// How a customer runbook's steps follow one another, as the Automation actions reference and "Using
// conditional statements in runbooks" describe it: aws:branch, aws:sleep, nextStep, isEnd, onFailure,
// isCritical, maxAttempts, and the property actions. These runbooks run as their caller (no assumeRole).

describe('range: the flow of a customer Automation runbook (branch, sleep, onFailure, retries, waits)', function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.parse('2026-06-02T14:00:00Z'));
  let range: TestRange;
  let ssm: SSMClient;
  let vpcId: string;

  const run = (name: string, parameters: Record<string, string[]>, extraMs = 0) =>
    runAutomation(ssm, clock, name, parameters, extraMs);

  const runbook = (steps: string, params = '') =>
    JSON.stringify({
      schemaVersion: '0.3',
      parameters: JSON.parse(params || '{}') as Record<string, unknown>,
      mainSteps: JSON.parse(steps) as unknown[],
    });

  async function create(name: string, content: string): Promise<void> {
    await ssm.send(new CreateDocumentCommand({ Name: name, Content: content, DocumentType: 'Automation' }));
  }

  before(async () => {
    range = await startTestRange({ clock });
    ssm = new SSMClient(range.clientConfig());
    const ec2 = new EC2Client(range.clientConfig());
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }))).Vpc?.VpcId ?? '';
  });
  after(() => range.stop());

  it('branches, sleeps on the range clock, asserts, and fails what it does not run', async () => {
    await create(
      'Acme-Branching',
      runbook(
        `[{"name":"Choose","action":"aws:branch","inputs":{"Choices":[
            {"NextStep":"Wait","Variable":"{{ Strict }}","BooleanEquals":true},
            {"NextStep":"Check","Variable":"{{ Level }}","NumericGreater":2}],"Default":"Script"}},
          {"name":"Wait","action":"aws:sleep","inputs":{"Duration":"PT5M"},"isEnd":true},
          {"name":"Check","action":"aws:assertAwsResourceProperty","inputs":{"Service":"ec2","Api":"DescribeVpcs",
            "VpcIds":["${vpcId}"],"PropertySelector":"$.Vpcs[0].CidrBlock","DesiredValues":["10.8.0.0/16"]}},
          {"name":"Script","action":"aws:executeScript","inputs":{"Runtime":"python3.11","Handler":"h","Script":"x"}}]`,
        '{"Strict":{"type":"Boolean","default":false},"Level":{"type":"Integer","default":1}}',
      ),
    );
    const { AutomationExecutionId } = await ssm.send(
      new StartAutomationExecutionCommand({
        DocumentName: 'Acme-Branching',
        Parameters: { Strict: ['true'] },
      }),
    );
    clock.advance(runTimes.automationMs);
    const sleeping = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId }));
    expect(sleeping.AutomationExecution?.AutomationExecutionStatus).to.equal('InProgress');
    clock.advance(5 * 60_000);
    const slept = (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId })))
      .AutomationExecution;
    expect(slept?.AutomationExecutionStatus).to.equal('Success');
    expect(slept?.StepExecutions?.map((s) => s.StepName)).to.deep.equal(['Choose', 'Wait']);

    const asserted = await run('Acme-Branching', { Level: ['3'] });
    expect(asserted.AutomationExecutionStatus).to.equal('Failed');
    expect(asserted.StepExecutions?.map((s) => s.StepName)).to.deep.equal(['Choose', 'Check']);
    expect(asserted.FailureMessage).to.contain('10.7.0.0/16');

    const script = await run('Acme-Branching', {});
    expect(script.StepExecutions?.map((s) => s.StepName)).to.deep.equal(['Choose', 'Script']);
    expect(script.FailureMessage).to.contain('does not run aws:executeScript');

    // No choice true and no Default: the next step runs (the aws:branch reference).
    await create(
      'Acme-NoDefault',
      runbook(
        `[{"name":"Choose","action":"aws:branch","inputs":{"Choices":[{"NextStep":"Last","Variable":"{{ Level }}","NumericEquals":7}]}},
          {"name":"Next","action":"aws:executeAwsApi","isEnd":true,"inputs":{"Service":"sts","Api":"GetCallerIdentity"}},
          {"name":"Last","action":"aws:sleep","inputs":{"Duration":"PT1S"}}]`,
        '{"Level":{"type":"Integer","default":1}}',
      ),
    );
    const fallThrough = await run('Acme-NoDefault', {});
    expect(fallThrough.StepExecutions?.map((s) => s.StepName)).to.deep.equal(['Choose', 'Next']);
    expect(
      (await run('Acme-NoDefault', { Level: ['7'] })).StepExecutions?.map((s) => s.StepName),
    ).to.deep.equal(['Choose', 'Last']);

    const badType = await failure(
      ssm.send(
        new StartAutomationExecutionCommand({
          DocumentName: 'Acme-Branching',
          Parameters: { Level: ['high'] },
        }),
      ),
    );
    expect(badType.name).to.equal('InvalidAutomationExecutionParametersException');
  });

  it('a failed critical step with onFailure Continue lets the run go on but fails the execution', async () => {
    await create(
      'Acme-Critical',
      runbook(
        `[{"name":"Fails","action":"aws:executeAwsApi","onFailure":"Continue","inputs":{"Service":"ec2","Api":"DescribeVpcs","VpcIds":["vpc-00000000"]}},
          {"name":"After","action":"aws:executeAwsApi","inputs":{"Service":"sts","Api":"get_caller_identity"},
           "outputs":[{"Name":"Account","Selector":"$.Account","Type":"String"}]}]`,
      ),
    );
    const out = await run('Acme-Critical', {});
    // isCritical defaults to true: "If a step with this designation fails, then Automation reports the
    // final status of the automation as Failed" (Using conditional statements in runbooks).
    expect(out.AutomationExecutionStatus).to.equal('Failed');
    expect(out.StepExecutions?.[1]?.StepStatus).to.equal('Success');
    expect(out.StepExecutions?.[1]?.Outputs?.Account).to.deep.equal([range.accountId]);
  });

  it('jumps with onFailure step:<name> and nextStep, retries maxAttempts times, knows global:REGION', async () => {
    await create(
      'Acme-Flow',
      runbook(
        `[{"name":"Flaky","action":"aws:executeAwsApi","maxAttempts":3,"onFailure":"step:Recover","isCritical":false,
            "inputs":{"Service":"ec2","Api":"DescribeVpcs","VpcIds":["vpc-0badbadbadbadbad0"]}},
          {"name":"Skipped","action":"aws:sleep","inputs":{"Duration":"PT1H"}},
          {"name":"Recover","action":"aws:executeAwsApi","nextStep":"Done",
            "inputs":{"Service":"ec2","Api":"describe_vpcs","VpcIds":["${vpcId}"]},
            "outputs":[{"Name":"Cidrs","Selector":"$.Vpcs[*].CidrBlock","Type":"StringList"},
                       {"Name":"Where","Selector":"$.Vpcs[0].VpcId","Type":"String"}]},
          {"name":"AlsoSkipped","action":"aws:sleep","inputs":{"Duration":"PT1H"}},
          {"name":"Done","action":"aws:assertAwsResourceProperty","inputs":{"Service":"ec2","Api":"DescribeVpcs",
            "VpcIds":["{{ Recover.Where }}"],"PropertySelector":"$.Vpcs[0].CidrBlock","DesiredValues":"{{ Recover.Cidrs }}"}}]`,
      ),
    );
    const before = range.events('DescribeVpcs').filter((e) => e.errorCode).length;
    const out = await run('Acme-Flow', {});
    expect(out.AutomationExecutionStatus, out.FailureMessage).to.equal('Success');
    expect(out.StepExecutions?.map((s) => [s.StepName, s.StepStatus])).to.deep.equal([
      ['Flaky', 'Failed'],
      ['Recover', 'Success'],
      ['Done', 'Success'],
    ]);
    expect(out.StepExecutions?.[0]).to.deep.include({ MaxAttempts: 3, OnFailure: 'step:Recover' });
    expect(out.StepExecutions?.[0]?.FailureMessage).to.contain('InvalidVpcID.NotFound');
    // Each attempt is a call CloudTrail records.
    expect(range.events('DescribeVpcs').filter((e) => e.errorCode).length - before).to.equal(3);
    expect(out.StepExecutions?.[1]?.Outputs).to.deep.equal({ Cidrs: ['10.7.0.0/16'], Where: [vpcId] });

    await create(
      'Acme-Region',
      runbook(
        `[{"name":"Say","action":"aws:executeAwsApi","inputs":{"Service":"ssm","Api":"PutParameter",
            "Name":"/acme/{{ automation:EXECUTION_ID }}","Type":"String","Value":"{{ global:REGION }}/{{ global:ACCOUNT_ID }}"}}]`,
      ),
    );
    const said = await run('Acme-Region', {});
    expect(said.StepExecutions?.[0]?.Inputs?.Value).to.equal(
      JSON.stringify(`${range.region}/${range.accountId}`),
    );
    expect(said.StepExecutions?.[0]?.Inputs?.Name).to.equal(
      JSON.stringify(`/acme/${said.AutomationExecutionId}`),
    );

    // A request the SDK would refuse (a string where the model has a list) fails the step, unsent.
    await create(
      'Acme-BadInput',
      runbook(
        `[{"name":"Describe","action":"aws:executeAwsApi","onFailure":"Continue","inputs":{"Service":"ec2","Api":"DescribeVpcs","VpcIds":"${vpcId}"}},
          {"name":"Typo","action":"aws:executeAwsApi","inputs":{"Service":"ec2","Api":"DescribeVpcs","VpcId":"${vpcId}"}}]`,
      ),
    );
    await create(
      'Acme-Forever',
      runbook(
        '[{"name":"Again","action":"aws:executeAwsApi","inputs":{"Service":"ssm","Api":"StartAutomationExecution","DocumentName":"Acme-Forever"}}]',
      ),
    );
    const forever = await run('Acme-Forever', {});
    expect(forever.FailureMessage).to.contain('AutomationExecutionLimitExceededException');
    await create(
      'Acme-Loop',
      runbook('[{"name":"Again","action":"aws:branch","inputs":{"Choices":[],"Default":"Again"}}]'),
    );
    const loop = await run('Acme-Loop', {});
    expect(loop.AutomationExecutionStatus).to.equal('Failed');
    expect(loop.FailureMessage).to.contain('without ending');

    // What ran, as a responder lists it.
    const listed = (await range.aws([
      'ssm',
      'describe-automation-executions',
      '--filters',
      'Key=DocumentNamePrefix,Values=Acme-Loop',
      'Key=ExecutionStatus,Values=Failed',
    ])) as {
      AutomationExecutionMetadataList: Array<{ AutomationExecutionId: string; DocumentName: string }>;
    };
    expect(listed.AutomationExecutionMetadataList.map((e) => e.AutomationExecutionId)).to.deep.equal([
      loop.AutomationExecutionId,
    ]);

    const calls = range.events('DescribeVpcs').length;
    const refused = await run('Acme-BadInput', {});
    expect(refused.FailureMessage).to.contain('Parameter validation failed').and.contain('parameter VpcIds');
    expect(refused.StepExecutions?.[1]?.FailureMessage).to.contain('Unknown parameter in input: "VpcId"');
    expect(range.events('DescribeVpcs').length).to.equal(calls);
  });
});
