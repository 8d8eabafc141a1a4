import type { PutEvaluationsRequest, PutEvaluationsResponse } from '@aws-sdk/client-config-service';
import type { DescribeSecurityGroupsResult } from '@aws-sdk/client-ec2';
import type { GetUserResponse } from '@aws-sdk/client-iam';
import type { CallContext } from '../../context.js';
import { ServiceError, isServiceError } from '../../errors.js';
import type { CloudTrailRecord } from '../../history.js';
import { uuid } from '../../ids.js';
import { applyFindings, readerFor } from './evaluate.js';
import { configActor, whereOf, type ConfigWhere } from './principal.js';
import { recorderOf } from './recorder.js';
import { lowerFirstKeys } from './resource-types.js';
import { configState, type StoredResultToken, type StoredRule } from './store.js';

/**
 * Custom rules (Source.Owner CUSTOM_LAMBDA): Config invokes the function asynchronously with the event
 * the developer guide documents (configRuleName, invokingEvent, ruleParameters, resultToken...), and
 * the function answers with PutEvaluations carrying the resultToken.
 */

/** A resource a recorded change touched, for a ConfigurationItemChangeNotification. */
export interface CustomTrigger {
  resourceType: string;
  resourceId: string;
}

/** Resource types whose changes the range can describe to a custom rule, and how to find the id in an event. */
const CHANGE_SOURCES: Record<
  string,
  { eventSource: string; idOf: (r: CloudTrailRecord) => string | undefined }
> = {
  'AWS::EC2::SecurityGroup': {
    eventSource: 'ec2.amazonaws.com',
    idOf: (r) => {
      const p = r.requestParameters ?? {};
      const resp = r.responseElements ?? {};
      const id = p.groupId ?? resp.groupId;
      return typeof id === 'string' ? id : undefined;
    },
  },
  'AWS::S3::Bucket': {
    eventSource: 's3.amazonaws.com',
    idOf: (r) => {
      const b = (r.requestParameters ?? {}).bucketName;
      return typeof b === 'string' ? b : undefined;
    },
  },
  'AWS::IAM::User': {
    eventSource: 'iam.amazonaws.com',
    idOf: (r) => {
      const u = (r.requestParameters ?? {}).userName;
      return typeof u === 'string' ? u : undefined;
    },
  },
};

export function customRuleWantsChange(rule: StoredRule, record: CloudTrailRecord): boolean {
  if (rule.owner !== 'CUSTOM_LAMBDA') return false;
  if (!rule.sourceDetails.some((d) => d.MessageType === 'ConfigurationItemChangeNotification')) return false;
  return (rule.scope?.ComplianceResourceTypes ?? []).some(
    (t) => CHANGE_SOURCES[t]?.eventSource === record.eventSource,
  );
}

export function changeOf(rule: StoredRule, record: CloudTrailRecord): CustomTrigger | undefined {
  for (const t of rule.scope?.ComplianceResourceTypes ?? []) {
    const src = CHANGE_SOURCES[t];
    if (src?.eventSource !== record.eventSource) continue;
    const id = src.idOf(record);
    if (id) return { resourceType: t, resourceId: id };
  }
  return undefined;
}

/** The configuration item Config would send: the resource as its Describe call shows it (camelCase). */
async function configurationItem(ctx: CallContext, where: ConfigWhere, change: CustomTrigger) {
  let configuration: unknown = {};
  let status = 'OK';
  let resourceId = change.resourceId;
  const resourceName = change.resourceId;
  if (change.resourceType === 'AWS::IAM::User') {
    // Config names users by their id; the CloudTrail event names them by user name.
    const out = await readerFor(ctx, where).tryRead<GetUserResponse>('iam', 'GetUser', {
      UserName: change.resourceId,
    });
    if (out?.User) {
      resourceId = out.User.UserId ?? resourceId;
      configuration = lowerFirstKeys(out.User);
    } else status = 'ResourceDeleted';
  } else if (change.resourceType === 'AWS::EC2::SecurityGroup') {
    const out = await readerFor(ctx, where).tryRead<DescribeSecurityGroupsResult>(
      'ec2',
      'DescribeSecurityGroups',
      {
        GroupIds: [change.resourceId],
      },
    );
    const group = out?.SecurityGroups?.[0];
    if (group) configuration = lowerFirstKeys(group);
    else status = 'ResourceDeleted';
  }
  return {
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: ctx.clock.now().toISOString(),
    configurationItemStatus: status,
    configurationStateId: String(ctx.clock.now().getTime()),
    awsAccountId: where.accountId,
    awsRegion: where.region,
    resourceType: change.resourceType,
    resourceId,
    resourceName,
    configuration: status === 'OK' ? configuration : null,
    supplementaryConfiguration: {},
    relationships: [],
    tags: {},
  };
}

/**
 * Run a custom rule: with a change, one ConfigurationItemChangeNotification; otherwise (its first run,
 * StartConfigRulesEvaluation, its period) a ScheduledNotification when the rule is periodic, or a change
 * notification for each resource in its scope that the range can describe.
 */
