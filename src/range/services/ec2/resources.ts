import { ServiceError } from '../../errors.js';
import type { Ec2State } from './store.js';

/**
 * Every EC2 resource the range keeps, by id prefix: its error codes (EC2's casing differs from one
 * resource to the next, and clients match the exact string), its tag resource type and its
 * CloudTrail resource type.
 */
export interface ResourceKind {
  prefix: string;
  notFound: string;
  malformed: string;
  missing: (id: string) => string;
  /** EC2 names every missing id in one message for some kinds. */
  missingMany?: (ids: string[]) => string;
  /** DescribeTags resource-type and TagSpecifications ResourceType. */
  tagType: string;
  /** CloudTrail LookupEvents ResourceType. */
  trailType: string;
  /** The store table holding this kind, for existence checks. */
  table?: keyof Omit<Ec2State, 'tags'>;
}

export const kinds = {
  vpc: {
    prefix: 'vpc',
    notFound: 'InvalidVpcID.NotFound',
    malformed: 'InvalidVpcID.Malformed',
    missing: (id) => `The vpc ID '${id}' does not exist`,
    tagType: 'vpc',
    trailType: 'AWS::EC2::VPC',
    table: 'vpcs',
  },
  subnet: {
    prefix: 'subnet',
    notFound: 'InvalidSubnetID.NotFound',
    malformed: 'InvalidSubnetID.Malformed',
    missing: (id) => `The subnet ID '${id}' does not exist`,
    tagType: 'subnet',
    trailType: 'AWS::EC2::Subnet',
    table: 'subnets',
  },
  group: {
    prefix: 'sg',
    notFound: 'InvalidGroup.NotFound',
    malformed: 'InvalidGroupId.Malformed',
    missing: (id) => `The security group '${id}' does not exist`,
    tagType: 'security-group',
    trailType: 'AWS::EC2::SecurityGroup',
    table: 'groups',
  },
  rule: {
    prefix: 'sgr',
    notFound: 'InvalidSecurityGroupRuleId.NotFound',
    malformed: 'InvalidSecurityGroupRuleId.Malformed',
    missing: (id) => `The security group rule ID '${id}' does not exist`,
    tagType: 'security-group-rule',
    trailType: 'AWS::EC2::SecurityGroupRule',
  },
  acl: {
    prefix: 'acl',
    notFound: 'InvalidNetworkAclID.NotFound',
    malformed: 'InvalidNetworkAclId.Malformed',
    missing: (id) => `The networkAcl ID '${id}' does not exist`,
    tagType: 'network-acl',
    trailType: 'AWS::EC2::NetworkAcl',
    table: 'acls',
  },
  instance: {
    prefix: 'i',
    notFound: 'InvalidInstanceID.NotFound',
    malformed: 'InvalidInstanceID.Malformed',
    missing: (id) => `The instance ID '${id}' does not exist`,
    missingMany: (ids) => `The instance IDs '${ids.join(', ')}' do not exist`,
    tagType: 'instance',
    trailType: 'AWS::EC2::Instance',
    table: 'instances',
  },
  volume: {
    prefix: 'vol',
    notFound: 'InvalidVolume.NotFound',
    malformed: 'InvalidVolumeID.Malformed',
    missing: (id) => `The volume '${id}' does not exist.`,
    tagType: 'volume',
    trailType: 'AWS::EC2::Volume',
    table: 'volumes',
  },
  snapshot: {
    prefix: 'snap',
    notFound: 'InvalidSnapshot.NotFound',
    malformed: 'InvalidSnapshotID.Malformed',
    missing: (id) => `The snapshot '${id}' does not exist.`,
    tagType: 'snapshot',
    trailType: 'AWS::EC2::Snapshot',
    table: 'snapshots',
  },
  flowLog: {
    prefix: 'fl',
    notFound: 'InvalidFlowLogId.NotFound',
    malformed: 'InvalidFlowLogId.Malformed',
    missing: (id) => `Flow log ${id} does not exist`,
    tagType: 'vpc-flow-log',
    trailType: 'AWS::EC2::FlowLog',
    table: 'flowLogs',
  },
  internetGateway: {
    prefix: 'igw',
    notFound: 'InvalidInternetGatewayID.NotFound',
    malformed: 'InvalidInternetGatewayId.Malformed',
    missing: (id) => `The internetGateway ID '${id}' does not exist`,
    tagType: 'internet-gateway',
    trailType: 'AWS::EC2::InternetGateway',
    table: 'internetGateways',
  },
  routeTable: {
    prefix: 'rtb',
    notFound: 'InvalidRouteTableID.NotFound',
    malformed: 'InvalidRouteTableId.Malformed',
    missing: (id) => `The routeTable ID '${id}' does not exist`,
    tagType: 'route-table',
    trailType: 'AWS::EC2::RouteTable',
    table: 'routeTables',
  },
  keyPair: {
    prefix: 'key',
    notFound: 'InvalidKeyPair.NotFound',
    malformed: 'InvalidKeyPairId.Malformed',
    missing: (id) => `The key pair '${id}' does not exist`,
    tagType: 'key-pair',
    trailType: 'AWS::EC2::KeyPair',
    table: 'keyPairs',
  },
  networkInterface: {
    prefix: 'eni',
    notFound: 'InvalidNetworkInterfaceID.NotFound',
    malformed: 'InvalidNetworkInterfaceID.Malformed',
    missing: (id) => `The networkInterface ID '${id}' does not exist`,
    tagType: 'network-interface',
    trailType: 'AWS::EC2::NetworkInterface',
  },
} satisfies Record<string, ResourceKind>;

