import type {
  CreateLogGroupRequest,
  DeleteLogGroupRequest,
  DeleteRetentionPolicyRequest,
  DescribeLogGroupsRequest,
  DescribeLogGroupsResponse,
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  ListTagsLogGroupRequest,
  ListTagsLogGroupResponse,
  LogGroup,
  PutRetentionPolicyRequest,
  TagLogGroupRequest,
  TagResourceRequest,
  UntagLogGroupRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { paginate } from '../../../paginate.js';
import {
  checkGroupName,
  checkLimit,
  checkTags,
  constraintError,
  groupArn,
  groupNotFound,
  invalidParameter,
  parseGroupArn,
  requireGroup,
} from '../common.js';
import { logsState, type StoredLogGroup } from '../store.js';
import { record } from '../../../records.js';

export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const CLASSES = ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'];

export function createLogGroup(ctx: CallContext, input: CreateLogGroupRequest): Record<string, never> {
  const name = input.logGroupName as string;
  checkGroupName(name);
  if (name.startsWith('aws/')) throw invalidParameter("Log group names can't start with 'aws/'.");
  const cls = input.logGroupClass ?? 'STANDARD';
  if (!CLASSES.includes(cls)) {
    throw constraintError(
      'logGroupClass',
      cls,
      `Member must satisfy enum value set: [${CLASSES.join(', ')}]`,
    );
  }
  const tags = input.tags ?? {};
  checkTags(tags, {}, () => invalidParameter('A log group can have up to 50 tags.'));
  const groups = ctx.state(logsState).groups;
  if (groups[name])
    throw new ServiceError('ResourceAlreadyExistsException', 'The specified log group already exists', 400);
  groups[name] = {
    logGroupName: name,
    creationTime: ctx.now.getTime(),
    kmsKeyId: input.kmsKeyId,
    logGroupClass: cls,
    deletionProtectionEnabled: input.deletionProtectionEnabled ?? false,
    tags: record(tags),
    streams: record(),
    metricFilters: record(),
    storedBytes: 0,
    nextSeq: 0,
  };
  return {};
}

export function deleteLogGroup(ctx: CallContext, input: DeleteLogGroupRequest): Record<string, never> {
  const name = input.logGroupName as string;
  checkGroupName(name);
  const group = requireGroup(ctx, name);
  if (group.deletionProtectionEnabled) {
    throw new ServiceError(
      'ValidationException',
      `Log group ${name} has deletion protection enabled and cannot be deleted.`,
    );
  }
  delete ctx.state(logsState).groups[name];
  return {};
}

function describe(ctx: CallContext, g: StoredLogGroup, brief: boolean): LogGroup {
  if (brief)
    return {
      logGroupName: g.logGroupName,
      creationTime: g.creationTime,
      arn: groupArn(ctx, g.logGroupName, true),
    };
  return {
    logGroupName: g.logGroupName,
    creationTime: g.creationTime,
    retentionInDays: g.retentionInDays,
    metricFilterCount: Object.keys(g.metricFilters).length,
    arn: groupArn(ctx, g.logGroupName, true),
    storedBytes: g.storedBytes,
    kmsKeyId: g.kmsKeyId,
    logGroupClass: g.logGroupClass as LogGroup['logGroupClass'],
    logGroupArn: groupArn(ctx, g.logGroupName, false),
    deletionProtectionEnabled: g.deletionProtectionEnabled,
  };
}

export function describeLogGroups(
  ctx: CallContext,
  input: DescribeLogGroupsRequest,
): DescribeLogGroupsResponse {
  if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
    throw invalidParameter(
      'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
    );
  }
  if (
    input.logGroupIdentifiers &&
    (input.logGroupNamePrefix !== undefined || input.logGroupNamePattern !== undefined)
  ) {
    throw invalidParameter(
      'logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern.',
    );
  }
  checkLimit(input.limit, 50);
  if (input.logGroupNamePrefix !== undefined) checkGroupName(input.logGroupNamePrefix, 'logGroupNamePrefix');
  const ids = input.logGroupIdentifiers?.map((id) => (id.startsWith('arn:') ? parseGroupArn(id)?.name : id));
  const groups = Object.values(ctx.state(logsState).groups)
    .filter(
      (g) => input.logGroupNamePrefix === undefined || g.logGroupName.startsWith(input.logGroupNamePrefix),
    )
    .filter(
      (g) => input.logGroupNamePattern === undefined || g.logGroupName.includes(input.logGroupNamePattern),
    )
    .filter((g) => !ids || ids.includes(g.logGroupName))
    .filter((g) => input.logGroupClass === undefined || g.logGroupClass === input.logGroupClass)
    // ASCII order, as CloudWatch Logs sorts log group names.
    .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0));
  const { page, nextToken } = paginate(groups, {
    token: input.nextToken,
    max: input.limit,
    defaultMax: 50,
    query: [
      'DescribeLogGroups',
      input.logGroupNamePrefix,
      input.logGroupNamePattern,
      ids,
      input.logGroupClass,
    ],
    invalidToken: () => invalidParameter('The specified nextToken is invalid.'),
  });
  const brief = input.logGroupNamePattern !== undefined;
  return { logGroups: page.map((g) => describe(ctx, g, brief)), nextToken };
}

