import type {
  DescribeStackEventsInput,
  DescribeStackEventsOutput,
  DescribeStackResourceInput,
  DescribeStackResourceOutput,
  DescribeStackResourcesInput,
  DescribeStackResourcesOutput,
  ListStackResourcesInput,
  ListStackResourcesOutput,
  ResourceStatus as SdkResourceStatus,
} from '@aws-sdk/client-cloudformation';
import type { CallContext } from '../../../context.js';
import { paginate } from '../../../paginate.js';
import type { Stack, StackResource } from '../store.js';
import { findStack, stacks, validation } from './common.js';

export function describeStackEvents(
  ctx: CallContext,
  input: DescribeStackEventsInput,
): DescribeStackEventsOutput {
  const stack = findStack(ctx, input.StackName);
  const newest = [...stack.events].reverse();
  const { page, nextToken } = paginate(newest, {
    token: input.NextToken,
    defaultMax: 100,
    query: stack.stackId,
  });
  return {
    StackEvents: page.map((e) => ({
      ...e,
      ResourceStatus: e.ResourceStatus as SdkResourceStatus,
      StackId: stack.stackId,
      StackName: stack.stackName,
    })),
    NextToken: nextToken,
  };
}

function resourceRow(stack: Stack, r: StackResource) {
  return {
    StackName: stack.stackName,
    StackId: stack.stackId,
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId,
    ResourceType: r.type,
    ResourceStatus: r.status as SdkResourceStatus,
    ResourceStatusReason: r.statusReason,
    Description: r.description,
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' as const },
  };
}

export function describeStackResources(
  ctx: CallContext,
  input: DescribeStackResourcesInput,
): DescribeStackResourcesOutput {
  let stack: Stack | undefined;
  if (input.StackName) {
    stack = findStack(ctx, input.StackName);
  } else if (input.PhysicalResourceId) {
    stack = Object.values(stacks(ctx)).find(
      (s) =>
        s.status !== 'DELETE_COMPLETE' &&
        Object.values(s.resources).some((r) => r.physicalId === input.PhysicalResourceId),
    );
    if (!stack) throw validation(`Stack for ${input.PhysicalResourceId} does not exist`);
  } else {
    throw validation('Either StackName or PhysicalResourceId must be specified.');
  }
  const rows = Object.values(stack.resources)
    .filter((r) => !input.LogicalResourceId || r.logicalId === input.LogicalResourceId)
    .map((r) => ({ ...resourceRow(stack, r), Timestamp: r.updatedAt }));
  return { StackResources: rows };
}

export function describeStackResource(
  ctx: CallContext,
  input: DescribeStackResourceInput,
): DescribeStackResourceOutput {
  const stack = findStack(ctx, input.StackName);
  const r = stack.resources[input.LogicalResourceId ?? ''];
  if (!r) throw validation(`Resource ${input.LogicalResourceId} does not exist for stack ${input.StackName}`);
  return {
    StackResourceDetail: {
      ...resourceRow(stack, r),
      LastUpdatedTimestamp: r.updatedAt,
      Metadata: r.metadata === undefined ? undefined : JSON.stringify(r.metadata),
    },
  };
}

export function listStackResources(
  ctx: CallContext,
  input: ListStackResourcesInput,
): ListStackResourcesOutput {
  const stack = findStack(ctx, input.StackName);
  const all = Object.values(stack.resources);
  const { page, nextToken } = paginate(all, {
    token: input.NextToken,
    defaultMax: 100,
    query: stack.stackId,
  });
  return {
    StackResourceSummaries: page.map((r) => ({
      LogicalResourceId: r.logicalId,
      PhysicalResourceId: r.physicalId,
      ResourceType: r.type,
      LastUpdatedTimestamp: r.updatedAt,
      ResourceStatus: r.status as SdkResourceStatus,
      ResourceStatusReason: r.statusReason,
      DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
    })),
    NextToken: nextToken,
  };
}
