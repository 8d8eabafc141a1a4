import type {
  DescribeInstanceAttributeRequest,
  DescribeInstanceStatusRequest,
  DescribeInstanceStatusResult,
  InstanceAttribute,
  InstanceStateChange,
  ModifyInstanceAttributeRequest,
  StartInstancesRequest,
  StartInstancesResult,
  StopInstancesRequest,
  StopInstancesResult,
  TerminateInstancesRequest,
  TerminateInstancesResult,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { applyFilters, page, type FilterTable } from '../query.js';
import { find, invalidParameter, kinds, selectByIds } from '../resources.js';
import { ec2Of, type Ec2State, type InstanceRecord, type InstanceStateName } from '../store.js';
import { assignPublicIp, delays, instanceOf, stateCodes, stateOf, transition } from './instances.js';
import { record } from '../../../records.js';

function incorrectState(id: string, verb: string): ServiceError {
  return new ServiceError(
    'IncorrectInstanceState',
    `The instance '${id}' is not in a state from which it can be ${verb}.`,
  );
}

function userInitiated(ctx: CallContext, inst: InstanceRecord): void {
  inst.publicIp = undefined;
  const when = ctx.now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' GMT');
  inst.transitionReason = `User initiated (${when})`;
  inst.stateReason = {
    code: 'Client.UserInitiatedShutdown',
    message: 'Client.UserInitiatedShutdown: User initiated shutdown',
  };
}

/**
 * Apply one state change to every instance named, all or nothing: each is checked before any moves.
 * `plan` answers the states to pass through, `undefined` to leave the instance as it is, or throws.
 */
function change(
  ctx: CallContext,
  ids: string[] | undefined,
  plan: (inst: InstanceRecord) => { now: InstanceStateName; then: InstanceStateName; ms: number } | undefined,
  after?: (s: Ec2State, inst: InstanceRecord) => void,
): InstanceStateChange[] {
  const s = ec2Of(ctx);
  const instances = selectByIds(s.instances, kinds.instance, ids);
  const plans = instances.map((inst) => ({ inst, step: plan(inst), previous: inst.state }));
  return plans.map(({ inst, step, previous }) => {
    if (step) {
      transition(ctx, s, inst, step.now, step.then, step.ms);
      after?.(s, inst);
    }
    return { InstanceId: inst.id, CurrentState: stateOf(inst.state), PreviousState: stateOf(previous) };
  });
}

export function stopInstances(ctx: CallContext, input: StopInstancesRequest): StopInstancesResult {
  const changes = change(
    ctx,
    input.InstanceIds,
    (inst) => {
      if (inst.state === 'stopped' || inst.state === 'stopping') return undefined;
      if (inst.state !== 'running') throw incorrectState(inst.id, 'stopped');
      return { now: 'stopping', then: 'stopped', ms: delays.stop };
    },
    (_s, inst) => userInitiated(ctx, inst),
  );
  return { StoppingInstances: changes };
}

export function startInstances(ctx: CallContext, input: StartInstancesRequest): StartInstancesResult {
  const changes = change(
    ctx,
    input.InstanceIds,
    (inst) => {
      if (inst.state === 'running' || inst.state === 'pending') return undefined;
      if (inst.state !== 'stopped') throw incorrectState(inst.id, 'started');
      return { now: 'pending', then: 'running', ms: delays.launch };
    },
    (s, inst) => {
      inst.transitionReason = '';
      inst.stateReason = undefined;
      assignPublicIp(s, inst);
    },
  );
  return { StartingInstances: changes };
}

