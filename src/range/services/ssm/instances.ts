import type { DescribeInstancesResult } from '@aws-sdk/client-ec2';
import type {
  DescribeInstanceInformationRequest,
  DescribeInstanceInformationResult,
  InstanceInformation,
} from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError, isServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import { ssmStore } from './runs.js';
import type { SsmState, StoredTarget } from './store.js';
import { record } from '../../records.js';

/**
 * Managed instances are the range's EC2 instances, read through EC2's own API: a running instance
 * has a healthy SSM agent (Online); a stopped one has lost its connection.
 */
export interface Ec2Instance {
  instanceId: string;
  state: string;
  tags: Record<string, string>;
  name: string;
  privateIp: string;
  privateDns: string;
  platform: 'Linux' | 'Windows';
  launchTime: Date;
  iamRole?: string;
}

export const AGENT_VERSION = '3.3.1142.0';

/** The account's EC2 instances that are not terminated; none when the range has no EC2. */
export async function ec2Instances(ctx: CallContext): Promise<Ec2Instance[]> {
  let result: DescribeInstancesResult;
  try {
    result = (await ctx.dispatch(
      'ec2',
      'DescribeInstances',
      {},
      { record: false },
    )) as DescribeInstancesResult;
  } catch (err) {
    if (isServiceError(err) && (err.code === 'InvalidAction' || err.code === 'NotImplemented')) return [];
    throw err;
  }
  const out: Ec2Instance[] = [];
  for (const reservation of result.Reservations ?? []) {
    for (const i of reservation.Instances ?? []) {
      const state = i.State?.Name ?? 'pending';
      if (!i.InstanceId || state === 'terminated' || state === 'shutting-down') continue;
      const tags = Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      out.push({
        instanceId: i.InstanceId,
        state,
        tags,
        name: tags['Name'] ?? '',
        privateIp: i.PrivateIpAddress ?? '',
        privateDns: i.PrivateDnsName ?? '',
        // EC2 spells the platform `windows` on the wire; the SDK's enum says `Windows`.
        platform: String(i.Platform ?? '').toLowerCase() === 'windows' ? 'Windows' : 'Linux',
        launchTime: i.LaunchTime ? new Date(i.LaunchTime) : ctx.now,
        iamRole: i.IamInstanceProfile?.Arn?.split('/').pop(),
      });
    }
  }
  return out;
}

export function pingStatus(i: Ec2Instance): 'Online' | 'ConnectionLost' | undefined {
  if (i.state === 'running') return 'Online';
  if (i.state === 'stopped' || i.state === 'stopping') return 'ConnectionLost';
  return undefined;
}

/** Instances a Targets list selects (InstanceIds, tag:<key>, tag-key), among those given. */
export function selectTargets(instances: Ec2Instance[], targets: StoredTarget[]): Ec2Instance[] {
  return instances.filter((i) =>
    targets.every((t) => {
      if (t.Key === 'InstanceIds') return t.Values.includes(i.instanceId) || t.Values.includes('*');
      if (t.Key === 'tag-key') return t.Values.some((k) => k in i.tags);
      if (t.Key.startsWith('tag:')) {
        const value = i.tags[t.Key.slice(4)];
        return value !== undefined && t.Values.includes(value);
      }
      return false;
    }),
  );
}

export function checkTargets(targets: StoredTarget[]): void {
  for (const t of targets) {
    if (t.Key === 'InstanceIds' || t.Key === 'tag-key' || /^tag:.+/.test(t.Key)) continue;
    throw new ServiceError(
      'InvalidTarget',
      `The range supports the target keys InstanceIds, tag:<key> and tag-key, not '${t.Key}'.`,
    );
  }
}

function platformName(i: Ec2Instance): { name: string; version: string } {
  return i.platform === 'Windows'
    ? { name: 'Microsoft Windows Server 2022 Datacenter', version: '10.0.20348' }
    : { name: 'Amazon Linux', version: '2023' };
}

