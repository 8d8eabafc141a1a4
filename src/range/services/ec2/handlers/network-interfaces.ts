import type {
  DescribeNetworkInterfacesRequest,
  DescribeNetworkInterfacesResult,
  ModifyNetworkInterfaceAttributeRequest,
  NetworkInterface,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { applyFilters, page, tagsOf, type FilterTable } from '../query.js';
import {
  find,
  invalidParameter,
  isWellFormed,
  kinds,
  malformed,
  missingParameter,
  notFound,
} from '../resources.js';
import { ec2Of, type Ec2State, type InstanceRecord } from '../store.js';
import { instanceView } from './instances.js';

/** The range's network interfaces are its instances' primary ones; they come and go with them. */
interface Eni {
  id: string;
  instance: InstanceRecord;
}

function interfacesOf(s: Ec2State): Eni[] {
  return Object.values(s.instances)
    .filter((i) => i.state !== 'terminated')
    .map((instance) => ({ id: instance.networkInterfaceId, instance }));
}

function view(ctx: CallContext, s: Ec2State, eni: Eni): NetworkInterface {
  const nic = instanceView(ctx, s, eni.instance).NetworkInterfaces![0]!;
  return {
    Association: nic.Association,
    Attachment: { ...nic.Attachment, InstanceId: eni.instance.id, InstanceOwnerId: eni.instance.ownerId },
    AvailabilityZone: eni.instance.az,
    Description: nic.Description,
    Groups: nic.Groups,
    InterfaceType: 'interface',
    Ipv6Addresses: [],
    MacAddress: nic.MacAddress,
    NetworkInterfaceId: eni.id,
    OwnerId: nic.OwnerId,
    PrivateDnsName: nic.PrivateDnsName,
    PrivateIpAddress: nic.PrivateIpAddress,
    PrivateIpAddresses: nic.PrivateIpAddresses,
    RequesterManaged: false,
    SourceDestCheck: nic.SourceDestCheck,
    Status: 'in-use',
    SubnetId: nic.SubnetId,
    TagSet: tagsOf(s, eni.id) ?? [],
    VpcId: nic.VpcId,
  };
}

const filters = (s: Ec2State): FilterTable<Eni> => ({
  'network-interface-id': (e) => e.id,
  'group-id': (e) => e.instance.groupIds,
  'group-name': (e) => e.instance.groupIds.map((g) => s.groups[g]?.name),
  'subnet-id': (e) => e.instance.subnetId,
  'vpc-id': (e) => e.instance.vpcId,
  'availability-zone': (e) => e.instance.az,
  'attachment.instance-id': (e) => e.instance.id,
  'attachment.instance-owner-id': (e) => e.instance.ownerId,
  'attachment.status': () => 'attached',
  'private-ip-address': (e) => e.instance.privateIp,
  'association.public-ip': (e) => e.instance.publicIp,
  'addresses.private-ip-address': (e) => e.instance.privateIp,
  'mac-address': (e) => e.instance.macAddress,
  'owner-id': (e) => e.instance.ownerId,
  'interface-type': () => 'interface',
  description: (e) => e.instance.networkInterfaceDescription ?? '',
  status: () => 'in-use',
});

export function describeNetworkInterfaces(
  ctx: CallContext,
  input: DescribeNetworkInterfacesRequest,
): DescribeNetworkInterfacesResult {
  const s = ec2Of(ctx);
  let enis = interfacesOf(s);
  if (input.NetworkInterfaceIds?.length) {
    enis = input.NetworkInterfaceIds.map((id) => {
      if (!isWellFormed(kinds.networkInterface, id)) throw malformed(kinds.networkInterface, id);
      const eni = enis.find((e) => e.id === id);
      if (!eni) throw notFound(kinds.networkInterface, id);
      return eni;
    });
  }
  const selected = applyFilters(s, enis, input.Filters, filters(s));
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, [
    input.NetworkInterfaceIds,
    input.Filters,
  ]);
  return { NetworkInterfaces: items.map((e) => view(ctx, s, e)), NextToken: nextToken };
}

/**
 * One attribute per call, as EC2 requires. Replacing `Groups` is how a responder isolates an instance at
 * its interface; the range's interfaces are instances' primary ones, so this is the instance's group set.
 */
export function modifyNetworkInterfaceAttribute(
  ctx: CallContext,
  input: ModifyNetworkInterfaceAttributeRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const id = input.NetworkInterfaceId;
  if (id === undefined || !isWellFormed(kinds.networkInterface, id))
    throw malformed(kinds.networkInterface, id ?? '');
  const eni = interfacesOf(s).find((e) => e.id === id);
  if (!eni) throw notFound(kinds.networkInterface, id);
  const given = (['Groups', 'Description', 'SourceDestCheck', 'Attachment'] as const).filter(
    (m) => input[m] !== undefined,
  );
  const unmodelled = Object.keys(input).filter(
    (k) =>
      !['NetworkInterfaceId', 'DryRun', ...given].includes(k) && input[k as keyof typeof input] !== undefined,
  );
  if (unmodelled.length) {
    throw new ServiceError(
      'UnsupportedOperation',
      `The range does not model the network interface attribute ${unmodelled.join(', ')}.`,
    );
  }
  if (given.length === 0) throw new ServiceError('InvalidParameterCombination', 'No attributes specified.');
  if (given.length > 1) {
    throw new ServiceError(
      'InvalidParameterCombination',
      `Fields for multiple attribute types specified: ${given.join(', ')}`,
    );
  }
  const inst = eni.instance;
  switch (given[0]) {
    case 'Groups': {
      const ids = input.Groups ?? [];
      if (ids.length === 0) throw missingParameter('SecurityGroupId');
      for (const groupId of ids) {
        const group = find(s.groups, kinds.group, groupId);
        if (group.vpcId !== inst.vpcId) {
          throw invalidParameter(
            `Security group ${groupId} and interface ${id} belong to different networks.`,
          );
        }
      }
      inst.groupIds = [...new Set(ids)];
      break;
    }
    case 'Description':
      inst.networkInterfaceDescription = input.Description?.Value ?? '';
      break;
    case 'SourceDestCheck':
      inst.sourceDestCheck = input.SourceDestCheck?.Value ?? true;
      break;
    default:
      if (input.Attachment?.DeleteOnTermination === false) {
        throw new ServiceError(
          'UnsupportedOperation',
          "The range's instance interfaces are always deleted with their instance.",
        );
      }
  }
  return {};
}