const byPrefix = new Map<string, ResourceKind>(Object.values(kinds).map((k) => [k.prefix, k]));

/** The kind of a well-formed id (`sg-0123...` → security group), if the range keeps that kind. */
export function kindOfId(id: string): ResourceKind | undefined {
  const m = /^([a-z]+)-[0-9a-f]+$/.exec(id);
  return m ? byPrefix.get(m[1] as string) : undefined;
}

export function isWellFormed(kind: ResourceKind, id: string): boolean {
  return new RegExp(`^${kind.prefix}-[0-9a-f]{8,17}$`).test(id);
}

export function malformed(kind: ResourceKind, id: string): ServiceError {
  return new ServiceError(kind.malformed, `Invalid id: "${id}" (expecting "${kind.prefix}-...")`);
}

export function notFound(kind: ResourceKind, id: string): ServiceError {
  return new ServiceError(kind.notFound, kind.missing(id));
}

/** Look a resource up by id: Malformed for an id of the wrong shape, NotFound for one that does not exist. */
export function find<T>(table: Record<string, T>, kind: ResourceKind, id: string | undefined): T {
  if (id === undefined || id === '' || !isWellFormed(kind, id)) throw malformed(kind, id ?? '');
  const found = table[id];
  if (!found) throw notFound(kind, id);
  return found;
}

/**
 * The records an explicit id list names, in the order asked; every id must exist (EC2 answers
 * NotFound for the call rather than a partial list). Without ids, every record.
 */
export function selectByIds<T>(table: Record<string, T>, kind: ResourceKind, ids: string[] | undefined): T[] {
  if (!ids || ids.length === 0) return Object.values(table);
  for (const id of ids) if (!isWellFormed(kind, id)) throw malformed(kind, id);
  const missing = [...new Set(ids.filter((id) => !table[id]))];
  if (missing.length > 1 && kind.missingMany)
    throw new ServiceError(kind.notFound, kind.missingMany(missing));
  if (missing.length) throw notFound(kind, missing[0] as string);
  return [...new Set(ids)].map((id) => table[id] as T);
}

export function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameterValue', message);
}

export function missingParameter(name: string): ServiceError {
  return new ServiceError('MissingParameter', `The request must contain the parameter ${name}`);
}

export function dependencyViolation(message: string): ServiceError {
  return new ServiceError('DependencyViolation', message);
}

/** What EC2 answers when a call would have fallen back to the default VPC, which the range does not create. */
export function noDefaultVpc(detail = ''): ServiceError {
  return new ServiceError('VPCIdNotSpecified', `No default VPC for this user${detail}`);
}
