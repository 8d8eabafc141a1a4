import type { Trail } from '@aws-sdk/client-cloudtrail';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { cloudTrailState, type StoredTrail } from './store.js';

/** Trails: names, ARNs, which trails a region sees (its own and the shadows of multi-region trails). */

export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

export function invalidTrailName(message: string): ServiceError {
  return new ServiceError('InvalidTrailNameException', message, 400);
}

/** The documented naming rules, checked in the order CloudTrail reports them. */
export function checkTrailName(name: string): void {
  if (name.length < 3) {
    throw invalidTrailName(
      `Trail name too short. Minimum allowed length: 3 characters. Specified name length: ${name.length} characters.`,
    );
  }
  if (name.length > 128) {
    throw invalidTrailName(
      `Trail name too long. Maximum allowed length: 128 characters. Specified name length: ${name.length} characters.`,
    );
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw invalidTrailName(
      'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).',
    );
  }
  if (!/^[A-Za-z0-9]/.test(name)) throw invalidTrailName('Trail name must start with a letter or number.');
  if (!/[A-Za-z0-9]$/.test(name)) throw invalidTrailName('Trail name must end with a letter or number.');
  if (/[._-]{2}/.test(name))
    throw invalidTrailName('Trail name cannot have adjacent periods, underscores or dashes.');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name))
    throw invalidTrailName('Trail name cannot be in IP address format.');
}

export function parseTrailArn(arn: string): { region: string; accountId: string; name: string } {
  const m = /^arn:aws[\w-]*:cloudtrail:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):trail\/([A-Za-z0-9._-]+)$/.exec(
    arn,
  );
  if (!m) {
    throw new ServiceError(
      'CloudTrailARNInvalidException',
      `Invalid trail ARN: ${arn}. The format of a trail ARN is arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail.`,
      400,
    );
  }
  return { region: m[1] as string, accountId: m[2] as string, name: m[3] as string };
}

export function trailNotFound(ctx: CallContext, arn: string): ServiceError {
  return new ServiceError(
    'TrailNotFoundException',
    `Unknown trail: ${arn} for the user: ${ctx.accountId}`,
    400,
  );
}

/** Every trail of the caller's account, whatever its home region. */
export function accountTrails(ctx: CallContext): StoredTrail[] {
  return ctx
    .allState(cloudTrailState)
    .filter((slot) => slot.accountId === ctx.accountId)
    .flatMap((slot) => Object.values(slot.value.trails));
}

/** The trails a region sees: the ones created there, and (optionally) shadows of multi-region trails. */
export function regionTrails(ctx: CallContext, shadows: boolean): StoredTrail[] {
  return accountTrails(ctx).filter((t) => t.homeRegion === ctx.region || (shadows && t.isMultiRegionTrail));
}

/**
 * The trail a `Name` (or `TrailName`) parameter designates. A name means a trail created in the
 * caller's region; an ARN any trail of the account. Changes must be made from the home region.
 */
export function resolveTrail(ctx: CallContext, nameOrArn: string, mode: 'read' | 'write'): StoredTrail {
  let trail: StoredTrail | undefined;
  let arn: string;
  if (nameOrArn.startsWith('arn:')) {
    const parsed = parseTrailArn(nameOrArn);
    arn = nameOrArn;
    if (parsed.accountId === ctx.accountId) {
      trail = ctx.state(cloudTrailState, { accountId: parsed.accountId, region: parsed.region }).trails[
        parsed.name
      ];
    }
    // A single-region trail is only reachable from its own region.
    if (trail && trail.homeRegion !== ctx.region && !trail.isMultiRegionTrail && mode === 'write')
      trail = undefined;
  } else {
    checkTrailName(nameOrArn);
    arn = trailArn(ctx.region, ctx.accountId, nameOrArn);
    trail = ctx.state(cloudTrailState).trails[nameOrArn];
  }
  if (!trail) throw trailNotFound(ctx, arn);
  if (mode === 'write' && trail.homeRegion !== ctx.region) {
    throw new ServiceError(
      'InvalidHomeRegionException',
      `The trail ${trail.arn} can only be changed from its home region, ${trail.homeRegion}.`,
      400,
    );
  }
  return trail;
}

export function describeTrail(t: StoredTrail): Trail {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    S3KeyPrefix: t.s3KeyPrefix,
    SnsTopicName: t.snsTopicName,
    SnsTopicARN: t.snsTopicArn,
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegionTrail,
    HomeRegion: t.homeRegion,
    TrailARN: t.arn,
    LogFileValidationEnabled: t.logFileValidationEnabled,
    CloudWatchLogsLogGroupArn: t.cloudWatchLogsLogGroupArn,
    CloudWatchLogsRoleArn: t.cloudWatchLogsRoleArn,
    KmsKeyId: t.kmsKeyId,
    HasCustomEventSelectors: t.eventSelectors !== undefined || t.advancedEventSelectors !== undefined,
    HasInsightSelectors: (t.insightSelectors?.length ?? 0) > 0,
    IsOrganizationTrail: t.isOrganizationTrail,
  };
}
