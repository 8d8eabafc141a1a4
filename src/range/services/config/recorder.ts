import type {
  DeleteConfigurationRecorderRequest,
  DeleteDeliveryChannelRequest,
  DescribeConfigurationRecordersRequest,
  DescribeConfigurationRecordersResponse,
  DescribeConfigurationRecorderStatusRequest,
  DescribeConfigurationRecorderStatusResponse,
  DescribeDeliveryChannelsRequest,
  DescribeDeliveryChannelsResponse,
  PutConfigurationRecorderRequest,
  PutDeliveryChannelRequest,
  StartConfigurationRecorderRequest,
  StopConfigurationRecorderRequest,
} from '@aws-sdk/client-config-service';
import type { CallContext } from '../../context.js';
import { ServiceError, isServiceError } from '../../errors.js';
import { configState, type ConfigState } from './store.js';
import { configReader, whereOf } from './principal.js';
import { armAllRules } from './schedule.js';
import { discoverAll } from './history.js';

// The configuration recorder and the delivery channel: AWS Config keeps at most one of each per
// account and region, and a recorder records only once a delivery channel exists.

const NAME = /^[\w.@+=,-]{1,256}$/;

export function recorderOf(s: ConfigState) {
  return Object.values(s.recorders)[0];
}

/** Config rules evaluate only while a recorder records (as AWS requires for change-triggered rules). */
export function isRecording(s: ConfigState): boolean {
  return recorderOf(s)?.recording === true;
}

export async function putConfigurationRecorder(
  ctx: CallContext,
  input: PutConfigurationRecorderRequest,
): Promise<object> {
  const s = ctx.state(configState);
  const given = input.ConfigurationRecorder ?? {};
  const name = given.name ?? 'default';
  if (!NAME.test(name)) {
    throw new ServiceError(
      'InvalidConfigurationRecorderNameException',
      `The configuration recorder name '${name}' is not valid.`,
    );
  }
  const existing = recorderOf(s);
  if (existing && existing.name !== name) {
    throw new ServiceError(
      'MaxNumberOfConfigurationRecordersExceededException',
      `Failed to put configuration recorder '${name}' because the maximum number of configuration recorders: 1 is reached.`,
    );
  }
  if (!given.roleARN || !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(given.roleARN)) {
    throw new ServiceError('InvalidRoleException', `The role ARN '${given.roleARN ?? ''}' is not valid.`);
  }
  const group = given.recordingGroup as Record<string, unknown> | undefined;
  if (
    group &&
    group.allSupported === true &&
    Array.isArray(group.resourceTypes) &&
    group.resourceTypes.length
  ) {
    throw new ServiceError(
      'InvalidRecordingGroupException',
      'The recording group provided is not valid: allSupported and resourceTypes cannot both be set.',
    );
  }
  s.recorders[name] = {
    name,
    roleARN: given.roleARN,
    recordingGroup: group,
    recording: existing?.recording ?? false,
    lastStartTime: existing?.lastStartTime,
    lastStopTime: existing?.lastStopTime,
    lastStatusChangeTime: existing?.lastStatusChangeTime,
  };
  // A recording recorder given more types discovers what exists of them now.
  if (existing?.recording) await discoverAll(ctx, whereOf(ctx));
  return {};
}

function selectRecorders(s: ConfigState, names: string[] | undefined) {
  const all = Object.values(s.recorders);
  if (!names?.length) return all;
  return names.map((n) => {
    const r = s.recorders[n];
    if (!r) throw noSuchRecorder(n);
    return r;
  });
}

function noSuchRecorder(name: string): ServiceError {
  return new ServiceError(
    'NoSuchConfigurationRecorderException',
    `Cannot find configuration recorder with the specified name '${name}'.`,
  );
}

export function describeConfigurationRecorders(
  ctx: CallContext,
  input: DescribeConfigurationRecordersRequest,
): DescribeConfigurationRecordersResponse {
  const s = ctx.state(configState);
  return {
    ConfigurationRecorders: selectRecorders(s, input.ConfigurationRecorderNames).map((r) => ({
      name: r.name,
      roleARN: r.roleARN,
      recordingGroup: (r.recordingGroup as never) ?? {
        allSupported: true,
        includeGlobalResourceTypes: false,
        resourceTypes: [],
      },
      arn: `arn:aws:config:${ctx.region}:${ctx.accountId}:configuration-recorder/${r.name}`,
    })),
  };
}

export function describeConfigurationRecorderStatus(
  ctx: CallContext,
  input: DescribeConfigurationRecorderStatusRequest,
): DescribeConfigurationRecorderStatusResponse {
  const s = ctx.state(configState);
  return {
    ConfigurationRecordersStatus: selectRecorders(s, input.ConfigurationRecorderNames).map((r) => ({
      name: r.name,
      recording: r.recording,
      lastStartTime: r.lastStartTime,
      lastStopTime: r.lastStopTime,
      lastStatus: r.lastStartTime ? 'Success' : 'Pending',
      lastStatusChangeTime: r.lastStatusChangeTime,
    })),
  };
}

