import type {
  CancelCommandRequest,
  Command,
  CommandFilter,
  CommandInvocation,
  CommandPlugin,
  GetCommandInvocationRequest,
  GetCommandInvocationResult,
  ListCommandInvocationsRequest,
  ListCommandInvocationsResult,
  ListCommandsRequest,
  ListCommandsResult,
  SendCommandRequest,
  SendCommandResult,
} from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { uuid } from '../../ids.js';
import { paginate } from '../../paginate.js';
import { checkRange, elapsed, validation } from './common.js';
import {
  checkDocumentVersion,
  findDocument,
  refuseCustomerDocument,
  resolveParameters,
  type DocumentSpec,
} from './documents.js';
import { checkTargets, ec2Instances, pingStatus, selectTargets, type Ec2Instance } from './instances.js';
import {
  invocationStatus,
  invocationsOf,
  isFinal,
  ssmStore,
  startCommand,
  type InvocationStatus,
} from './runs.js';
import type { SsmState, StoredCommand, StoredInvocation, StoredTarget } from './store.js';

export function toTargets(targets: Array<{ Key?: string; Values?: string[] }> | undefined): StoredTarget[] {
  return (targets ?? []).map((t) => ({ Key: t.Key ?? '', Values: t.Values ?? [] }));
}

/** The instances a command runs on: named ones must be online; targets select among online ones. */
export async function chooseInstances(
  ctx: CallContext,
  doc: DocumentSpec,
  instanceIds: string[],
  targets: StoredTarget[],
) {
  if (new Set(instanceIds).size !== instanceIds.length) throw new ServiceError('DuplicateInstanceId', '');
  checkTargets(targets);
  const online = (await ec2Instances(ctx)).filter((i) => pingStatus(i) === 'Online');
  let chosen: Ec2Instance[];
  if (instanceIds.length > 0) {
    const byId = new Map(online.map((i) => [i.instanceId, i]));
    const bad = instanceIds.filter((id) => !byId.has(id));
    if (bad.length > 0) {
      throw new ServiceError(
        'InvalidInstanceId',
        `Instances [[${bad.join(', ')}]] not in a valid state for account ${ctx.accountId}`,
      );
    }
    chosen = instanceIds.map((id) => byId.get(id) as Ec2Instance);
  } else {
    chosen = selectTargets(online, targets);
  }
  const unsupported = chosen.find((i) => !doc.platforms.includes(i.platform));
  if (unsupported) {
    throw new ServiceError(
      'UnsupportedPlatformType',
      `The platform ${unsupported.platform} of ${unsupported.instanceId} is not supported by ${doc.name}.`,
    );
  }
  return chosen;
}

export async function sendCommand(ctx: CallContext, input: SendCommandRequest): Promise<SendCommandResult> {
  refuseCustomerDocument(ctx, input.DocumentName);
  const doc = findDocument(input.DocumentName);
  if (doc.type !== 'Command') {
    throw new ServiceError(
      'InvalidDocument',
      `${doc.name} is an ${doc.type} document; SendCommand runs Command documents.`,
    );
  }
  checkDocumentVersion(input.DocumentVersion);
  const parameters = resolveParameters(doc, input.Parameters);
  const instanceIds = input.InstanceIds ?? [];
  const targets = toTargets(input.Targets);
  if (instanceIds.length > 0 === targets.length > 0) {
    throw validation('Exactly one of InstanceIds and Targets must be specified.');
  }
  checkRange('instanceIds', instanceIds.length, 0, 50);
  const timeoutSeconds = checkRange('timeoutSeconds', input.TimeoutSeconds, 30, 2592000) ?? 3600;
  const chosen = await chooseInstances(ctx, doc, instanceIds, targets);
  const s = ssmStore(ctx);
  const command: StoredCommand = {
    commandId: uuid(),
    documentName: doc.name,
    comment: input.Comment,
    parameters,
    instanceIds,
    targets,
    requestedAt: ctx.now,
    timeoutSeconds,
    maxConcurrency: input.MaxConcurrency ?? '50',
    maxErrors: input.MaxErrors ?? '0',
    outputS3BucketName: input.OutputS3BucketName,
    outputS3KeyPrefix: input.OutputS3KeyPrefix,
    outputS3Region: input.OutputS3Region,
    serviceRole: input.ServiceRoleArn,
    cloudWatchOutputConfig: input.CloudWatchOutputConfig,
  };
  startCommand(ctx, s, command, chosen);
  return { Command: commandView(s, command, ctx.now) };
}

function commandStatus(statuses: InvocationStatus[]): InvocationStatus {
  if (statuses.length === 0) return 'Success';
  if (!statuses.every(isFinal)) return statuses.every((x) => x === 'Pending') ? 'Pending' : 'InProgress';
  if (statuses.includes('Cancelled')) return 'Cancelled';
  return statuses.includes('Failed') ? 'Failed' : 'Success';
}

