import type {
  CreateTrailRequest,
  CreateTrailResponse,
  DeleteTrailRequest,
  DescribeTrailsRequest,
  DescribeTrailsResponse,
  GetTrailRequest,
  GetTrailResponse,
  ListTrailsRequest,
  ListTrailsResponse,
  UpdateTrailRequest,
  UpdateTrailResponse,
} from '@aws-sdk/client-cloudtrail';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { paginate } from '../../../paginate.js';
import { checkBucket, checkLogsDestination, resolveKmsKey } from '../checks.js';
import { cloudTrailState, type StoredTrail } from '../store.js';
import {
  accountTrails,
  checkTrailName,
  describeTrail,
  parseTrailArn,
  regionTrails,
  resolveTrail,
  trailArn,
} from '../trails.js';
import { checkTags } from './tags.js';

const MAX_TRAILS_PER_REGION = 5;

function checkPrefix(prefix: string | undefined): void {
  if (prefix !== undefined && prefix.length > 200) {
    throw new ServiceError(
      'InvalidS3PrefixException',
      'The S3 key prefix is longer than 200 characters.',
      400,
    );
  }
}

function checkCombination(multiRegion: boolean, globalEvents: boolean): void {
  if (multiRegion && !globalEvents) {
    throw new ServiceError(
      'InvalidParameterCombinationException',
      'Multi-Region trail must include global service events.',
      400,
    );
  }
}

function snsTopicArn(ctx: CallContext, topic: string | undefined): string | undefined {
  if (!topic) return undefined;
  return topic.startsWith('arn:') ? topic : `arn:aws:sns:${ctx.region}:${ctx.accountId}:${topic}`;
}

function response(t: StoredTrail): CreateTrailResponse & UpdateTrailResponse {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    S3KeyPrefix: t.s3KeyPrefix,
    SnsTopicName: t.snsTopicName,
    SnsTopicARN: t.snsTopicArn,
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegionTrail,
    TrailARN: t.arn,
    LogFileValidationEnabled: t.logFileValidationEnabled,
    CloudWatchLogsLogGroupArn: t.cloudWatchLogsLogGroupArn,
    CloudWatchLogsRoleArn: t.cloudWatchLogsRoleArn,
    KmsKeyId: t.kmsKeyId,
    IsOrganizationTrail: t.isOrganizationTrail,
  };
}

/** CloudTrail shows the log group ARN with its `:*` suffix whichever form was given. */
function normalizeGroupArn(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  return arn.endsWith(':*') ? arn : `${arn}:*`;
}

export async function createTrail(ctx: CallContext, input: CreateTrailRequest): Promise<CreateTrailResponse> {
  const name = input.Name as string;
  checkTrailName(name);
  // A multi-region trail occupies its name in every region through its shadows.
  if (regionTrails(ctx, true).some((t) => t.name === name)) {
    throw new ServiceError(
      'TrailAlreadyExistsException',
      `Trail ${name} already exists for customer: ${ctx.accountId}`,
      400,
    );
  }
  if (regionTrails(ctx, true).length >= MAX_TRAILS_PER_REGION) {
    throw new ServiceError(
      'MaximumNumberOfTrailsExceededException',
      `User: ${ctx.accountId} already has ${MAX_TRAILS_PER_REGION} trails in ${ctx.region}.`,
      400,
    );
  }
  const multiRegion = input.IsMultiRegionTrail ?? false;
  const globalEvents = input.IncludeGlobalServiceEvents ?? true;
  checkCombination(multiRegion, globalEvents);
  if (input.IsOrganizationTrail) {
    throw new ServiceError(
      'OrganizationsNotInUseException',
      'This account is not a member of an organization.',
      400,
    );
  }
  checkPrefix(input.S3KeyPrefix);
  checkTags([], input.TagsList ?? []);
  await checkBucket(ctx, input.S3BucketName as string, input.S3KeyPrefix);
  await checkLogsDestination(ctx, input.CloudWatchLogsLogGroupArn, input.CloudWatchLogsRoleArn);
  const kmsKeyId = input.KmsKeyId ? await resolveKmsKey(ctx, input.KmsKeyId) : undefined;
  const trail: StoredTrail = {
    name,
    accountId: ctx.accountId,
    homeRegion: ctx.region,
    arn: trailArn(ctx.region, ctx.accountId, name),
    s3BucketName: input.S3BucketName as string,
    s3KeyPrefix: input.S3KeyPrefix || undefined,
    snsTopicName: input.SnsTopicName || undefined,
    snsTopicArn: snsTopicArn(ctx, input.SnsTopicName),
    includeGlobalServiceEvents: globalEvents,
    isMultiRegionTrail: multiRegion,
    logFileValidationEnabled: input.EnableLogFileValidation ?? false,
    cloudWatchLogsLogGroupArn: normalizeGroupArn(input.CloudWatchLogsLogGroupArn),
    cloudWatchLogsRoleArn: input.CloudWatchLogsRoleArn || undefined,
    kmsKeyId,
    isOrganizationTrail: false,
    tags: (input.TagsList ?? []).map((t) => ({ Key: t.Key, Value: t.Value })),
    // A new trail does not log until StartLogging, as in AWS (the console starts it for you).
    status: { isLogging: false },
    createdAt: ctx.now,
  };
  ctx.state(cloudTrailState).trails[name] = trail;
  return response(trail);
}

