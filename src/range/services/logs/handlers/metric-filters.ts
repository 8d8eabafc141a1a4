import type {
  DeleteMetricFilterRequest,
  DescribeMetricFiltersRequest,
  DescribeMetricFiltersResponse,
  MetricTransformation,
  PutMetricFilterRequest,
  TestMetricFilterRequest,
  TestMetricFilterResponse,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { paginate } from '../../../paginate.js';
import {
  checkGroupName,
  checkLimit,
  constraintError,
  filterPatternOf,
  invalidParameter,
  requireGroup,
} from '../common.js';
import {
  fieldValue,
  isFieldReference,
  matchEvent,
  regexCount,
  type FilterPattern,
} from '../filter-pattern.js';
import { logsState, type StoredLogEvent, type StoredLogGroup } from '../store.js';
import { STANDARD_UNITS as UNITS } from '../../../metric-units.js';

const METRIC_PATTERN_MESSAGE = 'Invalid metric filter pattern';
const LITERAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function checkFilterName(name: string, member = 'filterName'): void {
  if (name.length < 1 || name.length > 512)
    throw constraintError(member, name, 'Member must have length less than or equal to 512');
  if (/[:*]/.test(name))
    throw constraintError(member, name, 'Member must satisfy regular expression pattern: [^:*]*');
}

function checkTransformation(t: MetricTransformation, pattern: FilterPattern): void {
  for (const [member, value] of [
    ['metricName', t.metricName],
    ['metricNamespace', t.metricNamespace],
  ] as const) {
    if (!value)
      throw constraintError(`metricTransformations.1.member.${member}`, value, 'Member must not be null');
    if (value.length > 255 || /[:*$]/.test(value)) {
      throw constraintError(
        `metricTransformations.1.member.${member}`,
        value,
        'Member must satisfy regular expression pattern: [^:*$]*',
      );
    }
  }
  const value = t.metricValue ?? '';
  if (!LITERAL.test(value) && !isFieldReference(pattern, value))
    throw invalidParameter(`Invalid metric value: ${value}`);
  const dims = Object.entries(t.dimensions ?? {});
  if (dims.length > 3) throw invalidParameter('A metric filter can have at most 3 dimensions.');
  for (const [name, ref] of dims) {
    if (!isFieldReference(pattern, ref))
      throw invalidParameter(`Invalid dimension value for ${name}: ${ref}`);
  }
  if (dims.length && t.defaultValue !== undefined) {
    throw invalidParameter('A metric transformation with dimensions cannot have a default value.');
  }
  if (t.unit !== undefined && !UNITS.includes(t.unit)) {
    throw constraintError(
      'metricTransformations.1.member.unit',
      t.unit,
      `Member must satisfy enum value set: [${UNITS.join(', ')}]`,
    );
  }
}

export function putMetricFilter(ctx: CallContext, input: PutMetricFilterRequest): Record<string, never> {
  checkGroupName(input.logGroupName as string);
  checkFilterName(input.filterName as string);
  const pattern = filterPatternOf(input.filterPattern, METRIC_PATTERN_MESSAGE);
  const transformations = input.metricTransformations ?? [];
  if (transformations.length !== 1) {
    throw constraintError(
      'metricTransformations',
      `[${transformations.length} items]`,
      'Member must have length less than or equal to 1',
    );
  }
  checkTransformation(transformations[0] as MetricTransformation, pattern);
  const group = requireGroup(ctx, input.logGroupName as string);
  const existing = group.metricFilters[input.filterName as string];
  if (!existing && Object.keys(group.metricFilters).length >= 100) {
    throw new ServiceError('LimitExceededException', 'Resource limit exceeded.', 400);
  }
  // At most five metric filters of a log group may use regular expressions.
  if (regexCount(pattern) > 0) {
    const others = Object.values(group.metricFilters).filter(
      (f) => f.filterName !== input.filterName && regexCount(filterPatternOf(f.filterPattern)) > 0,
    );
    if (others.length >= 5) throw new ServiceError('LimitExceededException', 'Resource limit exceeded.', 400);
  }
  group.metricFilters[input.filterName as string] = {
    filterName: input.filterName as string,
    filterPattern: input.filterPattern ?? '',
    metricTransformations: transformations.map((t) => ({ ...t, unit: t.unit })),
    creationTime: existing?.creationTime ?? ctx.now.getTime(),
  };
  return {};
}

export function describeMetricFilters(
  ctx: CallContext,
  input: DescribeMetricFiltersRequest,
): DescribeMetricFiltersResponse {
  if ((input.metricName === undefined) !== (input.metricNamespace === undefined)) {
    throw invalidParameter(
      'If you include the metricName parameter in your request, you must also include the metricNamespace parameter.',
    );
  }
  checkLimit(input.limit, 50);
  if (input.filterNamePrefix !== undefined) checkFilterName(input.filterNamePrefix, 'filterNamePrefix');
  let groups: StoredLogGroup[];
  if (input.logGroupName !== undefined) {
    checkGroupName(input.logGroupName);
    groups = [requireGroup(ctx, input.logGroupName)];
  } else groups = Object.values(ctx.state(logsState).groups);
  const filters = groups
    .flatMap((g) => Object.values(g.metricFilters).map((f) => ({ g, f })))
    // The name prefix only applies together with a log group name.
    .filter(
      ({ f }) =>
        input.logGroupName === undefined ||
        input.filterNamePrefix === undefined ||
        f.filterName.startsWith(input.filterNamePrefix),
    )
    .filter(
      ({ f }) =>
        input.metricName === undefined ||
        f.metricTransformations.some(
          (t) => t.metricName === input.metricName && t.metricNamespace === input.metricNamespace,
        ),
    )
    .sort((a, b) =>
      a.f.filterName < b.f.filterName
        ? -1
        : a.f.filterName > b.f.filterName
          ? 1
          : a.g.logGroupName < b.g.logGroupName
            ? -1
            : 1,
    );
  const { page, nextToken } = paginate(filters, {
    token: input.nextToken,
    max: input.limit,
    defaultMax: 50,
    query: [
      'DescribeMetricFilters',
      input.logGroupName,
      input.filterNamePrefix,
      input.metricName,
      input.metricNamespace,
    ],
    invalidToken: () => invalidParameter('The specified nextToken is invalid.'),
  });
  return {
    metricFilters: page.map(({ g, f }) => ({
      filterName: f.filterName,
      filterPattern: f.filterPattern,
      metricTransformations: f.metricTransformations,
      creationTime: f.creationTime,
      logGroupName: g.logGroupName,
      applyOnTransformedLogs: false,
    })),
    nextToken,
  };
}

export function deleteMetricFilter(
  ctx: CallContext,
  input: DeleteMetricFilterRequest,
): Record<string, never> {
  checkGroupName(input.logGroupName as string);
  checkFilterName(input.filterName as string);
  const group = requireGroup(ctx, input.logGroupName as string);
  if (!group.metricFilters[input.filterName as string]) {
    throw new ServiceError('ResourceNotFoundException', 'The specified metric filter does not exist.', 400);
  }
  delete group.metricFilters[input.filterName as string];
  return {};
}

export function testMetricFilter(
  _ctx: CallContext,
  input: TestMetricFilterRequest,
): TestMetricFilterResponse {
  const pattern = filterPatternOf(input.filterPattern, METRIC_PATTERN_MESSAGE);
  const messages = input.logEventMessages ?? [];
  if (messages.length < 1 || messages.length > 50) {
    throw constraintError(
      'logEventMessages',
      `[${messages.length} items]`,
      'Member must have length between 1 and 50',
    );
  }
  const matches: NonNullable<TestMetricFilterResponse['matches']> = [];
  messages.forEach((message, i) => {
    const m = matchEvent(pattern, message);
    if (m) matches.push({ eventNumber: i + 1, eventMessage: message, extractedValues: m.extractedValues });
  });
  return { matches };
}

type MetricDatum = {
  MetricName: string;
  Value: number;
  Unit?: string;
  Timestamp: Date;
  Dimensions?: Array<{ Name: string; Value: string }>;
};

/**
 * Metric filters turn ingested events into CloudWatch metric data: the metric value (a literal or a
 * field of the event) when the pattern matches, the default value when it does not. AWS aggregates
 * per minute; the range sends one datum per event, which sums the same. Nothing is sent when no
 * CloudWatch (`monitoring`) service answers: the log events are stored either way.
 */
export async function emitMetrics(
  ctx: CallContext,
  group: StoredLogGroup,
  events: readonly StoredLogEvent[],
): Promise<void> {
  if (events.length === 0) return;
  for (const filter of Object.values(group.metricFilters)) {
    const t = filter.metricTransformations[0];
    if (!t) continue;
    const pattern = filterPatternOf(filter.filterPattern, METRIC_PATTERN_MESSAGE);
    const data: MetricDatum[] = [];
    for (const e of events) {
      const m = matchEvent(pattern, e.message);
      const base = { MetricName: t.metricName as string, Unit: t.unit, Timestamp: new Date(e.timestamp) };
      if (!m) {
        if (t.defaultValue !== undefined) data.push({ ...base, Value: t.defaultValue });
        continue;
      }
      const raw = LITERAL.test(t.metricValue ?? '') ? t.metricValue : fieldValue(m, t.metricValue ?? '');
      const value =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && LITERAL.test(raw.trim())
            ? Number(raw)
            : undefined;
      if (value === undefined) continue;
      const dims = Object.entries(t.dimensions ?? {}).map(([Name, ref]) => ({
        Name,
        Value: fieldValue(m, ref),
      }));
      // An event lacking a dimension's field yields no datum, as in AWS.
      if (dims.some((d) => d.Value === undefined || d.Value === '')) continue;
      data.push({
        ...base,
        Value: value,
        Dimensions: dims.length ? dims.map((d) => ({ Name: d.Name, Value: String(d.Value) })) : undefined,
      });
    }
    for (let i = 0; i < data.length; i += 1000) {
      const sent = await putMetricData(ctx, t.metricNamespace as string, data.slice(i, i + 1000));
      if (!sent) return;
    }
  }
}

async function putMetricData(ctx: CallContext, namespace: string, data: MetricDatum[]): Promise<boolean> {
  try {
    await ctx.dispatch(
      'monitoring',
      'PutMetricData',
      { Namespace: namespace, MetricData: data },
      { record: false },
    );
    return true;
  } catch (err) {
    // No CloudWatch service on this range, or it cannot take metric data yet: nothing to feed.
    if (err instanceof ServiceError && (err.code === 'InvalidAction' || err.code === 'NotImplemented'))
      return false;
    return true;
  }
}
