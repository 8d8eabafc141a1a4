import type {
  ConfigRule,
  DeleteConfigRuleRequest,
  DescribeConfigRulesRequest,
  DescribeConfigRulesResponse,
  PutConfigRuleRequest,
  StartConfigRulesEvaluationRequest,
  StartConfigRulesEvaluationResponse,
} from '@aws-sdk/client-config-service';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { hexId } from '../../ids.js';
import { paginate } from '../../paginate.js';
import { needsRecorder } from './evaluate.js';
import { managedRules } from './managed/index.js';
import { whereOf } from './principal.js';
import { isRecording, recorderOf } from './recorder.js';
import { armRule, ensureArmed, runEvaluation } from './schedule.js';
import { configState, type StoredRule } from './store.js';

const FREQUENCIES = ['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours'];
const MAX_RULES = 1000;

function invalid(message: string): ServiceError {
  return new ServiceError('InvalidParameterValueException', message);
}

export function noSuchRule(name: string): ServiceError {
  return new ServiceError(
    'NoSuchConfigRuleException',
    `The ConfigRule '${name}' provided in the request is invalid. Please check the configRule name.`,
  );
}

function parseParameters(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(
      'Blank spaces are not acceptable for input parameter: the rule parameters must be a JSON object.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('The rule parameters must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

export function putConfigRule(ctx: CallContext, input: PutConfigRuleRequest): object {
  const s = ctx.state(configState);
  const where = whereOf(ctx);
  ensureArmed(ctx, where);
  const given: ConfigRule = input.ConfigRule ?? ({} as ConfigRule);
  const name = given.ConfigRuleName ?? '';
  if (!/^[\w.-]{1,128}$/.test(name)) throw invalid(`The ConfigRule name '${name}' is not valid.`);
  if (!recorderOf(s)) {
    throw new ServiceError(
      'NoAvailableConfigurationRecorderException',
      'There are no configuration recorders available to provide the configuration or configure the rule.',
    );
  }
  const existing = s.rules[name];
  if (!existing && Object.keys(s.rules).length >= MAX_RULES) {
    throw new ServiceError(
      'MaxNumberOfConfigRulesExceededException',
      `Failed to put config rule '${name}' because the maximum number of config rules: ${MAX_RULES} is reached.`,
    );
  }
  const source = given.Source;
  const owner = source?.Owner;
  const identifier = source?.SourceIdentifier ?? '';
  const details = source?.SourceDetails ?? [];
  const params = parseParameters(given.InputParameters);
  const frequency = given.MaximumExecutionFrequency;
  if (frequency !== undefined && !FREQUENCIES.includes(frequency)) {
    throw invalid(`The maximumExecutionFrequency '${String(frequency)}' is not valid.`);
  }
  if (owner === 'AWS') {
    if (details.length) {
      throw invalid(
        'SourceDetails should be null/empty if the owner is AWS. SourceDetails should be provided if the owner is CUSTOM_LAMBDA.',
      );
    }
    const managed = managedRules[identifier];
    if (!managed) {
      throw invalid(
        `The sourceIdentifier ${identifier} is invalid or not evaluated by the range. The range evaluates: ${Object.keys(managedRules).join(', ')}.`,
      );
    }
    if (frequency !== undefined && !managed.periodic) {
      throw invalid(
        `A maximum execution frequency is not allowed for rules triggered by configuration changes (${identifier}).`,
      );
    }
    const known = new Set(managed.parameters.map((p) => p.name));
    const unknown = Object.keys(params).filter((k) => !known.has(k));
    if (unknown.length)
      throw invalid(
        `Unknown parameters provided in the input parameters for the rule ${name}: ${unknown.join(', ')}.`,
      );
    for (const p of managed.parameters) {
      if (!p.optional && (params[p.name] === undefined || params[p.name] === '')) {
        throw invalid(`Required parameter ${p.name} is missing for the rule ${name}.`);
      }
    }
  } else if (owner === 'CUSTOM_LAMBDA') {
    if (!details.length) {
      throw invalid(
        'SourceDetails should be null/empty if the owner is AWS. SourceDetails should be provided if the owner is CUSTOM_LAMBDA.',
      );
    }
    if (!/^arn:aws[a-z-]*:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/.test(identifier)) {
      throw invalid(`The sourceIdentifier ${identifier} is not a valid Lambda function ARN.`);
    }
  } else {
    throw invalid(
      `The owner '${owner ?? ''}' is not valid: the range evaluates AWS managed rules and CUSTOM_LAMBDA rules.`,
    );
  }
  if (given.Scope?.TagKey !== undefined || given.Scope?.TagValue !== undefined) {
    throw invalid(
      'The range does not scope rules by tag yet (Scope.TagKey/TagValue): scope by resource type or id.',
    );
  }
  const id = existing?.id ?? `config-rule-${hexId(6)}`;
  const rule: StoredRule = {
    name,
    id,
    arn: existing?.arn ?? `arn:aws:config:${ctx.region}:${ctx.accountId}:config-rule/${id}`,
    description: given.Description,
    owner,
    sourceIdentifier: identifier,
    sourceDetails: details.map((d) => ({
      EventSource: d.EventSource,
      MessageType: d.MessageType,
      MaximumExecutionFrequency: d.MaximumExecutionFrequency,
    })),
    inputParameters: given.InputParameters ?? '',
    maximumExecutionFrequency: frequency,
    scope: given.Scope
      ? {
          ComplianceResourceTypes: given.Scope.ComplianceResourceTypes,
          TagKey: given.Scope.TagKey,
          TagValue: given.Scope.TagValue,
          ComplianceResourceId: given.Scope.ComplianceResourceId,
        }
      : undefined,
    state: 'ACTIVE',
    createdBy: given.CreatedBy,
    createdAt: existing?.createdAt ?? ctx.now,
  };
  s.rules[name] = rule;
  s.ruleStatus[name] ??= { firstActivatedTime: ctx.now, firstEvaluationStarted: false };
  armRule(ctx, where, name, { evaluateNow: isRecording(s) || !needsRecorder(rule) });
  return {};
}

function ruleView(r: StoredRule): ConfigRule {
  return {
    ConfigRuleName: r.name,
    ConfigRuleArn: r.arn,
    ConfigRuleId: r.id,
    Description: r.description,
    Scope: r.scope,
    Source: {
      Owner: r.owner,
      SourceIdentifier: r.sourceIdentifier,
      ...(r.sourceDetails.length ? { SourceDetails: r.sourceDetails as never } : {}),
    },
    InputParameters: r.inputParameters || '{}',
    MaximumExecutionFrequency: r.maximumExecutionFrequency as never,
    ConfigRuleState: r.state,
    CreatedBy: r.createdBy,
    EvaluationModes: [{ Mode: 'DETECTIVE' }],
  };
}

export function describeConfigRules(
  ctx: CallContext,
  input: DescribeConfigRulesRequest,
): DescribeConfigRulesResponse {
  const s = ctx.state(configState);
  const names = input.ConfigRuleNames;
  const rules = names?.length
    ? names.map((n) => {
        const r = s.rules[n];
        if (!r) throw noSuchRule(n);
        return r;
      })
    : Object.values(s.rules).sort((a, b) => a.name.localeCompare(b.name));
  const { page, nextToken } = paginate(rules, {
    token: input.NextToken,
    defaultMax: 25,
    query: names ?? null,
    invalidToken: () => new ServiceError('InvalidNextTokenException', 'The specified next token is invalid.'),
  });
  return { ConfigRules: page.map(ruleView), NextToken: nextToken };
}

export function deleteConfigRule(ctx: CallContext, input: DeleteConfigRuleRequest): object {
  const s = ctx.state(configState);
  const name = input.ConfigRuleName ?? '';
  if (!s.rules[name]) throw noSuchRule(name);
  if (s.remediations[name]) {
    throw new ServiceError(
      'ResourceInUseException',
      'A remediation action is associated with the rule and Config cannot delete this rule. Delete the remediation action associated with the rule before deleting the rule and try your request again later.',
    );
  }
  delete s.rules[name];
  delete s.evaluations[name];
  delete s.ruleStatus[name];
  delete s.remediationExecutions[name];
  return {};
}

export function startConfigRulesEvaluation(
  ctx: CallContext,
  input: StartConfigRulesEvaluationRequest,
): StartConfigRulesEvaluationResponse {
  const s = ctx.state(configState);
  const names = input.ConfigRuleNames ?? [];
  if (names.length === 0 || names.length > 25) throw invalid('Provide between 1 and 25 config rule names.');
  for (const n of names) if (!s.rules[n]) throw noSuchRule(n);
  for (const n of names) runEvaluation(ctx, whereOf(ctx), n, { kind: 'manual' });
  return {};
}
