import type { CallContext } from '../../context.js';
import type { CloudTrailRecord } from '../../history.js';
import { uuid } from '../../ids.js';
import { trailLogsDataEvent } from '../cloudtrail/delivery.js';
import { putOnBus } from './bus.js';
import { ensureArmed } from './runtime.js';
import type { BusEvent } from './transform.js';

/**
 * CloudTrail to the default bus: every management event the range records reaches the default bus of
 * its account and region as `AWS API Call via CloudTrail` from `aws.<service>`, with the CloudTrail
 * record as `detail`. Read-only events (Get*, Describe*, List*) reach only rules in the
 * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` state, as on AWS. A data event (an S3 object call)
 * reaches the bus only when a logging trail of the account selects it, since AWS delivers to
 * EventBridge what CloudTrail logs; that opt-in concerns management events only.
 */
export async function deliverCloudTrailEvent(
  ctx: CallContext,
  record: CloudTrailRecord,
  management: boolean,
): Promise<void> {
  // Any call re-arms schedules read back from --state-dir, not only EventBridge's own.
  ensureArmed(ctx);
  if (!management && !trailLogsDataEvent(ctx, record)) return;
  const event = cloudTrailBusEvent(record);
  await putOnBus(ctx, { accountId: event.account, region: event.region }, event, {
    readOnlyCloudTrail: management && record.readOnly,
  });
}

/** `ec2.amazonaws.com` → `aws.ec2`. */
export function sourceOf(eventSource: string): string {
  return `aws.${eventSource.replace(/\.amazonaws\.com$/, '')}`;
}

export function cloudTrailBusEvent(record: CloudTrailRecord): BusEvent {
  return {
    version: '0',
    id: uuid(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: sourceOf(record.eventSource),
    account: record.recipientAccountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}
