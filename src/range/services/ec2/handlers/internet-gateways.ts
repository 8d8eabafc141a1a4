import type {
  AttachInternetGatewayRequest,
  CreateInternetGatewayRequest,
  CreateInternetGatewayResult,
  DeleteInternetGatewayRequest,
  DescribeInternetGatewaysRequest,
  DescribeInternetGatewaysResult,
  DetachInternetGatewayRequest,
  InternetGateway,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { ec2Id } from '../../../ids.js';
import { applyFilters, applyTagSpecs, page, tagSpecsFor, tagsOf, type FilterTable } from '../query.js';
import { dependencyViolation, find, kinds, selectByIds } from '../resources.js';
import { ec2Of, type Ec2State, type InternetGatewayRecord } from '../store.js';

function view(s: Ec2State, g: InternetGatewayRecord): InternetGateway {
  return {
    // EC2 reports an attached internet gateway as `available`, outside the SDK's enum.
    Attachments: g.attachments.map((a) => ({ VpcId: a.vpcId, State: 'available' as 'attached' })),
    InternetGatewayId: g.id,
    OwnerId: g.ownerId,
    Tags: tagsOf(s, g.id) ?? [],
  };
}

export function createInternetGateway(
  ctx: CallContext,
  input: CreateInternetGatewayRequest,
): CreateInternetGatewayResult {
  const s = ec2Of(ctx);
  const specs = tagSpecsFor(input.TagSpecifications, ['internet-gateway']);
  const gateway: InternetGatewayRecord = { id: ec2Id('igw'), ownerId: ctx.accountId, attachments: [] };
  s.internetGateways[gateway.id] = gateway;
  applyTagSpecs(s, specs, 'internet-gateway', gateway.id);
  return { InternetGateway: view(s, gateway) };
}

export function deleteInternetGateway(
  ctx: CallContext,
  input: DeleteInternetGatewayRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const gateway = find(s.internetGateways, kinds.internetGateway, input.InternetGatewayId);
  if (gateway.attachments.length) {
    throw dependencyViolation(`The internetGateway '${gateway.id}' has dependencies and cannot be deleted.`);
  }
  delete s.internetGateways[gateway.id];
  delete s.tags[gateway.id];
  return {};
}

export function attachInternetGateway(
  ctx: CallContext,
  input: AttachInternetGatewayRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const gateway = find(s.internetGateways, kinds.internetGateway, input.InternetGatewayId);
  const vpc = find(s.vpcs, kinds.vpc, input.VpcId);
  const attached = gateway.attachments[0];
  if (attached) {
    throw new ServiceError(
      'Resource.AlreadyAssociated',
      `resource ${gateway.id} is already attached to network ${attached.vpcId}`,
    );
  }
  const other = Object.values(s.internetGateways).find((g) => g.attachments.some((a) => a.vpcId === vpc.id));
  if (other) {
    throw new ServiceError(
      'InvalidParameterValue',
      `Network ${vpc.id} already has an internet gateway attached`,
    );
  }
  gateway.attachments.push({ vpcId: vpc.id });
  return {};
}

export function detachInternetGateway(
  ctx: CallContext,
  input: DetachInternetGatewayRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const gateway = find(s.internetGateways, kinds.internetGateway, input.InternetGatewayId);
  const vpc = find(s.vpcs, kinds.vpc, input.VpcId);
  if (!gateway.attachments.some((a) => a.vpcId === vpc.id)) {
    throw new ServiceError(
      'Gateway.NotAttached',
      `resource ${gateway.id} is not attached to network ${vpc.id}`,
    );
  }
  gateway.attachments = gateway.attachments.filter((a) => a.vpcId !== vpc.id);
  return {};
}

const filters: FilterTable<InternetGatewayRecord> = {
  'internet-gateway-id': (g) => g.id,
  'attachment.vpc-id': (g) => g.attachments.map((a) => a.vpcId),
  'attachment.state': (g) => (g.attachments.length ? 'available' : undefined),
  'owner-id': (g) => g.ownerId,
};

export function describeInternetGateways(
  ctx: CallContext,
  input: DescribeInternetGatewaysRequest,
): DescribeInternetGatewaysResult {
  const s = ec2Of(ctx);
  const all = selectByIds(s.internetGateways, kinds.internetGateway, input.InternetGatewayIds);
  const selected = applyFilters(s, all, input.Filters, filters);
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, [
    input.InternetGatewayIds,
    input.Filters,
  ]);
  return { InternetGateways: items.map((g) => view(s, g)), NextToken: nextToken };
}
