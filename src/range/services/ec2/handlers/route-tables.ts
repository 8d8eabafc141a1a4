import type {
  AssociateRouteTableRequest,
  AssociateRouteTableResult,
  CreateRouteRequest,
  CreateRouteResult,
  CreateRouteTableRequest,
  CreateRouteTableResult,
  DeleteRouteRequest,
  DeleteRouteTableRequest,
  DescribeRouteTablesRequest,
  DescribeRouteTablesResult,
  DisassociateRouteTableRequest,
  Route,
  RouteTable,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { ec2Id } from '../../../ids.js';
import { isIpv6Cidr, parseCidr4 } from '../cidr.js';
import { applyFilters, applyTagSpecs, page, tagSpecsFor, tagsOf, type FilterTable } from '../query.js';
import { dependencyViolation, find, invalidParameter, kinds, selectByIds } from '../resources.js';
import { ec2Of, type Ec2State, type RouteRecord, type RouteTableRecord } from '../store.js';

/** A route table starts with the `local` route for its VPC's blocks; the VPC's first one is its main table. */
export function createRouteTable(
  ctx: CallContext,
  s: Ec2State,
  vpcId: string,
  main: boolean,
): RouteTableRecord {
  const vpc = s.vpcs[vpcId];
  const routes: RouteRecord[] = [
    { destinationCidrBlock: vpc?.cidr, gatewayId: 'local', origin: 'CreateRouteTable' },
  ];
  if (vpc?.ipv6Cidr)
    routes.push({ destinationIpv6CidrBlock: vpc.ipv6Cidr, gatewayId: 'local', origin: 'CreateRouteTable' });
  const table: RouteTableRecord = {
    id: ec2Id('rtb'),
    vpcId,
    ownerId: ctx.accountId,
    routes,
    associations: [],
  };
  if (main) table.associations.push({ id: ec2Id('rtbassoc'), main: true });
  s.routeTables[table.id] = table;
  return table;
}

export function dropSubnetRouteAssociations(s: Ec2State, subnetId: string): void {
  for (const t of Object.values(s.routeTables))
    t.associations = t.associations.filter((a) => a.subnetId !== subnetId);
}

/** A route whose target is gone (gateway detached, instance terminated) is a blackhole. */
function routeState(s: Ec2State, vpcId: string, r: RouteRecord): 'active' | 'blackhole' {
  if (r.gatewayId?.startsWith('igw-')) {
    const gw = s.internetGateways[r.gatewayId];
    return gw?.attachments.some((a) => a.vpcId === vpcId) ? 'active' : 'blackhole';
  }
  if (r.instanceId) return s.instances[r.instanceId]?.state === 'running' ? 'active' : 'blackhole';
  return 'active';
}

function routeView(s: Ec2State, t: RouteTableRecord, r: RouteRecord): Route {
  const instance = r.instanceId ? s.instances[r.instanceId] : undefined;
  return {
    DestinationCidrBlock: r.destinationCidrBlock,
    DestinationIpv6CidrBlock: r.destinationIpv6CidrBlock,
    GatewayId: r.gatewayId,
    InstanceId: r.instanceId,
    InstanceOwnerId: instance?.ownerId,
    NatGatewayId: r.natGatewayId,
    NetworkInterfaceId: r.networkInterfaceId ?? instance?.networkInterfaceId,
    TransitGatewayId: r.transitGatewayId,
    VpcPeeringConnectionId: r.vpcPeeringConnectionId,
    Origin: r.origin,
    State: routeState(s, t.vpcId, r),
  };
}

function view(s: Ec2State, t: RouteTableRecord): RouteTable {
  return {
    Associations: t.associations.map((a) => ({
      Main: a.main,
      RouteTableAssociationId: a.id,
      RouteTableId: t.id,
      SubnetId: a.subnetId,
      GatewayId: a.gatewayId,
      AssociationState: { State: 'associated' },
    })),
    PropagatingVgws: [],
    RouteTableId: t.id,
    Routes: t.routes.map((r) => routeView(s, t, r)),
    Tags: tagsOf(s, t.id) ?? [],
    VpcId: t.vpcId,
    OwnerId: t.ownerId,
  };
}

export function createRouteTableHandler(
  ctx: CallContext,
  input: CreateRouteTableRequest,
): CreateRouteTableResult {
  const s = ec2Of(ctx);
  const vpc = find(s.vpcs, kinds.vpc, input.VpcId);
  const specs = tagSpecsFor(input.TagSpecifications, ['route-table']);
  const table = createRouteTable(ctx, s, vpc.id, false);
  applyTagSpecs(s, specs, 'route-table', table.id);
  return { RouteTable: view(s, table), ClientToken: input.ClientToken };
}

export function deleteRouteTable(ctx: CallContext, input: DeleteRouteTableRequest): Record<string, never> {
  const s = ec2Of(ctx);
  const table = find(s.routeTables, kinds.routeTable, input.RouteTableId);
  if (table.associations.length)
    throw dependencyViolation(`The routeTable '${table.id}' has dependencies and cannot be deleted.`);
  delete s.routeTables[table.id];
  delete s.tags[table.id];
  return {};
}

function destinationOf(input: { DestinationCidrBlock?: string; DestinationIpv6CidrBlock?: string }): string {
  const dest = input.DestinationCidrBlock ?? input.DestinationIpv6CidrBlock;
  if (dest === undefined) {
    throw new ServiceError(
      'MissingParameter',
      'The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock',
    );
  }
  const valid = input.DestinationCidrBlock !== undefined ? parseCidr4(dest) !== undefined : isIpv6Cidr(dest);
  if (!valid)
    throw invalidParameter(
      `Value (${dest}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`,
    );
  return dest;
}

const sameDestination = (r: RouteRecord, dest: string) =>
  r.destinationCidrBlock === dest || r.destinationIpv6CidrBlock === dest;

export function createRoute(ctx: CallContext, input: CreateRouteRequest): CreateRouteResult {
  const s = ec2Of(ctx);
  const table = find(s.routeTables, kinds.routeTable, input.RouteTableId);
  const dest = destinationOf(input);
  const route: RouteRecord = {
    destinationCidrBlock: input.DestinationCidrBlock,
    destinationIpv6CidrBlock: input.DestinationIpv6CidrBlock,
    origin: 'CreateRoute',
  };
  if (input.GatewayId !== undefined) {
    const gw = find(s.internetGateways, kinds.internetGateway, input.GatewayId);
    if (!gw.attachments.some((a) => a.vpcId === table.vpcId)) {
      throw invalidParameter(
        `route table ${table.id} and network gateway ${gw.id} belong to different networks`,
      );
    }
    route.gatewayId = gw.id;
  } else if (input.InstanceId !== undefined) {
    const instance = find(s.instances, kinds.instance, input.InstanceId);
    if (instance.vpcId !== table.vpcId) {
      throw invalidParameter(
        `route table ${table.id} and instance ${instance.id} belong to different networks`,
      );
    }
    route.instanceId = instance.id;
  } else if (
    input.NatGatewayId ??
    input.NetworkInterfaceId ??
    input.VpcPeeringConnectionId ??
    input.TransitGatewayId
  ) {
    // Targets the range does not model are kept as given.
    Object.assign(route, {
      natGatewayId: input.NatGatewayId,
      networkInterfaceId: input.NetworkInterfaceId,
      vpcPeeringConnectionId: input.VpcPeeringConnectionId,
      transitGatewayId: input.TransitGatewayId,
    });
  } else {
    throw new ServiceError(
      'MissingParameter',
      'The request must contain exactly one gateway, instance, NAT gateway, network interface, transit gateway or VPC peering connection target',
    );
  }
  if (table.routes.some((r) => sameDestination(r, dest))) {
    throw new ServiceError('RouteAlreadyExists', `The route identified by ${dest} already exists.`);
  }
  table.routes.push(route);
  return { Return: true };
}

export function deleteRoute(ctx: CallContext, input: DeleteRouteRequest): Record<string, never> {
  const s = ec2Of(ctx);
  const table = find(s.routeTables, kinds.routeTable, input.RouteTableId);
  const dest = destinationOf(input);
  const route = table.routes.find((r) => sameDestination(r, dest));
  if (!route) {
    const param =
      input.DestinationCidrBlock !== undefined ? 'destination-cidr-block' : 'destination-ipv6-cidr-block';
    throw new ServiceError(
      'InvalidRoute.NotFound',
      `no route with ${param} ${dest} in route table ${table.id}`,
    );
  }
  if (route.gatewayId === 'local')
    throw invalidParameter(`cannot remove local route ${dest} in route table ${table.id}`);
  table.routes = table.routes.filter((r) => r !== route);
  return {};
}

export function associateRouteTable(
  ctx: CallContext,
  input: AssociateRouteTableRequest,
): AssociateRouteTableResult {
  const s = ec2Of(ctx);
  const table = find(s.routeTables, kinds.routeTable, input.RouteTableId);
  const association: RouteTableRecord['associations'][number] = { id: ec2Id('rtbassoc'), main: false };
  if (input.SubnetId !== undefined) {
    const subnet = find(s.subnets, kinds.subnet, input.SubnetId);
    if (subnet.vpcId !== table.vpcId) {
      throw invalidParameter(`Route table ${table.id} and subnet ${subnet.id} belong to different networks`);
    }
    const existing = Object.values(s.routeTables).find((t) =>
      t.associations.some((a) => a.subnetId === subnet.id),
    );
    if (existing) {
      throw new ServiceError(
        'Resource.AlreadyAssociated',
        `the specified association for route table ${existing.id} conflicts with an existing association`,
      );
    }
    association.subnetId = subnet.id;
  } else if (input.GatewayId !== undefined) {
    const gw = find(s.internetGateways, kinds.internetGateway, input.GatewayId);
    association.gatewayId = gw.id;
  } else {
    throw new ServiceError(
      'MissingParameter',
      'The request must contain the parameter subnetId or gatewayId',
    );
  }
  table.associations.push(association);
  return { AssociationId: association.id, AssociationState: { State: 'associated' } };
}

export function disassociateRouteTable(
  ctx: CallContext,
  input: DisassociateRouteTableRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const table = Object.values(s.routeTables).find((t) =>
    t.associations.some((a) => a.id === input.AssociationId),
  );
  const association = table?.associations.find((a) => a.id === input.AssociationId);
  if (!table || !association) {
    throw new ServiceError(
      'InvalidAssociationID.NotFound',
      `The association ID '${input.AssociationId ?? ''}' does not exist`,
    );
  }
  if (association.main)
    throw invalidParameter(`cannot disassociate the main route table association ${association.id}`);
  table.associations = table.associations.filter((a) => a !== association);
  return {};
}

const filters = (s: Ec2State): FilterTable<RouteTableRecord> => ({
  'route-table-id': (t) => t.id,
  'vpc-id': (t) => t.vpcId,
  'owner-id': (t) => t.ownerId,
  'association.subnet-id': (t) => t.associations.map((a) => a.subnetId),
  'association.gateway-id': (t) => t.associations.map((a) => a.gatewayId),
  'association.route-table-association-id': (t) => t.associations.map((a) => a.id),
  'association.route-table-id': (t) => (t.associations.length ? t.id : undefined),
  'association.main': (t) => t.associations.some((a) => a.main),
  'route.destination-cidr-block': (t) => t.routes.map((r) => r.destinationCidrBlock),
  'route.destination-ipv6-cidr-block': (t) => t.routes.map((r) => r.destinationIpv6CidrBlock),
  'route.gateway-id': (t) => t.routes.map((r) => r.gatewayId),
  'route.instance-id': (t) => t.routes.map((r) => r.instanceId),
  'route.nat-gateway-id': (t) => t.routes.map((r) => r.natGatewayId),
  'route.origin': (t) => t.routes.map((r) => r.origin),
  'route.state': (t) => t.routes.map((r) => routeState(s, t.vpcId, r)),
});

export function describeRouteTables(
  ctx: CallContext,
  input: DescribeRouteTablesRequest,
): DescribeRouteTablesResult {
  const s = ec2Of(ctx);
  const all = selectByIds(s.routeTables, kinds.routeTable, input.RouteTableIds);
  const selected = applyFilters(s, all, input.Filters, filters(s));
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 100 }, [
    input.RouteTableIds,
    input.Filters,
  ]);
  return { RouteTables: items.map((t) => view(s, t)), NextToken: nextToken };
}
