/**
 * Teardown: removes exactly what an exercise created and nothing else. Buckets the stacks created are
 * emptied first (CloudFormation cannot delete a non-empty bucket); temporary keys are deleted; each
 * stack is deleted and followed to the end. What cannot be removed, and what responders created inside
 * sirs' resources, is reported, never deleted.
 */
import type { ApiSession } from '../aws/api.js';
import { awsErrorCode } from '../aws/api.js';
import type { Leftover } from './entries.js';
import type { ExerciseListener } from './events.js';
import type { JournalWriter } from './journal.js';
import { followStack, isStackMissing, newestEventId } from './stacks.js';
import type { LiveCreated } from './derive.js';
import { ALREADY_GONE } from './undo.js';

export interface TeardownContext {
  exerciseId: string;
  stackNames: readonly string[];
  tempKeys: ReadonlyArray<{ userName: string; accessKeyId: string }>;
  /** Exercise channel log groups to delete. */
  channels?: readonly string[];
  /** What inject actions created, in creation order (removed newest first). */
  created?: readonly LiveCreated[];
  /** A session as the account root, for undoing what a root action created (the range only). */
  rootSession?: () => ApiSession;
  journal: JournalWriter;
  session: ApiSession;
  emit: ExerciseListener;
  pollMs: number;
  signal?: AbortSignal;
  /** How long to wait for a stack that is still being created or updated before deleting it. */
  settleTimeoutMs?: number;
}

interface StackResource {
  LogicalResourceId?: string;
  PhysicalResourceId?: string;
  ResourceType?: string;
  ResourceStatus?: string;
}

export async function teardown(ctx: TeardownContext): Promise<Leftover[]> {
  ctx.journal.append({ type: 'teardown.started' });
  ctx.emit({ type: 'teardown.start', exerciseId: ctx.exerciseId });
  const leftovers: Leftover[] = [];
  leftovers.push(...(await undoCreated(ctx)));
  for (const key of ctx.tempKeys) {
    try {
      await ctx.session.call('iam:DeleteAccessKey', { UserName: key.userName, AccessKeyId: key.accessKeyId });
    } catch (err) {
      if (awsErrorCode(err) !== 'NoSuchEntityException' && awsErrorCode(err) !== 'NoSuchEntity') {
        leftovers.push({
          resource: `access key ${key.accessKeyId} of ${key.userName}`,
          reason: (err as Error).message,
        });
        continue;
      }
    }
    ctx.journal.append({ type: 'temp-key.deleted', userName: key.userName, accessKeyId: key.accessKeyId });
  }
  for (const logGroup of ctx.channels ?? []) {
    try {
      await ctx.session.call('logs:DeleteLogGroup', { logGroupName: logGroup });
    } catch (err) {
      if (awsErrorCode(err) !== 'ResourceNotFoundException') {
        leftovers.push({ resource: `log group ${logGroup}`, reason: (err as Error).message });
        continue;
      }
    }
    ctx.journal.append({ type: 'channel.deleted', logGroup });
  }
  const results = await Promise.all(ctx.stackNames.map((name) => deleteStack(ctx, name)));
  leftovers.push(...results.flat());
  ctx.journal.append({ type: 'teardown.done', leftovers });
  ctx.emit({ type: 'teardown.done', exerciseId: ctx.exerciseId, leftovers });
  return leftovers;
}

/** Remove what inject actions created, newest first; what responders already removed counts as done. */
async function undoCreated(ctx: TeardownContext): Promise<Leftover[]> {
  const leftovers: Leftover[] = [];
  let root: ApiSession | undefined;
  try {
    for (const c of [...(ctx.created ?? [])].reverse()) {
      let session = ctx.session;
      if (c.undo.as === 'root') {
        if (!ctx.rootSession) {
          leftovers.push({
            resource: c.resource,
            reason: 'only the account root can remove it, and sirs cannot act as root here',
          });
          continue;
        }
        session = root ??= ctx.rootSession();
      }
      try {
        await session.call(c.undo.call, c.undo.input);
      } catch (err) {
        if (!ALREADY_GONE.has(awsErrorCode(err) ?? '')) {
          leftovers.push({ resource: c.resource, reason: (err as Error).message });
          continue;
        }
      }
      ctx.journal.append({
        type: 'action.undone',
        scenario: c.scenario,
        index: c.index,
        resource: c.resource,
      });
      ctx.emit({ type: 'action.undone', resource: c.resource });
    }
  } finally {
    root?.destroy();
  }
  return leftovers;
}

