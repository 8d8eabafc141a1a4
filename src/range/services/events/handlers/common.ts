import type { CallContext } from '../../../context.js';
import { busNotFound, ruleNotFound } from '../errors.js';
import { ensureArmed } from '../runtime.js';
import { DEFAULT_BUS, busArn, eventsState, type StoredRule } from '../store.js';

/** The bus a call names: only the default bus exists on the range (by name or ARN). */
export function resolveBus(ctx: CallContext, name: string | undefined): string {
  ensureArmed(ctx);
  if (name === undefined || name === DEFAULT_BUS || name === busArn(ctx.region, ctx.accountId))
    return DEFAULT_BUS;
  throw busNotFound(name.startsWith('arn:') ? name.slice(name.lastIndexOf('/') + 1) : name);
}

export function findRule(ctx: CallContext, name: string | undefined, bus: string): StoredRule {
  const rules = ctx.state(eventsState).rules;
  const rule = name !== undefined && Object.hasOwn(rules, name) ? rules[name] : undefined;
  if (!rule) throw ruleNotFound(name ?? '', bus);
  return rule;
}
