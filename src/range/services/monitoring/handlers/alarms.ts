import type { MetricAlarm, PutMetricAlarmInput, Statistic } from '@aws-sdk/client-cloudwatch';
import type { CallContext } from '../../../context.js';
import { addHistory, armAlarm, ensureArmed, evaluateStoredAlarm } from '../alarm-runtime.js';
import { isThresholdComparison } from '../evaluate.js';
import { isPercentile, isStatistic } from '../metrics.js';
import { alarmArn, monitoringState, type StoredAlarm } from '../store.js';
import {
  Problems,
  checkDimensions,
  checkMetricName,
  checkNamespace,
  checkUnit,
  invalidCombination,
  invalidValue,
  missingParameter,
  validPeriod,
  validationError,
} from '../validate.js';
import { checkTags } from './tags.js';

const MISSING_DATA = ['breaching', 'notBreaching', 'ignore', 'missing'];
/** The alarm configuration members (everything PutMetricAlarm sets except tags). */
const CONFIG_FIELDS = [
  'AlarmDescription',
  'ActionsEnabled',
  'OKActions',
  'AlarmActions',
  'InsufficientDataActions',
  'MetricName',
  'Namespace',
  'Statistic',
  'ExtendedStatistic',
  'Dimensions',
  'Period',
  'Unit',
  'EvaluationPeriods',
  'DatapointsToAlarm',
  'Threshold',
  'ComparisonOperator',
  'TreatMissingData',
  'EvaluateLowSampleCountPercentile',
] as const;

export async function putMetricAlarm(
  ctx: CallContext,
  input: PutMetricAlarmInput,
): Promise<Record<string, never>> {
  ensureArmed(ctx);
  validateAlarm(ctx, input);
  const s = ctx.state(monitoringState);
  const name = input.AlarmName as string;
  const existing = s.alarms[name];
  const config: MetricAlarm = {};
  for (const f of CONFIG_FIELDS)
    if (input[f] !== undefined) (config as Record<string, unknown>)[f] = input[f];
  config.ActionsEnabled = input.ActionsEnabled ?? true;
  config.OKActions = input.OKActions ?? [];
  config.AlarmActions = input.AlarmActions ?? [];
  config.InsufficientDataActions = input.InsufficientDataActions ?? [];
  config.Dimensions = input.Dimensions ?? [];

  let stored: StoredAlarm;
  if (existing) {
    // An update overwrites the configuration and keeps the state; tags are only set at creation.
    const before = existing.alarm;
    const changed: Record<string, unknown> = {};
    for (const f of CONFIG_FIELDS) {
      if (JSON.stringify(before[f]) !== JSON.stringify(config[f])) changed[lowerFirst(f)] = before[f] ?? null;
    }
    existing.alarm = {
      AlarmName: name,
      AlarmArn: before.AlarmArn,
      ...config,
      AlarmConfigurationUpdatedTimestamp: ctx.now,
      StateValue: before.StateValue,
      StateReason: before.StateReason,
      StateReasonData: before.StateReasonData,
      StateUpdatedTimestamp: before.StateUpdatedTimestamp,
      StateTransitionedTimestamp: before.StateTransitionedTimestamp,
    };
    stored = existing;
    configurationHistory(ctx, stored.alarm, 'Update', { originalUpdatedFields: changed });
  } else {
    stored = {
      alarm: {
        AlarmName: name,
        AlarmArn: alarmArn(ctx.region, ctx.accountId, name),
        ...config,
        AlarmConfigurationUpdatedTimestamp: ctx.now,
        StateValue: 'INSUFFICIENT_DATA',
        StateReason: 'Unchecked: Initial alarm creation',
        StateUpdatedTimestamp: ctx.now,
        StateTransitionedTimestamp: ctx.now,
      },
      tags: input.Tags ?? [],
      armToken: '',
    };
    s.alarms[name] = stored;
    configurationHistory(ctx, stored.alarm, 'Create', {});
  }
  armAlarm(ctx, name);
  await evaluateStoredAlarm(ctx, name, ctx.now);
  return {};
}

/** A ConfigurationUpdate history item, with the alarm's configuration as AWS writes it (lowerCamelCase). */
export function configurationHistory(
  ctx: CallContext,
  alarm: MetricAlarm,
  type: 'Create' | 'Update' | 'Delete',
  extra: Record<string, unknown>,
): void {
  const verb = type === 'Create' ? 'created' : type === 'Update' ? 'updated' : 'deleted';
  const key = type === 'Create' ? 'createdAlarm' : type === 'Update' ? 'updatedAlarm' : 'deletedAlarm';
  addHistory(ctx.state(monitoringState), {
    AlarmName: alarm.AlarmName ?? '',
    AlarmType: 'MetricAlarm',
    Timestamp: ctx.now,
    HistoryItemType: 'ConfigurationUpdate',
    HistorySummary: `Alarm "${alarm.AlarmName ?? ''}" ${verb}`,
    HistoryData: JSON.stringify({ version: '1.0', type, [key]: alarmDocument(alarm), ...extra }),
  });
}

function alarmDocument(alarm: MetricAlarm): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(alarm)) {
    if (v === undefined || k === 'StateReasonData') continue;
    if (k === 'Dimensions')
      out.dimensions = (v as Array<{ Name?: string; Value?: string }>).map((d) => ({
        name: d.Name,
        value: d.Value,
      }));
    else out[lowerFirst(k)] = v instanceof Date ? v.toISOString().replace('Z', '+0000') : v;
  }
  return out;
}

