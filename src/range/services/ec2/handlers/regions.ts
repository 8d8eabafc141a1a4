import type {
  DescribeAddressesRequest,
  DescribeAddressesResult,
  DescribeRegionsRequest,
  DescribeRegionsResult,
  Region,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { applyFilters, type FilterTable } from '../query.js';
import { invalidParameter } from '../resources.js';
import { ec2Of } from '../store.js';

/**
 * AWS's commercial Regions (the `aws` partition of the SDKs' endpoint data). Those launched before
 * March 2019 are enabled in every account; the others are opt-in (AWS General Reference, "Enable or
 * disable AWS Regions in your account"), and the range's own Region counts as opted in.
 */
const ENABLED_BY_DEFAULT = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];
const OPT_IN = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-west-1',
  'eu-central-2',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
];

interface RegionEntry {
  id: string;
  name: string;
  optIn: 'opt-in-not-required' | 'opted-in' | 'not-opted-in';
}

function regions(ctx: CallContext): RegionEntry[] {
  const all = [
    ...ENABLED_BY_DEFAULT.map((name) => ({ name, optIn: 'opt-in-not-required' as const })),
    ...OPT_IN.map((name) => ({
      name,
      optIn: name === ctx.region ? ('opted-in' as const) : ('not-opted-in' as const),
    })),
  ];
  if (!all.some((r) => r.name === ctx.region)) all.push({ name: ctx.region, optIn: 'opted-in' });
  return all.sort((a, b) => a.name.localeCompare(b.name)).map((r) => ({ ...r, id: r.name }));
}

const regionFilters: FilterTable<RegionEntry> = {
  'region-name': (r) => r.name,
  endpoint: (r) => `ec2.${r.name}.amazonaws.com`,
  'opt-in-status': (r) => r.optIn,
};

/** Enabled Regions by default; AllRegions adds the disabled ones; RegionNames may name either. */
export function describeRegions(ctx: CallContext, input: DescribeRegionsRequest): DescribeRegionsResult {
  const s = ec2Of(ctx);
  const known = regions(ctx);
  let selected = known;
  if (input.RegionNames?.length) {
    selected = input.RegionNames.map((name) => {
      const found = known.find((r) => r.name === name);
      if (!found) throw invalidParameter(`Invalid region: ${name}`);
      return found;
    });
  } else if (!input.AllRegions) {
    selected = known.filter((r) => r.optIn !== 'not-opted-in');
  }
  return {
    Regions: applyFilters(s, selected, input.Filters, regionFilters).map((r): Region => ({
      Endpoint: `ec2.${r.name}.amazonaws.com`,
      RegionName: r.name,
      OptInStatus: r.optIn,
    })),
  };
}

const addressFilters: FilterTable<{ id: string }> = Object.fromEntries(
  [
    'allocation-id',
    'association-id',
    'domain',
    'instance-id',
    'network-border-group',
    'network-interface-id',
    'network-interface-owner-id',
    'private-ip-address',
    'public-ip',
    'public-ipv4-pool',
  ].map((name) => [name, () => undefined]),
);

/**
 * The range allocates no Elastic IP addresses (instances' public addresses are not Elastic IPs), so
 * there are none to list, and any address named does not exist.
 */
export function describeAddresses(
  ctx: CallContext,
  input: DescribeAddressesRequest,
): DescribeAddressesResult {
  const s = ec2Of(ctx);
  const ip = input.PublicIps?.[0];
  if (ip !== undefined) throw new ServiceError('InvalidAddress.NotFound', `Address '${ip}' not found.`);
  const allocation = input.AllocationIds?.[0];
  if (allocation !== undefined) {
    throw new ServiceError(
      'InvalidAllocationID.NotFound',
      `The allocation ID '${allocation}' does not exist`,
    );
  }
  return { Addresses: applyFilters(s, [], input.Filters, addressFilters) as [] };
}
