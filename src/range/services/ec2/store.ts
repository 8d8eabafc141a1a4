import { defineState } from '../../state.js';
import { record } from '../../records.js';
import type { CallContext } from '../../context.js';
import { hexId as randomHex } from '../../ids.js';

/**
 * EC2 state of one account in one region. Plain data (written to --state-dir as JSON): records keep
 * only what EC2 would remember; the Describe* handlers build the SDK shapes from them.
 *
 * A region starts with NO default VPC (unlike a new AWS account): scenarios create the networks they
 * need, so nothing in an exercise depends on resources nobody declared. Calls that would fall back to
 * the default VPC in AWS (RunInstances without a subnet, CreateSecurityGroup without VpcId, group
 * names in place of ids) answer as AWS does in an account whose default VPC was deleted.
 */
export interface Ec2State {
  vpcs: Record<string, VpcRecord>;
  subnets: Record<string, SubnetRecord>;
  groups: Record<string, SecurityGroupRecord>;
  acls: Record<string, NetworkAclRecord>;
  instances: Record<string, InstanceRecord>;
  volumes: Record<string, VolumeRecord>;
  snapshots: Record<string, SnapshotRecord>;
  flowLogs: Record<string, FlowLogRecord>;
  internetGateways: Record<string, InternetGatewayRecord>;
  routeTables: Record<string, RouteTableRecord>;
  /** Key pairs by id: public halves only (EC2 never keeps a private key it handed out). */
  keyPairs: Record<string, KeyPairRecord>;
  /** Tags of every resource, by resource id, in the order they were set. */
  tags: Record<string, Record<string, string>>;
}

export const ec2State = defineState<Ec2State>('ec2', 'regional', () => ({
  vpcs: record(),
  subnets: record(),
  groups: record(),
  acls: record(),
  instances: record(),
  volumes: record(),
  snapshots: record(),
  flowLogs: record(),
  internetGateways: record(),
  routeTables: record(),
  keyPairs: record(),
  tags: record(),
}));

export interface VpcRecord {
  id: string;
  cidr: string;
  cidrAssociationId: string;
  ipv6Cidr?: string;
  ipv6AssociationId?: string;
  dhcpOptionsId: string;
  tenancy: string;
  isDefault: boolean;
  ownerId: string;
  /** ModifyVpcAttribute; absent means EC2's default (DNS support on, hostnames off). */
  dns?: { support: boolean; hostnames: boolean; usageMetrics: boolean };
}

export interface SubnetRecord {
  id: string;
  vpcId: string;
  cidr: string;
  az: string;
  azId: string;
  ownerId: string;
  mapPublicIpOnLaunch: boolean;
  assignIpv6OnCreation?: boolean;
  ipv6Cidr?: string;
  ipv6AssociationId?: string;
}

/** One security group rule: one protocol/port range and exactly one peer, as EC2 keeps them. */
export interface SgRule {
  id: string;
  groupId: string;
  egress: boolean;
  /** Normalized: `-1`, `tcp`, `udp`, `icmp`, `icmpv6`, or a protocol number. */
  protocol: string;
  /** Only for tcp/udp (ports) and icmp/icmpv6 (type/code). */
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  refGroupId?: string;
  refUserId?: string;
  description?: string;
}

export interface SecurityGroupRecord {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  ownerId: string;
  rules: SgRule[];
}

export interface AclEntryRecord {
  ruleNumber: number;
  egress: boolean;
  /** A protocol number as a string, `-1` for all. */
  protocol: string;
  action: 'allow' | 'deny';
  cidr?: string;
  ipv6Cidr?: string;
  portFrom?: number;
  portTo?: number;
  icmpType?: number;
  icmpCode?: number;
}

export interface NetworkAclRecord {
  id: string;
  vpcId: string;
  isDefault: boolean;
  ownerId: string;
  entries: AclEntryRecord[];
  associations: Array<{ id: string; subnetId: string }>;
}

export type InstanceStateName =
  'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface InstanceRecord {
  id: string;
  reservationId: string;
  ownerId: string;
  requesterId?: string;
  imageId: string;
  instanceType: string;
  keyName?: string;
  launchIndex: number;
  launchTime: Date;
  state: InstanceStateName;
  /** A transition EC2 finishes later (pending → running, ...); applied when due on the range clock. */
  next?: { state: InstanceStateName; at: Date };
  stateReason?: { code: string; message: string };
  transitionReason: string;
  subnetId: string;
  vpcId: string;
  az: string;
  privateIp: string;
  /** A public address while running, when the subnet or the launch asked for one (from TEST-NET-3). */
  publicIp?: string;
  wantsPublicIp: boolean;
  networkInterfaceId: string;
  /** The primary network interface's Description (ModifyNetworkInterfaceAttribute). */
  networkInterfaceDescription?: string;
  macAddress: string;
  groupIds: string[];
  rootVolumeId: string;
  /** The instance profile association (DescribeIamInstanceProfileAssociations), while there is one. */
  iamInstanceProfile?: ProfileAssociation;
  /** ModifyInstanceMetadataOptions / RunInstances MetadataOptions; absent means the launch defaults. */
  metadataOptions?: MetadataOptionsRecord;
  /** Base64, as sent. */
  userData?: string;
  disableApiTermination: boolean;
  shutdownBehavior: string;
  sourceDestCheck: boolean;
  ebsOptimized: boolean;
  clientToken?: string;
  monitoring: boolean;
  /** Terminated instances stay visible for a while, then disappear. */
  terminatedAt?: Date;
}

export type AssociationState = 'associating' | 'associated' | 'disassociating';

