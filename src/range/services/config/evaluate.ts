import type { CallContext } from '../../context.js';
import { isServiceError } from '../../errors.js';
import { record } from '../../records.js';
import { managedRules, type Finding, type ResourceReader } from './managed/index.js';
import { configActor, configReader, type ConfigWhere } from './principal.js';
import { isRecording } from './recorder.js';
import { autoRemediate } from './remediation.js';
import { runCustomRule, type CustomTrigger } from './custom.js';
import { configState, resourceKey, type StoredEvaluation, type StoredRule } from './store.js';

/** Why a rule runs: a resource changed, its period came round, or someone asked (StartConfigRulesEvaluation). */
export type EvaluationTrigger =
  { kind: 'change'; change?: CustomTrigger } | { kind: 'periodic' } | { kind: 'manual' };

export function readerFor(ctx: CallContext, where: ConfigWhere): ResourceReader {
  const opts = configReader(where);
  return {
    accountId: where.accountId,
    region: where.region,
    read: async <O>(service: string, operation: string, input: object) =>
      (await ctx.dispatch(service, operation, input, opts)) as O,
    tryRead: async <O>(service: string, operation: string, input: object) => {
      try {
        return (await ctx.dispatch(service, operation, input, opts)) as O;
      } catch (err) {
        if (isServiceError(err)) return undefined;
        throw err;
      }
    },
  };
}

/** The rule's InputParameters with the managed rule's documented defaults filled in. */
export function ruleParameters(rule: StoredRule): Record<string, string> {
  let given: Record<string, unknown> = {};
  try {
    given = JSON.parse(rule.inputParameters || '{}') as Record<string, unknown>;
  } catch {
    given = {};
  }
  const out: Record<string, string> = record();
  for (const p of managedRules[rule.sourceIdentifier]?.parameters ?? [])
    if (p.default !== undefined) out[p.name] = p.default;
  for (const [k, v] of Object.entries(given))
    if (v !== undefined && v !== null && v !== '') out[k] = String(v);
  return out;
}

/**
 * Change-triggered rules judge what the recorder records, so they run only while it records (AWS
 * requires it); periodic-only rules read the account's settings and run regardless.
 */
export function needsRecorder(rule: StoredRule): boolean {
  if (rule.owner === 'AWS') return managedRules[rule.sourceIdentifier]?.changeTriggered ?? true;
  return rule.sourceDetails.some((d) => d.MessageType !== 'ScheduledNotification');
}

function inScope(rule: StoredRule, f: Finding): boolean {
  const scope = rule.scope;
  if (!scope) return true;
  if (scope.ComplianceResourceTypes?.length && !scope.ComplianceResourceTypes.includes(f.resourceType))
    return false;
  if (scope.ComplianceResourceId && scope.ComplianceResourceId !== f.resourceId) return false;
  return true;
}

/** Run one rule now (if the recorder records), store its verdicts and act on changes. */
export async function evaluateRule(
  ctx: CallContext,
  where: ConfigWhere,
  ruleName: string,
  trigger: EvaluationTrigger,
): Promise<void> {
  const s = ctx.state(configState, where);
  const rule = s.rules[ruleName];
  if (!rule || (needsRecorder(rule) && !isRecording(s))) return;
  const status = s.ruleStatus[ruleName];
  const invokedAt = ctx.clock.now();
  if (status) status.firstEvaluationStarted = true;
  if (rule.owner === 'CUSTOM_LAMBDA') {
    await runCustomRule(ctx, where, rule, trigger.kind === 'change' ? trigger.change : undefined);
    return;
  }
  const managed = managedRules[rule.sourceIdentifier];
  if (!managed) return;
  let findings: Finding[];
  try {
    findings = await managed.evaluate(readerFor(ctx, where), ruleParameters(rule));
  } catch (err) {
    if (status) {
      status.lastFailedInvocationTime = invokedAt;
      status.lastFailedEvaluationTime = invokedAt;
      status.lastErrorCode = isServiceError(err) ? err.code : 'InternalError';
      status.lastErrorMessage = (err as Error).message;
    }
    return;
  }
  if (status) {
    status.lastSuccessfulInvocationTime = invokedAt;
    status.lastSuccessfulEvaluationTime = ctx.clock.now();
  }
  await applyFindings(
    ctx,
    where,
    rule,
    findings.filter((f) => inScope(rule, f)),
    invokedAt,
    { complete: true },
  );
}

