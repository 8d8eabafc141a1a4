import type {
  DeleteRemediationConfigurationRequest,
  DescribeRemediationConfigurationsRequest,
  DescribeRemediationConfigurationsResponse,
  DescribeRemediationExecutionStatusRequest,
  DescribeRemediationExecutionStatusResponse,
  PutRemediationConfigurationsRequest,
  PutRemediationConfigurationsResponse,
  RemediationExecutionStatus,
  StartRemediationExecutionRequest,
  StartRemediationExecutionResponse,
} from '@aws-sdk/client-config-service';
import type { GetAutomationExecutionResult, StartAutomationExecutionResult } from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError, isServiceError } from '../../errors.js';
import { uuid } from '../../ids.js';
import { record } from '../../records.js';
import { configActor, configReader, whereOf, type ConfigWhere } from './principal.js';
import {
  configState,
  resourceKey,
  type StoredEvaluation,
  type StoredRemediation,
  type StoredRemediationExecution,
} from './store.js';

/**
 * Remediation: a rule's SSM Automation document, run by AWS Config on a NON_COMPLIANT resource, either
 * when asked (StartRemediationExecution) or automatically, at most MaximumAutomaticAttempts times within
 * RetryAttemptSeconds. The automation is started as config.amazonaws.com; its own calls are made as its
 * AutomationAssumeRole (see ssm/automation.ts), so CloudTrail names the role that fixed the resource.
 */

function invalid(message: string): ServiceError {
  return new ServiceError('InvalidParameterValueException', message);
}

function noRemediation(rule: string): ServiceError {
  return new ServiceError(
    'NoSuchRemediationConfigurationException',
    `No RemediationConfiguration for rule '${rule}' exists.`,
  );
}

export async function putRemediationConfigurations(
  ctx: CallContext,
  input: PutRemediationConfigurationsRequest,
): Promise<PutRemediationConfigurationsResponse> {
  const s = ctx.state(configState);
  const given = input.RemediationConfigurations ?? [];
  if (given.length === 0 || given.length > 25)
    throw invalid('Provide between 1 and 25 remediation configurations.');
  const accepted: StoredRemediation[] = [];
  for (const c of given) {
    const rule = c.ConfigRuleName ?? '';
    if (!s.rules[rule]) throw invalid(`The ConfigRule '${rule}' does not exist.`);
    if (c.TargetType !== 'SSM_DOCUMENT')
      throw invalid(`TargetType '${c.TargetType ?? ''}' is not valid: use SSM_DOCUMENT.`);
    const target = c.TargetId ?? '';
    try {
      await ctx.dispatch('ssm', 'DescribeDocument', { Name: target }, configReader(whereOf(ctx)));
    } catch (err) {
      if (!isServiceError(err)) throw err;
      throw invalid(`The SSM document '${target}' does not exist or is not shared with this account.`);
    }
    const parameters: StoredRemediation['parameters'] = record();
    let resourceValues = 0;
    for (const [name, v] of Object.entries(c.Parameters ?? {})) {
      const hasResource = v.ResourceValue !== undefined;
      const hasStatic = v.StaticValue !== undefined;
      if (hasResource === hasStatic) {
        throw invalid(`Parameter '${name}' must have exactly one of ResourceValue and StaticValue.`);
      }
      if (hasResource) {
        resourceValues++;
        if (v.ResourceValue?.Value !== 'RESOURCE_ID')
          throw invalid(`ResourceValue of '${name}' must be RESOURCE_ID.`);
      }
      parameters[name] = hasResource
        ? { ResourceValue: { Value: 'RESOURCE_ID' } }
        : { StaticValue: { Values: [...(v.StaticValue?.Values ?? [])] } };
    }
    if (resourceValues > 1)
      throw invalid('Only one parameter may take its value from the resource (RESOURCE_ID).');
    const attempts = c.MaximumAutomaticAttempts ?? 5;
    const retry = c.RetryAttemptSeconds ?? 60;
    if (attempts < 1 || attempts > 25) throw invalid('MaximumAutomaticAttempts must be between 1 and 25.');
    if (retry < 1 || retry > 2_678_000) throw invalid('RetryAttemptSeconds must be between 1 and 2678000.');
    accepted.push({
      configRuleName: rule,
      targetType: 'SSM_DOCUMENT',
      targetId: target,
      targetVersion: c.TargetVersion,
      parameters,
      resourceType: c.ResourceType,
      automatic: c.Automatic === true,
      maximumAutomaticAttempts: attempts,
      retryAttemptSeconds: retry,
      executionControls: c.ExecutionControls as Record<string, unknown> | undefined,
      arn:
        s.remediations[rule]?.arn ??
        `arn:aws:config:${ctx.region}:${ctx.accountId}:remediation-configuration/${rule}/${uuid()}`,
      createdByService: c.CreatedByService,
    });
  }
  for (const r of accepted) s.remediations[r.configRuleName] = r;
  return { FailedBatches: [] };
}

