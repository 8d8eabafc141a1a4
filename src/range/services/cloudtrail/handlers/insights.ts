import type {
  AdvancedEventSelector,
  EventSelector,
  GetInsightSelectorsRequest,
  GetInsightSelectorsResponse,
  InsightSelector,
  PutInsightSelectorsRequest,
  PutInsightSelectorsResponse,
} from '@aws-sdk/client-cloudtrail';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import type { StoredTrail } from '../store.js';
import { resolveTrail } from '../trails.js';
import { DEFAULT_SELECTORS } from './selectors.js';

/**
 * Insights selectors of a trail (PutInsightSelectors / GetInsightSelectors): stored and answered as
 * CloudTrail does. The range generates no Insights events (they need a week of baseline on AWS).
 * Event data stores (CloudTrail Lake) do not exist on the range.
 */

const INSIGHT_TYPES = ['ApiCallRateInsight', 'ApiErrorRateInsight'];
const CATEGORIES = ['Management', 'Data'];

function invalidSelectors(message: string): ServiceError {
  return new ServiceError('InvalidInsightSelectorsException', message, 400);
}

function trailOf(
  ctx: CallContext,
  input: { TrailName?: string; EventDataStore?: string },
  mode: 'read' | 'write',
) {
  if (input.EventDataStore !== undefined) {
    if (input.TrailName !== undefined) {
      throw new ServiceError(
        'InvalidParameterCombinationException',
        'You cannot specify both TrailName and EventDataStore in the same request.',
        400,
      );
    }
    throw new ServiceError(
      'UnsupportedOperationException',
      'The range has no CloudTrail Lake event data stores: Insights can be set on trails only.',
      400,
    );
  }
  if (input.TrailName === undefined || input.TrailName === '') {
    throw new ServiceError(
      'InvalidParameterCombinationException',
      'Specify either TrailName or EventDataStore.',
      400,
    );
  }
  return resolveTrail(ctx, input.TrailName, mode);
}

/** Which management events the trail logs: the readOnly values it selects (true, false), none at all. */
function managementEvents(trail: StoredTrail): Set<'read' | 'write'> {
  const out = new Set<'read' | 'write'>();
  const basic: EventSelector[] | undefined = trail.advancedEventSelectors
    ? undefined
    : (trail.eventSelectors ?? DEFAULT_SELECTORS);
  for (const s of basic ?? []) {
    if (s.IncludeManagementEvents === false) continue;
    if (s.ReadWriteType !== 'WriteOnly') out.add('read');
    if (s.ReadWriteType !== 'ReadOnly') out.add('write');
  }
  for (const s of trail.advancedEventSelectors ?? ([] as AdvancedEventSelector[])) {
    const fields = s.FieldSelectors ?? [];
    const category = fields.find((f) => f.Field === 'eventCategory');
    if (!category?.Equals?.includes('Management')) continue;
    const readOnly = fields.find((f) => f.Field === 'readOnly')?.Equals ?? ['true', 'false'];
    if (readOnly.includes('true')) out.add('read');
    if (readOnly.includes('false')) out.add('write');
  }
  return out;
}

export function putInsightSelectors(
  ctx: CallContext,
  input: PutInsightSelectorsRequest,
): PutInsightSelectorsResponse {
  const trail = trailOf(ctx, input, 'write');
  const wanted = input.InsightSelectors ?? [];
  const selectors: InsightSelector[] = [];
  for (const s of wanted) {
    const type = s.InsightType ?? '';
    if (!INSIGHT_TYPES.includes(type)) {
      throw invalidSelectors(
        `The InsightType ${type || '(none)'} is not valid. Valid values for InsightType are ApiCallRateInsight and ApiErrorRateInsight.`,
      );
    }
    if (selectors.some((x) => x.InsightType === type))
      throw invalidSelectors(`The InsightType ${type} is specified more than once.`);
    const categories = s.EventCategories ?? [];
    const unknown = categories.find((c) => !CATEGORIES.includes(c));
    if (unknown)
      throw invalidSelectors(
        `The event category ${unknown} is not valid. Valid values are Management and Data.`,
      );
    selectors.push({
      InsightType: type as InsightSelector['InsightType'],
      ...(categories.length ? { EventCategories: [...categories] } : {}),
    });
  }
  // "To log Insights on the API call rate, the trail must log write management events. To log
  // Insights on the API error rate, the trail must log read or write management events."
  const logged = managementEvents(trail);
  if (selectors.some((s) => s.InsightType === 'ApiCallRateInsight') && !logged.has('write')) {
    throw invalidSelectors(
      `The trail ${trail.name} does not log write management events, which ApiCallRateInsight analyzes.`,
    );
  }
  if (selectors.some((s) => s.InsightType === 'ApiErrorRateInsight') && logged.size === 0) {
    throw invalidSelectors(
      `The trail ${trail.name} does not log management events, which ApiErrorRateInsight analyzes.`,
    );
  }
  // An empty list turns Insights off.
  if (selectors.length) trail.insightSelectors = selectors;
  else delete trail.insightSelectors;
  return { TrailARN: trail.arn, InsightSelectors: selectors.map((s) => ({ ...s })) };
}

export function getInsightSelectors(
  ctx: CallContext,
  input: GetInsightSelectorsRequest,
): GetInsightSelectorsResponse {
  const trail = trailOf(ctx, input, 'read');
  if (!trail.insightSelectors?.length) {
    throw new ServiceError(
      'InsightNotEnabledException',
      `Trail ${trail.arn} does not have Insights enabled.`,
      400,
    );
  }
  return { TrailARN: trail.arn, InsightSelectors: trail.insightSelectors.map((s) => ({ ...s })) };
}