export async function startConfigurationRecorder(
  ctx: CallContext,
  input: StartConfigurationRecorderRequest,
): Promise<object> {
  const s = ctx.state(configState);
  const r = s.recorders[input.ConfigurationRecorderName ?? ''];
  if (!r) throw noSuchRecorder(input.ConfigurationRecorderName ?? '');
  if (Object.keys(s.channels).length === 0) {
    throw new ServiceError(
      'NoAvailableDeliveryChannelException',
      'Delivery channel is not available to start configuration recorder.',
    );
  }
  if (!r.recording) {
    r.recording = true;
    r.lastStartTime = ctx.now;
    r.lastStatusChangeTime = ctx.now;
    // Rules put while nothing recorded get their first evaluation now.
    armAllRules(ctx, { evaluateNow: true });
    await discoverAll(ctx, whereOf(ctx));
  }
  return {};
}

export function stopConfigurationRecorder(ctx: CallContext, input: StopConfigurationRecorderRequest): object {
  const s = ctx.state(configState);
  const r = s.recorders[input.ConfigurationRecorderName ?? ''];
  if (!r) throw noSuchRecorder(input.ConfigurationRecorderName ?? '');
  if (r.recording) {
    r.recording = false;
    r.lastStopTime = ctx.now;
    r.lastStatusChangeTime = ctx.now;
  }
  return {};
}

export function deleteConfigurationRecorder(
  ctx: CallContext,
  input: DeleteConfigurationRecorderRequest,
): object {
  const s = ctx.state(configState);
  const name = input.ConfigurationRecorderName ?? '';
  if (!s.recorders[name]) throw noSuchRecorder(name);
  delete s.recorders[name];
  return {};
}

export async function putDeliveryChannel(
  ctx: CallContext,
  input: PutDeliveryChannelRequest,
): Promise<object> {
  const s = ctx.state(configState);
  const given = input.DeliveryChannel ?? {};
  const name = given.name ?? 'default';
  if (!NAME.test(name)) {
    throw new ServiceError(
      'InvalidDeliveryChannelNameException',
      `The delivery channel name '${name}' is not valid.`,
    );
  }
  if (!recorderOf(s)) {
    throw new ServiceError(
      'NoAvailableConfigurationRecorderException',
      'Configuration recorder is not available to put delivery channel.',
    );
  }
  const existing = Object.values(s.channels)[0];
  if (existing && existing.name !== name) {
    throw new ServiceError(
      'MaxNumberOfDeliveryChannelsExceededException',
      `Failed to put delivery channel '${name}' because the maximum number of delivery channels: 1 is reached.`,
    );
  }
  const bucket = given.s3BucketName ?? '';
  if (!bucket)
    throw new ServiceError('NoSuchBucketException', 'Cannot find a S3 bucket with an empty bucket name.');
  try {
    await ctx.dispatch('s3', 'HeadBucket', { Bucket: bucket }, configReader(whereOf(ctx)));
  } catch (err) {
    if (!isServiceError(err)) throw err;
    throw new ServiceError('NoSuchBucketException', `Cannot find a S3 bucket with the name '${bucket}'.`);
  }
  if (
    given.s3KeyPrefix !== undefined &&
    (given.s3KeyPrefix.startsWith('/') || given.s3KeyPrefix.includes('AWSLogs'))
  ) {
    throw new ServiceError('InvalidS3KeyPrefixException', 'The s3 key prefix is not valid.');
  }
  if (
    given.snsTopicARN !== undefined &&
    !/^arn:aws[a-z-]*:sns:[\w-]+:\d{12}:[\w-]+$/.test(given.snsTopicARN)
  ) {
    throw new ServiceError('InvalidSNSTopicARNException', 'The sns topic arn is not valid.');
  }
  s.channels[name] = {
    name,
    s3BucketName: bucket,
    s3KeyPrefix: given.s3KeyPrefix,
    s3KmsKeyArn: given.s3KmsKeyArn,
    snsTopicARN: given.snsTopicARN,
    deliveryFrequency: given.configSnapshotDeliveryProperties?.deliveryFrequency,
  };
  return {};
}

export function describeDeliveryChannels(
  ctx: CallContext,
  input: DescribeDeliveryChannelsRequest,
): DescribeDeliveryChannelsResponse {
  const s = ctx.state(configState);
  const names = input.DeliveryChannelNames;
  const channels = names?.length
    ? names.map((n) => {
        const c = s.channels[n];
        if (!c) throw noSuchChannel(n);
        return c;
      })
    : Object.values(s.channels);
  return {
    DeliveryChannels: channels.map((c) => ({
      name: c.name,
      s3BucketName: c.s3BucketName,
      s3KeyPrefix: c.s3KeyPrefix,
      s3KmsKeyArn: c.s3KmsKeyArn,
      snsTopicARN: c.snsTopicARN,
      configSnapshotDeliveryProperties: c.deliveryFrequency
        ? { deliveryFrequency: c.deliveryFrequency as never }
        : undefined,
    })),
  };
}

function noSuchChannel(name: string): ServiceError {
  return new ServiceError(
    'NoSuchDeliveryChannelException',
    `Cannot find delivery channel with specified name '${name}'.`,
  );
}

export function deleteDeliveryChannel(ctx: CallContext, input: DeleteDeliveryChannelRequest): object {
  const s = ctx.state(configState);
  const name = input.DeliveryChannelName ?? '';
  if (!s.channels[name]) throw noSuchChannel(name);
  if (isRecording(s)) {
    throw new ServiceError(
      'LastDeliveryChannelDeleteFailedException',
      `Failed to delete last specified delivery channel with name '${name}', because there is a running configuration recorder.`,
    );
  }
  delete s.channels[name];
  return {};
}
