import type {
  CreateChangeSetInput,
  CreateChangeSetOutput,
  DeleteChangeSetInput,
  DescribeChangeSetInput,
  DescribeChangeSetOutput,
  ExecuteChangeSetInput,
  ListChangeSetsInput,
  ListChangeSetsOutput,
} from '@aws-sdk/client-cloudformation';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { uuid } from '../../../ids.js';
import { paginate } from '../../../paginate.js';
import { computeChanges } from '../changes.js';
import { nextStatus } from '../machine.js';
import { startStackOperation } from '../lifecycle/index.js';
import { checkCapabilities, findExport, loadTemplate, noSuchExport, prepareStack } from '../prepare.js';
import { cloudFormationState, type ChangeSet, type Stack } from '../store.js';
import {
  beginUpdate,
  checkTypeChanges,
  checkUpdatable,
  newStack,
  sameVersion,
  stackEvent,
  tagsOf,
} from './stacks.js';
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

const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

function changeSets(ctx: CallContext): Record<string, ChangeSet> {
  return ctx.state(cloudFormationState).changeSets;
}

function notFound(name: string): ServiceError {
  return new ServiceError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);
}

/** A change set by ARN, or by name within a stack (StackName is then required). */
function findChangeSet(ctx: CallContext, name: string | undefined, stackName: string | undefined): ChangeSet {
  const key = name ?? '';
  if (key.startsWith('arn:')) {
    const cs = changeSets(ctx)[key];
    if (!cs) throw notFound(key);
    return cs;
  }
  if (!stackName)
    throw validation('StackName must be specified if ChangeSetName is not specified as an ARN.');
  const stack = findStack(ctx, stackName);
  const cs = Object.values(changeSets(ctx)).find(
    (c) => c.stackId === stack.stackId && c.changeSetName === key,
  );
  if (!cs) throw notFound(key);
  return cs;
}

