import type {
  AutomationExecution,
  GetAutomationExecutionRequest,
  GetAutomationExecutionResult,
  StartAutomationExecutionRequest,
  StartAutomationExecutionResult,
} from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError, isServiceError } from '../../errors.js';
import { uuid } from '../../ids.js';
import { checkDocumentVersion, documents, resolveParameters } from './documents.js';
import { runTimes } from './runs.js';
import { ssmState, type StoredAutomation } from './store.js';
import { record } from '../../records.js';

/**
 * Automation runbooks that act on EC2 (AWS-StopEC2Instance, AWS-StartEC2Instance). The step calls EC2
 * through dispatch when the execution starts, so CloudTrail shows StopInstances invoked by
 * ssm.amazonaws.com; the execution reports InProgress until the step's time has passed on the range clock.
 */
const actions: Record<string, { operation: string; desiredState: string }> = {
  'AWS-StopEC2Instance': { operation: 'StopInstances', desiredState: 'stopped' },
  'AWS-StartEC2Instance': { operation: 'StartInstances', desiredState: 'running' },
};

export async function startAutomationExecution(
  ctx: CallContext,
  input: StartAutomationExecutionRequest,
): Promise<StartAutomationExecutionResult> {
  const name = (input.DocumentName ?? '').replace(/^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:document\//, '');
  const doc = documents[name];
  if (!doc || doc.type !== 'Automation') {
    throw new ServiceError(
      'AutomationDefinitionNotFoundException',
      `Automation definition ${input.DocumentName ?? ''} not found.`,
    );
  }
  try {
    checkDocumentVersion(input.DocumentVersion);
  } catch {
    throw new ServiceError(
      'AutomationDefinitionVersionNotFoundException',
      `Automation definition ${name} version ${input.DocumentVersion ?? ''} not found.`,
    );
  }
  if (input.Targets?.length) {
    throw new ServiceError(
      'InvalidTarget',
      'The range runs automations with explicit parameters (InstanceId), not with Targets.',
    );
  }
  const parameters = resolveParameters(
    doc,
    input.Parameters,
    'InvalidAutomationExecutionParametersException',
  );
  const action = actions[doc.name] as { operation: string; desiredState: string };
  const instanceIds = parameters['InstanceId'] ?? [];
  const step: StoredAutomation['steps'][number] = {
    name: doc.steps[0]?.name ?? 'changeInstanceState',
    action: 'aws:changeInstanceState',
    inputs: { InstanceIds: JSON.stringify(instanceIds), DesiredState: JSON.stringify(action.desiredState) },
  };
  let outcome: 'Success' | 'Failed' = 'Success';
  try {
    await ctx.dispatch(
      'ec2',
      action.operation,
      { InstanceIds: instanceIds },
      { invokedBy: 'ssm.amazonaws.com' },
    );
    step.outputs = {};
  } catch (err) {
    if (!isServiceError(err)) throw err;
    outcome = 'Failed';
    step.failureMessage = `Step fails when it is Executing. Fail to ${action.operation === 'StopInstances' ? 'stop' : 'start'} instances: ${err.code}: ${err.message}`;
  }
  const execution: StoredAutomation = {
    executionId: uuid(),
    documentName: doc.name,
    parameters,
    executedBy: ctx.principal.arn,
    startedAt: ctx.now,
    endsAt: new Date(ctx.now.getTime() + runTimes.automationMs),
    outcome,
    failureMessage: step.failureMessage,
    steps: [step],
    outputs: record(),
  };
  ctx.state(ssmState).automations[execution.executionId] = execution;
  return { AutomationExecutionId: execution.executionId };
}

export function getAutomationExecution(
  ctx: CallContext,
  input: GetAutomationExecutionRequest,
): GetAutomationExecutionResult {
  const e = ctx.state(ssmState).automations[input.AutomationExecutionId ?? ''];
  if (!e) {
    throw new ServiceError(
      'AutomationExecutionNotFoundException',
      `Automation execution ${input.AutomationExecutionId ?? ''} not found.`,
    );
  }
  const done = ctx.now.getTime() >= e.endsAt.getTime();
  const status = done ? e.outcome : 'InProgress';
  const execution: AutomationExecution = {
    AutomationExecutionId: e.executionId,
    DocumentName: e.documentName,
    DocumentVersion: '1',
    ExecutionStartTime: e.startedAt,
    ExecutionEndTime: done ? e.endsAt : undefined,
    AutomationExecutionStatus: status,
    StepExecutions: e.steps.map((s) => ({
      StepName: s.name,
      Action: s.action,
      OnFailure: 'Abort',
      MaxAttempts: 1,
      ExecutionStartTime: e.startedAt,
      ExecutionEndTime: done ? e.endsAt : undefined,
      StepStatus: status,
      Inputs: s.inputs,
      Outputs: done ? s.outputs : undefined,
      FailureMessage: done ? s.failureMessage : undefined,
      StepExecutionId: `${e.executionId.slice(0, 8)}-${s.name}`,
      IsEnd: true,
    })),
    StepExecutionsTruncated: false,
    Parameters: e.parameters,
    Outputs: e.outputs,
    FailureMessage: done ? e.failureMessage : undefined,
    Mode: 'Auto',
    ExecutedBy: e.executedBy,
    CurrentStepName: done ? undefined : e.steps[0]?.name,
    CurrentAction: done ? undefined : e.steps[0]?.action,
  };
  return { AutomationExecution: execution };
}