export function commandView(s: SsmState, c: StoredCommand, now: Date): Command {
  const statuses = invocationsOf(s, c.commandId).map((inv) => invocationStatus(inv, now));
  const status = commandStatus(statuses);
  return {
    CommandId: c.commandId,
    DocumentName: c.documentName,
    DocumentVersion: '$DEFAULT',
    Comment: c.comment ?? '',
    ExpiresAfter: new Date(c.requestedAt.getTime() + c.timeoutSeconds * 1000),
    Parameters: c.parameters,
    InstanceIds: c.instanceIds,
    Targets: c.targets,
    RequestedDateTime: c.requestedAt,
    Status: status,
    StatusDetails: status,
    OutputS3Region: c.outputS3Region ?? '',
    OutputS3BucketName: c.outputS3BucketName ?? '',
    OutputS3KeyPrefix: c.outputS3KeyPrefix ?? '',
    MaxConcurrency: c.maxConcurrency,
    MaxErrors: c.maxErrors,
    TargetCount: statuses.length,
    CompletedCount: statuses.filter(isFinal).length,
    ErrorCount: statuses.filter((x) => x === 'Failed').length,
    DeliveryTimedOutCount: 0,
    ServiceRole: c.serviceRole ?? '',
    NotificationConfig: { NotificationArn: '', NotificationEvents: [] },
    CloudWatchOutputConfig: {
      CloudWatchLogGroupName: c.cloudWatchOutputConfig?.CloudWatchLogGroupName ?? '',
      CloudWatchOutputEnabled: c.cloudWatchOutputConfig?.CloudWatchOutputEnabled ?? false,
    },
    TimeoutSeconds: c.timeoutSeconds,
  };
}

/** The document steps of an invocation: the one for the instance's platform runs, the others are skipped. */
function pluginsOf(c: StoredCommand, inv: StoredInvocation, now: Date): CommandPlugin[] {
  const doc = findDocument(c.documentName);
  const status = invocationStatus(inv, now);
  const final = isFinal(status);
  return doc.steps.map((step) => {
    const skipped = step.platform !== undefined && step.platform !== inv.platform;
    const stepStatus = skipped && final ? 'Success' : status;
    const output = skipped
      ? `Step execution skipped due to unsatisfied preconditions: '"StringEquals": [platformType, ${step.platform}]'. Step name: ${step.name}`
      : inv.output;
    return {
      Name: step.name,
      Status: stepStatus as CommandPlugin['Status'],
      StatusDetails: stepStatus,
      ResponseCode: final ? (stepStatus === 'Success' ? 0 : 1) : -1,
      ResponseStartDateTime: status === 'Pending' ? undefined : inv.startsAt,
      ResponseFinishDateTime: final ? (inv.cancelledAt ?? inv.endsAt) : undefined,
      Output: final ? output.slice(0, 2500) : '',
      StandardOutputUrl: '',
      StandardErrorUrl: '',
      OutputS3Region: c.outputS3Region ?? '',
      OutputS3BucketName: c.outputS3BucketName ?? '',
      OutputS3KeyPrefix: c.outputS3KeyPrefix ?? '',
    };
  });
}