async function stackStatus(ctx: TeardownContext, name: string): Promise<string | undefined> {
  try {
    const d = await ctx.session.call('cloudformation:DescribeStacks', { StackName: name });
    return (d.Stacks as Array<{ StackStatus?: string }> | undefined)?.[0]?.StackStatus;
  } catch (err) {
    if (isStackMissing(err)) return undefined;
    throw err;
  }
}

async function deleteStack(ctx: TeardownContext, name: string): Promise<Leftover[]> {
  try {
    let status = await stackStatus(ctx, name);
    // A stack still being created (after a crash) is left to settle, then deleted.
    const deadline = Date.now() + (ctx.settleTimeoutMs ?? 30 * 60_000);
    while (
      status &&
      /_IN_PROGRESS$/.test(status) &&
      status !== 'DELETE_IN_PROGRESS' &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, ctx.pollMs));
      status = await stackStatus(ctx, name);
    }
    if (!status || status === 'DELETE_COMPLETE') {
      ctx.journal.append({ type: 'stack.deleted', stackName: name });
      ctx.emit({ type: 'stack.deleted', stackName: name });
      return [];
    }
    const resources = await listResources(ctx, name);
    for (const r of resources) {
      if (
        r.ResourceType === 'AWS::S3::Bucket' &&
        r.PhysicalResourceId &&
        r.ResourceStatus !== 'DELETE_COMPLETE'
      ) {
        await emptyBucket(ctx, name, r.PhysicalResourceId);
      }
    }
    // Progress is what the delete does: the stack's history up to the request is not shown again.
    const history = await newestEventId(ctx.session, name);
    ctx.journal.append({ type: 'stack.delete-requested', stackName: name });
    ctx.emit({ type: 'stack.deleting', stackName: name });
    await ctx.session.call('cloudformation:DeleteStack', { StackName: name });
    const outcome = await followStack(ctx.session, name, 'delete', {
      pollMs: ctx.pollMs,
      emit: ctx.emit,
      signal: ctx.signal,
      ...(history ? { afterEventId: history } : {}),
    });
    if (outcome.ok) {
      ctx.journal.append({ type: 'stack.deleted', stackName: name });
      ctx.emit({ type: 'stack.deleted', stackName: name });
      return [];
    }
    const reason = `${outcome.resource ? `${outcome.resource}: ` : ''}${outcome.reason}`;
    ctx.journal.append({ type: 'stack.delete-failed', stackName: name, reason });
    ctx.emit({ type: 'stack.delete-failed', stackName: name, reason });
    return [
      { stackName: name, resource: `stack ${name}`, reason },
      ...(await responderResources(ctx, name, resources)),
    ];
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    const reason = (err as Error).message;
    ctx.journal.append({ type: 'stack.delete-failed', stackName: name, reason });
    ctx.emit({ type: 'stack.delete-failed', stackName: name, reason });
    return [{ stackName: name, resource: `stack ${name}`, reason }];
  }
}

async function listResources(ctx: TeardownContext, name: string): Promise<StackResource[]> {
  const out: StackResource[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.session.call('cloudformation:ListStackResources', {
      StackName: name,
      ...(token ? { NextToken: token } : {}),
    });
    out.push(...((page.StackResourceSummaries as StackResource[] | undefined) ?? []));
    token = page.NextToken as string | undefined;
  } while (token);
  return out;
}