export function putRetentionPolicy(
  ctx: CallContext,
  input: PutRetentionPolicyRequest,
): Record<string, never> {
  const days = input.retentionInDays as number;
  checkGroupName(input.logGroupName as string);
  if (!(RETENTION_DAYS as readonly number[]).includes(days)) {
    throw constraintError(
      'retentionInDays',
      days,
      `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  requireGroup(ctx, input.logGroupName as string).retentionInDays = days;
  return {};
}

export function deleteRetentionPolicy(
  ctx: CallContext,
  input: DeleteRetentionPolicyRequest,
): Record<string, never> {
  checkGroupName(input.logGroupName as string);
  delete requireGroup(ctx, input.logGroupName as string).retentionInDays;
  return {};
}

export function tagLogGroup(ctx: CallContext, input: TagLogGroupRequest): Record<string, never> {
  const group = requireGroup(ctx, input.logGroupName as string);
  const tags = input.tags ?? {};
  checkTags(tags, group.tags, () => invalidParameter('A log group can have up to 50 tags.'));
  Object.assign(group.tags, tags);
  return {};
}

export function untagLogGroup(ctx: CallContext, input: UntagLogGroupRequest): Record<string, never> {
  const group = requireGroup(ctx, input.logGroupName as string);
  for (const key of input.tags ?? []) delete group.tags[key];
  return {};
}

export function listTagsLogGroup(ctx: CallContext, input: ListTagsLogGroupRequest): ListTagsLogGroupResponse {
  return { tags: { ...requireGroup(ctx, input.logGroupName as string).tags } };
}

/** The log group a tagging ARN names; destinations are not emulated, so they are never found. */
function groupOfArn(ctx: CallContext, arn: string): StoredLogGroup {
  const parsed = parseGroupArn(arn);
  if (!parsed) {
    if (/^arn:aws[\w-]*:logs:[a-z0-9-]+:\d{12}:destination:/.test(arn)) {
      throw new ServiceError('ResourceNotFoundException', 'The specified resource does not exist.', 400);
    }
    throw invalidParameter(`Invalid resource ARN: ${arn}`);
  }
  if (parsed.accountId !== ctx.accountId || parsed.region !== ctx.region) throw groupNotFound();
  return requireGroup(ctx, parsed.name);
}

export function tagResource(ctx: CallContext, input: TagResourceRequest): Record<string, never> {
  const group = groupOfArn(ctx, input.resourceArn as string);
  const tags = input.tags ?? {};
  checkTags(
    tags,
    group.tags,
    () => new ServiceError('TooManyTagsException', 'A resource can have no more than 50 tags.', 400),
  );
  Object.assign(group.tags, tags);
  return {};
}

export function untagResource(ctx: CallContext, input: UntagResourceRequest): Record<string, never> {
  const group = groupOfArn(ctx, input.resourceArn as string);
  for (const key of input.tagKeys ?? []) delete group.tags[key];
  return {};
}

export function listTagsForResource(
  ctx: CallContext,
  input: ListTagsForResourceRequest,
): ListTagsForResourceResponse {
  return { tags: { ...groupOfArn(ctx, input.resourceArn as string).tags } };
}
