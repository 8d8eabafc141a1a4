import type {
  InstanceMetadataOptionsRequest,
  InstanceMetadataOptionsResponse,
  ModifyInstanceMetadataOptionsRequest,
  ModifyInstanceMetadataOptionsResult,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { find, invalidParameter, kinds } from '../resources.js';
import { ec2Of, settle, type InstanceRecord, type MetadataOptionsRecord } from '../store.js';

/** How long a change to a running instance's metadata options stays `pending` on the range clock. */
export const METADATA_APPLY_MS = 2000;

/**
 * The launch defaults for an AMI whose ImdsSupport is not v2.0 and an account without IMDS defaults
 * (RunInstances API reference, InstanceMetadataOptionsRequest): IMDSv1 allowed, hop limit 1. The range
 * does not model AMIs, so every launch gets these; enforcing IMDSv2 is the responder's job.
 */
export const LAUNCH_DEFAULTS: Omit<MetadataOptionsRecord, 'state'> = {
  httpTokens: 'optional',
  hopLimit: 1,
  httpEndpoint: 'enabled',
  httpProtocolIpv6: 'disabled',
  instanceMetadataTags: 'disabled',
};

type Toggle = 'enabled' | 'disabled';

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  name: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidParameter(
      `Value (${value}) for parameter ${name} is invalid. Valid values are ${allowed.join(', ')}.`,
    );
  }
  return value as T;
}

/** Check a request's options (RunInstances' MetadataOptions or ModifyInstanceMetadataOptions) onto `base`. */
export function mergeMetadataOptions(
  base: Omit<MetadataOptionsRecord, 'state'>,
  input: InstanceMetadataOptionsRequest,
): Omit<MetadataOptionsRecord, 'state'> {
  const hop = input.HttpPutResponseHopLimit;
  if (hop !== undefined && (!Number.isInteger(hop) || hop < 1 || hop > 64)) {
    throw invalidParameter(
      `Value (${hop}) for parameter HttpPutResponseHopLimit is invalid. Possible values are integers from 1 to 64.`,
    );
  }
  const endpoint = oneOf<Toggle>(input.HttpEndpoint, ['enabled', 'disabled'], 'HttpEndpoint');
  const tokens = oneOf(input.HttpTokens, ['optional', 'required'] as const, 'HttpTokens');
  // EC2's answer when a request sets token use on an endpoint it turns off (seen in CloudTrail records).
  if (endpoint === 'disabled' && tokens !== undefined) {
    throw invalidParameter(
      "The HttpEndpoint is not set to 'enabled' in this request. To specify a value for HttpTokens, set HttpEndpoint to 'enabled'.",
    );
  }
  return {
    httpTokens: tokens ?? base.httpTokens,
    hopLimit: hop ?? base.hopLimit,
    httpEndpoint: endpoint ?? base.httpEndpoint,
    httpProtocolIpv6:
      oneOf<Toggle>(input.HttpProtocolIpv6, ['enabled', 'disabled'], 'HttpProtocolIpv6') ??
      base.httpProtocolIpv6,
    instanceMetadataTags:
      oneOf<Toggle>(input.InstanceMetadataTags, ['enabled', 'disabled'], 'InstanceMetadataTags') ??
      base.instanceMetadataTags,
  };
}

export function metadataOptionsOf(inst: InstanceRecord): MetadataOptionsRecord {
  return inst.metadataOptions ?? { ...LAUNCH_DEFAULTS, state: 'applied' };
}

export function metadataOptionsView(inst: InstanceRecord): InstanceMetadataOptionsResponse {
  const m = metadataOptionsOf(inst);
  return {
    State: m.state,
    HttpTokens: m.httpTokens,
    HttpPutResponseHopLimit: m.hopLimit,
    HttpEndpoint: m.httpEndpoint,
    HttpProtocolIpv6: m.httpProtocolIpv6,
    InstanceMetadataTags: m.instanceMetadataTags,
  };
}

/**
 * "When you modify the parameters on a running instance, the API responds with a state of pending"; they
 * are applied shortly after (on the range clock), and on a stopped instance when it next starts.
 */
export function modifyInstanceMetadataOptions(
  ctx: CallContext,
  input: ModifyInstanceMetadataOptionsRequest,
): ModifyInstanceMetadataOptionsResult {
  const s = ec2Of(ctx);
  const inst = find(s.instances, kinds.instance, input.InstanceId);
  if (inst.state === 'terminated' || inst.state === 'shutting-down') {
    throw new ServiceError(
      'IncorrectInstanceState',
      `The instance '${inst.id}' is not in a valid state for this operation.`,
    );
  }
  const { state: _state, appliedAt: _at, ...current } = metadataOptionsOf(inst);
  const next = mergeMetadataOptions(current, input);
  const running = inst.state === 'running';
  inst.metadataOptions = {
    ...next,
    state: 'pending',
    appliedAt: running ? new Date(ctx.now.getTime() + METADATA_APPLY_MS) : undefined,
  };
  if (running) ctx.clock.schedule(METADATA_APPLY_MS, () => settle(s, ctx.clock.now()));
  return { InstanceId: inst.id, InstanceMetadataOptions: metadataOptionsView(inst) };
}
