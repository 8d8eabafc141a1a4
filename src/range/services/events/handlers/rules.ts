import type {
  DeleteRuleRequest,
  DescribeRuleRequest,
  DescribeRuleResponse,
  DisableRuleRequest,
  EnableRuleRequest,
  ListRuleNamesByTargetRequest,
  ListRuleNamesByTargetResponse,
  ListRulesRequest,
  ListRulesResponse,
  PutRuleRequest,
  PutRuleResponse,
  Rule,
  RuleState,
} from '@aws-sdk/client-eventbridge';
import type { CallContext } from '../../../context.js';
import { paginate } from '../../../paginate.js';
import { record } from '../../../records.js';
import { ServiceError } from '../../../errors.js';
import { checkMaxLength, checkName, constraint, invalidPattern, validation } from '../errors.js';
import { patternProblem } from '../pattern.js';
import { armRule } from '../runtime.js';
import { parseSchedule } from '../schedule.js';
import { eventsState, ruleArn, type StoredRule } from '../store.js';
import { findRule, resolveBus } from './common.js';

const STATES: RuleState[] = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'];

function checkState(state: string | undefined): RuleState {
  if (state === undefined) return 'ENABLED';
  if (!STATES.includes(state as RuleState)) {
    throw constraint(state, 'state', `Member must satisfy enum value set: [${STATES.join(', ')}]`);
  }
  return state as RuleState;
}

/** A pattern's problem, as PutRule and TestEventPattern answer it. */
export function checkPattern(pattern: string): void {
  checkMaxLength(pattern, 'eventPattern', 4096);
  const problem = patternProblem(pattern);
  if (problem !== undefined) throw invalidPattern(problem);
}

export function putRule(ctx: CallContext, input: PutRuleRequest): PutRuleResponse {
  const name = checkName(input.Name, 'name');
  const bus = resolveBus(ctx, input.EventBusName);
  const state = checkState(input.State);
  checkMaxLength(input.Description, 'description', 512);
  checkMaxLength(input.ScheduleExpression, 'scheduleExpression', 256);
  if (input.EventPattern === undefined && input.ScheduleExpression === undefined) {
    throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  }
  if (input.EventPattern !== undefined) checkPattern(input.EventPattern);
  if (input.ScheduleExpression !== undefined && !parseSchedule(input.ScheduleExpression)) {
    throw validation('Parameter ScheduleExpression is not valid.');
  }
  const rules = ctx.state(eventsState).rules;
  const existing = Object.hasOwn(rules, name) ? rules[name] : undefined;
  const arn = ruleArn(ctx.region, ctx.accountId, name);
  const sameSchedule = existing?.ScheduleExpression === input.ScheduleExpression;
  // PutRule replaces the rule: members left out are cleared. Targets stay; tags are set at creation only.
  const rule: StoredRule = {
    Name: name,
    Arn: arn,
    EventPattern: input.EventPattern,
    ScheduleExpression: input.ScheduleExpression,
    State: state,
    Description: input.Description,
    RoleArn: input.RoleArn,
    EventBusName: bus,
    CreatedBy: existing?.CreatedBy ?? ctx.accountId,
    Targets: existing?.Targets ?? [],
    Tags: existing?.Tags ?? record((input.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''] as const)),
    scheduleStart:
      input.ScheduleExpression === undefined
        ? undefined
        : sameSchedule && existing?.scheduleStart !== undefined
          ? existing.scheduleStart
          : ctx.now.getTime(),
  };
  rules[name] = rule;
  armRule(ctx, name);
  return { RuleArn: arn };
}

function describe(rule: StoredRule): Rule {
  return {
    Name: rule.Name,
    Arn: rule.Arn,
    EventPattern: rule.EventPattern,
    ScheduleExpression: rule.ScheduleExpression,
    State: rule.State,
    Description: rule.Description,
    RoleArn: rule.RoleArn,
    EventBusName: rule.EventBusName,
  };
}

export function describeRule(ctx: CallContext, input: DescribeRuleRequest): DescribeRuleResponse {
  const bus = resolveBus(ctx, input.EventBusName);
  const rule = findRule(ctx, checkName(input.Name, 'name'), bus);
  return { ...describe(rule), CreatedBy: rule.CreatedBy };
}

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (limit < 1 || limit > 100)) {
    throw constraint(
      String(limit),
      'limit',
      limit < 1
        ? 'Member must have value greater than or equal to 1'
        : 'Member must have value less than or equal to 100',
    );
  }
}

const badToken = () => validation('The nextToken provided is invalid.');

export function listRules(ctx: CallContext, input: ListRulesRequest): ListRulesResponse {
  const bus = resolveBus(ctx, input.EventBusName);
  if (input.NamePrefix !== undefined) checkName(input.NamePrefix, 'namePrefix');
  checkLimit(input.Limit);
  const prefix = input.NamePrefix ?? '';
  const rules = Object.values(ctx.state(eventsState).rules)
    .filter((r) => r.Name.startsWith(prefix))
    .sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  const { page, nextToken } = paginate(rules, {
    token: input.NextToken,
    max: input.Limit,
    defaultMax: 100,
    query: { op: 'ListRules', bus, prefix },
    invalidToken: badToken,
  });
  return { Rules: page.map(describe), NextToken: nextToken };
}

export function listRuleNamesByTarget(
  ctx: CallContext,
  input: ListRuleNamesByTargetRequest,
): ListRuleNamesByTargetResponse {
  const bus = resolveBus(ctx, input.EventBusName);
  checkLimit(input.Limit);
  const names = Object.values(ctx.state(eventsState).rules)
    .filter((r) => r.Targets.some((t) => t.Arn === input.TargetArn))
    .map((r) => r.Name)
    .sort();
  const { page, nextToken } = paginate(names, {
    token: input.NextToken,
    max: input.Limit,
    defaultMax: 100,
    query: { op: 'ListRuleNamesByTarget', bus, target: input.TargetArn },
    invalidToken: badToken,
  });
  return { RuleNames: page, NextToken: nextToken };
}

/** Deleting a rule that does not exist succeeds (AWS: "all calls will succeed"); one with targets does not. */
export function deleteRule(ctx: CallContext, input: DeleteRuleRequest): Record<string, never> {
  const name = checkName(input.Name, 'name');
  resolveBus(ctx, input.EventBusName);
  const rules = ctx.state(eventsState).rules;
  if (!Object.hasOwn(rules, name)) return {};
  if ((rules[name] as StoredRule).Targets.length > 0) {
    throw new ServiceError('ValidationException', "Rule can't be deleted since it has targets.");
  }
  delete rules[name];
  return {};
}

function setState(ctx: CallContext, name: string | undefined, bus: string | undefined, state: RuleState) {
  const rule = findRule(ctx, checkName(name, 'name'), resolveBus(ctx, bus));
  // Enabling a rule that reads all management events keeps that choice.
  if (state === 'ENABLED' && rule.State === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') return {};
  rule.State = state;
  armRule(ctx, rule.Name);
  return {};
}

export function enableRule(ctx: CallContext, input: EnableRuleRequest): Record<string, never> {
  return setState(ctx, input.Name, input.EventBusName, 'ENABLED');
}

export function disableRule(ctx: CallContext, input: DisableRuleRequest): Record<string, never> {
  return setState(ctx, input.Name, input.EventBusName, 'DISABLED');
}