export interface ProfileAssociation {
  arn: string;
  id: string;
  /** `iip-assoc-...`; missing only in state written before associations were kept (filled on read). */
  associationId?: string;
  state?: AssociationState;
  /** When the association entered its state. */
  since?: Date;
  /** associating → associated, disassociating → gone: applied when due on the range clock. */
  next?: { state: 'associated' | 'gone'; at: Date };
}

export interface MetadataOptionsRecord {
  httpTokens: 'optional' | 'required';
  hopLimit: number;
  httpEndpoint: 'enabled' | 'disabled';
  httpProtocolIpv6: 'enabled' | 'disabled';
  instanceMetadataTags: 'enabled' | 'disabled';
  /** `pending` until the instance runs with the new options (at `appliedAt` when it is running). */
  state: 'pending' | 'applied';
  appliedAt?: Date;
}

export interface KeyPairRecord {
  id: string;
  name: string;
  keyType: 'rsa' | 'ed25519';
  fingerprint: string;
  /** OpenSSH `authorized_keys` form, for IncludePublicKey. */
  publicKey: string;
  createTime: Date;
}

export interface VolumeRecord {
  id: string;
  size: number;
  volumeType: string;
  az: string;
  createTime: Date;
  encrypted: boolean;
  snapshotId?: string;
  attachment?: { instanceId: string; device: string; attachTime: Date; deleteOnTermination: boolean };
}

export interface SnapshotRecord {
  id: string;
  volumeId: string;
  volumeSize: number;
  description: string;
  ownerId: string;
  startTime: Date;
  state: 'pending' | 'completed';
  completeAt: Date;
  encrypted: boolean;
  /** createVolumePermission: account ids, and `all` for public. */
  sharedWithUsers: string[];
  public: boolean;
}

export interface FlowLogRecord {
  id: string;
  resourceId: string;
  resourceType: string;
  trafficType: string;
  destinationType: string;
  logGroupName?: string;
  destination?: string;
  deliverLogsPermissionArn?: string;
  /** Why delivery fails (DeliverLogsErrorMessage), judged when the flow log was created. */
  deliverLogsError?: string;
  logFormat: string;
  maxAggregationInterval: number;
  createdAt: Date;
}

export interface InternetGatewayRecord {
  id: string;
  ownerId: string;
  attachments: Array<{ vpcId: string }>;
}

export interface RouteRecord {
  destinationCidrBlock?: string;
  destinationIpv6CidrBlock?: string;
  gatewayId?: string;
  instanceId?: string;
  natGatewayId?: string;
  networkInterfaceId?: string;
  vpcPeeringConnectionId?: string;
  transitGatewayId?: string;
  origin: 'CreateRouteTable' | 'CreateRoute';
}

export interface RouteTableRecord {
  id: string;
  vpcId: string;
  ownerId: string;
  routes: RouteRecord[];
  associations: Array<{ id: string; main: boolean; subnetId?: string; gatewayId?: string }>;
}

/** Terminated instances stay visible to Describe* for this long, as in EC2 (about an hour). */
export const TERMINATED_VISIBLE_MS = 60 * 60 * 1000;

/**
 * The store for this call, with every transition that fell due on the range clock applied. Handlers
 * also schedule each transition on the clock; settling on read keeps a restarted range (whose timers
 * are gone) and a manual clock right as well.
 */
export function ec2Of(ctx: CallContext): Ec2State {
  const s = ctx.state(ec2State);
  // State written by a range that did not keep key pairs yet.
  s.keyPairs ??= record();
  settle(s, ctx.clock.now());
  return s;
}

export function settle(s: Ec2State, now: Date): void {
  const t = now.getTime();
  for (const inst of Object.values(s.instances)) {
    if (inst.next && inst.next.at.getTime() <= t) {
      inst.state = inst.next.state;
      inst.next = undefined;
      if (inst.state === 'terminated') inst.terminatedAt ??= now;
    }
    settleProfile(inst, now);
    settleMetadata(inst, now);
    if (
      inst.state === 'terminated' &&
      inst.terminatedAt &&
      inst.terminatedAt.getTime() + TERMINATED_VISIBLE_MS <= t
    ) {
      delete s.instances[inst.id];
      delete s.tags[inst.id];
    }
  }
  for (const snap of Object.values(s.snapshots)) {
    if (snap.state === 'pending' && snap.completeAt.getTime() <= t) snap.state = 'completed';
  }
}

/** An association moves on when due; a terminated instance has none (EC2 ends it with the instance). */
function settleProfile(inst: InstanceRecord, now: Date): void {
  const a = inst.iamInstanceProfile;
  if (!a) return;
  if (inst.state === 'terminated') {
    inst.iamInstanceProfile = undefined;
    return;
  }
  if (a.associationId === undefined) {
    a.associationId = `iip-assoc-${randomHex(17)}`;
    a.state = 'associated';
    a.since = inst.launchTime;
  }
  if (a.next && a.next.at.getTime() <= now.getTime()) {
    if (a.next.state === 'gone') inst.iamInstanceProfile = undefined;
    else {
      a.state = a.next.state;
      a.since = a.next.at;
      a.next = undefined;
    }
  }
}

/** Options changed on a running instance apply shortly after; on a stopped one, once it runs again. */
function settleMetadata(inst: InstanceRecord, now: Date): void {
  const m = inst.metadataOptions;
  if (!m || m.state !== 'pending' || inst.state !== 'running') return;
  if (m.appliedAt === undefined || m.appliedAt.getTime() <= now.getTime()) {
    m.state = 'applied';
    m.appliedAt = undefined;
  }
}
