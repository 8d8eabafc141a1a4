import type {
  Compliance,
  DescribeComplianceByConfigRuleRequest,
  DescribeComplianceByConfigRuleResponse,
  DescribeComplianceByResourceRequest,
  DescribeComplianceByResourceResponse,
  DescribeConfigRuleEvaluationStatusRequest,
  DescribeConfigRuleEvaluationStatusResponse,
  EvaluationResult,
  GetComplianceDetailsByConfigRuleRequest,
  GetComplianceDetailsByConfigRuleResponse,
  GetComplianceDetailsByResourceRequest,
  GetComplianceDetailsByResourceResponse,
} from '@aws-sdk/client-config-service';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import { noSuchRule } from './rules.js';
import {
  configState,
  type ComplianceType,
  type ConfigState,
  type StoredEvaluation,
  type StoredRule,
} from './store.js';

// What AWS Config answers about compliance: per rule, per resource, and each evaluation result.

const invalidToken = () =>
  new ServiceError('InvalidNextTokenException', 'The specified next token is invalid.');

function checkFilter(types: string[] | undefined, allowed: string[]): Set<string> | undefined {
  if (!types?.length) return undefined;
  for (const t of types) {
    if (!allowed.includes(t)) {
      throw new ServiceError(
        'InvalidParameterValueException',
        `The compliance type '${t}' is not valid for this filter.`,
      );
    }
  }
  return new Set(types);
}

/** A group of verdicts summarized as AWS does: any NON_COMPLIANT wins, with how many contributed. */
function summarize(results: StoredEvaluation[]): Compliance {
  const non = results.filter((r) => r.compliance === 'NON_COMPLIANT').length;
  if (non)
    return {
      ComplianceType: 'NON_COMPLIANT',
      ComplianceContributorCount: { CappedCount: Math.min(non, 100), CapExceeded: non > 100 },
    };
  if (results.some((r) => r.compliance === 'COMPLIANT')) return { ComplianceType: 'COMPLIANT' };
  return { ComplianceType: 'INSUFFICIENT_DATA' };
}

function resultView(rule: StoredRule, e: StoredEvaluation): EvaluationResult {
  return {
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: {
        ConfigRuleName: rule.name,
        ResourceType: e.resourceType,
        ResourceId: e.resourceId,
        EvaluationMode: 'DETECTIVE',
      },
      OrderingTimestamp: e.orderingTimestamp,
    },
    ComplianceType: e.compliance,
    ResultRecordedTime: e.recordedAt,
    ConfigRuleInvokedTime: e.invokedAt,
    Annotation: e.annotation,
  };
}

function rulesNamed(s: ConfigState, names: string[] | undefined): StoredRule[] {
  if (!names?.length) return Object.values(s.rules).sort((a, b) => a.name.localeCompare(b.name));
  return names.map((n) => {
    const r = s.rules[n];
    if (!r) throw noSuchRule(n);
    return r;
  });
}

export function describeComplianceByConfigRule(
  ctx: CallContext,
  input: DescribeComplianceByConfigRuleRequest,
): DescribeComplianceByConfigRuleResponse {
  const s = ctx.state(configState);
  const filter = checkFilter(input.ComplianceTypes, ['COMPLIANT', 'NON_COMPLIANT', 'INSUFFICIENT_DATA']);
  const rows = rulesNamed(s, input.ConfigRuleNames)
    .map((r) => ({
      ConfigRuleName: r.name,
      Compliance: summarize(Object.values(s.evaluations[r.name] ?? {})),
    }))
    .filter((row) => !filter || filter.has(row.Compliance.ComplianceType ?? ''));
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    defaultMax: 25,
    query: [input.ConfigRuleNames, input.ComplianceTypes],
    invalidToken,
  });
  return { ComplianceByConfigRules: page, NextToken: nextToken };
}

const RESULT_TYPES = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'];

export function getComplianceDetailsByConfigRule(
  ctx: CallContext,
  input: GetComplianceDetailsByConfigRuleRequest,
): GetComplianceDetailsByConfigRuleResponse {
  const s = ctx.state(configState);
  const name = input.ConfigRuleName ?? '';
  const rule = s.rules[name];
  if (!rule) throw noSuchRule(name);
  const filter = checkFilter(input.ComplianceTypes, RESULT_TYPES);
  const rows = Object.values(s.evaluations[name] ?? {})
    .filter((e) => !filter || filter.has(e.compliance))
    .sort((a, b) => a.resourceId.localeCompare(b.resourceId))
    .map((e) => resultView(rule, e));
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max: input.Limit || undefined,
    defaultMax: 100,
    query: [name, input.ComplianceTypes],
    invalidToken,
  });
  return { EvaluationResults: page, NextToken: nextToken };
}