export function describeRemediationConfigurations(
  ctx: CallContext,
  input: DescribeRemediationConfigurationsRequest,
): DescribeRemediationConfigurationsResponse {
  const s = ctx.state(configState);
  return {
    RemediationConfigurations: (input.ConfigRuleNames ?? [])
      .map((n) => s.remediations[n])
      .filter((r): r is StoredRemediation => r !== undefined)
      .map((r) => ({
        ConfigRuleName: r.configRuleName,
        TargetType: r.targetType,
        TargetId: r.targetId,
        TargetVersion: r.targetVersion,
        Parameters: r.parameters as never,
        ResourceType: r.resourceType,
        Automatic: r.automatic,
        ExecutionControls: r.executionControls as never,
        MaximumAutomaticAttempts: r.maximumAutomaticAttempts,
        RetryAttemptSeconds: r.retryAttemptSeconds,
        Arn: r.arn,
        CreatedByService: r.createdByService,
      })),
  };
}

export function deleteRemediationConfiguration(
  ctx: CallContext,
  input: DeleteRemediationConfigurationRequest,
): object {
  const s = ctx.state(configState);
  const name = input.ConfigRuleName ?? '';
  const r = s.remediations[name];
  if (!r || (input.ResourceType && r.resourceType && r.resourceType !== input.ResourceType))
    throw noRemediation(name);
  delete s.remediations[name];
  return {};
}

/** Start the document on one resource; the execution (or why it could not start) is kept for the status query. */
async function startOne(
  ctx: CallContext,
  where: ConfigWhere,
  conf: StoredRemediation,
  resourceType: string,
  resourceId: string,
  automatic: boolean,
): Promise<StoredRemediationExecution> {
  const s = ctx.state(configState, where);
  const byRule = (s.remediationExecutions[conf.configRuleName] ??= record());
  const key = resourceKey(resourceType, resourceId);
  const now = ctx.clock.now();
  const previous = byRule[key];
  const exec: StoredRemediationExecution = {
    resourceType,
    resourceId,
    invokedAt: now,
    attempts: automatic ? [...(previous?.attempts ?? []), now] : (previous?.attempts ?? []),
  };
  byRule[key] = exec;
  const parameters: Record<string, string[]> = record();
  for (const [name, v] of Object.entries(conf.parameters)) {
    parameters[name] = v.ResourceValue ? [resourceId] : [...(v.StaticValue?.Values ?? [])];
  }
  try {
    const out = (await ctx.dispatch(
      'ssm',
      'StartAutomationExecution',
      {
        DocumentName: conf.targetId,
        ...(conf.targetVersion ? { DocumentVersion: conf.targetVersion } : {}),
        Parameters: parameters,
      },
      configActor(where),
    )) as StartAutomationExecutionResult;
    exec.automationExecutionId = out.AutomationExecutionId;
  } catch (err) {
    if (!isServiceError(err)) {
      exec.startFailure = (err as Error).message;
      throw err;
    }
    exec.startFailure = `${err.code}: ${err.message}`;
  }
  return exec;
}

async function automationOf(ctx: CallContext, where: ConfigWhere, id: string) {
  try {
    const out = (await ctx.dispatch(
      'ssm',
      'GetAutomationExecution',
      { AutomationExecutionId: id },
      configReader(where),
    )) as GetAutomationExecutionResult;
    return out.AutomationExecution;
  } catch (err) {
    if (isServiceError(err)) return undefined;
    throw err;
  }
}

type RemediationState = NonNullable<RemediationExecutionStatus['State']>;

function stateOf(automationStatus: string | undefined): RemediationState {
  if (automationStatus === 'Success') return 'SUCCEEDED';
  if (['Failed', 'Cancelled', 'TimedOut', 'CompletedWithFailure'].includes(automationStatus ?? ''))
    return 'FAILED';
  return 'IN_PROGRESS';
}

