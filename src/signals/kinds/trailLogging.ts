import type { Trail } from '@aws-sdk/client-cloudtrail';
import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { logGroupName } from '../log-group.js';
import { findTrail, trailStatus } from '../reads/cloudtrail.js';

const params = z.strictObject({
  trail: resource('Trail name or ARN.'),
  expect: expect(
    ['logging', 'stopped'],
    'Whether the trail must be logging (to the places given) or not (stopped, deleted, or delivering elsewhere).',
  ),
  bucket: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The S3 bucket the trail must deliver to: a trail recreated with another bucket does not count as logging.',
    ),
  logGroup: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The CloudWatch Logs group (name or ARN) the trail must deliver to: without it (or with another group) the trail does not count as logging.',
    ),
  multiRegion: z
    .boolean()
    .optional()
    .describe('Whether the trail must be multi-region (true) or single-region (false).'),
});
type Params = z.output<typeof params>;

const hasDelivery = (p: Params) =>
  p.bucket !== undefined || p.logGroup !== undefined || p.multiRegion !== undefined;

function deliveryWords(p: Params): string {
  const parts = [
    p.bucket !== undefined ? `bucket ${p.bucket}` : undefined,
    p.logGroup !== undefined ? `log group ${logGroupName(p.logGroup)}` : undefined,
  ].filter(Boolean);
  const to = parts.length ? ` to ${parts.join(' and ')}` : '';
  const scope = p.multiRegion === undefined ? '' : p.multiRegion ? ' in every region' : ' in its region only';
  return `${to}${scope}`;
}

/** How the trail's delivery differs from what the condition asks, in words (empty when it matches). */
function deliveryMismatch(p: Params, t: Trail): string[] {
  const out: string[] = [];
  if (p.bucket !== undefined && t.S3BucketName !== p.bucket)
    out.push(`it delivers to bucket ${t.S3BucketName ?? '(none)'}, not ${p.bucket}`);
  if (p.logGroup !== undefined) {
    const group = t.CloudWatchLogsLogGroupArn ? logGroupName(t.CloudWatchLogsLogGroupArn) : undefined;
    if (group !== logGroupName(p.logGroup))
      out.push(
        group
          ? `it delivers to log group ${group}, not ${logGroupName(p.logGroup)}`
          : 'it delivers to no CloudWatch Logs group',
      );
  }
  if (p.multiRegion !== undefined && (t.IsMultiRegionTrail ?? false) !== p.multiRegion)
    out.push(p.multiRegion ? 'it is a single-region trail' : 'it is a multi-region trail');
  return out;
}

export const trailLogging = defineSignalKind({
  name: 'trailLogging',
  family: 'state',
  reads: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus'],
  summary:
    'A CloudTrail trail is logging or stopped (GetTrailStatus), optionally to a given bucket and log group.',
  params,
  describe: (p) =>
    p.expect === 'logging'
      ? `Trail ${p.trail} is logging${deliveryWords(p)}`
      : hasDelivery(p)
        ? `Trail ${p.trail} is not logging${deliveryWords(p)}`
        : `Trail ${p.trail} is stopped`,
  probe: async (ctx, p) => {
    const trail = await findTrail(ctx.reader, p.trail);
    ctx.knownAs(p.trail, trail?.Name, trail?.TrailARN);
    const status = trail?.TrailARN ? await trailStatus(ctx.reader, trail.TrailARN) : undefined;
    if (!trail || !status)
      return observed(ctx, p.expect === 'stopped', `Trail ${p.trail} does not exist, so nothing logs`);
    const since = status.IsLogging ? status.StartLoggingTime : status.StopLoggingTime;
    const when = since ? ` since ${new Date(since).toISOString()}` : '';
    if (!status.IsLogging)
      return observed(ctx, p.expect === 'stopped', `Trail ${p.trail} is not logging${when}`);
    // A trail recreated under the same name counts only when it delivers where the original did.
    const mismatch = deliveryMismatch(p, trail);
    if (mismatch.length)
      return observed(
        ctx,
        p.expect === 'stopped',
        `Trail ${p.trail} is logging${when}, but ${mismatch.join('; ')}`,
      );
    return observed(ctx, p.expect === 'logging', `Trail ${p.trail} is logging${when}${deliveryWords(p)}`);
  },
  attribution: (p) => ({
    eventNames:
      p.expect === 'logging'
        ? ['StartLogging', ...(hasDelivery(p) ? ['UpdateTrail'] : [])]
        : ['StopLogging', 'DeleteTrail', ...(hasDelivery(p) ? ['UpdateTrail'] : [])],
    resource: p.trail,
  }),
});