export async function runCustomRule(
  ctx: CallContext,
  where: ConfigWhere,
  rule: StoredRule,
  change: CustomTrigger | undefined,
): Promise<void> {
  const changeOnly = !rule.sourceDetails.some((d) => d.MessageType === 'ScheduledNotification');
  if (change || !changeOnly) {
    await invokeCustomRule(ctx, where, rule, change);
    return;
  }
  if (!(rule.scope?.ComplianceResourceTypes ?? []).includes('AWS::EC2::SecurityGroup')) return;
  const out = await readerFor(ctx, where).tryRead<DescribeSecurityGroupsResult>(
    'ec2',
    'DescribeSecurityGroups',
    {},
  );
  for (const g of out?.SecurityGroups ?? []) {
    await invokeCustomRule(ctx, where, rule, {
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: g.GroupId ?? '',
    });
  }
}

async function invokeCustomRule(
  ctx: CallContext,
  where: ConfigWhere,
  rule: StoredRule,
  change: CustomTrigger | undefined,
): Promise<void> {
  const s = ctx.state(configState, where);
  const status = s.ruleStatus[rule.name];
  const now = ctx.clock.now();
  const token = `${uuid()}${uuid()}`.replace(/-/g, '');
  pruneTokens(s.resultTokens, now);
  s.resultTokens[token] = { ruleName: rule.name, invokedAt: now, orderingTimestamp: now };
  const invokingEvent = change
    ? {
        configurationItem: await configurationItem(ctx, where, change),
        notificationCreationTime: now.toISOString(),
        messageType: 'ConfigurationItemChangeNotification',
        recordVersion: '1.3',
      }
    : {
        awsAccountId: where.accountId,
        notificationCreationTime: now.toISOString(),
        messageType: 'ScheduledNotification',
        recordVersion: '1.0',
      };
  const event = {
    version: '1.0',
    invokingEvent: JSON.stringify(invokingEvent),
    ruleParameters: rule.inputParameters || '{}',
    resultToken: token,
    eventLeftScope: false,
    executionRoleArn: recorderOf(s)?.roleARN ?? '',
    configRuleArn: rule.arn,
    configRuleName: rule.name,
    configRuleId: rule.id,
    accountId: where.accountId,
    evaluationMode: 'DETECTIVE',
  };
  try {
    await ctx.dispatch(
      'lambda',
      'Invoke',
      {
        FunctionName: rule.sourceIdentifier,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(event)),
      },
      configActor(where),
    );
    if (status) status.lastSuccessfulInvocationTime = now;
  } catch (err) {
    delete s.resultTokens[token];
    if (status) {
      status.lastFailedInvocationTime = now;
      status.lastErrorCode = isServiceError(err) ? err.code : 'InternalError';
      status.lastErrorMessage = (err as Error).message;
    }
  }
}

/** A function answers within its run (at most 15 minutes): older tokens are dropped. */
const TOKEN_LIFETIME_MS = 60 * 60_000;

function pruneTokens(tokens: Record<string, StoredResultToken>, now: Date): void {
  for (const [k, t] of Object.entries(tokens)) {
    if (now.getTime() - t.invokedAt.getTime() > TOKEN_LIFETIME_MS) delete tokens[k];
  }
}

const VALID = new Set(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE']);

export async function putEvaluations(
  ctx: CallContext,
  input: PutEvaluationsRequest,
): Promise<PutEvaluationsResponse> {
  const s = ctx.state(configState);
  const token = s.resultTokens[input.ResultToken ?? ''];
  if (!token) throw new ServiceError('InvalidResultTokenException', 'The resultToken provided is invalid');
  const rule = s.rules[token.ruleName];
  if (!rule) {
    throw new ServiceError(
      'NoSuchConfigRuleException',
      `The ConfigRule '${token.ruleName}' provided in the request is invalid. Please check the configRule name.`,
    );
  }
  const evaluations = input.Evaluations ?? [];
  if (evaluations.length > 100) {
    throw new ServiceError(
      'InvalidParameterValueException',
      'The number of evaluations must be no more than 100.',
    );
  }
  for (const e of evaluations) {
    if (!VALID.has(e.ComplianceType ?? '')) {
      throw new ServiceError(
        'InvalidParameterValueException',
        `The complianceType '${e.ComplianceType ?? ''}' is not valid for PutEvaluations: use COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE.`,
      );
    }
  }
  if (input.TestMode) return { FailedEvaluations: [] };
  const status = s.ruleStatus[rule.name];
  if (status) status.lastSuccessfulEvaluationTime = ctx.now;
  await applyFindings(
    ctx,
    whereOf(ctx),
    rule,
    evaluations.map((e) => ({
      resourceType: e.ComplianceResourceType ?? '',
      resourceId: e.ComplianceResourceId ?? '',
      compliance: e.ComplianceType as 'COMPLIANT',
      annotation: e.Annotation,
      orderingTimestamp: e.OrderingTimestamp ?? token.orderingTimestamp,
    })),
    token.invokedAt,
    { complete: false },
  );
  return { FailedEvaluations: [] };
}
