import type {
  AlarmHistoryItem,
  DescribeAlarmHistoryInput,
  DescribeAlarmHistoryOutput,
  DescribeAlarmsForMetricInput,
  DescribeAlarmsForMetricOutput,
  DescribeAlarmsInput,
  DescribeAlarmsOutput,
  MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import type { CallContext } from '../../../context.js';
import { paginate } from '../../../paginate.js';
import { ensureArmed } from '../alarm-runtime.js';
import { monitoringState } from '../store.js';
import { invalidCombination, invalidValue, sameDimensions, validationError } from '../validate.js';
import { invalidNextToken } from './metrics.js';

const ALARM_TYPES = ['MetricAlarm', 'CompositeAlarm'];
const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/** A copy, so that the codec and CloudTrail never hold the stored alarm. */
function view(alarm: MetricAlarm): MetricAlarm {
  return { ...alarm, Dimensions: alarm.Dimensions?.map((d) => ({ ...d })) };
}

function checkAlarmTypes(types: string[] | undefined): boolean {
  for (const t of types ?? [])
    if (!ALARM_TYPES.includes(t))
      throw validationError(`The value ${t} for parameter AlarmTypes is invalid.`);
  return types === undefined || types.length === 0 || types.includes('MetricAlarm');
}

function checkMaxRecords(max: number | undefined): void {
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 100)) {
    throw validationError(
      `The value ${max} for parameter MaxRecords is invalid: it must be between 1 and 100.`,
    );
  }
}

export function describeAlarms(ctx: CallContext, input: DescribeAlarmsInput): DescribeAlarmsOutput {
  ensureArmed(ctx);
  if (input.AlarmNames?.length && input.AlarmNamePrefix !== undefined) {
    throw invalidCombination(
      'The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both.',
    );
  }
  if ((input.AlarmNames?.length ?? 0) > 100)
    throw invalidValue('The collection AlarmNames must not have a size greater than 100.');
  if (input.StateValue !== undefined && !STATES.includes(input.StateValue)) {
    throw invalidValue(`The value ${input.StateValue} for parameter StateValue is invalid.`);
  }
  checkMaxRecords(input.MaxRecords);
  const metricAlarms = checkAlarmTypes(input.AlarmTypes);
  // The range has no composite alarms: metric alarms have no children, and no composite is anyone's parent.
  const relatives = input.ChildrenOfAlarmName !== undefined || input.ParentsOfAlarmName !== undefined;
  const names = input.AlarmNames?.length ? new Set(input.AlarmNames) : undefined;
  const alarms = Object.values(ctx.state(monitoringState).alarms)
    .map((a) => a.alarm)
    .filter(() => metricAlarms && !relatives)
    .filter((a) => !names || names.has(a.AlarmName ?? ''))
    .filter(
      (a) => input.AlarmNamePrefix === undefined || (a.AlarmName ?? '').startsWith(input.AlarmNamePrefix),
    )
    .filter((a) => input.StateValue === undefined || a.StateValue === input.StateValue)
    .filter(
      (a) =>
        input.ActionPrefix === undefined ||
        [...(a.AlarmActions ?? []), ...(a.OKActions ?? []), ...(a.InsufficientDataActions ?? [])].some((x) =>
          x.startsWith(input.ActionPrefix as string),
        ),
    )
    .sort((a, b) => (a.AlarmName ?? '').localeCompare(b.AlarmName ?? ''));
  const { NextToken: token, MaxRecords: max, ...query } = input;
  const { page, nextToken } = paginate(alarms, {
    token,
    max,
    defaultMax: 50,
    query,
    invalidToken: invalidNextToken,
  });
  return { MetricAlarms: page.map(view), CompositeAlarms: [], NextToken: nextToken };
}

export function describeAlarmsForMetric(
  ctx: CallContext,
  input: DescribeAlarmsForMetricInput,
): DescribeAlarmsForMetricOutput {
  ensureArmed(ctx);
  const alarms = Object.values(ctx.state(monitoringState).alarms)
    .map((a) => a.alarm)
    .filter((a) => a.Namespace === input.Namespace && a.MetricName === input.MetricName)
    .filter((a) => input.Dimensions === undefined || sameDimensions(a.Dimensions, input.Dimensions))
    .filter((a) => input.Statistic === undefined || a.Statistic === input.Statistic)
    .filter((a) => input.ExtendedStatistic === undefined || a.ExtendedStatistic === input.ExtendedStatistic)
    .filter((a) => input.Period === undefined || a.Period === input.Period)
    .filter((a) => input.Unit === undefined || a.Unit === input.Unit)
    .sort((a, b) => (a.AlarmName ?? '').localeCompare(b.AlarmName ?? ''));
  return { MetricAlarms: alarms.map(view) };
}

const ITEM_TYPES = [
  'ConfigurationUpdate',
  'StateUpdate',
  'Action',
  'AlarmContributorStateUpdate',
  'AlarmContributorAction',
];

export function describeAlarmHistory(
  ctx: CallContext,
  input: DescribeAlarmHistoryInput,
): DescribeAlarmHistoryOutput {
  ensureArmed(ctx);
  if (input.HistoryItemType !== undefined && !ITEM_TYPES.includes(input.HistoryItemType)) {
    throw invalidValue(`The value ${input.HistoryItemType} for parameter HistoryItemType is invalid.`);
  }
  if (
    input.ScanBy !== undefined &&
    input.ScanBy !== 'TimestampDescending' &&
    input.ScanBy !== 'TimestampAscending'
  ) {
    throw validationError(`The value ${input.ScanBy} for parameter ScanBy is invalid.`);
  }
  checkMaxRecords(input.MaxRecords);
  const metricAlarms = checkAlarmTypes(input.AlarmTypes);
  const start = input.StartDate?.getTime() ?? -Infinity;
  const end = input.EndDate?.getTime() ?? Infinity;
  // The store is oldest first, in the order things happened (several items can share a millisecond).
  const items = ctx
    .state(monitoringState)
    .history.filter(() => metricAlarms)
    .filter((h) => input.AlarmName === undefined || h.AlarmName === input.AlarmName)
    .filter((h) => input.HistoryItemType === undefined || h.HistoryItemType === input.HistoryItemType)
    .filter((h) => h.Timestamp.getTime() >= start && h.Timestamp.getTime() <= end);
  if (input.ScanBy !== 'TimestampAscending') items.reverse();
  const { NextToken: token, MaxRecords: max, ...query } = input;
  const { page, nextToken } = paginate(items, {
    token,
    max,
    defaultMax: 100,
    query,
    invalidToken: invalidNextToken,
  });
  return { AlarmHistoryItems: page.map((h): AlarmHistoryItem => ({ ...h })), NextToken: nextToken };
}
