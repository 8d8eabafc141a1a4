import type {
  AddTagsRequest,
  ListTagsRequest,
  ListTagsResponse,
  RemoveTagsRequest,
  Tag,
} from '@aws-sdk/client-cloudtrail';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import type { StoredTrail } from '../store.js';
import { accountTrails, parseTrailArn } from '../trails.js';

const MAX_TAGS = 50;

/** Keys 1-128 characters, values up to 256, no key twice in one request, at most 50 per trail. */
export function checkTags(existing: readonly Tag[], adding: readonly Tag[]): void {
  const seen = new Set<string>();
  for (const t of adding) {
    const key = t.Key ?? '';
    if (
      key.length < 1 ||
      key.length > 128 ||
      (t.Value !== undefined && t.Value.length > 256) ||
      seen.has(key)
    ) {
      throw new ServiceError(
        'InvalidTagParameterException',
        `The tag ${key || '(empty key)'} is not valid.`,
        400,
      );
    }
    seen.add(key);
  }
  const keys = new Set([...existing.map((t) => t.Key), ...adding.map((t) => t.Key)]);
  if (keys.size > MAX_TAGS) {
    throw new ServiceError(
      'TagsLimitExceededException',
      `The number of tags per trail has exceeded the permitted amount. Currently, the limit is ${MAX_TAGS}.`,
      400,
    );
  }
}

/** The trail a tagging ResourceId names, as seen from the caller's region. */
function taggedTrail(ctx: CallContext, resourceId: string, change: boolean): StoredTrail {
  const arn = parseTrailArn(resourceId);
  const trail = accountTrails(ctx).find(
    (t) => t.accountId === arn.accountId && t.homeRegion === arn.region && t.name === arn.name,
  );
  if (!trail || (trail.homeRegion !== ctx.region && !trail.isMultiRegionTrail)) {
    throw new ServiceError('ResourceNotFoundException', `Resource not found: ${resourceId}`, 400);
  }
  // Tags of a multi-region trail change only in its home region.
  if (change && trail.homeRegion !== ctx.region) {
    throw new ServiceError(
      'OperationNotPermittedException',
      `Tags of ${resourceId} can only be changed in ${trail.homeRegion}.`,
      400,
    );
  }
  return trail;
}

export function addTags(ctx: CallContext, input: AddTagsRequest): Record<string, never> {
  const trail = taggedTrail(ctx, input.ResourceId as string, true);
  const adding = input.TagsList ?? [];
  checkTags(trail.tags, adding);
  for (const t of adding) {
    const existing = trail.tags.find((x) => x.Key === t.Key);
    if (existing) existing.Value = t.Value;
    else trail.tags.push({ Key: t.Key, Value: t.Value });
  }
  return {};
}

export function removeTags(ctx: CallContext, input: RemoveTagsRequest): Record<string, never> {
  const trail = taggedTrail(ctx, input.ResourceId as string, true);
  const keys = new Set((input.TagsList ?? []).map((t) => t.Key));
  trail.tags = trail.tags.filter((t) => !keys.has(t.Key));
  return {};
}

export function listTags(ctx: CallContext, input: ListTagsRequest): ListTagsResponse {
  const ids = input.ResourceIdList ?? [];
  if (ids.length > 20) {
    throw new ServiceError('InvalidParameterException', 'ResourceIdList can contain at most 20 ARNs.', 400);
  }
  return {
    ResourceTagList: ids.map((id) => ({
      ResourceId: id,
      TagsList: taggedTrail(ctx, id, false).tags.map((t) => ({ ...t })),
    })),
  };
}