export function getCommandInvocation(
  ctx: CallContext,
  input: GetCommandInvocationRequest,
): GetCommandInvocationResult {
  const s = ssmStore(ctx);
  const c = s.commands[input.CommandId ?? ''];
  const inv = s.invocations[`${input.CommandId}/${input.InstanceId}`];
  if (!c || !inv) throw new ServiceError('InvocationDoesNotExist', '');
  const plugins = pluginsOf(c, inv, ctx.now);
  const plugin = input.PluginName
    ? plugins.find((p) => p.Name === input.PluginName)
    : (plugins.find((p) => !p.Output?.startsWith('Step execution skipped')) ?? plugins[0]);
  if (!plugin) throw new ServiceError('InvalidPluginName', '');
  const status = plugin.Status ?? 'Pending';
  const final = isFinal(status);
  const start = plugin.ResponseStartDateTime;
  const end = plugin.ResponseFinishDateTime;
  return {
    CommandId: c.commandId,
    InstanceId: inv.instanceId,
    Comment: c.comment ?? '',
    DocumentName: c.documentName,
    DocumentVersion: '$DEFAULT',
    PluginName: plugin.Name,
    ResponseCode: plugin.ResponseCode,
    ExecutionStartDateTime: start ? start.toISOString() : '',
    ExecutionElapsedTime: start && end ? elapsed(end.getTime() - start.getTime()) : '',
    ExecutionEndDateTime: end ? end.toISOString() : '',
    Status: status as GetCommandInvocationResult['Status'],
    StatusDetails: status,
    StandardOutputContent: final ? (plugin.Output ?? '') : '',
    StandardOutputUrl: '',
    StandardErrorContent: '',
    StandardErrorUrl: '',
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}

const FILTER_KEYS = ['InvokedAfter', 'InvokedBefore', 'Status', 'ExecutionStage', 'DocumentName'];

/** ListCommands and ListCommandInvocations filters, on a command and its status. */
function matches(filters: CommandFilter[], c: StoredCommand, status: string): boolean {
  return filters.every((f) => {
    const value = f.value ?? '';
    switch (f.key) {
      case 'InvokedAfter':
        return c.requestedAt.getTime() >= Date.parse(value);
      case 'InvokedBefore':
        return c.requestedAt.getTime() <= Date.parse(value);
      case 'Status':
        return status === value;
      case 'ExecutionStage':
        return value === 'Complete' ? isFinal(status) : !isFinal(status);
      case 'DocumentName':
        return c.documentName === value;
      default:
        return false;
    }
  });
}

function checkFilters(filters: CommandFilter[]): void {
  const bad = filters.find((f) => !FILTER_KEYS.includes(f.key ?? ''));
  if (bad) throw new ServiceError('InvalidFilterKey', '');
}

/** Commands an operator sent, newest first (State Manager's runs are not commands). */
function sentCommands(s: SsmState, commandId: string | undefined): StoredCommand[] {
  if (commandId !== undefined && (!s.commands[commandId] || s.commands[commandId]?.associationId)) {
    throw new ServiceError('InvalidCommandId', '');
  }
  return Object.values(s.commands)
    .filter((c) => !c.associationId && (commandId === undefined || c.commandId === commandId))
    .sort((a, b) => b.requestedAt.getTime() - a.requestedAt.getTime());
}

export function listCommands(ctx: CallContext, input: ListCommandsRequest): ListCommandsResult {
  const max = checkRange('maxResults', input.MaxResults, 1, 50);
  const filters = input.Filters ?? [];
  checkFilters(filters);
  const s = ssmStore(ctx);
  const rows = sentCommands(s, input.CommandId)
    .filter(
      (c) =>
        input.InstanceId === undefined || s.invocations[`${c.commandId}/${input.InstanceId}`] !== undefined,
    )
    .map((c) => commandView(s, c, ctx.now))
    .filter((view) => matches(filters, s.commands[view.CommandId ?? ''] as StoredCommand, view.Status ?? ''));
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max,
    defaultMax: 50,
    query: [input.CommandId, input.InstanceId, filters],
  });
  return { Commands: page, NextToken: nextToken };
}

export function listCommandInvocations(
  ctx: CallContext,
  input: ListCommandInvocationsRequest,
): ListCommandInvocationsResult {
  const max = checkRange('maxResults', input.MaxResults, 1, 50);
  const filters = input.Filters ?? [];
  checkFilters(filters);
  const s = ssmStore(ctx);
  const rows: CommandInvocation[] = [];
  for (const c of sentCommands(s, input.CommandId)) {
    for (const inv of invocationsOf(s, c.commandId)) {
      if (input.InstanceId !== undefined && inv.instanceId !== input.InstanceId) continue;
      const status = invocationStatus(inv, ctx.now);
      if (!matches(filters, c, status)) continue;
      rows.push({
        CommandId: c.commandId,
        InstanceId: inv.instanceId,
        InstanceName: inv.instanceName,
        Comment: c.comment ?? '',
        DocumentName: c.documentName,
        DocumentVersion: '$DEFAULT',
        RequestedDateTime: c.requestedAt,
        Status: status,
        StatusDetails: status,
        TraceOutput: '',
        StandardOutputUrl: '',
        StandardErrorUrl: '',
        CommandPlugins: input.Details ? pluginsOf(c, inv, ctx.now) : [],
        ServiceRole: c.serviceRole ?? '',
        NotificationConfig: { NotificationArn: '', NotificationEvents: [] },
        CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
      });
    }
  }
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max,
    defaultMax: 50,
    query: [input.CommandId, input.InstanceId, filters, input.Details],
  });
  return { CommandInvocations: page, NextToken: nextToken };
}

export function cancelCommand(ctx: CallContext, input: CancelCommandRequest): Record<string, never> {
  const s = ssmStore(ctx);
  const [c] = sentCommands(s, input.CommandId ?? '');
  if (!c) throw new ServiceError('InvalidCommandId', '');
  const only = input.InstanceIds && input.InstanceIds.length > 0 ? new Set(input.InstanceIds) : undefined;
  for (const inv of invocationsOf(s, c.commandId)) {
    if (only && !only.has(inv.instanceId)) continue;
    if (!isFinal(invocationStatus(inv, ctx.now))) inv.cancelledAt = ctx.now;
  }
  return {};
}