/**
 * Store a rule's verdicts. A managed rule's run is `complete` (a resource it no longer reports was
 * deleted); a custom rule's PutEvaluations names only what it judged. A verdict that differs from
 * the last one is sent to EventBridge, and a NON_COMPLIANT one starts automatic remediation.
 */
export async function applyFindings(
  ctx: CallContext,
  where: ConfigWhere,
  rule: StoredRule,
  findings: Array<Finding & { orderingTimestamp?: Date }>,
  invokedAt: Date,
  opts: { complete: boolean },
): Promise<void> {
  const s = ctx.state(configState, where);
  const results = (s.evaluations[rule.name] ??= record());
  const seen = new Set<string>();
  const changed: Array<{ before?: StoredEvaluation; after: StoredEvaluation }> = [];
  const now = ctx.clock.now();
  for (const f of findings) {
    const key = resourceKey(f.resourceType, f.resourceId);
    seen.add(key);
    const before = results[key];
    const after: StoredEvaluation = {
      resourceType: f.resourceType,
      resourceId: f.resourceId,
      compliance: f.compliance,
      annotation: f.annotation,
      orderingTimestamp: f.orderingTimestamp ?? invokedAt,
      recordedAt: now,
      invokedAt,
    };
    results[key] = after;
    if (before?.compliance !== after.compliance) changed.push({ before, after });
  }
  if (opts.complete) for (const key of Object.keys(results)) if (!seen.has(key)) delete results[key];
  for (const c of changed) await sendComplianceChange(ctx, where, rule, c.after, c.before);
  for (const f of Object.values(results)) {
    if (f.compliance === 'NON_COMPLIANT' && seen.has(resourceKey(f.resourceType, f.resourceId))) {
      await autoRemediate(ctx, where, rule.name, f);
    }
  }
}

function evaluationResult(rule: StoredRule, e: StoredEvaluation) {
  return {
    evaluationResultIdentifier: {
      evaluationResultQualifier: {
        configRuleName: rule.name,
        resourceType: e.resourceType,
        resourceId: e.resourceId,
        evaluationMode: 'DETECTIVE',
      },
      orderingTimestamp: e.orderingTimestamp.toISOString(),
    },
    complianceType: e.compliance,
    resultRecordedTime: e.recordedAt.toISOString(),
    configRuleInvokedTime: e.invokedAt.toISOString(),
    ...(e.annotation ? { annotation: e.annotation } : {}),
  };
}

/**
 * The "Config Rules Compliance Change" event AWS Config sends to the default event bus (the detail
 * is the ComplianceChangeNotification the developer guide shows). A range without EventBridge, or an
 * EventBridge that refuses it, loses the event quietly, as a notification would be lost.
 */
async function sendComplianceChange(
  ctx: CallContext,
  where: ConfigWhere,
  rule: StoredRule,
  after: StoredEvaluation,
  before: StoredEvaluation | undefined,
): Promise<void> {
  const detail = {
    resourceId: after.resourceId,
    awsRegion: where.region,
    awsAccountId: where.accountId,
    configRuleName: rule.name,
    recordVersion: '1.0',
    configRuleARN: rule.arn,
    messageType: 'ComplianceChangeNotification',
    newEvaluationResult: evaluationResult(rule, after),
    ...(before ? { oldEvaluationResult: evaluationResult(rule, before) } : {}),
    notificationCreationTime: ctx.clock.now().toISOString(),
    resourceType: after.resourceType,
  };
  try {
    await ctx.dispatch(
      'events',
      'PutEvents',
      {
        Entries: [
          {
            Source: 'aws.config',
            DetailType: 'Config Rules Compliance Change',
            Detail: JSON.stringify(detail),
            Resources: [],
          },
        ],
      },
      configActor(where, false),
    );
  } catch {
    // EventBridge absent or refusing: Config's own record of the verdict stands.
  }
}
