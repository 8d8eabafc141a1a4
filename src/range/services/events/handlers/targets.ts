import type {
  ListTargetsByRuleRequest,
  ListTargetsByRuleResponse,
  PutTargetsRequest,
  PutTargetsResponse,
  PutTargetsResultEntry,
  RemoveTargetsRequest,
  RemoveTargetsResponse,
  Target,
} from '@aws-sdk/client-eventbridge';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { paginate } from '../../../paginate.js';
import { checkName, constraint, validation } from '../errors.js';
import { TARGETS_PER_RULE, type StoredTarget } from '../store.js';
import { parseArn } from '../targets.js';
import { isValidPath } from '../transform.js';
import { findRule, resolveBus } from './common.js';

function checkCount(list: unknown[] | undefined, member: string): void {
  if (!list || list.length < 1 || list.length > 10) {
    throw constraint(
      undefined,
      member,
      list && list.length > 10
        ? 'Member must have length less than or equal to 10'
        : 'Member must have length greater than or equal to 1',
    );
  }
}

/** Why a target cannot be added (PutTargets reports it in FailedEntries), or undefined. */
function targetProblem(t: Target): string | undefined {
  const arn = t.Arn ? parseArn(t.Arn) : undefined;
  if (!arn) return 'Provided Arn is not in correct format.';
  const inputs = [t.Input, t.InputPath, t.InputTransformer].filter((x) => x !== undefined).length;
  if (inputs > 1) return 'Only one of Input, InputPath, or InputTransformer must be provided.';
  if (t.Input !== undefined) {
    try {
      JSON.parse(t.Input);
    } catch {
      return 'Input is not a valid JSON text.';
    }
  }
  if (t.InputPath !== undefined && !isValidPath(t.InputPath)) return 'InputPath is not a valid JSON path.';
  if (t.InputTransformer) {
    for (const [key, path] of Object.entries(t.InputTransformer.InputPathsMap ?? {})) {
      if (key.toLowerCase().startsWith('aws.')) return `InputPathsMap key ${key} is reserved.`;
      if (!isValidPath(path)) return `InputPathsMap contains invalid JSONPath: ${path}`;
    }
  }
  if (arn.service === 'ssm' && arn.resource.startsWith('automation-definition/') && !t.RoleArn) {
    return 'RoleArn is required for target arn: ' + t.Arn;
  }
  return undefined;
}

function stored(t: Target): StoredTarget {
  return {
    Id: t.Id as string,
    Arn: t.Arn as string,
    RoleArn: t.RoleArn,
    Input: t.Input,
    InputPath: t.InputPath,
    InputTransformer: t.InputTransformer
      ? { InputPathsMap: t.InputTransformer.InputPathsMap, InputTemplate: t.InputTransformer.InputTemplate }
      : undefined,
  };
}

export function putTargets(ctx: CallContext, input: PutTargetsRequest): PutTargetsResponse {
  const bus = resolveBus(ctx, input.EventBusName);
  const rule = findRule(ctx, checkName(input.Rule, 'rule'), bus);
  checkCount(input.Targets, 'targets');
  const targets = input.Targets as Target[];
  targets.forEach((t, i) => checkName(t.Id, `targets.${i + 1}.member.id`));
  const newIds = new Set(targets.map((t) => t.Id).filter((id) => !rule.Targets.some((x) => x.Id === id)));
  if (rule.Targets.length + newIds.size > TARGETS_PER_RULE) {
    throw new ServiceError(
      'LimitExceededException',
      'The requested resource exceeds the maximum number allowed.',
    );
  }
  const failed: PutTargetsResultEntry[] = [];
  const list = [...rule.Targets];
  for (const t of targets) {
    const problem = targetProblem(t);
    if (problem) {
      failed.push({ TargetId: t.Id, ErrorCode: 'ValidationException', ErrorMessage: problem });
      continue;
    }
    const at = list.findIndex((x) => x.Id === t.Id);
    if (at >= 0) list[at] = stored(t);
    else list.push(stored(t));
  }
  rule.Targets = list;
  return { FailedEntryCount: failed.length, FailedEntries: failed };
}

export function removeTargets(ctx: CallContext, input: RemoveTargetsRequest): RemoveTargetsResponse {
  const bus = resolveBus(ctx, input.EventBusName);
  const rule = findRule(ctx, checkName(input.Rule, 'rule'), bus);
  checkCount(input.Ids, 'ids');
  const ids = new Set(input.Ids);
  rule.Targets = rule.Targets.filter((t) => !ids.has(t.Id));
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export function listTargetsByRule(
  ctx: CallContext,
  input: ListTargetsByRuleRequest,
): ListTargetsByRuleResponse {
  const bus = resolveBus(ctx, input.EventBusName);
  const rule = findRule(ctx, checkName(input.Rule, 'rule'), bus);
  if (input.Limit !== undefined && (input.Limit < 1 || input.Limit > 100)) {
    throw constraint(String(input.Limit), 'limit', 'Member must have value between 1 and 100');
  }
  const { page, nextToken } = paginate(rule.Targets, {
    token: input.NextToken,
    max: input.Limit,
    defaultMax: 100,
    query: { op: 'ListTargetsByRule', rule: rule.Name },
    invalidToken: () => validation('The nextToken provided is invalid.'),
  });
  return { Targets: page.map((t) => ({ ...t })), NextToken: nextToken };
}
