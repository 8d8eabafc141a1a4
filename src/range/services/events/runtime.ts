import type { CallContext, RangeInfo } from '../../context.js';
import { uuid } from '../../ids.js';
import { deliverToRule } from './bus.js';
import { nextRun, parseSchedule } from './schedule.js';
import { eventsState, type EventsState } from './store.js';
import type { BusEvent } from './transform.js';

/**
 * Scheduled rules on the range clock. Each enabled rule with a ScheduleExpression has a timer chain
 * owned by its `armToken`; re-arming (PutRule, EnableRule) or disabling or deleting the rule ends the
 * old chain at its next tick. A store read back from --state-dir is armed by the first call in its
 * account and region that CloudTrail records (or the first EventBridge call).
 */

const armedStores = new WeakSet<EventsState>();

/** Scheduled deliveries still running, per range (the clock fires them; they finish asynchronously). */
const running = new WeakMap<RangeInfo, Set<Promise<unknown>>>();

/** Resolves once the scheduled deliveries that have started have finished (tests on a ManualClock). */
export async function scheduledDeliveriesSettled(range: RangeInfo): Promise<void> {
  for (let set = running.get(range); set && set.size > 0; set = running.get(range)) {
    await Promise.allSettled([...set]);
  }
}

function track(range: RangeInfo, work: Promise<unknown>): void {
  let set = running.get(range);
  if (!set) running.set(range, (set = new Set()));
  const done = work.catch(() => undefined).finally(() => set.delete(done));
  set.add(done);
}

export function ensureArmed(ctx: CallContext): void {
  const s = ctx.state(eventsState);
  if (armedStores.has(s)) return;
  armedStores.add(s);
  for (const name of Object.keys(s.rules)) armRule(ctx, name);
}

/** (Re)start a rule's schedule, or stop it when the rule is disabled or has none. */
export function armRule(ctx: CallContext, name: string): void {
  const rules = ctx.state(eventsState).rules;
  const rule = Object.hasOwn(rules, name) ? rules[name] : undefined;
  if (!rule) return;
  const schedule = rule.ScheduleExpression ? parseSchedule(rule.ScheduleExpression) : undefined;
  if (!schedule || rule.State === 'DISABLED') {
    delete rule.armToken;
    return;
  }
  const token = uuid();
  rule.armToken = token;
  const start = rule.scheduleStart ?? ctx.clock.now().getTime();
  const where = { accountId: ctx.accountId, region: ctx.region };
  const scheduleNext = () => {
    const now = ctx.clock.now().getTime();
    const at = nextRun(schedule, now, start);
    if (at !== undefined) ctx.clock.schedule(at - now, tick);
  };
  const tick = () => {
    const current = ctx.state(eventsState, where).rules[name];
    if (!current || current.armToken !== token) return;
    track(
      ctx.range,
      deliverToRule(ctx, where, current, scheduledEvent(where, current.Arn, ctx.clock.now()), false),
    );
    scheduleNext();
  };
  scheduleNext();
}

/** The event a schedule sends: AWS's `Scheduled Event` from `aws.events`, naming the rule. */
export function scheduledEvent(
  where: { accountId: string; region: string },
  ruleArn: string,
  at: Date,
): BusEvent {
  return {
    version: '0',
    id: uuid(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: where.accountId,
    time: eventTime(at),
    region: where.region,
    resources: [ruleArn],
    detail: {},
  };
}

/** Event times are whole seconds in UTC: `2026-12-06T15:54:43Z`. */
export function eventTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
