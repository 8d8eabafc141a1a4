import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  GetAutomationExecutionCommand,
  StartAutomationExecutionCommand,
  type AutomationExecution,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { ManualClock } from '../../src/range/clock.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import type { TestRange } from './harness.js';

/** A role SSM Automation may assume (ssm.amazonaws.com trusts it), allowed `actions` on everything. */
export async function automationRole(range: TestRange, name: string, actions: string[]): Promise<string> {
  const iam = new IAMClient(range.clientConfig());
  try {
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'remediate',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
        }),
      }),
    );
    return role.Role?.Arn ?? '';
  } finally {
    iam.destroy();
  }
}

/** Start a runbook, move the range clock past its run time, and read the finished execution. */
export async function runAutomation(
  ssm: SSMClient,
  clock: ManualClock,
  name: string,
  parameters: Record<string, string[]>,
  extraMs = 0,
): Promise<AutomationExecution> {
  const { AutomationExecutionId } = await ssm.send(
    new StartAutomationExecutionCommand({ DocumentName: name, Parameters: parameters }),
  );
  clock.advance(runTimes.automationMs + extraMs);
  const out = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId }));
  return out.AutomationExecution ?? {};
}