export function createChangeSet(env: CloudFormationEnv) {
  return async (ctx: CallContext, input: CreateChangeSetInput): Promise<CreateChangeSetOutput> => {
    const type = input.ChangeSetType ?? 'UPDATE';
    if (type !== 'CREATE' && type !== 'UPDATE') {
      throw validation(`ChangeSetType ${type} is not supported by the range (CREATE or UPDATE).`);
    }
    const name = input.ChangeSetName ?? '';
    if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(name) || name.length > 128) {
      throw validation(
        `1 validation error detected: Value '${name}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    const stackName = input.StackName ?? '';
    let stack: Stack | undefined = stackName.startsWith('arn:')
      ? stacks(ctx)[stackName]
      : liveStackNamed(ctx, stackName);
    if (stack?.status === 'DELETE_COMPLETE') stack = undefined;
    if (type === 'CREATE') {
      checkStackName(stackName);
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
        throw validation(
          `Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`,
        );
      }
    } else {
      if (!stack || stack.status === 'REVIEW_IN_PROGRESS')
        throw validation(`Stack [${stackName}] does not exist`);
      checkUpdatable(stack);
    }
    const stackIdNow = stack?.stackId;
    // An executed change set no longer blocks its name: the AWS CLI's `deploy` names change sets by the
    // second, and two deploys within one second must not collide with the first one's record.
    for (const c of Object.values(changeSets(ctx))) {
      if (
        c.stackId === stackIdNow &&
        c.changeSetName === name &&
        /^EXECUTE_(COMPLETE|FAILED)$/.test(c.executionStatus)
      ) {
        delete changeSets(ctx)[c.changeSetId];
      }
    }
    if (
      stackIdNow &&
      Object.values(changeSets(ctx)).some((c) => c.stackId === stackIdNow && c.changeSetName === name)
    ) {
      throw new ServiceError('AlreadyExistsException', `ChangeSet [${name}] already exists`);
    }
    const body = input.UsePreviousTemplate && stack ? stack.templateBody : await templateBodyOf(ctx, input);
    const template = loadTemplate(body, env.providers);
    checkCapabilities(template, env.providers, input.Capabilities);
    const stackId = stack?.stackId ?? newStackId(ctx, stackName);
    const tags = input.Tags === undefined ? (stack?.tags ?? []) : tagsOf(input.Tags);
    const notificationArns = input.NotificationARNs ?? stack?.notificationArns ?? [];
    const prepared = await prepareStack(ctx, template, {
      supplied: input.Parameters,
      previous: stack ? Object.fromEntries(stack.parameters.map((p) => [p.key, p.value])) : undefined,
      stackName: stack?.stackName ?? stackName,
      stackId,
      notificationArns,
      principal: ctx.principal,
    });
    if (stack && type === 'UPDATE') checkTypeChanges(stack, prepared);
    if (!stack) {
      stack = newStack(ctx, prepared, {
        stackId,
        stackName,
        templateBody: body,
        tags,
        capabilities: [],
        notificationArns,
        status: 'REVIEW_IN_PROGRESS',
        parameters: [],
      });
      stacks(ctx)[stackId] = stack;
      stackEvent(stack, ctx, 'User Initiated');
    }
    const changeSetId = `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:changeSet/${name}/${uuid()}`;
    const cs: ChangeSet = {
      changeSetId,
      changeSetName: name,
      stackId,
      stackName: stack.stackName,
      type,
      status: 'CREATE_PENDING',
      executionStatus: 'UNAVAILABLE',
      createdAt: ctx.now,
      changeDescription: input.Description,
      changes: [],
      templateBody: body,
      parameters: prepared.parameterValues,
      tags,
      capabilities: input.Capabilities ?? [],
      notificationArns,
      description: template.Description,
      roleArn: input.RoleARN,
      onStackFailure: input.OnStackFailure as ChangeSet['onStackFailure'],
    };
    changeSets(ctx)[changeSetId] = cs;
    const target = stack;
    // Change sets are computed asynchronously in AWS; pollers see CREATE_PENDING first.
    ctx.clock.schedule(0, () => {
      cs.status = 'CREATE_IN_PROGRESS';
      try {
        cs.changes = computeChanges(
          type === 'UPDATE' ? target : undefined,
          prepared,
          env.providers,
          (n) =>
            findExport(ctx, n)?.value ??
            (() => {
              throw noSuchExport(n);
            })(),
        );
        if (type === 'UPDATE' && sameVersion(target, cs)) {
          cs.status = 'FAILED';
          cs.statusReason = NO_CHANGES;
          return;
        }
        cs.status = 'CREATE_COMPLETE';
        cs.executionStatus = 'AVAILABLE';
      } catch (err) {
        cs.status = 'FAILED';
        cs.statusReason = (err as Error).message;
      }
    });
    return { Id: changeSetId, StackId: stackId };
  };
}

export function describeChangeSet(ctx: CallContext, input: DescribeChangeSetInput): DescribeChangeSetOutput {
  const cs = findChangeSet(ctx, input.ChangeSetName, input.StackName);
  const { page, nextToken } = paginate(cs.changes, {
    token: input.NextToken,
    defaultMax: 100,
    query: cs.changeSetId,
  });
  return {
    ChangeSetName: cs.changeSetName,
    ChangeSetId: cs.changeSetId,
    StackId: cs.stackId,
    StackName: cs.stackName,
    Description: cs.changeDescription,
    Parameters: cs.parameters.map((p) => ({
      ParameterKey: p.key,
      ParameterValue: p.noEcho ? '****' : p.value,
      ResolvedValue: p.noEcho ? undefined : p.resolvedValue,
    })),
    CreationTime: cs.createdAt,
    ExecutionStatus: cs.executionStatus,
    Status: cs.status,
    StatusReason: cs.statusReason,
    NotificationARNs: cs.notificationArns,
    RollbackConfiguration: {},
    Capabilities: cs.capabilities.length
      ? (cs.capabilities as DescribeChangeSetOutput['Capabilities'])
      : undefined,
    Tags: cs.tags,
    Changes: page.map((c) => ({
      Type: 'Resource',
      ResourceChange: {
        Action: c.action,
        LogicalResourceId: c.logicalId,
        PhysicalResourceId: c.physicalId,
        ResourceType: c.type,
        Replacement: c.replacement,
        Scope: c.scope as NonNullable<
          NonNullable<DescribeChangeSetOutput['Changes']>[number]['ResourceChange']
        >['Scope'],
        Details: c.details.map((d) => ({
          Target: { Attribute: 'Properties', Name: d.name, RequiresRecreation: d.requiresRecreation },
          Evaluation: d.evaluation,
          ChangeSource: 'DirectModification',
        })),
      },
    })),
    NextToken: nextToken,
    IncludeNestedStacks: false,
    OnStackFailure: cs.onStackFailure,
  };
}

export function executeChangeSet(env: CloudFormationEnv) {
  return async (ctx: CallContext, input: ExecuteChangeSetInput): Promise<Record<string, never>> => {
    const cs = findChangeSet(ctx, input.ChangeSetName, input.StackName);
    if (cs.status !== 'CREATE_COMPLETE' || cs.executionStatus !== 'AVAILABLE') {
      throw new ServiceError(
        'InvalidChangeSetStatus',
        `ChangeSet [${cs.changeSetId}] cannot be executed in its current status of [${cs.status === 'CREATE_COMPLETE' ? cs.executionStatus : cs.status}]`,
      );
    }
    const stack = findStack(ctx, cs.stackId, { live: true });
    const template = loadTemplate(cs.templateBody, env.providers);
    const supplied = cs.parameters.map((p) => ({ ParameterKey: p.key, ParameterValue: p.value }));
    const prepared = await prepareStack(ctx, template, {
      supplied,
      stackName: stack.stackName,
      stackId: stack.stackId,
      notificationArns: cs.notificationArns,
      principal: ctx.principal,
    });
    const disableRollback = input.DisableRollback ?? false;
    const onDone = (status: string) => {
      cs.executionStatus =
        /_COMPLETE$/.test(status) && !/ROLLBACK/.test(status) ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
    };
    if (cs.type === 'CREATE') {
      if (stack.status !== 'REVIEW_IN_PROGRESS')
        throw validation(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
      const onFailure = disableRollback ? 'DO_NOTHING' : (cs.onStackFailure ?? 'ROLLBACK');
      Object.assign(stack, {
        status: nextStatus(stack.status, 'create'),
        templateBody: cs.templateBody,
        parameters: prepared.parameterValues,
        tags: cs.tags,
        capabilities: cs.capabilities,
        notificationArns: cs.notificationArns,
        description: template.Description,
        principal: ctx.principal,
        onFailure,
        disableRollback: onFailure === 'DO_NOTHING',
        roleArn: cs.roleArn,
        clientRequestToken: input.ClientRequestToken,
        changeSetId: cs.changeSetId,
      } satisfies Partial<Stack>);
      stackEvent(stack, ctx, 'User Initiated', input.ClientRequestToken);
      cs.executionStatus = 'EXECUTE_IN_PROGRESS';
      startStackOperation(
        { ctx, ...env, stackId: stack.stackId, token: input.ClientRequestToken },
        { kind: 'create', prepared },
        onDone,
      );
    } else {
      checkUpdatable(stack);
      beginUpdate(ctx, stack, prepared, {
        templateBody: cs.templateBody,
        tags: cs.tags,
        capabilities: cs.capabilities,
        notificationArns: cs.notificationArns,
        disableRollback,
        token: input.ClientRequestToken,
        roleArn: cs.roleArn,
      });
      stack.changeSetId = cs.changeSetId;
      cs.executionStatus = 'EXECUTE_IN_PROGRESS';
      startStackOperation(
        { ctx, ...env, stackId: stack.stackId, token: input.ClientRequestToken },
        { kind: 'update', prepared },
        onDone,
      );
    }
    // Executing a change set removes the stack's other change sets, as in AWS.
    for (const other of Object.values(changeSets(ctx))) {
      if (other.stackId === cs.stackId && other.changeSetId !== cs.changeSetId)
        delete changeSets(ctx)[other.changeSetId];
    }
    return {};
  };
}

export function deleteChangeSet(ctx: CallContext, input: DeleteChangeSetInput): Record<string, never> {
  const cs = findChangeSet(ctx, input.ChangeSetName, input.StackName);
  if (cs.executionStatus === 'EXECUTE_IN_PROGRESS') {
    throw new ServiceError(
      'InvalidChangeSetStatus',
      `Cannot delete ChangeSet [${cs.changeSetId}] in status EXECUTE_IN_PROGRESS`,
    );
  }
  delete changeSets(ctx)[cs.changeSetId];
  return {};
}

export function listChangeSets(ctx: CallContext, input: ListChangeSetsInput): ListChangeSetsOutput {
  const stack = findStack(ctx, input.StackName);
  const all = Object.values(changeSets(ctx))
    .filter((c) => c.stackId === stack.stackId)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const { page, nextToken } = paginate(all, {
    token: input.NextToken,
    defaultMax: 100,
    query: stack.stackId,
  });
  return {
    Summaries: page.map((c) => ({
      StackId: c.stackId,
      StackName: c.stackName,
      ChangeSetId: c.changeSetId,
      ChangeSetName: c.changeSetName,
      ExecutionStatus: c.executionStatus,
      Status: c.status,
      StatusReason: c.statusReason,
      CreationTime: c.createdAt,
      Description: c.changeDescription,
      IncludeNestedStacks: false,
    })),
    NextToken: nextToken,
  };
}
