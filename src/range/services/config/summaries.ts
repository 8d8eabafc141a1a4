import type {
  ComplianceSummary,
  GetComplianceSummaryByConfigRuleResponse,
  GetComplianceSummaryByResourceTypeRequest,
  GetComplianceSummaryByResourceTypeResponse,
} from '@aws-sdk/client-config-service';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { configState, resourceKey, type ConfigState } from './store.js';

// The counts a responder's first look at Config gives: how many rules, and how many resources of each
// type, are compliant and noncompliant (API Reference: rules capped at 25, resources at 100).

function summary(compliant: number, nonCompliant: number, cap: number, now: Date): ComplianceSummary {
  return {
    CompliantResourceCount: { CappedCount: Math.min(compliant, cap), CapExceeded: compliant > cap },
    NonCompliantResourceCount: { CappedCount: Math.min(nonCompliant, cap), CapExceeded: nonCompliant > cap },
    ComplianceSummaryTimestamp: now,
  };
}

export function getComplianceSummaryByConfigRule(ctx: CallContext): GetComplianceSummaryByConfigRuleResponse {
  const s = ctx.state(configState);
  let compliant = 0;
  let nonCompliant = 0;
  for (const rule of Object.keys(s.rules)) {
    const verdicts = Object.values(s.evaluations[rule] ?? {}).map((e) => e.compliance);
    if (verdicts.includes('NON_COMPLIANT')) nonCompliant++;
    else if (verdicts.includes('COMPLIANT')) compliant++;
  }
  return { ComplianceSummary: summary(compliant, nonCompliant, 25, ctx.now) };
}

/** Each resource's verdict across rules: any NON_COMPLIANT wins, then COMPLIANT. */
function resourceVerdicts(s: ConfigState): Map<string, { type: string; nonCompliant: boolean }> {
  const out = new Map<string, { type: string; nonCompliant: boolean }>();
  for (const byResource of Object.values(s.evaluations)) {
    for (const e of Object.values(byResource)) {
      if (e.compliance !== 'COMPLIANT' && e.compliance !== 'NON_COMPLIANT') continue;
      const key = resourceKey(e.resourceType, e.resourceId);
      const seen = out.get(key);
      out.set(key, {
        type: e.resourceType,
        nonCompliant: (seen?.nonCompliant ?? false) || e.compliance === 'NON_COMPLIANT',
      });
    }
  }
  return out;
}

export function getComplianceSummaryByResourceType(
  ctx: CallContext,
  input: GetComplianceSummaryByResourceTypeRequest,
): GetComplianceSummaryByResourceTypeResponse {
  const types = input.ResourceTypes;
  if (types && types.length > 100) {
    throw new ServiceError('InvalidParameterValueException', 'You can specify at most 100 resource types.');
  }
  const verdicts = [...resourceVerdicts(ctx.state(configState)).values()];
  const count = (type: string | undefined) => {
    const mine = verdicts.filter((v) => type === undefined || v.type === type);
    const non = mine.filter((v) => v.nonCompliant).length;
    return summary(mine.length - non, non, 100, ctx.now);
  };
  if (!types?.length) return { ComplianceSummariesByResourceType: [{ ComplianceSummary: count(undefined) }] };
  return {
    ComplianceSummariesByResourceType: types.map((t) => ({ ResourceType: t, ComplianceSummary: count(t) })),
  };
}
