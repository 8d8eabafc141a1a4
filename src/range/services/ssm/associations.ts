import type {
  Association,
  AssociationDescription,
  AssociationStatusName,
  CreateAssociationRequest,
  CreateAssociationResult,
  DeleteAssociationRequest,
  DescribeAssociationRequest,
  DescribeAssociationResult,
  ListAssociationsRequest,
  ListAssociationsResult,
} from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { uuid } from '../../ids.js';
import { paginate } from '../../paginate.js';
import { checkRange } from './common.js';
import { chooseInstances, toTargets } from './commands.js';
import {
  checkDocumentVersion,
  findDocument,
  refuseCustomerDocument,
  resolveParameters,
} from './documents.js';
import { invocationStatus, invocationsOf, isFinal, ssmStore, startCommand } from './runs.js';
import type { SsmState, StoredAssociation, StoredCommand } from './store.js';

/**
 * State Manager: an association applies a Command document to its targets. It runs when created (as
 * AWS does unless ApplyOnlyAtCronInterval), through the same runs as SendCommand; the range does not
 * re-run it on its schedule.
 */
function checkSchedule(expression: string | undefined): void {
  if (expression === undefined) return;
  if (!/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\)|at\(.+\))$/.test(expression)) {
    throw new ServiceError('InvalidSchedule', `Schedule expression ${expression} is not valid.`);
  }
}

export async function createAssociation(
  ctx: CallContext,
  input: CreateAssociationRequest,
): Promise<CreateAssociationResult> {
  refuseCustomerDocument(ctx, input.Name);
  const doc = findDocument(input.Name);
  if (doc.type !== 'Command') {
    throw new ServiceError(
      'InvalidDocument',
      `The range runs associations of Command documents only; ${doc.name} is an ${doc.type} document.`,
    );
  }
  checkDocumentVersion(input.DocumentVersion);
  checkSchedule(input.ScheduleExpression);
  const parameters = resolveParameters(doc, input.Parameters);
  const targets = input.InstanceId
    ? [{ Key: 'InstanceIds', Values: [input.InstanceId] }]
    : toTargets(input.Targets);
  if (targets.length === 0)
    throw new ServiceError('InvalidTarget', 'Specify Targets or an InstanceId for the association.');
  // Targets that are not online now are simply not run on, as in AWS.
  const chosen = await chooseInstances(ctx, doc, [], targets);
  const store = ssmStore(ctx);
  if (
    input.AssociationName &&
    Object.values(store.associations).some((a) => a.associationName === input.AssociationName)
  ) {
    throw new ServiceError('AssociationAlreadyExists', '');
  }
  const association: StoredAssociation = {
    associationId: uuid(),
    documentName: doc.name,
    associationName: input.AssociationName,
    targets,
    parameters,
    scheduleExpression: input.ScheduleExpression,
    complianceSeverity: input.ComplianceSeverity,
    maxConcurrency: input.MaxConcurrency,
    maxErrors: input.MaxErrors,
    applyOnlyAtCronInterval: input.ApplyOnlyAtCronInterval ?? false,
    outputS3BucketName: input.OutputLocation?.S3Location?.OutputS3BucketName,
    outputS3KeyPrefix: input.OutputLocation?.S3Location?.OutputS3KeyPrefix,
    createdAt: ctx.now,
  };
  store.associations[association.associationId] = association;
  if (!association.applyOnlyAtCronInterval) {
    const command: StoredCommand = {
      commandId: uuid(),
      documentName: doc.name,
      parameters,
      instanceIds: [],
      targets,
      requestedAt: ctx.now,
      timeoutSeconds: 3600,
      maxConcurrency: input.MaxConcurrency ?? '50',
      maxErrors: input.MaxErrors ?? '0',
      associationId: association.associationId,
    };
    association.lastCommandId = command.commandId;
    startCommand(ctx, store, command, chosen);
  }
  return { AssociationDescription: describe(ctx, store, association) };
}

/** AWS answers `Associated` as an association's status name, a value the model's enum does not list. */
const ASSOCIATED = 'Associated' as unknown as AssociationStatusName;

function overviewOf(s: SsmState, a: StoredAssociation, now: Date) {
  const statuses = a.lastCommandId
    ? invocationsOf(s, a.lastCommandId).map((inv) => invocationStatus(inv, now))
    : [];
  const counts: Record<string, number> = {};
  for (const st of statuses) counts[st] = (counts[st] ?? 0) + 1;
  const done = statuses.length > 0 && statuses.every(isFinal);
  const status = !done ? 'Pending' : statuses.every((x) => x === 'Success') ? 'Success' : 'Failed';
  const lastEnd = a.lastCommandId
    ? invocationsOf(s, a.lastCommandId).reduce<Date | undefined>(
        (latest, inv) => (!latest || inv.endsAt > latest ? inv.endsAt : latest),
        undefined,
      )
    : undefined;
  return { status, counts, lastExecution: done ? lastEnd : undefined };
}

