import type {
  CreateSubnetRequest,
  CreateSubnetResult,
  CreateVpcRequest,
  CreateVpcResult,
  DeleteSubnetRequest,
  DeleteVpcRequest,
  DescribeSubnetsRequest,
  DescribeSubnetsResult,
  DescribeVpcsRequest,
  DescribeVpcsResult,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { ec2Id, hexId } from '../../../ids.js';
import { contains, formatCidr4, isIpv6Cidr, overlaps, parseCidr4, sizeOf } from '../cidr.js';
import { applyFilters, applyTagSpecs, page, tagSpecsFor, tagsOf, type FilterTable } from '../query.js';
import { dependencyViolation, find, invalidParameter, kinds, selectByIds } from '../resources.js';
import { ec2Of, type Ec2State, type SubnetRecord, type VpcRecord } from '../store.js';
import { createAcl, dropSubnetAclAssociation, associateWithDefaultAcl } from './network-acls.js';
import { createRouteTable, dropSubnetRouteAssociations } from './route-tables.js';
import { createDefaultGroup } from './security-groups.js';

function parseBlock(text: string | undefined, param: string) {
  const c = text === undefined ? undefined : parseCidr4(text);
  if (!c)
    throw invalidParameter(
      `Value (${text ?? ''}) for parameter ${param} is invalid. This is not a valid CIDR block.`,
    );
  return c;
}

export function createVpc(ctx: CallContext, input: CreateVpcRequest): CreateVpcResult {
  const s = ec2Of(ctx);
  if (input.CidrBlock === undefined) {
    throw new ServiceError('MissingParameter', "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
  }
  const block = parseBlock(input.CidrBlock, 'cidrBlock');
  if (block.prefix < 16 || block.prefix > 28)
    throw new ServiceError('InvalidVpc.Range', `The CIDR '${input.CidrBlock}' is invalid.`);
  const tenancy = input.InstanceTenancy ?? 'default';
  if (!['default', 'dedicated', 'host'].includes(tenancy)) {
    throw invalidParameter(`Value (${tenancy}) for parameter instanceTenancy is invalid.`);
  }
  const specs = tagSpecsFor(input.TagSpecifications, ['vpc']);
  const vpc: VpcRecord = {
    id: ec2Id('vpc'),
    cidr: formatCidr4(block),
    cidrAssociationId: ec2Id('vpc-cidr-assoc'),
    dhcpOptionsId: dhcpOptionsOf(s),
    tenancy,
    isDefault: false,
    ownerId: ctx.accountId,
  };
  if (input.AmazonProvidedIpv6CidrBlock) {
    vpc.ipv6Cidr = `2600:1f18:${hexId(4)}:${hexId(2)}00::/56`;
    vpc.ipv6AssociationId = ec2Id('vpc-cidr-assoc');
  }
  s.vpcs[vpc.id] = vpc;
  applyTagSpecs(s, specs, 'vpc', vpc.id);
  // What AWS creates with every VPC: its default security group, network ACL and main route table.
  createDefaultGroup(ctx, s, vpc.id);
  createAcl(ctx, s, vpc.id, true);
  createRouteTable(ctx, s, vpc.id, true);
  return { Vpc: { ...vpcView(s, vpc), State: 'pending' } };
}

/** One DHCP options set per region, shared by its VPCs, as in a new account. */
function dhcpOptionsOf(s: Ec2State): string {
  const any = Object.values(s.vpcs)[0];
  return any?.dhcpOptionsId ?? ec2Id('dopt');
}

export function vpcView(s: Ec2State, v: VpcRecord): Vpc {
  return {
    CidrBlock: v.cidr,
    DhcpOptionsId: v.dhcpOptionsId,
    State: 'available',
    VpcId: v.id,
    OwnerId: v.ownerId,
    InstanceTenancy: v.tenancy as Vpc['InstanceTenancy'],
    Ipv6CidrBlockAssociationSet: v.ipv6Cidr
      ? [
          {
            AssociationId: v.ipv6AssociationId,
            Ipv6CidrBlock: v.ipv6Cidr,
            Ipv6CidrBlockState: { State: 'associated' },
            NetworkBorderGroup: undefined,
            Ipv6Pool: 'Amazon',
          },
        ]
      : undefined,
    CidrBlockAssociationSet: [
      { AssociationId: v.cidrAssociationId, CidrBlock: v.cidr, CidrBlockState: { State: 'associated' } },
    ],
    IsDefault: v.isDefault,
    Tags: tagsOf(s, v.id),
  };
}

const vpcFilters: FilterTable<VpcRecord> = {
  'vpc-id': (v) => v.id,
  cidr: (v) => v.cidr,
  'cidr-block-association.cidr-block': (v) => v.cidr,
  'cidr-block-association.association-id': (v) => v.cidrAssociationId,
  'cidr-block-association.state': () => 'associated',
  'ipv6-cidr-block-association.ipv6-cidr-block': (v) => v.ipv6Cidr,
  'dhcp-options-id': (v) => v.dhcpOptionsId,
  'is-default': (v) => v.isDefault,
  'owner-id': (v) => v.ownerId,
  state: () => 'available',
};

export function describeVpcs(ctx: CallContext, input: DescribeVpcsRequest): DescribeVpcsResult {
  const s = ec2Of(ctx);
  const selected = applyFilters(s, selectByIds(s.vpcs, kinds.vpc, input.VpcIds), input.Filters, vpcFilters);
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, [
    input.VpcIds,
    input.Filters,
  ]);
  return { Vpcs: items.map((v) => vpcView(s, v)), NextToken: nextToken };
}

export function deleteVpc(ctx: CallContext, input: DeleteVpcRequest): Record<string, never> {
  const s = ec2Of(ctx);
  const vpc = find(s.vpcs, kinds.vpc, input.VpcId);
  const inVpc = <T extends { vpcId: string }>(table: Record<string, T>) =>
    Object.values(table).filter((r) => r.vpcId === vpc.id);
  const busy =
    inVpc(s.subnets).length > 0 ||
    inVpc(s.groups).some((g) => g.name !== 'default') ||
    inVpc(s.acls).some((a) => !a.isDefault) ||
    inVpc(s.routeTables).some((r) => !r.associations.some((a) => a.main)) ||
    Object.values(s.internetGateways).some((g) => g.attachments.some((a) => a.vpcId === vpc.id));
  if (busy) throw dependencyViolation(`The vpc '${vpc.id}' has dependencies and cannot be deleted.`);
  // The defaults go with the VPC; so do its flow logs (AWS removes them eventually).
  const owned = [...inVpc(s.groups), ...inVpc(s.acls), ...inVpc(s.routeTables)].map((r) => r.id);
  for (const id of owned) {
    delete s.groups[id];
    delete s.acls[id];
    delete s.routeTables[id];
    delete s.tags[id];
  }
  for (const fl of Object.values(s.flowLogs)) {
    if (fl.resourceId === vpc.id) {
      delete s.flowLogs[fl.id];
      delete s.tags[fl.id];
    }
  }
  delete s.vpcs[vpc.id];
  delete s.tags[vpc.id];
  return {};
}

// Subnets.

const azLetters = (region: string) => (region === 'us-east-1' ? 'abcdef' : 'abc').split('');

function regionCode(region: string): string {
  const words: Record<string, string> = { north: 'n', south: 's', east: 'e', west: 'w', central: 'c' };
  const [geo = '', direction = '', n = ''] = region.split('-');
  const dir = direction.replace(/north|south|east|west|central/g, (w) => words[w] ?? w);
  return `${geo}${dir}${n}`;
}

export function zonesOf(region: string): Array<{ name: string; id: string }> {
  return azLetters(region).map((l, i) => ({ name: `${region}${l}`, id: `${regionCode(region)}-az${i + 1}` }));
}

export function subnetView(ctx: CallContext, s: Ec2State, sn: SubnetRecord): Subnet {
  const used = Object.values(s.instances).filter(
    (i) => i.subnetId === sn.id && i.state !== 'terminated',
  ).length;
  return {
    AvailabilityZone: sn.az,
    AvailabilityZoneId: sn.azId,
    AvailableIpAddressCount: sizeOf(parseCidr4(sn.cidr)!) - 5 - used,
    CidrBlock: sn.cidr,
    DefaultForAz: false,
    MapPublicIpOnLaunch: sn.mapPublicIpOnLaunch,
    MapCustomerOwnedIpOnLaunch: false,
    State: 'available',
    SubnetId: sn.id,
    VpcId: sn.vpcId,
    OwnerId: sn.ownerId,
    AssignIpv6AddressOnCreation: sn.assignIpv6OnCreation ?? false,
    Ipv6CidrBlockAssociationSet: sn.ipv6Cidr
      ? [
          {
            AssociationId: sn.ipv6AssociationId,
            Ipv6CidrBlock: sn.ipv6Cidr,
            Ipv6CidrBlockState: { State: 'associated' },
          },
        ]
      : [],
    Tags: tagsOf(s, sn.id),
    SubnetArn: `arn:aws:ec2:${ctx.region}:${sn.ownerId}:subnet/${sn.id}`,
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
  };
}

export function createSubnet(ctx: CallContext, input: CreateSubnetRequest): CreateSubnetResult {
  const s = ec2Of(ctx);
  const vpc = find(s.vpcs, kinds.vpc, input.VpcId);
  if (input.CidrBlock === undefined)
    throw new ServiceError('MissingParameter', 'The request must contain the parameter cidrBlock');
  const block = parseBlock(input.CidrBlock, 'cidrBlock');
  const text = input.CidrBlock;
  if (block.prefix < 16 || block.prefix > 28 || !contains(parseCidr4(vpc.cidr)!, block)) {
    throw new ServiceError('InvalidSubnet.Range', `The CIDR '${text}' is invalid.`);
  }
  for (const other of Object.values(s.subnets)) {
    if (other.vpcId === vpc.id && overlaps(parseCidr4(other.cidr)!, block)) {
      throw new ServiceError('InvalidSubnet.Conflict', `The CIDR '${text}' conflicts with another subnet`);
    }
  }
  const zones = zonesOf(ctx.region);
  let zone = zones[0]!;
  if (input.AvailabilityZone !== undefined || input.AvailabilityZoneId !== undefined) {
    const wanted = zones.find((z) => z.name === input.AvailabilityZone || z.id === input.AvailabilityZoneId);
    if (!wanted) {
      const param = input.AvailabilityZone !== undefined ? 'availabilityZone' : 'availabilityZoneId';
      throw invalidParameter(
        `Value (${input.AvailabilityZone ?? input.AvailabilityZoneId}) for parameter ${param} is invalid. ` +
          `Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.name).join(', ')}.`,
      );
    }
    zone = wanted;
  }
  if (input.Ipv6CidrBlock !== undefined) {
    if (!vpc.ipv6Cidr) throw invalidParameter(`The VPC '${vpc.id}' has no IPv6 CIDR block associated.`);
    if (!isIpv6Cidr(input.Ipv6CidrBlock) || !input.Ipv6CidrBlock.endsWith('/64')) {
      throw new ServiceError('InvalidSubnet.Range', `The IPv6 CIDR '${input.Ipv6CidrBlock}' is invalid.`);
    }
  }
  const specs = tagSpecsFor(input.TagSpecifications, ['subnet']);
  const subnet: SubnetRecord = {
    id: ec2Id('subnet'),
    vpcId: vpc.id,
    cidr: formatCidr4(block),
    az: zone.name,
    azId: zone.id,
    ownerId: ctx.accountId,
    mapPublicIpOnLaunch: false,
    ipv6Cidr: input.Ipv6CidrBlock,
    ipv6AssociationId: input.Ipv6CidrBlock ? ec2Id('subnet-cidr-assoc') : undefined,
  };
  s.subnets[subnet.id] = subnet;
  applyTagSpecs(s, specs, 'subnet', subnet.id);
  associateWithDefaultAcl(s, subnet);
  return { Subnet: subnetView(ctx, s, subnet) };
}

export function deleteSubnet(ctx: CallContext, input: DeleteSubnetRequest): Record<string, never> {
  const s = ec2Of(ctx);
  const subnet = find(s.subnets, kinds.subnet, input.SubnetId);
  if (Object.values(s.instances).some((i) => i.subnetId === subnet.id && i.state !== 'terminated')) {
    throw dependencyViolation(`The subnet '${subnet.id}' has dependencies and cannot be deleted.`);
  }
  dropSubnetAclAssociation(s, subnet.id);
  dropSubnetRouteAssociations(s, subnet.id);
  for (const fl of Object.values(s.flowLogs)) {
    if (fl.resourceId === subnet.id) {
      delete s.flowLogs[fl.id];
      delete s.tags[fl.id];
    }
  }
  delete s.subnets[subnet.id];
  delete s.tags[subnet.id];
  return {};
}

const subnetFilters: FilterTable<SubnetRecord> = {
  'subnet-id': (sn) => sn.id,
  'vpc-id': (sn) => sn.vpcId,
  'cidr-block': (sn) => sn.cidr,
  cidr: (sn) => sn.cidr,
  cidrBlock: (sn) => sn.cidr,
  'availability-zone': (sn) => sn.az,
  availabilityZone: (sn) => sn.az,
  'availability-zone-id': (sn) => sn.azId,
  'default-for-az': () => false,
  defaultForAz: () => false,
  'map-public-ip-on-launch': (sn) => sn.mapPublicIpOnLaunch,
  'owner-id': (sn) => sn.ownerId,
  state: () => 'available',
  'ipv6-cidr-block-association.ipv6-cidr-block': (sn) => sn.ipv6Cidr,
};

export function describeSubnets(ctx: CallContext, input: DescribeSubnetsRequest): DescribeSubnetsResult {
  const s = ec2Of(ctx);
  const selected = applyFilters(
    s,
    selectByIds(s.subnets, kinds.subnet, input.SubnetIds),
    input.Filters,
    subnetFilters,
  );
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, [
    input.SubnetIds,
    input.Filters,
  ]);
  return { Subnets: items.map((sn) => subnetView(ctx, s, sn)), NextToken: nextToken };
}
