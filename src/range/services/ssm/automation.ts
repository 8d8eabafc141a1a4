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
import type { AssumeRoleResponse } from '@aws-sdk/client-sts';
import { identityState, servicePrincipal, type Principal } from '../../identity.js';
import { checkDocumentVersion, documents, resolveParameters, type DocumentSpec } from './documents.js';
import { runbooks, type AutomationCall, type StepOutcome } from './runbooks.js';
import { runTimes } from './runs.js';
import { ssmState, type StoredAutomation } from './store.js';
import { record } from '../../records.js';
import { findCustomerDocument, parsedVersion, versionOf } from './customer-documents.js';
import { runCustomerRunbook } from './customer-runbook.js';
import { runbookParameters, substitute } from './runbook-parameters.js';
import type { StoredDocument } from './store.js';

/**
 * Automation runbooks: AWS-StopEC2Instance and AWS-StartEC2Instance here, the AWS-owned remediation
 * runbooks in runbooks.ts, the account's own (CreateDocument) in customer-runbook.ts. The steps call the range through dispatch when the execution starts, so CloudTrail
 * shows their calls invoked by ssm.amazonaws.com (as the AutomationAssumeRole's session when one is
 * given); the execution reports InProgress until the steps' time has passed on the range clock, and
 * then the steps' outcome (the first failed step fails the execution).
 */
const actions: Record<string, { operation: string; desiredState: string }> = {
  'AWS-StopEC2Instance': { operation: 'StopInstances', desiredState: 'stopped' },
  'AWS-StartEC2Instance': { operation: 'StartInstances', desiredState: 'running' },
};

export async function startAutomationExecution(
  ctx: CallContext,
  input: StartAutomationExecutionRequest,
): Promise<StartAutomationExecutionResult> {
  // A step of a running automation starting another one would run it inside this call, and a
  // runbook that starts itself would never end: the range refuses (AWS's nested form is aws:executeAutomation).
  if (ctx.invokedBy === 'ssm.amazonaws.com') {
    throw new ServiceError(
      'AutomationExecutionLimitExceededException',
      'The range does not start an automation from a step of another automation.',
    );
  }
  const own = findCustomerDocument(ctx, input.DocumentName);
  if (own) return startCustomerAutomation(ctx, input, own);
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
  const executionId = uuid();
  const actor = await automationActor(ctx, parameters['AutomationAssumeRole']?.[0] ?? '', executionId);
  let steps: StoredAutomation['steps'];
  if ('failure' in actor) {
    steps = [
      {
        name: doc.steps[0]?.name ?? 'assumeRole',
        action: doc.steps[0]?.action ?? '',
        inputs: {},
        failureMessage: actor.failure,
      },
    ];
  } else {
    const call: AutomationCall = (service, operation, callInput) =>
      ctx.dispatch(service, operation, callInput, {
        ...(actor.principal ? { principal: actor.principal } : {}),
        invokedBy: 'ssm.amazonaws.com',
      });
    const runbook = runbooks[doc.name];
    steps = runbook
      ? await runbook.run(call, parameters)
      : [await changeInstanceState(doc, call, parameters)];
  }
  const failed = steps.find((st) => st.failureMessage);
  const execution: StoredAutomation = {
    executionId,
    documentName: doc.name,
    parameters,
    executedBy: ctx.principal.arn,
    startedAt: ctx.now,
    endsAt: new Date(ctx.now.getTime() + runTimes.automationMs),
    outcome: failed ? 'Failed' : 'Success',
    failureMessage: failed?.failureMessage,
    steps,
    outputs: record(),
  };
  ctx.state(ssmState).automations[execution.executionId] = execution;
  return { AutomationExecutionId: execution.executionId };
}

/**
 * A customer runbook (CreateDocument): its mainSteps run through the same call path as the AWS-owned
 * runbooks, as the role its document-level `assumeRole` names (usually `{{ AutomationAssumeRole }}`).
 */
