import type {
  DescribeNetworkInterfacesRequest,
  DescribeNetworkInterfacesResult,
  NetworkInterface,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { applyFilters, page, tagsOf, type FilterTable } from '../query.js';
import { isWellFormed, kinds, malformed, notFound } from '../resources.js';
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
