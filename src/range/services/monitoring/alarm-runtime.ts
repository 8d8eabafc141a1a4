import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { CallContext } from '../../context.js';
import { uuid } from '../../ids.js';
import {
  evaluateAlarm,
  isThresholdComparison,
  type AlarmDatapoint,
  type AlarmRule,
  type AlarmStateValue,
  type MissingDataTreatment,
} from './evaluate.js';
import { bucketize, statisticOf } from './metrics.js';
import { notificationMessage, notificationSubject } from './notification.js';
import {
  HISTORY_LIMIT,
  metricKey,
  monitoringState,
  type MonitoringState,
  type StoredAlarm,
  type StoredHistoryItem,
} from './store.js';

/**
 * Alarms live on the range clock: each alarm is evaluated at the end of each of its periods, and at
 * once when data arrives for its metric. A timer chain is owned by the alarm's `armToken`; re-arming
 * (an update) or deleting the alarm, or resetting the range, ends the old chain at its next tick.
 */

/** Stores whose alarms have timers in this process (a store read back from --state-dir has none yet). */
const armedStores = new WeakSet<MonitoringState>();

export function ensureArmed(ctx: CallContext): void {
  const s = ctx.state(monitoringState);
  if (armedStores.has(s)) return;
  armedStores.add(s);
  for (const name of Object.keys(s.alarms)) armAlarm(ctx, name);
}

export function armAlarm(ctx: CallContext, name: string): void {
  const stored = ctx.state(monitoringState).alarms[name];
  if (!stored) return;
  const token = uuid();
  stored.armToken = token;
  const periodMs = (stored.alarm.Period ?? 60) * 1000;
  const scheduleNext = () => {
    const now = ctx.clock.now().getTime();
    ctx.clock.schedule(periodMs - (now % periodMs) || periodMs, tick);
  };
  const tick = () => {
    const current = ctx.state(monitoringState).alarms[name];
    if (!current || current.armToken !== token) return;
    // The state change is applied synchronously; actions (SNS) complete asynchronously.
    void evaluateStoredAlarm(ctx, name, ctx.clock.now()).catch(() => undefined);
    scheduleNext();
  };
  scheduleNext();
}

/** The alarm's rule for the pure evaluator. */
export function ruleOf(alarm: MetricAlarm): AlarmRule | undefined {
  const op = alarm.ComparisonOperator ?? '';
  if (!isThresholdComparison(op)) return undefined;
  const n = alarm.EvaluationPeriods ?? 1;
  return {
    periodSeconds: alarm.Period ?? 60,
    evaluationPeriods: n,
    datapointsToAlarm: alarm.DatapointsToAlarm ?? n,
    threshold: alarm.Threshold ?? 0,
    comparison: op,
    treatMissingData: (alarm.TreatMissingData ?? 'missing') as MissingDataTreatment,
    statistic: alarm.ExtendedStatistic ?? alarm.Statistic ?? 'Average',
  };
}

/** The alarm statistic's value in each period around the evaluation range. */
export function alarmDatapoints(s: MonitoringState, alarm: MetricAlarm, now: Date): AlarmDatapoint[] {
  const metric = s.metrics[metricKey(alarm.Namespace ?? '', alarm.MetricName ?? '', alarm.Dimensions)];
  if (!metric) return [];
  const periodMs = (alarm.Period ?? 60) * 1000;
  const current = Math.floor(now.getTime() / periodMs) * periodMs;
  const start = current - (alarm.EvaluationPeriods ?? 1) * periodMs;
  const statistic = alarm.ExtendedStatistic ?? alarm.Statistic ?? 'Average';
  const out: AlarmDatapoint[] = [];
  for (const b of bucketize(metric.points, { start, end: current + periodMs, periodMs, unit: alarm.Unit })) {
    const value = statisticOf(b, statistic);
    if (value !== undefined) out.push({ timestamp: b.timestamp, value, sampleCount: b.n });
  }
  return out;
}

