import type { CallContext } from '../../context.js';
import { uuid } from '../../ids.js';
import type { CloudTrailRecord } from '../../history.js';
import { evaluateRule, type EvaluationTrigger } from './evaluate.js';
import { managedRules } from './managed/index.js';
import type { ConfigWhere } from './principal.js';
import { configState, configTimes, type ConfigState, type StoredRule } from './store.js';
import { changeOf, customRuleWantsChange } from './custom.js';

/**
 * AWS Config's work on the range clock: a rule is evaluated shortly after it is put, shortly after a
 * recorded change to a resource it judges (change-triggered rules), and every MaximumExecutionFrequency
 * (periodic rules). Evaluations run only while the recorder records.
 */

const FREQUENCY_MS: Record<string, number> = {
  One_Hour: 3_600_000,
  Three_Hours: 3 * 3_600_000,
  Six_Hours: 6 * 3_600_000,
  Twelve_Hours: 12 * 3_600_000,
  TwentyFour_Hours: 24 * 3_600_000,
};

/** Evaluations still running, so a test can wait for the range to be quiet instead of sleeping. */
const inFlight = new Set<Promise<void>>();

export async function configIdle(): Promise<void> {
  while (inFlight.size) await Promise.allSettled([...inFlight]);
}

export function runEvaluation(
  ctx: CallContext,
  where: ConfigWhere,
  name: string,
  trigger: EvaluationTrigger,
): void {
  const p = evaluateRule(ctx, where, name, trigger).catch(() => undefined);
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p));
}

/** `<account>|<region>|<rule>` with a change evaluation already scheduled: a burst of changes runs it once. */
const pendingChange = new Set<string>();

function scheduleChange(
  ctx: CallContext,
  where: ConfigWhere,
  rule: StoredRule,
  trigger: EvaluationTrigger,
  delayMs: number,
) {
  // A custom rule gets one invocation per changed resource; a burst of changes to it sends one.
  const resource = trigger.kind === 'change' && trigger.change ? `|${trigger.change.resourceId}` : '';
  const key = `${where.accountId}|${where.region}|${rule.name}|${delayMs}${resource}`;
  if (pendingChange.has(key)) return;
  pendingChange.add(key);
  ctx.clock.schedule(delayMs, () => {
    pendingChange.delete(key);
    runEvaluation(ctx, where, rule.name, trigger);
  });
}

export function periodOf(rule: StoredRule): number | undefined {
  if (rule.owner === 'AWS') {
    const managed = managedRules[rule.sourceIdentifier];
    if (!managed?.periodic) return undefined;
    return FREQUENCY_MS[rule.maximumExecutionFrequency ?? 'TwentyFour_Hours'];
  }
  const scheduled = rule.sourceDetails.find((d) => d.MessageType === 'ScheduledNotification');
  if (!scheduled) return undefined;
  return FREQUENCY_MS[
    scheduled.MaximumExecutionFrequency ?? rule.maximumExecutionFrequency ?? 'TwentyFour_Hours'
  ];
}

/** (Re)start a rule's timers: a first evaluation soon, then its period. A newer arm ends older chains. */
export function armRule(
  ctx: CallContext,
  where: ConfigWhere,
  name: string,
  opts: { evaluateNow: boolean },
): void {
  const rule = ctx.state(configState, where).rules[name];
  if (!rule) return;
  const token = uuid();
  rule.armToken = token;
  const alive = () => ctx.state(configState, where).rules[name]?.armToken === token;
  if (opts.evaluateNow) {
    ctx.clock.schedule(configTimes.changeEvaluationMs, () => {
      if (alive()) runEvaluation(ctx, where, name, { kind: 'manual' });
    });
  }
  const period = periodOf(rule);
  if (period === undefined) return;
  const tick = () => {
    if (!alive()) return;
    runEvaluation(ctx, where, name, { kind: 'periodic' });
    ctx.clock.schedule(period, tick);
  };
  ctx.clock.schedule(period, tick);
}

export function armAllRules(ctx: CallContext, opts: { evaluateNow: boolean }): void {
  const where = { accountId: ctx.accountId, region: ctx.region };
  for (const name of Object.keys(ctx.state(configState).rules)) armRule(ctx, where, name, opts);
}

/** Stores whose rules have timers in this process (a store read back from --state-dir has none yet). */
const armedStores = new WeakSet<ConfigState>();

export function ensureArmed(ctx: CallContext, where: ConfigWhere): void {
  const s = ctx.state(configState, where);
  if (armedStores.has(s)) return;
  armedStores.add(s);
  for (const name of Object.keys(s.rules)) armRule(ctx, where, name, { evaluateNow: false });
}

export function markArmed(ctx: CallContext): void {
  armedStores.add(ctx.state(configState));
}

/** Event sources whose changes take a while to show in what Config reads (a patch run settles later). */
const FOLLOW_UP_MS: Record<string, number[]> = { 'ssm.amazonaws.com': [90_000] };

/** A recorded change: schedule the change-triggered rules that judge what it touched. */
export function onRecordedChange(ctx: CallContext, record: CloudTrailRecord): void {
  if (record.readOnly === true || record.errorCode || record.eventSource === 'config.amazonaws.com') return;
  const global = record.eventSource === 'iam.amazonaws.com';
  for (const slot of ctx.allState(configState)) {
    const accountId = slot.accountId ?? '';
    const region = slot.region ?? '';
    if (accountId !== record.recipientAccountId) continue;
    if (!global && region !== record.awsRegion) continue;
    const where = { accountId, region };
    ensureArmed(ctx, where);
    if (!slot.value.recorders || !Object.values(slot.value.recorders).some((r) => r.recording)) continue;
    for (const rule of Object.values(slot.value.rules)) {
      const delays = [configTimes.changeEvaluationMs, ...(FOLLOW_UP_MS[record.eventSource] ?? [])];
      if (rule.owner === 'AWS') {
        const managed = managedRules[rule.sourceIdentifier];
        if (!managed?.changeTriggered || !managed.eventSources.includes(record.eventSource)) continue;
        for (const d of delays) scheduleChange(ctx, where, rule, { kind: 'change' }, d);
      } else if (customRuleWantsChange(rule, record)) {
        const change = changeOf(rule, record);
        if (change)
          scheduleChange(ctx, where, rule, { kind: 'change', change }, configTimes.changeEvaluationMs);
      }
    }
  }
}