/** Automatic remediation of a NON_COMPLIANT verdict, within the configuration's attempt budget. */
export async function autoRemediate(
  ctx: CallContext,
  where: ConfigWhere,
  ruleName: string,
  e: StoredEvaluation,
): Promise<void> {
  const s = ctx.state(configState, where);
  const conf = s.remediations[ruleName];
  if (!conf?.automatic) return;
  if (conf.resourceType && conf.resourceType !== e.resourceType) return;
  const previous = s.remediationExecutions[ruleName]?.[resourceKey(e.resourceType, e.resourceId)];
  // One automatic remediation at a time per resource: an execution still being started (a second
  // evaluation of the same change can arrive while the first start awaits SSM) counts as running.
  if (previous && previous.automationExecutionId === undefined && previous.startFailure === undefined) return;
  if (previous?.automationExecutionId) {
    const running = await automationOf(ctx, where, previous.automationExecutionId);
    if (stateOf(running?.AutomationExecutionStatus) === 'IN_PROGRESS') return;
  }
  const windowStart = ctx.clock.now().getTime() - conf.retryAttemptSeconds * 1000;
  const recent = (previous?.attempts ?? []).filter((t) => t.getTime() > windowStart);
  if (recent.length >= conf.maximumAutomaticAttempts) return;
  await startOne(ctx, where, conf, e.resourceType, e.resourceId, true);
}

export async function startRemediationExecution(
  ctx: CallContext,
  input: StartRemediationExecutionRequest,
): Promise<StartRemediationExecutionResponse> {
  const s = ctx.state(configState);
  const name = input.ConfigRuleName ?? '';
  const conf = s.remediations[name];
  if (!conf) throw noRemediation(name);
  const keys = input.ResourceKeys ?? [];
  if (keys.length === 0 || keys.length > 100) throw invalid('Provide between 1 and 100 resource keys.');
  const failed: NonNullable<StartRemediationExecutionResponse['FailedItems']> = [];
  for (const k of keys) {
    const exec = await startOne(ctx, whereOf(ctx), conf, k.resourceType ?? '', k.resourceId ?? '', false);
    if (exec.startFailure) failed.push(k);
  }
  return failed.length
    ? { FailedItems: failed, FailureMessage: 'The remediation could not be started for some resources.' }
    : { FailedItems: [] };
}

export async function describeRemediationExecutionStatus(
  ctx: CallContext,
  input: DescribeRemediationExecutionStatusRequest,
): Promise<DescribeRemediationExecutionStatusResponse> {
  const s = ctx.state(configState);
  const name = input.ConfigRuleName ?? '';
  if (!s.remediations[name]) throw noRemediation(name);
  const byRule = s.remediationExecutions[name] ?? {};
  const wanted = input.ResourceKeys?.length
    ? input.ResourceKeys.map((k) => byRule[resourceKey(k.resourceType ?? '', k.resourceId ?? '')]).filter(
        (e): e is StoredRemediationExecution => e !== undefined,
      )
    : Object.values(byRule);
  const statuses: RemediationExecutionStatus[] = [];
  for (const e of wanted) {
    const auto = e.automationExecutionId
      ? await automationOf(ctx, whereOf(ctx), e.automationExecutionId)
      : undefined;
    const state: RemediationState = e.startFailure ? 'FAILED' : stateOf(auto?.AutomationExecutionStatus);
    statuses.push({
      ResourceKey: { resourceType: e.resourceType as never, resourceId: e.resourceId },
      State: state,
      StepDetails: e.startFailure
        ? [
            {
              Name: 'StartAutomationExecution',
              State: 'FAILED',
              ErrorMessage: e.startFailure,
              StartTime: e.invokedAt,
              StopTime: e.invokedAt,
            },
          ]
        : (auto?.StepExecutions ?? []).map((step) => ({
            Name: step.StepName,
            State:
              stateOf(step.StepStatus) === 'IN_PROGRESS'
                ? 'PENDING'
                : stateOf(step.StepStatus) === 'SUCCEEDED'
                  ? 'SUCCEEDED'
                  : 'FAILED',
            ErrorMessage: step.FailureMessage,
            StartTime: step.ExecutionStartTime,
            StopTime: step.ExecutionEndTime,
          })),
      InvocationTime: e.invokedAt,
      LastUpdatedTime: auto?.ExecutionEndTime ?? e.invokedAt,
    });
  }
  return { RemediationExecutionStatuses: statuses.slice(0, input.Limit ?? 100) };
}
