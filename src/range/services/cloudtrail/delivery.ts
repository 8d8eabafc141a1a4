import type { AdvancedFieldSelector, EventSelector } from '@aws-sdk/client-cloudtrail';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import type { CloudTrailRecord } from '../../history.js';
import { parseLogGroupArn } from './checks.js';
import { DEFAULT_SELECTORS } from './handlers/selectors.js';
import { cloudTrailState, type StoredTrail } from './store.js';

/** Services whose events are global: they land in us-east-1 and need IncludeGlobalServiceEvents. */
const GLOBAL_SOURCES = new Set([
  'iam.amazonaws.com',
  'sts.amazonaws.com',
  'signin.amazonaws.com',
  'cloudfront.amazonaws.com',
  'route53.amazonaws.com',
  'organizations.amazonaws.com',
]);

/** The resource of a data event, for DataResources and `resources.type`/`resources.ARN` selectors. */
function dataResource(record: CloudTrailRecord): { type: string; arn: string } | undefined {
  const p = record.requestParameters ?? {};
  if (
    record.eventSource === 's3.amazonaws.com' &&
    typeof p.bucketName === 'string' &&
    typeof p.key === 'string'
  ) {
    return { type: 'AWS::S3::Object', arn: `arn:aws:s3:::${p.bucketName}/${p.key}` };
  }
  return undefined;
}

function readWriteMatches(type: EventSelector['ReadWriteType'], readOnly: boolean): boolean {
  return type === undefined || type === 'All' || (type === 'ReadOnly') === readOnly;
}

function basicSelects(selectors: EventSelector[], record: CloudTrailRecord, management: boolean): boolean {
  return selectors.some((s) => {
    if (!readWriteMatches(s.ReadWriteType, record.readOnly)) return false;
    if (management) {
      return (
        s.IncludeManagementEvents !== false &&
        !(s.ExcludeManagementEventSources ?? []).includes(record.eventSource)
      );
    }
    const resource = dataResource(record);
    if (!resource) return false;
    return (s.DataResources ?? []).some(
      (r) => r.Type === resource.type && (r.Values ?? []).some((v) => resource.arn.startsWith(v)),
    );
  });
}

function fieldValue(
  field: string | undefined,
  record: CloudTrailRecord,
  management: boolean,
): string | undefined {
  switch (field) {
    case 'eventCategory':
      return management ? 'Management' : 'Data';
    case 'readOnly':
      return String(record.readOnly);
    case 'eventSource':
    case 'eventName':
    case 'eventType':
    case 'errorCode':
      return record[field] as string | undefined;
    case 'userIdentity.arn':
      return record.userIdentity.arn as string | undefined;
    case 'resources.type':
      return dataResource(record)?.type;
    case 'resources.ARN':
      return dataResource(record)?.arn;
    case 'sessionCredentialFromConsole':
      return 'false';
    default:
      return undefined;
  }
}

/** Every operator given must hold: Equals/StartsWith/EndsWith match any value, Not* match none. */
function fieldMatches(f: AdvancedFieldSelector, value: string | undefined): boolean {
  const v = value ?? '';
  const has = value !== undefined;
  if (f.Equals && !(has && f.Equals.includes(v))) return false;
  if (f.StartsWith && !(has && f.StartsWith.some((x) => v.startsWith(x)))) return false;
  if (f.EndsWith && !(has && f.EndsWith.some((x) => v.endsWith(x)))) return false;
  if (f.NotEquals && has && f.NotEquals.includes(v)) return false;
  if (f.NotStartsWith && has && f.NotStartsWith.some((x) => v.startsWith(x))) return false;
  if (f.NotEndsWith && has && f.NotEndsWith.some((x) => v.endsWith(x))) return false;
  return true;
}

