import type {
  CreateFlowLogsRequest,
  CreateFlowLogsResult,
  DeleteFlowLogsRequest,
  DeleteFlowLogsResult,
  DescribeFlowLogsRequest,
  DescribeFlowLogsResult,
  FlowLog,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { rootPrincipal } from '../../../identity.js';
import { ec2Id } from '../../../ids.js';
import { applyFilters, applyTagSpecs, page, tagSpecsFor, tagsOf, type FilterTable } from '../query.js';
import {
  find,
  invalidParameter,
  isWellFormed,
  kinds,
  malformed,
  missingParameter,
  notFound,
} from '../resources.js';
import { ec2Of, type Ec2State, type FlowLogRecord } from '../store.js';

const DEFAULT_FORMAT =
  '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}';

/** Check that a flow log's resource exists; network interfaces are the instances' primary ones. */
function checkResource(s: Ec2State, type: string, id: string): void {
  if (type === 'VPC') find(s.vpcs, kinds.vpc, id);
  else if (type === 'Subnet') find(s.subnets, kinds.subnet, id);
  else if (type === 'NetworkInterface') {
    if (!isWellFormed(kinds.networkInterface, id)) throw malformed(kinds.networkInterface, id);
    if (!Object.values(s.instances).some((i) => i.networkInterfaceId === id && i.state !== 'terminated')) {
      throw notFound(kinds.networkInterface, id);
    }
  } else {
    throw invalidParameter(
      `Value (${type}) for parameter resourceType is invalid. The range supports VPC, Subnet and NetworkInterface.`,
    );
  }
}

function destinationOf(ctx: CallContext, input: CreateFlowLogsRequest) {
  const type = input.LogDestinationType ?? 'cloud-watch-logs';
  if (type === 'cloud-watch-logs') {
    let group = input.LogGroupName;
    if (group === undefined && input.LogDestination !== undefined) {
      const m = /^arn:aws[\w-]*:logs:[\w-]+:\d{12}:log-group:([^:]+)(:\*)?$/.exec(input.LogDestination);
      if (!m)
        throw invalidParameter(
          `Value (${input.LogDestination}) for parameter logDestination is invalid. Expected a log group ARN.`,
        );
      group = m[1];
    }
    if (group === undefined) throw missingParameter('LogGroupName');
    if (input.DeliverLogsPermissionArn === undefined) throw missingParameter('DeliverLogsPermissionArn');
    const destination =
      input.LogDestination ?? `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${group}`;
    return { type, logGroupName: group, destination };
  }
  if (type === 's3' || type === 'kinesis-data-firehose') {
    if (input.LogDestination === undefined) throw missingParameter('LogDestination');
    const pattern =
      type === 's3'
        ? /^arn:aws[\w-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/
        : /^arn:aws[\w-]*:firehose:/;
    if (!pattern.test(input.LogDestination)) {
      throw invalidParameter(`Value (${input.LogDestination}) for parameter logDestination is invalid.`);
    }
    if (input.LogGroupName !== undefined || input.DeliverLogsPermissionArn !== undefined) {
      throw new ServiceError(
        'InvalidParameterCombination',
        `LogGroupName and DeliverLogsPermissionArn cannot be used with LogDestinationType ${type}`,
      );
    }
    return { type, logGroupName: undefined, destination: input.LogDestination };
  }
  throw invalidParameter(`Value (${type}) for parameter logDestinationType is invalid.`);
}

const FLOW_LOGS_SERVICE = 'vpc-flow-logs.amazonaws.com';

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** Does a trust policy let VPC Flow Logs assume the role? (Conditions such as aws:SourceAccount hold.) */
function trustsFlowLogs(document: string): boolean {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(document.trimStart().startsWith('{') ? document : decodeURIComponent(document)) as {
      Statement?: unknown;
    };
  } catch {
    return false;
  }
  return asList(doc.Statement).some((s) => {
    const st = s as { Effect?: unknown; Action?: unknown; Principal?: unknown };
    const services = asList((st.Principal as { Service?: unknown } | undefined)?.Service);
    const actions = asList(st.Action);
    return (
      st.Effect === 'Allow' &&
      services.includes(FLOW_LOGS_SERVICE) &&
      actions.some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*')
    );
  });
}

/**
 * Why CloudWatch Logs delivery will fail, in DescribeFlowLogs' words: "Access error indicates that the
 * IAM role associated with the flow log does not have sufficient permissions to publish to CloudWatch
 * Logs" (EC2 API reference, FlowLog.DeliverLogsErrorMessage). AWS accepts the flow log and reports the
 * failure; the range checks once, when the flow log is created, that the role exists in the account
 * and trusts VPC Flow Logs (the role's permissions policies are not evaluated).
 */
async function deliveryError(ctx: CallContext, roleArn: string): Promise<string | undefined> {
  const role = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  if (!role || role[1] !== ctx.accountId) return 'Access error';
  let out: { Role?: { AssumeRolePolicyDocument?: string } };
  try {
    out = (await ctx.dispatch(
      'iam',
      'GetRole',
      { RoleName: role[2] },
      { record: false, principal: rootPrincipal(ctx.accountId) },
    )) as typeof out;
  } catch (err) {
    const code = err instanceof ServiceError ? err.code : undefined;
    if (code === 'NoSuchEntity') return 'Access error';
    // A range without IAM cannot judge the role: delivery is assumed to work.
    if (code === 'InvalidAction' || code === 'NotImplemented') return undefined;
    throw err;
  }
  return trustsFlowLogs(out.Role?.AssumeRolePolicyDocument ?? '') ? undefined : 'Access error';
}

export async function createFlowLogs(
  ctx: CallContext,
  input: CreateFlowLogsRequest,
): Promise<CreateFlowLogsResult> {
  const s = ec2Of(ctx);
  const resourceType = input.ResourceType ?? '';
  const ids = input.ResourceIds ?? [];
  for (const id of ids) checkResource(s, resourceType, id);
  const trafficType = input.TrafficType;
  if (trafficType === undefined) throw missingParameter('TrafficType');
  if (!['ACCEPT', 'REJECT', 'ALL'].includes(trafficType)) {
    throw invalidParameter(`Value (${trafficType}) for parameter trafficType is invalid.`);
  }
  const interval = input.MaxAggregationInterval ?? 600;
  if (interval !== 60 && interval !== 600) {
    throw invalidParameter(
      `Value (${interval}) for parameter maxAggregationInterval is invalid. Valid values are 60 and 600.`,
    );
  }
  const dest = destinationOf(ctx, input);
  const deliverLogsError =
    dest.type === 'cloud-watch-logs' ? await deliveryError(ctx, input.DeliverLogsPermissionArn!) : undefined;
  const specs = tagSpecsFor(input.TagSpecifications, ['vpc-flow-log']);
  const out: CreateFlowLogsResult = { ClientToken: input.ClientToken, FlowLogIds: [], Unsuccessful: [] };
  for (const resourceId of ids) {
    // One log group is one destination, whether named by LogGroupName or by its ARN (with or without `:*`).
    const twin = Object.values(s.flowLogs).find(
      (f) =>
        f.resourceId === resourceId &&
        f.trafficType === trafficType &&
        (dest.logGroupName !== undefined
          ? f.logGroupName === dest.logGroupName
          : f.destination === dest.destination),
    );
    if (twin) {
      out.Unsuccessful!.push({
        ResourceId: resourceId,
        Error: {
          Code: 'FlowLogAlreadyExists',
          Message: 'Error. There is an existing Flow Log with the same configuration and log destination.',
        },
      });
      continue;
    }
    const flowLog: FlowLogRecord = {
      id: ec2Id('fl'),
      resourceId,
      resourceType,
      trafficType,
      destinationType: dest.type,
      logGroupName: dest.logGroupName,
      destination: dest.destination,
      deliverLogsPermissionArn: input.DeliverLogsPermissionArn,
      deliverLogsError,
      logFormat: input.LogFormat ?? DEFAULT_FORMAT,
      maxAggregationInterval: interval,
      createdAt: ctx.now,
    };
    s.flowLogs[flowLog.id] = flowLog;
    applyTagSpecs(s, specs, 'vpc-flow-log', flowLog.id);
    out.FlowLogIds!.push(flowLog.id);
  }
  return out;
}

function view(s: Ec2State, f: FlowLogRecord): FlowLog {
  return {
    CreationTime: f.createdAt,
    DeliverLogsPermissionArn: f.deliverLogsPermissionArn,
    DeliverLogsStatus: f.deliverLogsError ? 'FAILED' : 'SUCCESS',
    DeliverLogsErrorMessage: f.deliverLogsError,
    FlowLogId: f.id,
    FlowLogStatus: 'ACTIVE',
    LogGroupName: f.logGroupName,
    ResourceId: f.resourceId,
    TrafficType: f.trafficType as FlowLog['TrafficType'],
    LogDestinationType: f.destinationType as FlowLog['LogDestinationType'],
    LogDestination: f.destination,
    LogFormat: f.logFormat,
    Tags: tagsOf(s, f.id),
    MaxAggregationInterval: f.maxAggregationInterval,
  };
}

const filters: FilterTable<FlowLogRecord> = {
  'flow-log-id': (f) => f.id,
  'resource-id': (f) => f.resourceId,
  'log-group-name': (f) => f.logGroupName,
  'log-destination-type': (f) => f.destinationType,
  'traffic-type': (f) => f.trafficType,
  'deliver-log-status': (f) => (f.deliverLogsError ? 'FAILED' : 'SUCCESS'),
};

/** FlowLogIds narrow the list like a filter: EC2 answers an empty list for ids it does not know. */
export function describeFlowLogs(ctx: CallContext, input: DescribeFlowLogsRequest): DescribeFlowLogsResult {
  const s = ec2Of(ctx);
  let all = Object.values(s.flowLogs);
  if (input.FlowLogIds?.length) all = all.filter((f) => input.FlowLogIds!.includes(f.id));
  const selected = applyFilters(s, all, input.Filter, filters);
  const { page: items, nextToken } = page(selected, input, { min: 1, max: 1000 }, [
    input.FlowLogIds,
    input.Filter,
  ]);
  return { FlowLogs: items.map((f) => view(s, f)), NextToken: nextToken };
}

export function deleteFlowLogs(ctx: CallContext, input: DeleteFlowLogsRequest): DeleteFlowLogsResult {
  const s = ec2Of(ctx);
  const unsuccessful: NonNullable<DeleteFlowLogsResult['Unsuccessful']> = [];
  for (const id of input.FlowLogIds ?? []) {
    if (!s.flowLogs[id]) {
      unsuccessful.push({
        ResourceId: id,
        Error: { Code: kinds.flowLog.notFound, Message: kinds.flowLog.missing(id) },
      });
      continue;
    }
    delete s.flowLogs[id];
    delete s.tags[id];
  }
  return { Unsuccessful: unsuccessful };
}