/** Delete every object (and version) in a bucket the exercise's stack created. */
async function emptyBucket(ctx: TeardownContext, stackName: string, bucket: string): Promise<void> {
  let removed = 0;
  try {
    for (;;) {
      const page: Record<string, unknown> = await ctx.session
        .call('s3:ListObjectVersions', { Bucket: bucket, MaxKeys: 1000 })
        .catch(async (err: unknown) => {
          // Some S3-compatible endpoints lack versions: fall back to a plain listing.
          if (awsErrorCode(err) === 'NotImplemented') {
            const v2 = await ctx.session.call('s3:ListObjectsV2', { Bucket: bucket, MaxKeys: 1000 });
            return {
              Versions: ((v2.Contents as Array<{ Key: string }> | undefined) ?? []).map((c) => ({
                Key: c.Key,
              })),
            };
          }
          throw err;
        });
      const objects = [
        ...((page.Versions as Array<{ Key: string; VersionId?: string }> | undefined) ?? []),
        ...((page.DeleteMarkers as Array<{ Key: string; VersionId?: string }> | undefined) ?? []),
      ].map((o) => ({
        Key: o.Key,
        ...(o.VersionId && o.VersionId !== 'null' ? { VersionId: o.VersionId } : {}),
      }));
      if (objects.length === 0) break;
      await ctx.session.call('s3:DeleteObjects', {
        Bucket: bucket,
        Delete: { Objects: objects, Quiet: true },
      });
      removed += objects.length;
    }
  } catch (err) {
    if (awsErrorCode(err) === 'NoSuchBucket') return;
    throw err;
  }
  ctx.journal.append({ type: 'bucket.emptied', stackName, bucket, objects: removed });
  ctx.emit({ type: 'bucket.emptied', stackName, bucket, objects: removed });
}

/** Resources responders created inside the exercise's VPCs keep a stack from being deleted: name them. */
async function responderResources(
  ctx: TeardownContext,
  stackName: string,
  resources: StackResource[],
): Promise<Leftover[]> {
  const owned = new Set(resources.map((r) => r.PhysicalResourceId).filter(Boolean));
  const vpcs = resources
    .filter((r) => r.ResourceType === 'AWS::EC2::VPC' && r.PhysicalResourceId)
    .map((r) => r.PhysicalResourceId!);
  const out: Leftover[] = [];
  for (const vpc of vpcs) {
    try {
      const filters = { Filters: [{ Name: 'vpc-id', Values: [vpc] }] };
      const groups = await ctx.session.call('ec2:DescribeSecurityGroups', filters);
      for (const g of (groups.SecurityGroups as Array<{ GroupId: string; GroupName: string }> | undefined) ??
        []) {
        if (!owned.has(g.GroupId) && g.GroupName !== 'default') {
          out.push({
            stackName,
            resource: `security group ${g.GroupId} (${g.GroupName})`,
            reason: 'created by responders inside the exercise VPC; sirs does not delete it',
          });
        }
      }
      const subnets = await ctx.session.call('ec2:DescribeSubnets', filters);
      for (const s of (subnets.Subnets as Array<{ SubnetId: string }> | undefined) ?? []) {
        if (!owned.has(s.SubnetId))
          out.push({
            stackName,
            resource: `subnet ${s.SubnetId}`,
            reason: 'created by responders inside the exercise VPC; sirs does not delete it',
          });
      }
      const instances = await ctx.session.call('ec2:DescribeInstances', filters);
      for (const r of (instances.Reservations as
        Array<{ Instances?: Array<{ InstanceId: string; State?: { Name?: string } }> }> | undefined) ?? []) {
        for (const i of r.Instances ?? []) {
          if (!owned.has(i.InstanceId) && i.State?.Name !== 'terminated') {
            out.push({
              stackName,
              resource: `instance ${i.InstanceId}`,
              reason: 'launched by responders inside the exercise VPC; sirs does not terminate it',
            });
          }
        }
      }
    } catch {
      // Reporting is best effort: the stack's own failure is already reported.
    }
  }
  return out;
}
