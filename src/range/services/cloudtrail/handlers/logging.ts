import type {
  GetTrailStatusRequest,
  GetTrailStatusResponse,
  StartLoggingRequest,
  StopLoggingRequest,
} from '@aws-sdk/client-cloudtrail';
import type { CallContext } from '../../../context.js';
import { resolveTrail } from '../trails.js';

function isoSeconds(d: Date | undefined): string {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
}

export function getTrailStatus(ctx: CallContext, input: GetTrailStatusRequest): GetTrailStatusResponse {
  const s = resolveTrail(ctx, input.Name as string, 'read').status;
  return {
    IsLogging: s.isLogging,
    LatestDeliveryTime: s.latestDeliveryTime,
    StartLoggingTime: s.startLoggingTime,
    StopLoggingTime: s.stopLoggingTime,
    LatestCloudWatchLogsDeliveryTime: s.latestCloudWatchLogsDeliveryTime,
    LatestCloudWatchLogsDeliveryError: s.latestCloudWatchLogsDeliveryError,
    // The fields AWS documents as "no longer in use" still come back, as strings (empty when unset).
    LatestDeliveryAttemptTime: isoSeconds(s.latestDeliveryTime),
    LatestDeliveryAttemptSucceeded: isoSeconds(s.latestDeliveryTime),
    LatestNotificationAttemptTime: '',
    LatestNotificationAttemptSucceeded: '',
    TimeLoggingStarted: isoSeconds(s.startLoggingTime),
    TimeLoggingStopped: isoSeconds(s.stopLoggingTime),
  };
}

export function startLogging(ctx: CallContext, input: StartLoggingRequest): Record<string, never> {
  const trail = resolveTrail(ctx, input.Name as string, 'write');
  if (!trail.status.isLogging) {
    trail.status.isLogging = true;
    trail.status.startLoggingTime = ctx.now;
    delete trail.status.stopRequestId;
  }
  return {};
}

export function stopLogging(ctx: CallContext, input: StopLoggingRequest): Record<string, never> {
  const trail = resolveTrail(ctx, input.Name as string, 'write');
  if (trail.status.isLogging) {
    trail.status.isLogging = false;
    trail.status.stopLoggingTime = ctx.now;
    // The trail still delivers the event of the call that stopped it, as AWS does.
    trail.status.stopRequestId = ctx.requestId;
  }
  return {};
}
