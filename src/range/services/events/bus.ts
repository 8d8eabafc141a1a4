import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallContext } from '../../context.js';
import { compiledPattern } from './pattern.js';
import { eventsState, type StoredRule } from './store.js';
import { DeliveryFailure, invokeTarget } from './targets.js';
import { targetPayload, type BusEvent } from './transform.js';

/**
 * The default event bus: an event is matched against every enabled rule of its account and region,
 * and each matching rule's targets receive it. What happened is published as AWS publishes it, in the
 * `AWS/Events` CloudWatch namespace per rule (dimension `RuleName`): `MatchedEvents` and
 * `TriggeredRules` when the rule matched, `Invocations` for each target invoked and
 * `FailedInvocations` for those that failed; so "the rule never matched" and "its target failed"
 * read differently.
 */

export interface Where {
  accountId: string;
  region: string;
}

/** How deep targets' own events may feed the bus again (a rule that triggers itself stops here). */
const MAX_CHAIN = 8;
const chain = new AsyncLocalStorage<number>();

export interface Delivery {
  rule: string;
  invoked: number;
  failures: string[];
}

/** Put one event on the default bus; returns what each matching rule did. */
export async function putOnBus(
  ctx: CallContext,
  where: Where,
  event: BusEvent,
  opts: { readOnlyCloudTrail?: boolean } = {},
): Promise<Delivery[]> {
  const depth = chain.getStore() ?? 0;
  if (depth >= MAX_CHAIN) return [];
  const rules = Object.values(ctx.state(eventsState, where).rules);
  const matched = rules.filter((r) => ruleMatches(r, event, opts.readOnlyCloudTrail ?? false));
  if (matched.length === 0) return [];
  return chain.run(depth + 1, async () => {
    const out: Delivery[] = [];
    for (const rule of matched) out.push(await deliverToRule(ctx, where, rule, event, true));
    return out;
  });
}

function ruleMatches(rule: StoredRule, event: BusEvent, readOnlyCloudTrail: boolean): boolean {
  if (!rule.EventPattern || rule.State === 'DISABLED') return false;
  // Read-only management events reach only rules that ask for them (AWS's opt-in rule state).
  if (readOnlyCloudTrail && rule.State !== 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') return false;
  try {
    return compiledPattern(rule.EventPattern).matches(event);
  } catch {
    return false;
  }
}

/** Send an event to every target of a rule (a matched pattern, or the rule's schedule). */
export async function deliverToRule(
  ctx: CallContext,
  where: Where,
  rule: StoredRule,
  event: BusEvent,
  matched: boolean,
): Promise<Delivery> {
  const failures: string[] = [];
  const ingested = ctx.clock.now();
  for (const target of rule.Targets) {
    try {
      const payload = targetPayload(target, event, { name: rule.Name, arn: rule.Arn }, ingested);
      await invokeTarget(ctx, target, payload, event, where.accountId, rule.Arn);
    } catch (err) {
      if (!(err instanceof DeliveryFailure)) throw err;
      failures.push(`${target.Id}: ${err.message}`);
    }
  }
  await publishMetrics(ctx, where, rule.Name, {
    MatchedEvents: matched ? 1 : 0,
    TriggeredRules: 1,
    Invocations: rule.Targets.length,
    FailedInvocations: failures.length,
  });
  return { rule: rule.Name, invoked: rule.Targets.length, failures };
}

async function publishMetrics(
  ctx: CallContext,
  where: Where,
  ruleName: string,
  counts: Record<string, number>,
): Promise<void> {
  const data = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([MetricName, Value]) => ({
      MetricName,
      Dimensions: [{ Name: 'RuleName', Value: ruleName }],
      Timestamp: ctx.clock.now(),
      Value,
      Unit: 'Count',
    }));
  if (data.length === 0) return;
  // The AWS/ namespaces are AWS's own: the range's CloudWatch accepts them only from inside the range.
  try {
    await ctx.dispatch(
      'monitoring',
      'PutMetricData',
      { Namespace: 'AWS/Events', MetricData: data },
      { ...where, record: false },
    );
  } catch {
    // Metrics are best effort, as on AWS: a delivery never fails for want of them.
  }
}
