import type {
  CreateStackInput,
  CreateStackOutput,
  DeleteStackInput,
  DescribeStacksInput,
  DescribeStacksOutput,
  ListStacksInput,
  ListStacksOutput,
  Stack as StackView,
  StackStatus as SdkStackStatus,
  UpdateStackInput,
  UpdateStackOutput,
  UpdateTerminationProtectionInput,
  UpdateTerminationProtectionOutput,
} from '@aws-sdk/client-cloudformation';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { uuid } from '../../../ids.js';
import { paginate } from '../../../paginate.js';
import { startStackOperation } from '../lifecycle/index.js';
import { can, isInProgress, nextStatus } from '../machine.js';
import { checkCapabilities, loadTemplate, prepareStack, type PreparedStack } from '../prepare.js';
import type { Tag } from '../provider.js';
import type { Stack } from '../store.js';
import { parseTemplateBody } from '../template/parse.js';
import {
  checkStackName,
  findStack,
  liveStackNamed,
  newStackId,
  stacks,
  templateBodyOf,
  validation,
  type CloudFormationEnv,
} from './common.js';
import { record } from '../../../records.js';

export function tagsOf(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Tag[] {
  const out = (tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
  if (out.length > 50)
    throw validation(
      "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
  const reserved = out.find((t) => t.Key.toLowerCase().startsWith('aws:'));
  if (reserved)
    throw validation(`Tag key ${reserved.Key} is invalid: the aws: prefix is reserved for AWS use.`);
  return out;
}

export function stackEvent(stack: Stack, ctx: CallContext, reason: string, token?: string): void {
  stack.events.push({
    EventId: uuid(),
    LogicalResourceId: stack.stackName,
    PhysicalResourceId: stack.stackId,
    ResourceType: 'AWS::CloudFormation::Stack',
    Timestamp: ctx.now,
    ResourceStatus: stack.status,
    ResourceStatusReason: reason,
    ClientRequestToken: token,
  });
}

/** A new stack record in its first status, before its operation runs. */
export function newStack(
  ctx: CallContext,
  p: PreparedStack,
  fields: Pick<
    Stack,
    'stackId' | 'stackName' | 'templateBody' | 'tags' | 'capabilities' | 'notificationArns'
  > &
    Partial<Stack>,
): Stack {
  return {
    status: 'CREATE_IN_PROGRESS',
    createdAt: ctx.now,
    disableRollback: false,
    onFailure: 'ROLLBACK',
    terminationProtection: false,
    principal: ctx.principal,
    resources: record(),
    events: [],
    outputs: [],
    exports: record(),
    imports: [],
    cleanup: [],
    parameters: p.parameterValues,
    description: p.template.Description,
    ...fields,
  };
}

export function createStack(env: CloudFormationEnv) {
  return async (ctx: CallContext, input: CreateStackInput): Promise<CreateStackOutput> => {
    const name = input.StackName ?? '';
    checkStackName(name);
    const existing = liveStackNamed(ctx, name);
    if (existing) {
      if (input.ClientRequestToken && existing.clientRequestToken === input.ClientRequestToken)
        return { StackId: existing.stackId };
      throw new ServiceError('AlreadyExistsException', `Stack [${name}] already exists`);
    }
    refuseUnsupported(input);
    if (input.DisableRollback !== undefined && input.OnFailure !== undefined) {
      throw validation('You cannot specify both DisableRollback and OnFailure.');
    }
    const body = await templateBodyOf(ctx, input);
    const template = loadTemplate(body, env.providers);
    checkCapabilities(template, env.providers, input.Capabilities);
    const stackId = newStackId(ctx, name);
    const tags = tagsOf(input.Tags);
    const notificationArns = input.NotificationARNs ?? [];
    const prepared = await prepareStack(ctx, template, {
      supplied: input.Parameters,
      stackName: name,
      stackId,
      notificationArns,
      principal: ctx.principal,
    });
    const onFailure = input.DisableRollback
      ? 'DO_NOTHING'
      : ((input.OnFailure as Stack['onFailure'] | undefined) ?? 'ROLLBACK');
    const stack = newStack(ctx, prepared, {
      stackId,
      stackName: name,
      templateBody: body,
      tags,
      capabilities: input.Capabilities ?? [],
      notificationArns,
      onFailure,
      disableRollback: onFailure === 'DO_NOTHING',
      timeoutInMinutes: input.TimeoutInMinutes,
      roleArn: input.RoleARN,
      terminationProtection: input.EnableTerminationProtection ?? false,
      clientRequestToken: input.ClientRequestToken,
    });
    stacks(ctx)[stackId] = stack;
    stackEvent(stack, ctx, 'User Initiated', input.ClientRequestToken);
    startStackOperation(
      { ctx, ...env, stackId, token: input.ClientRequestToken },
      { kind: 'create', prepared },
    );
    return { StackId: stackId };
  };
}

/** Snapshot the stack for update rollback and switch it to the new version (UpdateStack, ExecuteChangeSet). */
export function beginUpdate(
  ctx: CallContext,
  stack: Stack,
  prepared: PreparedStack,
  next: {
    templateBody: string;
    tags: Tag[];
    capabilities: string[];
    notificationArns: string[];
    disableRollback: boolean;
    token?: string;
    roleArn?: string;
  },
): void {
  const previous = structuredClone({
    templateBody: stack.templateBody,
    parameters: stack.parameters,
    tags: stack.tags,
    capabilities: stack.capabilities,
    notificationArns: stack.notificationArns,
    description: stack.description,
    resources: stack.resources,
    outputs: stack.outputs,
    exports: stack.exports,
    imports: stack.imports,
  });
  // structuredClone gives ordinary objects back; logical ids and export names are template-chosen.
  stack.previous = { ...previous, resources: record(previous.resources), exports: record(previous.exports) };
  Object.assign(stack, {
    templateBody: next.templateBody,
    parameters: prepared.parameterValues,
    tags: next.tags,
    capabilities: next.capabilities,
    notificationArns: next.notificationArns,
    description: prepared.template.Description,
    disableRollback: next.disableRollback,
    principal: ctx.principal,
    clientRequestToken: next.token,
    roleArn: next.roleArn ?? stack.roleArn,
    updatedAt: ctx.now,
    status: 'UPDATE_IN_PROGRESS',
    statusReason: undefined,
  });
  stackEvent(stack, ctx, 'User Initiated', next.token);
}

/** Nothing would change: same template (as parsed), parameter values, tags and notification ARNs. */
export function sameVersion(
  stack: Stack,
  next: Pick<Stack, 'templateBody' | 'parameters' | 'tags' | 'notificationArns'>,
): boolean {
  return (
    JSON.stringify(parseTemplateBody(stack.templateBody)) ===
      JSON.stringify(parseTemplateBody(next.templateBody)) &&
    JSON.stringify(stack.parameters) === JSON.stringify(next.parameters) &&
    JSON.stringify(stack.tags) === JSON.stringify(next.tags) &&
    JSON.stringify(stack.notificationArns) === JSON.stringify(next.notificationArns)
  );
}

export function checkUpdatable(stack: Stack): void {
  if (!can(stack.status, 'update'))
    throw validation(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
}

/** AWS refuses to change a resource's type in place. */
export function checkTypeChanges(stack: Stack, prepared: PreparedStack): void {
  const changed = Object.entries(prepared.template.Resources)
    .filter(([id, r]) => stack.resources[id] && stack.resources[id].type !== r.Type)
    .map(([id]) => id);
  if (changed.length) {
    throw validation(
      `Update of resource type is not permitted. The new template modifies resource type of the following resources: [${changed.join(', ')}]`,
    );
  }
}

export function updateStack(env: CloudFormationEnv) {
  return async (ctx: CallContext, input: UpdateStackInput): Promise<UpdateStackOutput> => {
    const stack = findStack(ctx, input.StackName, { live: true });
    if (input.ClientRequestToken && stack.clientRequestToken === input.ClientRequestToken)
      return { StackId: stack.stackId };
    refuseUnsupported(input);
    checkUpdatable(stack);
    const body = input.UsePreviousTemplate ? stack.templateBody : await templateBodyOf(ctx, input);
    const template = loadTemplate(body, env.providers);
    checkCapabilities(template, env.providers, input.Capabilities);
    const tags = input.Tags === undefined ? stack.tags : tagsOf(input.Tags);
    const notificationArns = input.NotificationARNs ?? stack.notificationArns;
    const prepared = await prepareStack(ctx, template, {
      supplied: input.Parameters,
      previous: Object.fromEntries(stack.parameters.map((p) => [p.key, p.value])),
      stackName: stack.stackName,
      stackId: stack.stackId,
      notificationArns,
      principal: ctx.principal,
    });
    checkTypeChanges(stack, prepared);
    if (
      sameVersion(stack, { templateBody: body, parameters: prepared.parameterValues, tags, notificationArns })
    ) {
      throw validation('No updates are to be performed.');
    }
    beginUpdate(ctx, stack, prepared, {
      templateBody: body,
      tags,
      capabilities: input.Capabilities ?? [],
      notificationArns,
      disableRollback: input.DisableRollback ?? false,
      token: input.ClientRequestToken,
      roleArn: input.RoleARN,
    });
    startStackOperation(
      { ctx, ...env, stackId: stack.stackId, token: input.ClientRequestToken },
      { kind: 'update', prepared },
    );
    return { StackId: stack.stackId };
  };
}

export function deleteStack(env: CloudFormationEnv) {
  return (ctx: CallContext, input: DeleteStackInput): Record<string, never> => {
    const key = input.StackName ?? '';
    const stack = key.startsWith('arn:') ? stacks(ctx)[key] : liveStackNamed(ctx, key);
    // Deleting a stack that does not exist (or no longer does) succeeds, as in AWS.
    if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return {};
    if (stack.terminationProtection) {
      throw validation(`Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`);
    }
    if (input.RetainResources?.length && stack.status !== 'DELETE_FAILED') {
      throw validation(
        `Invalid operation on stack [${stack.stackId}]. RetainResources can only be specified when the stack is in the DELETE_FAILED state.`,
      );
    }
    stack.principal = ctx.principal;
    if (stack.status === 'CREATE_IN_PROGRESS') {
      // Creation stops at the next resource boundary, then the stack is deleted.
      stack.deleteRequested = true;
      return {};
    }
    if (isInProgress(stack.status))
      throw validation(`Stack [${stack.stackName}] cannot be deleted while in status ${stack.status}`);
    stack.retainResources = input.RetainResources ?? [];
    stack.status = nextStatus(stack.status, 'delete');
    stack.statusReason = undefined;
    stack.clientRequestToken = input.ClientRequestToken;
    stackEvent(stack, ctx, 'User Initiated', input.ClientRequestToken);
    startStackOperation(
      { ctx, ...env, stackId: stack.stackId, token: input.ClientRequestToken },
      { kind: 'delete' },
    );
    return {};
  };
}

/** Settings the range would otherwise have to ignore: refused, so a stack never silently behaves differently. */
export function refuseUnsupported(input: {
  StackPolicyBody?: string;
  StackPolicyURL?: string;
  StackPolicyDuringUpdateBody?: string;
  StackPolicyDuringUpdateURL?: string;
  RollbackConfiguration?: { RollbackTriggers?: unknown[] };
}): void {
  const policy =
    input.StackPolicyBody ??
    input.StackPolicyURL ??
    input.StackPolicyDuringUpdateBody ??
    input.StackPolicyDuringUpdateURL;
  if (policy)
    throw new ServiceError('NotImplemented', 'The range does not support stack policies yet.', 501, {
      sender: false,
    });
  if (input.RollbackConfiguration?.RollbackTriggers?.length) {
    throw new ServiceError('NotImplemented', 'The range does not support rollback triggers yet.', 501, {
      sender: false,
    });
  }
}

export function stackView(stack: Stack): StackView {
  return {
    StackId: stack.stackId,
    StackName: stack.stackName,
    ChangeSetId: stack.changeSetId,
    Description: stack.description,
    Parameters: stack.parameters.map((p) => ({
      ParameterKey: p.key,
      ParameterValue: p.noEcho ? '****' : p.value,
      ResolvedValue: p.noEcho ? undefined : p.resolvedValue,
    })),
    CreationTime: stack.createdAt,
    LastUpdatedTime: stack.updatedAt,
    DeletionTime: stack.deletedAt,
    RollbackConfiguration: {},
    StackStatus: stack.status as SdkStackStatus,
    StackStatusReason: stack.statusReason,
    DisableRollback: stack.disableRollback,
    NotificationARNs: stack.notificationArns,
    TimeoutInMinutes: stack.timeoutInMinutes,
    Capabilities: stack.capabilities.length ? (stack.capabilities as StackView['Capabilities']) : undefined,
    Outputs: stack.outputs.length ? stack.outputs : undefined,
    RoleARN: stack.roleArn,
    Tags: stack.tags,
    EnableTerminationProtection: stack.terminationProtection,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

function newestFirst(a: Stack, b: Stack): number {
  return b.createdAt.getTime() - a.createdAt.getTime();
}

export function describeStacks(ctx: CallContext, input: DescribeStacksInput): DescribeStacksOutput {
  if (input.StackName) return { Stacks: [stackView(findStack(ctx, input.StackName))] };
  const live = Object.values(stacks(ctx))
    .filter((s) => s.status !== 'DELETE_COMPLETE')
    .sort(newestFirst);
  const { page, nextToken } = paginate(live, {
    token: input.NextToken,
    defaultMax: 100,
    query: 'DescribeStacks',
  });
  return { Stacks: page.map(stackView), NextToken: nextToken };
}

export function listStacks(ctx: CallContext, input: ListStacksInput): ListStacksOutput {
  const filter = input.StackStatusFilter ?? [];
  const all = Object.values(stacks(ctx))
    .filter((s) => !filter.length || filter.includes(s.status as SdkStackStatus))
    .sort(newestFirst);
  const { page, nextToken } = paginate(all, { token: input.NextToken, defaultMax: 100, query: filter });
  return {
    StackSummaries: page.map((s) => ({
      StackId: s.stackId,
      StackName: s.stackName,
      TemplateDescription: s.description,
      CreationTime: s.createdAt,
      LastUpdatedTime: s.updatedAt,
      DeletionTime: s.deletedAt,
      StackStatus: s.status as SdkStackStatus,
      StackStatusReason: s.statusReason,
      DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
    })),
    NextToken: nextToken,
  };
}

export function updateTerminationProtection(
  ctx: CallContext,
  input: UpdateTerminationProtectionInput,
): UpdateTerminationProtectionOutput {
  const stack = findStack(ctx, input.StackName, { live: true });
  stack.terminationProtection = input.EnableTerminationProtection ?? false;
  return { StackId: stack.stackId };
}
