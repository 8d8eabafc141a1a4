import type {
  AutomationExecutionMetadata,
  DescribeAutomationExecutionsRequest,
  DescribeAutomationExecutionsResult,
} from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import { checkRange } from './common.js';
import { ssmState, type StoredAutomation } from './store.js';

// DescribeAutomationExecutions: what ran in the account (AWS-owned runbooks and the account's own),
// newest first, as a responder lists them to see what a remediation did.

function statusOf(e: StoredAutomation, now: Date): string {
  return now.getTime() >= e.endsAt.getTime() ? e.outcome : 'InProgress';
}

type Test = (e: StoredAutomation, now: Date) => boolean;

function filterOf(key: string, values: string[]): Test {
  const time = (v: string): number => {
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new ServiceError('InvalidFilterValue', `The filter value ${v} is not a time.`);
    return t;
  };
  switch (key) {
    case 'DocumentNamePrefix':
      return (e) => values.some((v) => e.documentName.startsWith(v));
    case 'ExecutionStatus':
      return (e, now) => values.includes(statusOf(e, now));
    case 'ExecutionId':
      return (e) => values.includes(e.executionId);
    case 'StartTimeBefore':
      return (e) => values.every((v) => e.startedAt.getTime() < time(v));
    case 'StartTimeAfter':
      return (e) => values.every((v) => e.startedAt.getTime() > time(v));
    case 'AutomationType':
      return () => values.includes('Local');
    default:
      throw new ServiceError(
        'InvalidFilterKey',
        `The range filters automation executions by DocumentNamePrefix, ExecutionStatus, ExecutionId, StartTimeBefore, StartTimeAfter and AutomationType, not by ${key}.`,
      );
  }
}

export function describeAutomationExecutions(
  ctx: CallContext,
  input: DescribeAutomationExecutionsRequest,
): DescribeAutomationExecutionsResult {
  const filters = (input.Filters ?? []).map((f) => filterOf(f.Key ?? '', f.Values ?? []));
  const rows: AutomationExecutionMetadata[] = Object.values(ctx.state(ssmState).automations)
    .filter((e) => filters.every((test) => test(e, ctx.now)))
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
    .map((e) => {
      const status = statusOf(e, ctx.now);
      const done = status !== 'InProgress';
      return {
        AutomationExecutionId: e.executionId,
        DocumentName: e.documentName,
        DocumentVersion: e.documentVersion ?? '1',
        AutomationExecutionStatus: status as 'Success',
        ExecutionStartTime: e.startedAt,
        ...(done ? { ExecutionEndTime: e.endsAt } : {}),
        ExecutedBy: e.executedBy,
        ...(done ? { Outputs: e.outputs } : {}),
        ...(done && e.failureMessage ? { FailureMessage: e.failureMessage } : {}),
        Mode: 'Auto',
        AutomationType: 'Local',
      };
    });
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max: checkRange('maxResults', input.MaxResults, 1, 50),
    defaultMax: 50,
    query: input.Filters ?? [],
  });
  return { AutomationExecutionMetadataList: page, NextToken: nextToken };
}
