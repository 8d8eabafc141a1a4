import type {
  AvailabilityZone,
  DescribeAvailabilityZonesRequest,
  DescribeAvailabilityZonesResult,
  DescribeVpcAttributeRequest,
  DescribeVpcAttributeResult,
  ModifySubnetAttributeRequest,
  ModifyVpcAttributeRequest,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { applyFilters, type FilterTable } from '../query.js';
import { find, invalidParameter, kinds } from '../resources.js';
import { ec2Of, type VpcRecord } from '../store.js';
import { zonesOf } from './vpcs.js';

const dnsOf = (v: VpcRecord) => v.dns ?? { support: true, hostnames: false, usageMetrics: false };

function oneAttribute(given: Array<[string, unknown]>): string {
  const set = given.filter(([, v]) => v !== undefined).map(([k]) => k);
  if (set.length === 0)
    throw new ServiceError('MissingParameter', 'The request must contain exactly one attribute to modify');
  if (set.length > 1)
    throw new ServiceError(
      'InvalidParameterCombination',
      `Fields for multiple attribute types specified: ${set.join(', ')}`,
    );
  return set[0] as string;
}

/** One attribute per call, as EC2 requires (CloudFormation sends DNS support and hostnames separately). */
export function modifyVpcAttribute(
  ctx: CallContext,
  input: ModifyVpcAttributeRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const vpc = find(s.vpcs, kinds.vpc, input.VpcId);
  const which = oneAttribute([
    ['enableDnsSupport', input.EnableDnsSupport],
    ['enableDnsHostnames', input.EnableDnsHostnames],
    ['enableNetworkAddressUsageMetrics', input.EnableNetworkAddressUsageMetrics],
  ]);
  const dns = { ...dnsOf(vpc) };
  if (which === 'enableDnsSupport') dns.support = input.EnableDnsSupport?.Value ?? dns.support;
  if (which === 'enableDnsHostnames') dns.hostnames = input.EnableDnsHostnames?.Value ?? dns.hostnames;
  if (which === 'enableNetworkAddressUsageMetrics')
    dns.usageMetrics = input.EnableNetworkAddressUsageMetrics?.Value ?? dns.usageMetrics;
  vpc.dns = dns;
  return {};
}

export function describeVpcAttribute(
  ctx: CallContext,
  input: DescribeVpcAttributeRequest,
): DescribeVpcAttributeResult {
  const s = ec2Of(ctx);
  const vpc = find(s.vpcs, kinds.vpc, input.VpcId);
  const dns = dnsOf(vpc);
  switch (input.Attribute) {
    case 'enableDnsSupport':
      return { VpcId: vpc.id, EnableDnsSupport: { Value: dns.support } };
    case 'enableDnsHostnames':
      return { VpcId: vpc.id, EnableDnsHostnames: { Value: dns.hostnames } };
    case 'enableNetworkAddressUsageMetrics':
      return { VpcId: vpc.id, EnableNetworkAddressUsageMetrics: { Value: dns.usageMetrics } };
    default:
      throw invalidParameter(
        `Value (${String(input.Attribute)}) for parameter attribute is invalid. Unknown attribute.`,
      );
  }
}

export function modifySubnetAttribute(
  ctx: CallContext,
  input: ModifySubnetAttributeRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const subnet = find(s.subnets, kinds.subnet, input.SubnetId);
  const which = oneAttribute([
    ['MapPublicIpOnLaunch', input.MapPublicIpOnLaunch],
    ['AssignIpv6AddressOnCreation', input.AssignIpv6AddressOnCreation],
    ['MapCustomerOwnedIpOnLaunch', input.MapCustomerOwnedIpOnLaunch],
    ['EnableDns64', input.EnableDns64],
    ['PrivateDnsHostnameTypeOnLaunch', input.PrivateDnsHostnameTypeOnLaunch],
    ['EnableResourceNameDnsARecordOnLaunch', input.EnableResourceNameDnsARecordOnLaunch],
    ['EnableResourceNameDnsAAAARecordOnLaunch', input.EnableResourceNameDnsAAAARecordOnLaunch],
  ]);
  if (which === 'MapPublicIpOnLaunch') subnet.mapPublicIpOnLaunch = input.MapPublicIpOnLaunch?.Value ?? false;
  else if (which === 'AssignIpv6AddressOnCreation') {
    if (input.AssignIpv6AddressOnCreation?.Value && !subnet.ipv6Cidr) {
      throw invalidParameter(
        `Invalid value 'true' for assignIpv6AddressOnCreation. Cannot set assignIpv6AddressOnCreation to true unless the subnet (${subnet.id}) has an IPv6 CIDR block associated with it.`,
      );
    }
    subnet.assignIpv6OnCreation = input.AssignIpv6AddressOnCreation?.Value ?? false;
  } else {
    throw new ServiceError('UnsupportedOperation', `The range does not model the subnet attribute ${which}.`);
  }
  return {};
}

const zoneFilters: FilterTable<{ id: string; name: string; region: string }> = {
  'zone-name': (z) => z.name,
  'zone-id': (z) => z.id,
  'region-name': (z) => z.region,
  state: () => 'available',
  'zone-type': () => 'availability-zone',
  'opt-in-status': () => 'opt-in-not-required',
  'group-name': (z) => z.region,
};

export function describeAvailabilityZones(
  ctx: CallContext,
  input: DescribeAvailabilityZonesRequest,
): DescribeAvailabilityZonesResult {
  const s = ec2Of(ctx);
  let zones = zonesOf(ctx.region).map((z) => ({ ...z, region: ctx.region }));
  for (const name of input.ZoneNames ?? []) {
    if (!zones.some((z) => z.name === name)) throw invalidParameter(`Invalid availability zone: [${name}]`);
  }
  for (const id of input.ZoneIds ?? []) {
    if (!zones.some((z) => z.id === id)) throw invalidParameter(`Invalid availability zone: [${id}]`);
  }
  if (input.ZoneNames?.length || input.ZoneIds?.length) {
    zones = zones.filter((z) => input.ZoneNames?.includes(z.name) || input.ZoneIds?.includes(z.id));
  }
  const selected = applyFilters(s, zones, input.Filters, zoneFilters);
  return {
    AvailabilityZones: selected.map((z): AvailabilityZone => ({
      State: 'available',
      OptInStatus: 'opt-in-not-required',
      Messages: [],
      RegionName: z.region,
      ZoneName: z.name,
      ZoneId: z.id,
      GroupName: z.region,
      NetworkBorderGroup: z.region,
      ZoneType: 'availability-zone',
    })),
  };
}