export async function updateTrail(ctx: CallContext, input: UpdateTrailRequest): Promise<UpdateTrailResponse> {
  const trail = resolveTrail(ctx, input.Name as string, 'write');
  const multiRegion = input.IsMultiRegionTrail ?? trail.isMultiRegionTrail;
  const globalEvents = input.IncludeGlobalServiceEvents ?? trail.includeGlobalServiceEvents;
  checkCombination(multiRegion, globalEvents);
  if (input.IsOrganizationTrail) {
    throw new ServiceError(
      'OrganizationsNotInUseException',
      'This account is not a member of an organization.',
      400,
    );
  }
  checkPrefix(input.S3KeyPrefix);
  const bucket = input.S3BucketName ?? trail.s3BucketName;
  const prefix = input.S3KeyPrefix !== undefined ? input.S3KeyPrefix || undefined : trail.s3KeyPrefix;
  if (input.S3BucketName !== undefined || input.S3KeyPrefix !== undefined)
    await checkBucket(ctx, bucket, prefix);
  let groupArn = trail.cloudWatchLogsLogGroupArn;
  let roleArn = trail.cloudWatchLogsRoleArn;
  if (input.CloudWatchLogsLogGroupArn !== undefined || input.CloudWatchLogsRoleArn !== undefined) {
    // Empty strings for both turn CloudWatch Logs delivery off.
    groupArn =
      input.CloudWatchLogsLogGroupArn !== undefined ? input.CloudWatchLogsLogGroupArn || undefined : groupArn;
    roleArn = input.CloudWatchLogsRoleArn !== undefined ? input.CloudWatchLogsRoleArn || undefined : roleArn;
    await checkLogsDestination(ctx, groupArn, roleArn);
  }
  let kmsKeyId = trail.kmsKeyId;
  if (input.KmsKeyId !== undefined)
    kmsKeyId = input.KmsKeyId ? await resolveKmsKey(ctx, input.KmsKeyId) : undefined;
  trail.s3BucketName = bucket;
  trail.s3KeyPrefix = prefix;
  if (input.SnsTopicName !== undefined) {
    trail.snsTopicName = input.SnsTopicName || undefined;
    trail.snsTopicArn = snsTopicArn(ctx, input.SnsTopicName);
  }
  trail.isMultiRegionTrail = multiRegion;
  trail.includeGlobalServiceEvents = globalEvents;
  if (input.EnableLogFileValidation !== undefined)
    trail.logFileValidationEnabled = input.EnableLogFileValidation;
  trail.cloudWatchLogsLogGroupArn = normalizeGroupArn(groupArn);
  trail.cloudWatchLogsRoleArn = roleArn;
  trail.kmsKeyId = kmsKeyId;
  return response(trail);
}

export function deleteTrail(ctx: CallContext, input: DeleteTrailRequest): Record<string, never> {
  const trail = resolveTrail(ctx, input.Name as string, 'write');
  delete ctx.state(cloudTrailState).trails[trail.name];
  return {};
}

export function describeTrails(ctx: CallContext, input: DescribeTrailsRequest): DescribeTrailsResponse {
  const shadows = input.includeShadowTrails ?? true;
  const names = input.trailNameList ?? [];
  let trails: StoredTrail[];
  if (names.length === 0) trails = regionTrails(ctx, shadows);
  else {
    const all = accountTrails(ctx);
    const wanted = new Set<StoredTrail>();
    for (const n of names) {
      if (n.startsWith('arn:')) {
        // An ARN reaches a trail in any region of the account.
        const arn = parseTrailArn(n);
        const t = all.find(
          (x) => x.homeRegion === arn.region && x.name === arn.name && x.accountId === arn.accountId,
        );
        if (t && (shadows || t.homeRegion === ctx.region)) wanted.add(t);
      } else {
        checkTrailName(n);
        const t = all.find((x) => x.homeRegion === ctx.region && x.name === n);
        if (t) wanted.add(t);
      }
    }
    trails = [...wanted];
  }
  return {
    trailList: trails.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(describeTrail),
  };
}

export function getTrail(ctx: CallContext, input: GetTrailRequest): GetTrailResponse {
  return { Trail: describeTrail(resolveTrail(ctx, input.Name as string, 'read')) };
}

export function listTrails(ctx: CallContext, input: ListTrailsRequest): ListTrailsResponse {
  const trails = accountTrails(ctx).sort((a, b) =>
    a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.homeRegion < b.homeRegion ? -1 : 1,
  );
  const { page, nextToken } = paginate(trails, {
    token: input.NextToken,
    defaultMax: 50,
    query: 'ListTrails',
    invalidToken: () => new ServiceError('InvalidNextTokenException', 'Invalid NextToken.', 400),
  });
  return {
    Trails: page.map((t) => ({ TrailARN: t.arn, Name: t.name, HomeRegion: t.homeRegion })),
    NextToken: nextToken,
  };
}
