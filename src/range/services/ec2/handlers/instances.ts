import type {
  DescribeInstancesRequest,
  DescribeInstancesResult,
  Instance,
  InstanceState,
  Reservation,
  RunInstancesRequest,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { ec2Id, hexId } from '../../../ids.js';
import { containsIp, formatIpv4, parseCidr4, parseIpv4, sizeOf } from '../cidr.js';
import { applyFilters, applyTagSpecs, page, tagSpecsFor, tagsOf, type FilterTable } from '../query.js';
import { find, invalidParameter, kinds, missingParameter, noDefaultVpc, selectByIds } from '../resources.js';
import {
  ec2Of,
  settle,
  type Ec2State,
  type InstanceRecord,
  type InstanceStateName,
  type SubnetRecord,
} from '../store.js';
import { instanceProfile } from './iam-profiles.js';
import { keyPairNamed, keyPairNotFound } from './key-pairs.js';
import {
  LAUNCH_DEFAULTS,
  mergeMetadataOptions,
  metadataOptionsOf,
  metadataOptionsView,
} from './metadata-options.js';
import { defaultGroupOf } from './security-groups.js';

/** How long EC2's transitions take on the range clock. */
export const delays = { launch: 3000, stop: 5000, terminate: 5000 };

export const stateCodes: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export function stateOf(name: InstanceStateName): InstanceState {
  return { Code: stateCodes[name], Name: name };
}

/** Enter `now`, and reach `then` after `ms` of range time. */
export function transition(
  ctx: CallContext,
  s: Ec2State,
  inst: InstanceRecord,
  now: InstanceStateName,
  then: InstanceStateName,
  ms: number,
) {
  inst.state = now;
  inst.next = { state: then, at: new Date(ctx.now.getTime() + ms) };
  ctx.clock.schedule(ms, () => settle(s, ctx.clock.now()));
}

function dnsName(ctx: CallContext, ip: string): string {
  const host = `ip-${ip.replace(/\./g, '-')}`;
  return ctx.region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${ctx.region}.compute.internal`;
}

function publicDnsName(ctx: CallContext, ip: string): string {
  const host = `ec2-${ip.replace(/\./g, '-')}`;
  return ctx.region === 'us-east-1'
    ? `${host}.compute-1.amazonaws.com`
    : `${host}.${ctx.region}.compute.amazonaws.com`;
}

/**
 * EC2 gives a running instance a new public address each time it starts, and takes it back when it
 * stops. The range hands out documentation addresses (203.0.113.0/24), never anyone's real one.
 */
export function assignPublicIp(s: Ec2State, inst: InstanceRecord): void {
  if (!inst.wantsPublicIp) return;
  const taken = new Set(Object.values(s.instances).map((i) => i.publicIp));
  for (let n = 1; n < 255; n++) {
    const ip = `203.0.113.${n}`;
    if (!taken.has(ip)) {
      inst.publicIp = ip;
      return;
    }
  }
}

export function instanceView(ctx: CallContext, s: Ec2State, i: InstanceRecord): Instance {
  const gone = i.state === 'terminated';
  const groups = gone ? [] : i.groupIds.map((id) => ({ GroupId: id, GroupName: s.groups[id]?.name }));
  const volume = s.volumes[i.rootVolumeId];
  return {
    AmiLaunchIndex: i.launchIndex,
    ImageId: i.imageId,
    InstanceId: i.id,
    InstanceType: i.instanceType as Instance['InstanceType'],
    KeyName: i.keyName,
    LaunchTime: i.launchTime,
    Monitoring: { State: i.monitoring ? 'enabled' : 'disabled' },
    Placement: { AvailabilityZone: i.az, GroupName: '', Tenancy: 'default' },
    PrivateDnsName: gone ? '' : dnsName(ctx, i.privateIp),
    PrivateIpAddress: gone ? undefined : i.privateIp,
    ProductCodes: [],
    PublicDnsName: i.publicIp ? publicDnsName(ctx, i.publicIp) : '',
    PublicIpAddress: i.publicIp,
    State: stateOf(i.state),
    StateTransitionReason: i.transitionReason,
    StateReason: i.stateReason ? { Code: i.stateReason.code, Message: i.stateReason.message } : undefined,
    SubnetId: gone ? undefined : i.subnetId,
    VpcId: gone ? undefined : i.vpcId,
    Architecture: 'x86_64',
    BlockDeviceMappings:
      volume?.attachment && !gone
        ? [
            {
              DeviceName: volume.attachment.device,
              Ebs: {
                AttachTime: volume.attachment.attachTime,
                DeleteOnTermination: volume.attachment.deleteOnTermination,
                Status: 'attached',
                VolumeId: volume.id,
              },
            },
          ]
        : [],
    ClientToken: i.clientToken ?? '',
    EbsOptimized: i.ebsOptimized,
    EnaSupport: true,
    Hypervisor: 'xen',
    IamInstanceProfile: i.iamInstanceProfile
      ? { Arn: i.iamInstanceProfile.arn, Id: i.iamInstanceProfile.id }
      : undefined,
    NetworkInterfaces: gone
      ? []
      : [
          {
            Association: i.publicIp
              ? { IpOwnerId: 'amazon', PublicDnsName: publicDnsName(ctx, i.publicIp), PublicIp: i.publicIp }
              : undefined,
            Attachment: {
              AttachTime: i.launchTime,
              AttachmentId: `eni-attach-${i.networkInterfaceId.slice(4)}`,
              DeleteOnTermination: true,
              DeviceIndex: 0,
              Status: 'attached',
              NetworkCardIndex: 0,
            },
            Description: i.networkInterfaceDescription ?? '',
            Groups: groups,
            Ipv6Addresses: [],
            MacAddress: i.macAddress,
            NetworkInterfaceId: i.networkInterfaceId,
            OwnerId: i.ownerId,
            PrivateDnsName: dnsName(ctx, i.privateIp),
            PrivateIpAddress: i.privateIp,
            PrivateIpAddresses: [
              { Primary: true, PrivateDnsName: dnsName(ctx, i.privateIp), PrivateIpAddress: i.privateIp },
            ],
            SourceDestCheck: i.sourceDestCheck,
            Status: 'in-use',
            SubnetId: i.subnetId,
            VpcId: i.vpcId,
            InterfaceType: 'interface',
          },
        ],
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    SecurityGroups: groups,
    SourceDestCheck: i.sourceDestCheck,
    Tags: tagsOf(s, i.id),
    VirtualizationType: 'hvm',
    CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 },
    HibernationOptions: { Configured: false },
    MetadataOptions: metadataOptionsView(i),
    EnclaveOptions: { Enabled: false },
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    UsageOperationUpdateTime: i.launchTime,
    MaintenanceOptions: { AutoRecovery: 'default' },
  };
}

/** Private addresses in use in a subnet; the first four and the last are AWS's. */
function freeAddresses(s: Ec2State, subnet: SubnetRecord): number[] {
  const block = parseCidr4(subnet.cidr)!;
  const used = new Set(
    Object.values(s.instances)
      .filter((i) => i.subnetId === subnet.id && i.state !== 'terminated')
      .map((i) => parseIpv4(i.privateIp)),
  );
  const out: number[] = [];
  for (let n = block.base + 4; n < block.base + sizeOf(block) - 1; n++) if (!used.has(n)) out.push(n);
  return out;
}

export async function runInstances(ctx: CallContext, input: RunInstancesRequest): Promise<Reservation> {
  const s = ec2Of(ctx);
  const min = input.MinCount ?? 1;
  const max = input.MaxCount ?? 1;
  if (min < 1) throw invalidParameter(`Invalid value '${min}' for minCount. Must be greater than 0.`);
  if (max < min)
    throw invalidParameter(`Invalid value '${max}' for maxCount. Must be greater than or equal to minCount.`);
  if (input.LaunchTemplate) {
    throw new ServiceError(
      'UnsupportedOperation',
      'The range does not support launch templates; pass the launch parameters instead.',
    );
  }
  if (input.ClientToken) {
    const earlier = Object.values(s.instances).filter((i) => i.clientToken === input.ClientToken);
    if (earlier.length) return reservationOf(ctx, s, earlier);
  }
  if (input.ImageId === undefined) throw missingParameter('ImageId');
  if (!/^ami-[0-9a-f]{8,17}$/.test(input.ImageId)) {
    throw new ServiceError('InvalidAMIID.Malformed', `Invalid id: "${input.ImageId}" (expecting "ami-...")`);
  }
  const instanceType = input.InstanceType ?? 'm1.small';
  if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(instanceType)) {
    throw invalidParameter(`The following supplied instance types do not exist: [${instanceType}]`);
  }
  const nic = input.NetworkInterfaces?.[0];
  const subnetId = input.SubnetId ?? nic?.SubnetId;
  if (subnetId === undefined)
    throw noDefaultVpc('. GroupName is only supported for EC2-Classic and default VPC.');
  const subnet = find(s.subnets, kinds.subnet, subnetId);
  if (input.SecurityGroups?.length) {
    throw new ServiceError(
      'InvalidParameterCombination',
      'The parameter groupName cannot be used with the parameter subnet',
    );
  }
  const groupIds = input.SecurityGroupIds?.length ? input.SecurityGroupIds : (nic?.Groups ?? []);
  for (const id of groupIds) {
    const group = find(s.groups, kinds.group, id);
    if (group.vpcId !== subnet.vpcId) {
      throw new ServiceError(
        'InvalidParameter',
        `Security group ${id} and subnet ${subnet.id} belong to different networks.`,
      );
    }
  }
  const groups = groupIds.length ? [...new Set(groupIds)] : [defaultGroupOf(s, subnet.vpcId)?.id ?? ''];
  let addresses = freeAddresses(s, subnet);
  const wanted = input.PrivateIpAddress ?? nic?.PrivateIpAddress;
  if (wanted !== undefined) {
    const ip = parseIpv4(wanted);
    if (ip === undefined || !containsIp(parseCidr4(subnet.cidr)!, ip)) {
      throw invalidParameter(`Address ${wanted} does not fall within the subnet's address range`);
    }
    if (!addresses.includes(ip))
      throw new ServiceError('InvalidIPAddress.InUse', `Address ${wanted} is in use.`);
    addresses = [ip];
  }
  if (addresses.length < min) {
    throw new ServiceError(
      'InsufficientFreeAddressesInSubnet',
      `There are not enough free addresses in subnet '${subnet.id}' to satisfy the requested number of instances.`,
    );
  }
  if (input.UserData !== undefined && !/^[A-Za-z0-9+/=\r\n]*$/.test(input.UserData)) {
    throw invalidParameter('Invalid BASE64 encoding of user data.');
  }
  const shutdownBehavior = input.InstanceInitiatedShutdownBehavior ?? 'stop';
  const specs = tagSpecsFor(input.TagSpecifications, ['instance', 'volume', 'network-interface']);
  if (input.KeyName !== undefined && !keyPairNamed(s, input.KeyName)) throw keyPairNotFound(input.KeyName);
  const metadata = input.MetadataOptions
    ? mergeMetadataOptions(LAUNCH_DEFAULTS, input.MetadataOptions)
    : undefined;
  const profile = await instanceProfile(ctx, input.IamInstanceProfile);
  const reservationId = ec2Id('r');
  const count = Math.min(max, addresses.length);
  const launched: InstanceRecord[] = [];
  for (let n = 0; n < count; n++) {
    const volumeId = ec2Id('vol');
    const inst: InstanceRecord = {
      id: ec2Id('i'),
      reservationId,
      ownerId: ctx.accountId,
      imageId: input.ImageId,
      instanceType,
      keyName: input.KeyName,
      launchIndex: n,
      launchTime: ctx.now,
      state: 'pending',
      transitionReason: '',
      subnetId: subnet.id,
      vpcId: subnet.vpcId,
      az: subnet.az,
      privateIp: formatIpv4(addresses[n] as number),
      wantsPublicIp: nic?.AssociatePublicIpAddress ?? subnet.mapPublicIpOnLaunch,
      networkInterfaceId: ec2Id('eni'),
      macAddress: `0e:${hexId(10).match(/../g)!.join(':')}`,
      groupIds: groups,
      rootVolumeId: volumeId,
      // A profile given at launch is associated with the instance from the start.
      iamInstanceProfile: profile && {
        ...profile,
        associationId: ec2Id('iip-assoc'),
        state: 'associated',
        since: ctx.now,
      },
      metadataOptions: metadata && { ...metadata, state: 'applied' },
      userData: input.UserData,
      disableApiTermination: input.DisableApiTermination ?? false,
      shutdownBehavior,
      sourceDestCheck: true,
      ebsOptimized: input.EbsOptimized ?? false,
      clientToken: input.ClientToken,
      monitoring: input.Monitoring?.Enabled ?? false,
    };
    const rootSize = input.BlockDeviceMappings?.[0]?.Ebs?.VolumeSize ?? 8;
    s.volumes[volumeId] = {
      id: volumeId,
      size: rootSize,
      volumeType: input.BlockDeviceMappings?.[0]?.Ebs?.VolumeType ?? 'gp3',
      az: subnet.az,
      createTime: ctx.now,
      encrypted: input.BlockDeviceMappings?.[0]?.Ebs?.Encrypted ?? false,
      attachment: {
        instanceId: inst.id,
        device: '/dev/xvda',
        attachTime: ctx.now,
        deleteOnTermination: true,
      },
    };
    s.instances[inst.id] = inst;
    assignPublicIp(s, inst);
    applyTagSpecs(s, specs, 'instance', inst.id);
    applyTagSpecs(s, specs, 'volume', volumeId);
    applyTagSpecs(s, specs, 'network-interface', inst.networkInterfaceId);
    transition(ctx, s, inst, 'pending', 'running', delays.launch);
    launched.push(inst);
  }
  return reservationOf(ctx, s, launched);
}