export function terminateInstances(
  ctx: CallContext,
  input: TerminateInstancesRequest,
): TerminateInstancesResult {
  const changes = change(
    ctx,
    input.InstanceIds,
    (inst) => {
      if (inst.state === 'terminated' || inst.state === 'shutting-down') return undefined;
      if (inst.disableApiTermination) {
        throw new ServiceError(
          'OperationNotPermitted',
          `The instance '${inst.id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
        );
      }
      return { now: 'shutting-down', then: 'terminated', ms: delays.terminate };
    },
    (s, inst) => {
      userInitiated(ctx, inst);
      // The root volume goes with the instance (DeleteOnTermination).
      delete s.volumes[inst.rootVolumeId];
      delete s.tags[inst.rootVolumeId];
    },
  );
  return { TerminatingInstances: changes };
}

/** The attribute names of the legacy `Attribute`/`Value` form, and the members they stand for. */
const attributeMembers: Record<string, keyof ModifyInstanceAttributeRequest> = record({
  instanceType: 'InstanceType',
  userData: 'UserData',
  disableApiTermination: 'DisableApiTermination',
  instanceInitiatedShutdownBehavior: 'InstanceInitiatedShutdownBehavior',
  sourceDestCheck: 'SourceDestCheck',
  groupSet: 'Groups',
  ebsOptimized: 'EbsOptimized',
  kernel: 'Kernel',
  ramdisk: 'Ramdisk',
  sriovNetSupport: 'SriovNetSupport',
  enaSupport: 'EnaSupport',
  blockDeviceMapping: 'BlockDeviceMappings',
  disableApiStop: 'DisableApiStop',
});

function mustBeStopped(inst: InstanceRecord): void {
  if (inst.state !== 'stopped') {
    throw new ServiceError(
      'IncorrectInstanceState',
      `The instance '${inst.id}' is not in the 'stopped' state.`,
    );
  }
}

function bool(v: string | boolean | undefined, attr: string): boolean {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw invalidParameter(`Value (${String(v)}) for parameter ${attr} is invalid. Expected a boolean.`);
}

/**
 * One attribute per call, as EC2 requires. Changing `Groups` is how responders isolate an instance:
 * the new set replaces the old one on the primary network interface.
 */
export function modifyInstanceAttribute(
  ctx: CallContext,
  input: ModifyInstanceAttributeRequest,
): Record<string, never> {
  const s = ec2Of(ctx);
  const inst = instanceOf(s, input.InstanceId);
  const given = Object.values(attributeMembers).filter((m) => input[m] !== undefined);
  if (input.Attribute !== undefined) {
    const member = attributeMembers[input.Attribute];
    if (!member)
      throw invalidParameter(
        `Value (${input.Attribute}) for parameter attribute is invalid. Unknown attribute.`,
      );
    given.push(member);
  }
  if (given.length === 0) throw new ServiceError('InvalidParameterCombination', 'No attributes specified.');
  if (new Set(given).size > 1) {
    throw new ServiceError(
      'InvalidParameterCombination',
      `Fields for multiple attribute types specified: ${[...new Set(given)].join(', ')}`,
    );
  }
  const member = given[0];
  const legacy = input.Attribute !== undefined ? input.Value : undefined;
  if (inst.state === 'terminated')
    throw new ServiceError(
      'IncorrectInstanceState',
      `The instance '${inst.id}' is not in a valid state for this operation.`,
    );
  switch (member) {
    case 'Groups': {
      const ids = input.Groups ?? [];
      if (ids.length === 0)
        throw new ServiceError('MissingParameter', 'The request must contain the parameter groupId');
      for (const id of ids) {
        const group = find(s.groups, kinds.group, id);
        if (group.vpcId !== inst.vpcId) {
          throw invalidParameter(
            `Security group ${id} and subnet ${inst.subnetId} belong to different networks.`,
          );
        }
      }
      inst.groupIds = [...new Set(ids)];
      break;
    }
    case 'InstanceType': {
      const type = input.InstanceType?.Value ?? legacy ?? '';
      if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type))
        throw invalidParameter(`Invalid value '${type}' for InstanceType.`);
      mustBeStopped(inst);
      inst.instanceType = type;
      break;
    }
    case 'DisableApiTermination':
      inst.disableApiTermination = bool(
        input.DisableApiTermination?.Value ?? legacy,
        'disableApiTermination',
      );
      break;
    case 'SourceDestCheck':
      inst.sourceDestCheck = bool(input.SourceDestCheck?.Value ?? legacy, 'sourceDestCheck');
      break;
    case 'EbsOptimized':
      mustBeStopped(inst);
      inst.ebsOptimized = bool(input.EbsOptimized?.Value ?? legacy, 'ebsOptimized');
      break;
    case 'InstanceInitiatedShutdownBehavior': {
      const value = input.InstanceInitiatedShutdownBehavior?.Value ?? legacy ?? '';
      if (value !== 'stop' && value !== 'terminate') {
        throw invalidParameter(
          `Value (${value}) for parameter instanceInitiatedShutdownBehavior is invalid.`,
        );
      }
      inst.shutdownBehavior = value;
      break;
    }
    case 'UserData': {
      mustBeStopped(inst);
      const raw = input.UserData?.Value;
      inst.userData = raw !== undefined ? Buffer.from(raw).toString('base64') : (legacy ?? '');
      break;
    }
    default:
      throw new ServiceError(
        'UnsupportedOperation',
        `The range does not model the instance attribute ${member ?? ''}.`,
      );
  }
  return {};
}

export function describeInstanceAttribute(
  ctx: CallContext,
  input: DescribeInstanceAttributeRequest,
): InstanceAttribute {
  const s = ec2Of(ctx);
  const inst = instanceOf(s, input.InstanceId);
  const out: InstanceAttribute = { InstanceId: inst.id };
  switch (input.Attribute) {
    case 'instanceType':
      return { ...out, InstanceType: { Value: inst.instanceType } };
    case 'userData':
      return { ...out, UserData: inst.userData ? { Value: inst.userData } : {} };
    case 'disableApiTermination':
      return { ...out, DisableApiTermination: { Value: inst.disableApiTermination } };
    case 'instanceInitiatedShutdownBehavior':
      return { ...out, InstanceInitiatedShutdownBehavior: { Value: inst.shutdownBehavior } };
    case 'sourceDestCheck':
      return { ...out, SourceDestCheck: { Value: inst.sourceDestCheck } };
    case 'groupSet':
      return { ...out, Groups: inst.groupIds.map((id) => ({ GroupId: id, GroupName: s.groups[id]?.name })) };
    case 'ebsOptimized':
      return { ...out, EbsOptimized: { Value: inst.ebsOptimized } };
    case 'rootDeviceName':
      return { ...out, RootDeviceName: { Value: '/dev/xvda' } };
    case 'enaSupport':
      return { ...out, EnaSupport: { Value: true } };
    case 'disableApiStop':
      return { ...out, DisableApiStop: { Value: false } };
    case 'productCodes':
      return { ...out, ProductCodes: [] };
    case 'kernel':
      return { ...out, KernelId: {} };
    case 'ramdisk':
      return { ...out, RamdiskId: {} };
    case 'sriovNetSupport':
      return { ...out, SriovNetSupport: {} };
    case 'enclaveOptions':
      return { ...out, EnclaveOptions: { Enabled: false } };
    case 'blockDeviceMapping': {
      const v = s.volumes[inst.rootVolumeId];
      return {
        ...out,
        BlockDeviceMappings: v?.attachment
          ? [
              {
                DeviceName: v.attachment.device,
                Ebs: {
                  AttachTime: v.attachment.attachTime,
                  DeleteOnTermination: true,
                  Status: 'attached',
                  VolumeId: v.id,
                },
              },
            ]
          : [],
      };
    }
    default:
      throw invalidParameter(
        `Value (${String(input.Attribute)}) for parameter attribute is invalid. Unknown attribute.`,
      );
  }
}

const statusFilters: FilterTable<InstanceRecord> = {
  'availability-zone': (i) => i.az,
  'instance-state-name': (i) => i.state,
  'instance-state-code': (i) => stateCodes[i.state],
  'instance-status.status': (i) => (i.state === 'running' ? 'ok' : 'not-applicable'),
  'instance-status.reachability': (i) => (i.state === 'running' ? 'passed' : undefined),
  'system-status.status': (i) => (i.state === 'running' ? 'ok' : 'not-applicable'),
  'system-status.reachability': (i) => (i.state === 'running' ? 'passed' : undefined),
};

export function describeInstanceStatus(
  ctx: CallContext,
  input: DescribeInstanceStatusRequest,
): DescribeInstanceStatusResult {
  const s = ec2Of(ctx);
  let instances = selectByIds(s.instances, kinds.instance, input.InstanceIds);
  // By default only running instances have a status.
  if (!input.IncludeAllInstances) instances = instances.filter((i) => i.state === 'running');
  const selected = applyFilters(s, instances, input.Filters, statusFilters);
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, [
    input.InstanceIds,
    input.Filters,
  ]);
  return {
    InstanceStatuses: items.map((i) => {
      const running = i.state === 'running';
      const status = {
        Status: running ? ('ok' as const) : ('not-applicable' as const),
        Details: running ? [{ Name: 'reachability' as const, Status: 'passed' as const }] : undefined,
      };
      return {
        AvailabilityZone: i.az,
        InstanceId: i.id,
        InstanceState: stateOf(i.state),
        InstanceStatus: status,
        SystemStatus: status,
        AttachedEbsStatus: status,
      };
    }),
    NextToken: nextToken,
  };
}