/** Evaluate one alarm now and apply a state change (with its actions) if there is one. */
export async function evaluateStoredAlarm(ctx: CallContext, name: string, now: Date): Promise<void> {
  const s = ctx.state(monitoringState);
  const stored = s.alarms[name];
  if (!stored) return;
  const rule = ruleOf(stored.alarm);
  if (!rule) return;
  const current = (stored.alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStateValue;
  const outcome = evaluateAlarm(rule, alarmDatapoints(s, stored.alarm, now), now, current);
  if (!outcome || outcome.state === current) return;
  await changeState(ctx, stored, outcome, now);
}

/** Record a state change in the alarm and its history, then run the new state's actions. */
export async function changeState(
  ctx: CallContext,
  stored: StoredAlarm,
  next: { state: AlarmStateValue; reason: string; reasonData?: string },
  now: Date,
): Promise<void> {
  const alarm = stored.alarm;
  const oldState = alarm.StateValue ?? 'INSUFFICIENT_DATA';
  const before = {
    stateValue: oldState,
    stateReason: alarm.StateReason,
    ...parsedReasonData(alarm.StateReasonData),
  };
  alarm.StateValue = next.state;
  alarm.StateReason = next.reason;
  alarm.StateReasonData = next.reasonData;
  alarm.StateUpdatedTimestamp = now;
  alarm.StateTransitionedTimestamp = now;
  addHistory(ctx.state(monitoringState), {
    AlarmName: alarm.AlarmName ?? '',
    AlarmType: 'MetricAlarm',
    Timestamp: now,
    HistoryItemType: 'StateUpdate',
    HistorySummary: `Alarm updated from ${oldState} to ${next.state}`,
    HistoryData: JSON.stringify({
      version: '1.0',
      oldState: before,
      newState: { stateValue: next.state, stateReason: next.reason, ...parsedReasonData(next.reasonData) },
    }),
  });
  if (alarm.ActionsEnabled === false) return;
  const actions =
    next.state === 'ALARM'
      ? alarm.AlarmActions
      : next.state === 'OK'
        ? alarm.OKActions
        : alarm.InsufficientDataActions;
  for (const arn of actions ?? []) await runAction(ctx, stored, arn, oldState, now);
}

function parsedReasonData(text: string | undefined): { stateReasonData?: unknown } {
  if (!text) return {};
  try {
    return { stateReasonData: JSON.parse(text) as unknown };
  } catch {
    return {};
  }
}

const SNS_TOPIC = /^arn:aws[\w-]*:sns:([a-z0-9-]+):(\d{12}):([\w-]+(?:\.fifo)?)$/;

async function runAction(
  ctx: CallContext,
  stored: StoredAlarm,
  arn: string,
  oldState: string,
  now: Date,
): Promise<void> {
  const alarm = stored.alarm;
  const base = { actionState: 'Succeeded', stateUpdateTimestamp: now.getTime(), notificationResource: arn };
  const history = (ok: boolean, data: Record<string, unknown>) =>
    addHistory(ctx.state(monitoringState), {
      AlarmName: alarm.AlarmName ?? '',
      AlarmType: 'MetricAlarm',
      Timestamp: ctx.clock.now(),
      HistoryItemType: 'Action',
      HistorySummary: ok
        ? `Successfully executed action ${arn}`
        : `Failed to execute action ${arn}. Received error: "${String(data.error)}"`,
      HistoryData: JSON.stringify({ ...base, ...data }),
    });
  const topic = SNS_TOPIC.exec(arn);
  if (!topic) {
    history(false, { actionState: 'Failed', error: 'The range performs SNS notification actions only' });
    return;
  }
  const subject = notificationSubject(alarm, ctx.region);
  try {
    const out = (await ctx.dispatch(
      'sns',
      'Publish',
      {
        TopicArn: arn,
        Subject: subject,
        Message: notificationMessage(alarm, { accountId: ctx.accountId, region: ctx.region, oldState }),
      },
      { record: false, region: topic[1], accountId: topic[2] },
    )) as { MessageId?: string };
    history(true, { publishedMessage: { MessageId: out.MessageId, Subject: subject } });
  } catch (err) {
    history(false, { actionState: 'Failed', error: (err as Error).message });
  }
}

export function addHistory(s: MonitoringState, item: StoredHistoryItem): void {
  s.history.push(item);
  if (s.history.length > HISTORY_LIMIT) s.history.splice(0, s.history.length - HISTORY_LIMIT);
}