function reservationOf(ctx: CallContext, s: Ec2State, instances: InstanceRecord[]): Reservation {
  const first = instances[0]!;
  return {
    Groups: [],
    Instances: instances.map((i) => instanceView(ctx, s, i)),
    OwnerId: first.ownerId,
    ReservationId: first.reservationId,
  };
}

const instanceFilters = (s: Ec2State): FilterTable<InstanceRecord> => ({
  'instance-id': (i) => i.id,
  'instance-state-name': (i) => i.state,
  'instance-state-code': (i) => stateCodes[i.state],
  'instance-type': (i) => i.instanceType,
  'image-id': (i) => i.imageId,
  'vpc-id': (i) => i.vpcId,
  'subnet-id': (i) => i.subnetId,
  'availability-zone': (i) => i.az,
  'private-ip-address': (i) => i.privateIp,
  'ip-address': (i) => i.publicIp,
  'network-interface.network-interface-id': (i) => i.networkInterfaceId,
  'instance.group-id': (i) => i.groupIds,
  'instance.group-name': (i) => i.groupIds.map((g) => s.groups[g]?.name),
  'group-id': (i) => i.groupIds,
  'group-name': (i) => i.groupIds.map((g) => s.groups[g]?.name),
  'key-name': (i) => i.keyName,
  'reservation-id': (i) => i.reservationId,
  'owner-id': (i) => i.ownerId,
  'iam-instance-profile.arn': (i) => i.iamInstanceProfile?.arn,
  'iam-instance-profile.id': (i) => i.iamInstanceProfile?.id,
  'metadata-options.http-tokens': (i) => metadataOptionsOf(i).httpTokens,
  'metadata-options.http-put-response-hop-limit': (i) => metadataOptionsOf(i).hopLimit,
  'metadata-options.http-endpoint': (i) => metadataOptionsOf(i).httpEndpoint,
  'metadata-options.http-protocol-ipv4': (i) => metadataOptionsOf(i).httpEndpoint,
  'metadata-options.http-protocol-ipv6': (i) => metadataOptionsOf(i).httpProtocolIpv6,
  'metadata-options.instance-metadata-tags': (i) => metadataOptionsOf(i).instanceMetadataTags,
  'metadata-options.state': (i) => metadataOptionsOf(i).state,
  'launch-time': (i) => i.launchTime.toISOString(),
  'root-device-type': () => 'ebs',
  architecture: () => 'x86_64',
});

export function describeInstances(
  ctx: CallContext,
  input: DescribeInstancesRequest,
): DescribeInstancesResult {
  const s = ec2Of(ctx);
  if (input.InstanceIds?.length && input.MaxResults !== undefined) {
    throw new ServiceError(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  const selected = applyFilters(
    s,
    selectByIds(s.instances, kinds.instance, input.InstanceIds),
    input.Filters,
    instanceFilters(s),
  );
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, [
    input.InstanceIds,
    input.Filters,
  ]);
  const reservations = new Map<string, InstanceRecord[]>();
  for (const i of items) reservations.set(i.reservationId, [...(reservations.get(i.reservationId) ?? []), i]);
  return {
    Reservations: [...reservations.values()].map((list) => reservationOf(ctx, s, list)),
    NextToken: nextToken,
  };
}

export function instanceOf(s: Ec2State, id: string | undefined): InstanceRecord {
  return find(s.instances, kinds.instance, id);
}