function describe(ctx: CallContext, s: SsmState, a: StoredAssociation): AssociationDescription {
  const o = overviewOf(s, a, ctx.now);
  return {
    Name: a.documentName,
    InstanceId:
      a.targets.length === 1 && a.targets[0]?.Key === 'InstanceIds' && a.targets[0].Values.length === 1
        ? a.targets[0].Values[0]
        : undefined,
    AssociationVersion: '1',
    Date: a.createdAt,
    LastUpdateAssociationDate: a.createdAt,
    Status: { Date: a.createdAt, Name: ASSOCIATED, Message: `Associated with ${a.documentName}` },
    Overview: {
      Status: o.status,
      DetailedStatus: o.status === 'Pending' ? 'Creating' : o.status,
      AssociationStatusAggregatedCount: o.counts,
    },
    DocumentVersion: '$DEFAULT',
    Parameters: a.parameters,
    AssociationId: a.associationId,
    Targets: a.targets,
    ScheduleExpression: a.scheduleExpression,
    OutputLocation: a.outputS3BucketName
      ? { S3Location: { OutputS3BucketName: a.outputS3BucketName, OutputS3KeyPrefix: a.outputS3KeyPrefix } }
      : undefined,
    LastExecutionDate: o.lastExecution,
    LastSuccessfulExecutionDate: o.status === 'Success' ? o.lastExecution : undefined,
    AssociationName: a.associationName,
    MaxErrors: a.maxErrors,
    MaxConcurrency: a.maxConcurrency,
    ComplianceSeverity: a.complianceSeverity as AssociationDescription['ComplianceSeverity'],
    ApplyOnlyAtCronInterval: a.applyOnlyAtCronInterval,
  };
}

/** An association by id, or by document name and instance id (the legacy way). */
function findAssociation(
  s: SsmState,
  input: { AssociationId?: string; Name?: string; InstanceId?: string },
): StoredAssociation {
  const found = input.AssociationId
    ? s.associations[input.AssociationId]
    : Object.values(s.associations).find(
        (a) =>
          a.documentName === input.Name &&
          a.targets.some((t) => t.Key === 'InstanceIds' && t.Values.includes(input.InstanceId ?? '')),
      );
  if (!found) throw new ServiceError('AssociationDoesNotExist', '');
  return found;
}

export function describeAssociation(
  ctx: CallContext,
  input: DescribeAssociationRequest,
): DescribeAssociationResult {
  const s = ssmStore(ctx);
  return { AssociationDescription: describe(ctx, s, findAssociation(s, input)) };
}

export function deleteAssociation(ctx: CallContext, input: DeleteAssociationRequest): Record<string, never> {
  const s = ssmStore(ctx);
  delete s.associations[findAssociation(s, input).associationId];
  return {};
}

export function listAssociations(ctx: CallContext, input: ListAssociationsRequest): ListAssociationsResult {
  const max = checkRange('maxResults', input.MaxResults, 1, 50);
  const s = ssmStore(ctx);
  const filters = input.AssociationFilterList ?? [];
  const rows: Association[] = Object.values(s.associations)
    .map((a) => describe(ctx, s, a))
    .filter((d) =>
      filters.every((f) => {
        const value = f.value ?? '';
        switch (f.key) {
          case 'InstanceId':
            return (d.Targets ?? []).some((t) => t.Key === 'InstanceIds' && (t.Values ?? []).includes(value));
          case 'Name':
            return d.Name === value;
          case 'AssociationId':
            return d.AssociationId === value;
          case 'AssociationName':
            return d.AssociationName === value;
          case 'AssociationStatusName':
            return d.Overview?.Status === value;
          case 'LastExecutedBefore':
            return d.LastExecutionDate !== undefined && d.LastExecutionDate.getTime() < Date.parse(value);
          case 'LastExecutedAfter':
            return d.LastExecutionDate !== undefined && d.LastExecutionDate.getTime() > Date.parse(value);
          default:
            return false;
        }
      }),
    )
    .map((d) => ({
      Name: d.Name,
      InstanceId: d.InstanceId,
      AssociationId: d.AssociationId,
      AssociationVersion: d.AssociationVersion,
      DocumentVersion: d.DocumentVersion,
      Targets: d.Targets,
      LastExecutionDate: d.LastExecutionDate,
      Overview: d.Overview,
      ScheduleExpression: d.ScheduleExpression,
      AssociationName: d.AssociationName,
    }));
  const { page, nextToken } = paginate(rows, { token: input.NextToken, max, defaultMax: 50, query: filters });
  return { Associations: page, NextToken: nextToken };
}