/** `AlarmName` → `alarmName`, `OKActions` → `okActions`. */
function lowerFirst(s: string): string {
  return s.replace(/^[A-Z]+?(?=[A-Z][a-z]|$)|^[A-Z]/, (m) => m.toLowerCase());
}

function validateAlarm(ctx: CallContext, input: PutMetricAlarmInput): void {
  const name = input.AlarmName ?? '';
  if (
    name.length === 0 ||
    name.length > 255 ||
    [...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
  ) {
    throw invalidValue(`The value ${name} for parameter AlarmName is invalid.`);
  }
  if (input.Metrics !== undefined) {
    throw validationError(
      'The range does not evaluate metric math alarms (the Metrics parameter). Use MetricName, Namespace, Statistic and Period instead.',
    );
  }
  if (input.ThresholdMetricId !== undefined) {
    throw validationError(
      'The range does not emulate anomaly detection models, so it cannot create alarms with ThresholdMetricId.',
    );
  }
  const op = input.ComparisonOperator;
  if (op === undefined) throw missingParameter('ComparisonOperator');
  if (!isThresholdComparison(op)) {
    if (
      [
        'LessThanLowerOrGreaterThanUpperThreshold',
        'LessThanLowerThreshold',
        'GreaterThanUpperThreshold',
      ].includes(op)
    ) {
      throw validationError(
        `The comparison operator ${op} needs an anomaly detection band, which the range does not emulate.`,
      );
    }
    throw invalidValue(`The value ${op} for parameter ComparisonOperator is invalid.`);
  }
  checkMetricName(input.MetricName, 'MetricName');
  checkNamespace(input.Namespace, 'Namespace', { write: false });
  if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) {
    throw invalidCombination(
      'Exactly one element of the Statistic and ExtendedStatistic parameters must be specified.',
    );
  }
  if (input.Statistic !== undefined && !isStatistic(input.Statistic as Statistic)) {
    throw invalidValue(`The value ${input.Statistic} for parameter Statistic is invalid.`);
  }
  const extended = input.ExtendedStatistic;
  if (extended !== undefined && !isPercentile(extended)) {
    if (/^(tm|tc|ts|wm|TM|TC|TS|WM|PR|IQM)/.test(extended)) {
      throw invalidValue(
        `The range computes percentile extended statistics (p0 to p100) only, not ${extended}.`,
      );
    }
    throw invalidValue(`The value ${extended} for parameter ExtendedStatistic is invalid.`);
  }
  if (input.Period === undefined) throw missingParameter('Period');
  if (!validPeriod(input.Period, { query: false })) {
    throw invalidValue(
      `The value ${input.Period} for parameter Period is invalid: use 10, 20, 30 or a multiple of 60.`,
    );
  }
  const n = input.EvaluationPeriods ?? 0;
  if (!Number.isInteger(n) || n < 1)
    throw invalidValue(`The value ${n} for parameter EvaluationPeriods is invalid.`);
  const m = input.DatapointsToAlarm;
  if (m !== undefined && (!Number.isInteger(m) || m < 1))
    throw invalidValue(`The value ${m} for parameter DatapointsToAlarm is invalid.`);
  if (m !== undefined && m > n)
    throw validationError('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
  if (input.Threshold === undefined) throw missingParameter('Threshold');
  if (!Number.isFinite(input.Threshold))
    throw invalidValue(`The value ${input.Threshold} for parameter Threshold is invalid.`);

  const problems = new Problems();
  if (input.TreatMissingData !== undefined && !MISSING_DATA.includes(input.TreatMissingData)) {
    problems.add(
      `The value ${input.TreatMissingData} for parameter TreatMissingData is invalid: use ${MISSING_DATA.join(', ')}.`,
    );
  }
  const low = input.EvaluateLowSampleCountPercentile;
  if (low !== undefined && low !== 'evaluate' && low !== 'ignore') {
    problems.add(`The value ${low} for parameter EvaluateLowSampleCountPercentile is invalid.`);
  }
  if ((input.AlarmDescription ?? '').length > 1024)
    problems.add('The parameter AlarmDescription must be shorter than 1025 characters.');
  checkDimensions(input.Dimensions, 'Dimensions', problems);
  checkUnit(input.Unit, 'Unit', problems);
  for (const list of ['OKActions', 'AlarmActions', 'InsufficientDataActions'] as const)
    checkActions(ctx, input[list], list, problems);
  problems.throwIfAny();
  checkTags(input.Tags);
}

const ARN = /^arn:aws[\w-]*:([a-z0-9-]+):([a-z0-9-]*):[^:]*:.+$/;

function checkActions(
  ctx: CallContext,
  actions: string[] | undefined,
  list: string,
  problems: Problems,
): void {
  if (!actions) return;
  if (actions.length > 5) problems.add(`The collection ${list} must not have a size greater than 5.`);
  for (const arn of actions) {
    const m = ARN.exec(arn);
    if (!m) {
      problems.add(`Invalid arn syntax: ${arn}`);
      continue;
    }
    // Notifications go to topics in the alarm's own region.
    if (m[1] === 'sns' && m[2] !== ctx.region)
      throw validationError(`Invalid region ${m[2]} specified. Only ${ctx.region} is supported.`);
  }
}