function associationStatusOf(s: SsmState, instanceId: string, now: Date): string | undefined {
  let status: string | undefined;
  for (const association of Object.values(s.associations)) {
    const inv = association.lastCommandId
      ? s.invocations[`${association.lastCommandId}/${instanceId}`]
      : undefined;
    if (!inv) continue;
    const done = inv.settled || inv.endsAt.getTime() <= now.getTime();
    if (!done) status ??= 'Pending';
    else if (inv.outcome === 'Failed') status = 'Failed';
    else if (status !== 'Failed') status = 'Success';
  }
  return status;
}

function informationOf(ctx: CallContext, s: SsmState, i: Ec2Instance): InstanceInformation {
  const ping = pingStatus(i) ?? 'Inactive';
  const platform = platformName(i);
  return {
    InstanceId: i.instanceId,
    PingStatus: ping,
    LastPingDateTime: ping === 'Online' ? ctx.now : i.launchTime,
    AgentVersion: AGENT_VERSION,
    IsLatestVersion: true,
    PlatformType: i.platform,
    PlatformName: platform.name,
    PlatformVersion: platform.version,
    IamRole: i.iamRole,
    ResourceType: 'EC2Instance',
    IPAddress: i.privateIp,
    ComputerName: i.privateDns,
    AssociationStatus: associationStatusOf(s, i.instanceId, ctx.now),
    SourceId: i.instanceId,
    SourceType: 'AWS::EC2::Instance',
  };
}

const filterKeys: Record<string, (info: InstanceInformation, i: Ec2Instance) => string[]> = record({
  InstanceIds: (info) => [info.InstanceId ?? ''],
  AgentVersion: (info) => [info.AgentVersion ?? ''],
  PingStatus: (info) => [info.PingStatus ?? ''],
  PlatformTypes: (info) => [info.PlatformType ?? ''],
  PlatformType: (info) => [info.PlatformType ?? ''],
  ResourceType: (info) => [info.ResourceType ?? ''],
  IamRole: (info) => [info.IamRole ?? ''],
  AssociationStatus: (info) => [info.AssociationStatus ?? ''],
  SourceIds: (info) => [info.SourceId ?? ''],
  SourceTypes: (info) => [info.SourceType ?? ''],
  ActivationIds: () => [],
  'tag-key': (_info, i) => Object.keys(i.tags),
});

function valuesFor(key: string, info: InstanceInformation, i: Ec2Instance): string[] {
  if (key.startsWith('tag:')) {
    const v = i.tags[key.slice(4)];
    return v === undefined ? [] : [v];
  }
  const get = filterKeys[key];
  if (!get) throw new ServiceError('InvalidFilterKey', `The filter key ${key} is not valid.`);
  return get(info, i);
}

export async function describeInstanceInformation(
  ctx: CallContext,
  input: DescribeInstanceInformationRequest,
): Promise<DescribeInstanceInformationResult> {
  const max = input.MaxResults;
  if (max !== undefined && (max < 5 || max > 50)) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value ${max < 5 ? 'greater than or equal to 5' : 'less than or equal to 50'}`,
    );
  }
  const filters = [
    ...(input.Filters ?? []).map((f) => ({ key: f.Key ?? '', values: f.Values ?? [] })),
    ...(input.InstanceInformationFilterList ?? []).map((f) => ({
      key: f.key ?? '',
      values: f.valueSet ?? [],
    })),
  ];
  const managed = (await ec2Instances(ctx)).filter((i) => pingStatus(i) !== undefined);
  const s = ssmStore(ctx);
  const rows: InstanceInformation[] = [];
  for (const i of managed) {
    const info = informationOf(ctx, s, i);
    if (filters.every((f) => valuesFor(f.key, info, i).some((v) => f.values.includes(v)))) rows.push(info);
  }
  const { page, nextToken } = paginate(rows, { token: input.NextToken, max, defaultMax: 10, query: filters });
  return { InstanceInformationList: page, NextToken: nextToken };
}