/** Every verdict on one resource (or every resource of a type), across rules. */
function byResource(s: ConfigState, type: string | undefined, id: string | undefined) {
  const out: Array<{ rule: StoredRule; e: StoredEvaluation }> = [];
  for (const rule of Object.values(s.rules)) {
    for (const e of Object.values(s.evaluations[rule.name] ?? {})) {
      if (type && e.resourceType !== type) continue;
      if (id && e.resourceId !== id) continue;
      out.push({ rule, e });
    }
  }
  return out;
}

export function describeComplianceByResource(
  ctx: CallContext,
  input: DescribeComplianceByResourceRequest,
): DescribeComplianceByResourceResponse {
  const s = ctx.state(configState);
  const filter = checkFilter(input.ComplianceTypes, ['COMPLIANT', 'NON_COMPLIANT', 'INSUFFICIENT_DATA']);
  const grouped = new Map<string, { type: string; id: string; results: StoredEvaluation[] }>();
  for (const { e } of byResource(s, input.ResourceType, input.ResourceId)) {
    const key = `${e.resourceType}|${e.resourceId}`;
    const g = grouped.get(key) ?? { type: e.resourceType, id: e.resourceId, results: [] };
    g.results.push(e);
    grouped.set(key, g);
  }
  const rows = [...grouped.values()]
    .map((g) => ({ ResourceType: g.type, ResourceId: g.id, Compliance: summarize(g.results) }))
    .filter((row) => !filter || filter.has(row.Compliance.ComplianceType ?? ''))
    .sort((a, b) => a.ResourceType.localeCompare(b.ResourceType) || a.ResourceId.localeCompare(b.ResourceId));
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max: input.Limit || undefined,
    defaultMax: 100,
    query: [input.ResourceType, input.ResourceId, input.ComplianceTypes],
    invalidToken,
  });
  return { ComplianceByResources: page, NextToken: nextToken };
}

export function getComplianceDetailsByResource(
  ctx: CallContext,
  input: GetComplianceDetailsByResourceRequest,
): GetComplianceDetailsByResourceResponse {
  const s = ctx.state(configState);
  if (!input.ResourceType || !input.ResourceId) {
    throw new ServiceError('InvalidParameterValueException', 'ResourceType and ResourceId are required.');
  }
  const filter = checkFilter(input.ComplianceTypes, RESULT_TYPES);
  const rows = byResource(s, input.ResourceType, input.ResourceId)
    .filter(({ e }) => !filter || filter.has(e.compliance as ComplianceType))
    .map(({ rule, e }) => resultView(rule, e));
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    defaultMax: 100,
    query: [input.ResourceType, input.ResourceId, input.ComplianceTypes],
    invalidToken,
  });
  return { EvaluationResults: page, NextToken: nextToken };
}

export function describeConfigRuleEvaluationStatus(
  ctx: CallContext,
  input: DescribeConfigRuleEvaluationStatusRequest,
): DescribeConfigRuleEvaluationStatusResponse {
  const s = ctx.state(configState);
  const rows = rulesNamed(s, input.ConfigRuleNames).map((r) => {
    const st = s.ruleStatus[r.name];
    return {
      ConfigRuleName: r.name,
      ConfigRuleArn: r.arn,
      ConfigRuleId: r.id,
      FirstActivatedTime: st?.firstActivatedTime,
      LastSuccessfulInvocationTime: st?.lastSuccessfulInvocationTime,
      LastFailedInvocationTime: st?.lastFailedInvocationTime,
      LastSuccessfulEvaluationTime: st?.lastSuccessfulEvaluationTime,
      LastFailedEvaluationTime: st?.lastFailedEvaluationTime,
      LastErrorCode: st?.lastErrorCode,
      LastErrorMessage: st?.lastErrorMessage,
      FirstEvaluationStarted: st?.firstEvaluationStarted ?? false,
    };
  });
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max: input.Limit || undefined,
    defaultMax: 50,
    query: input.ConfigRuleNames ?? null,
    invalidToken,
  });
  return { ConfigRulesEvaluationStatus: page, NextToken: nextToken };
}