async function startCustomerAutomation(
  ctx: CallContext,
  input: StartAutomationExecutionRequest,
  doc: StoredDocument,
): Promise<StartAutomationExecutionResult> {
  if (doc.documentType !== 'Automation') {
    throw new ServiceError(
      'AutomationDefinitionNotFoundException',
      `Automation definition ${doc.name} not found: it is a ${doc.documentType} document.`,
    );
  }
  let version;
  try {
    version = versionOf(doc, input.DocumentVersion);
  } catch {
    throw new ServiceError(
      'AutomationDefinitionVersionNotFoundException',
      `Automation definition ${doc.name} version ${input.DocumentVersion ?? ''} not found.`,
    );
  }
  if (input.Targets?.length) {
    throw new ServiceError(
      'InvalidTarget',
      'The range runs automations with explicit parameters, not with Targets.',
    );
  }
  const parsed = parsedVersion(doc, version);
  const parameters = runbookParameters(parsed, doc.name, input.Parameters);
  const executionId = uuid();
  let role = '';
  try {
    role = String(substitute(parsed.assumeRole ?? '', (n) => parameters.values[n]));
  } catch {
    role = '';
  }
  const actor = await automationActor(ctx, role, executionId);
  let run: Awaited<ReturnType<typeof runCustomerRunbook>>;
  if ('failure' in actor) {
    const first = parsed.mainSteps[0];
    const step = {
      name: first?.name ?? 'assumeRole',
      action: first?.action ?? '',
      inputs: {},
      failureMessage: actor.failure,
    };
    run = { steps: [step], outputs: record(), failureMessage: actor.failure, sleepMs: 0 };
  } else {
    const call: AutomationCall = (service, operation, callInput) =>
      ctx.dispatch(service, operation, callInput, {
        ...(actor.principal ? { principal: actor.principal } : {}),
        invokedBy: 'ssm.amazonaws.com',
      });
    run = await runCustomerRunbook(
      parsed,
      {
        parameters: parameters.values,
        executionId,
        accountId: ctx.accountId,
        region: ctx.region,
        partition: 'aws',
      },
      { call, now: ctx.now },
    );
  }
  ctx.state(ssmState).automations[executionId] = {
    executionId,
    documentName: doc.name,
    documentVersion: version.version,
    parameters: parameters.shown,
    executedBy: ctx.principal.arn,
    startedAt: ctx.now,
    endsAt: new Date(ctx.now.getTime() + runTimes.automationMs + run.sleepMs),
    outcome: run.timedOut ? 'TimedOut' : run.failureMessage ? 'Failed' : 'Success',
    failureMessage: run.failureMessage,
    steps: run.steps,
    outputs: run.outputs,
  };
  return { AutomationExecutionId: executionId };
}

/**
 * Who the automation's steps act as: with an AutomationAssumeRole, a session of that role that
 * Systems Manager (ssm.amazonaws.com) assumes, named after the execution, so CloudTrail names the role;
 * without one, whoever started the automation.
 */
async function automationActor(
  ctx: CallContext,
  roleArn: string,
  executionId: string,
): Promise<{ principal?: Principal } | { failure: string }> {
  if (!roleArn) return {};
  try {
    const out = (await ctx.dispatch(
      'sts',
      'AssumeRole',
      { RoleArn: roleArn, RoleSessionName: executionId },
      { principal: servicePrincipal('ssm.amazonaws.com', ctx.accountId), invokedBy: 'ssm.amazonaws.com' },
    )) as AssumeRoleResponse;
    const key = out.Credentials?.AccessKeyId ?? '';
    const principal = ctx.state(identityState).credentials[key]?.principal;
    if (!principal) return { failure: 'The defined assume role is unable to be assumed.' };
    return { principal };
  } catch (err) {
    if (!isServiceError(err)) throw err;
    return { failure: `The defined assume role is unable to be assumed. ${err.code}: ${err.message}` };
  }
}

async function changeInstanceState(
  doc: DocumentSpec,
  call: AutomationCall,
  parameters: Record<string, string[]>,
): Promise<StepOutcome> {
  const action = actions[doc.name] as { operation: string; desiredState: string };
  const instanceIds = parameters['InstanceId'] ?? [];
  const step: StepOutcome = {
    name: doc.steps[0]?.name ?? 'changeInstanceState',
    action: 'aws:changeInstanceState',
    inputs: { InstanceIds: JSON.stringify(instanceIds), DesiredState: JSON.stringify(action.desiredState) },
  };
  try {
    await call('ec2', action.operation, { InstanceIds: instanceIds });
    step.outputs = {};
  } catch (err) {
    if (!isServiceError(err)) throw err;
    step.failureMessage = `Step fails when it is Executing. Fail to ${action.operation === 'StopInstances' ? 'stop' : 'start'} instances: ${err.code}: ${err.message}`;
  }
  return step;
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
    DocumentVersion: e.documentVersion ?? '1',
    ExecutionStartTime: e.startedAt,
    ExecutionEndTime: done ? e.endsAt : undefined,
    AutomationExecutionStatus: status,
    StepExecutions: e.steps.map((s, i) => ({
      StepName: s.name,
      Action: s.action,
      OnFailure: s.onFailure ?? 'Abort',
      MaxAttempts: s.maxAttempts ?? 1,
      IsCritical: s.isCritical ?? true,
      ...(s.nextStep ? { NextStep: s.nextStep } : {}),
      ExecutionStartTime: e.startedAt,
      ExecutionEndTime: done ? e.endsAt : undefined,
      StepStatus: done ? (s.timedOut ? 'TimedOut' : s.failureMessage ? 'Failed' : 'Success') : 'InProgress',
      Inputs: s.inputs,
      Outputs: done ? s.outputs : undefined,
      FailureMessage: done ? s.failureMessage : undefined,
      StepExecutionId: `${e.executionId.slice(0, 8)}-${s.name}`,
      IsEnd: s.isEnd ?? i === e.steps.length - 1,
    })),
    StepExecutionsTruncated: false,
    Parameters: e.parameters,
    Outputs: done ? e.outputs : undefined,
    FailureMessage: done ? e.failureMessage : undefined,
    Mode: 'Auto',
    ExecutedBy: e.executedBy,
    CurrentStepName: done ? undefined : e.steps[0]?.name,
    CurrentAction: done ? undefined : e.steps[0]?.action,
  };
  return { AutomationExecution: execution };
}