/** Does this trail log this event? Region, global events, then its (basic or advanced) selectors. */
export function trailSelects(trail: StoredTrail, record: CloudTrailRecord, management: boolean): boolean {
  if (trail.homeRegion !== record.awsRegion && !trail.isMultiRegionTrail) return false;
  if (GLOBAL_SOURCES.has(record.eventSource) && !trail.includeGlobalServiceEvents) return false;
  if (trail.advancedEventSelectors) {
    return trail.advancedEventSelectors.some((s) =>
      (s.FieldSelectors ?? []).every((f) => fieldMatches(f, fieldValue(f.Field, record, management))),
    );
  }
  return basicSelects(trail.eventSelectors ?? DEFAULT_SELECTORS, record, management);
}

/**
 * Does a logging trail of the call's account record this data event? EventBridge receives an
 * `AWS API Call via CloudTrail` data event (an S3 object call) only then ("Events from AWS services":
 * with S3, CloudTrail must be configured to log data events), while management events reach it always.
 */
export function trailLogsDataEvent(ctx: CallContext, record: CloudTrailRecord): boolean {
  for (const slot of ctx.allState(cloudTrailState)) {
    if (slot.accountId !== ctx.accountId) continue;
    for (const trail of Object.values(slot.value.trails))
      if (trail.status.isLogging && trailSelects(trail, record, false)) return true;
  }
  return false;
}

/**
 * Deliver a recorded event to every logging trail of the account that selects it. AWS delivers to
 * S3 about every 5 minutes and to CloudWatch Logs within minutes; the range delivers at once, so a
 * detection works as soon as the call returns. The range writes no log files to S3: the trail's
 * delivery time is kept as if it had.
 */
export async function deliverEvent(
  ctx: CallContext,
  record: CloudTrailRecord,
  management: boolean,
): Promise<void> {
  for (const slot of ctx.allState(cloudTrailState)) {
    if (slot.accountId !== ctx.accountId) continue;
    for (const trail of Object.values(slot.value.trails)) {
      const stoppedByThis =
        record.eventName === 'StopLogging' && trail.status.stopRequestId === record.requestID;
      if (!trail.status.isLogging && !stoppedByThis) continue;
      if (!trailSelects(trail, record, management)) continue;
      trail.status.latestDeliveryTime = ctx.now;
      if (trail.cloudWatchLogsLogGroupArn) await deliverToLogs(ctx, trail, record);
    }
  }
}

async function deliverToLogs(ctx: CallContext, trail: StoredTrail, record: CloudTrailRecord): Promise<void> {
  const group = parseLogGroupArn(trail.cloudWatchLogsLogGroupArn as string);
  if (!group) return;
  const opts = { record: false, accountId: group.accountId, region: group.region };
  // One stream per source region, named as CloudTrail names it.
  const logStreamName = `${trail.accountId}_CloudTrail_${record.awsRegion}`;
  const put = () =>
    ctx.dispatch(
      'logs',
      'PutLogEvents',
      {
        logGroupName: group.name,
        logStreamName,
        logEvents: [{ timestamp: Date.parse(record.eventTime), message: JSON.stringify(record) }],
      },
      opts,
    );
  try {
    try {
      await put();
    } catch (err) {
      if (!(err instanceof ServiceError) || err.code !== 'ResourceNotFoundException') throw err;
      await ctx
        .dispatch('logs', 'CreateLogStream', { logGroupName: group.name, logStreamName }, opts)
        .catch((e: unknown) => {
          if (!(e instanceof ServiceError) || e.code !== 'ResourceAlreadyExistsException') throw e;
        });
      await put();
    }
    trail.status.latestCloudWatchLogsDeliveryTime = ctx.now;
    delete trail.status.latestCloudWatchLogsDeliveryError;
  } catch (err) {
    // Shown by GetTrailStatus, as AWS reports a log group that went away or refused the events.
    trail.status.latestCloudWatchLogsDeliveryError =
      err instanceof ServiceError ? err.code : 'InternalFailure';
  }
}
