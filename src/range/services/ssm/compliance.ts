import type {
  ComplianceItem,
  ComplianceStringFilter,
  ListComplianceItemsRequest,
  ListComplianceItemsResult,
  ListComplianceSummariesRequest,
  ListComplianceSummariesResult,
  ListResourceComplianceSummariesRequest,
  ListResourceComplianceSummariesResult,
  ResourceComplianceSummaryItem,
  SeveritySummary,
} from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import { checkRange } from './common.js';
import { complianceSeverity, isCompliant } from './patch-model.js';
import { managedPatchStates, patchesOf } from './patching.js';
import type { StoredPatchState } from './store.js';

/**
 * Patch compliance as SSM Compliance reports it: one item per patch of a managed instance (missing
 * ones NON_COMPLIANT), a summary per resource, and counts of resources per compliance type.
 */
const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNSPECIFIED'] as const;
type Severity = (typeof SEVERITY_ORDER)[number];

function itemsOf(st: StoredPatchState): ComplianceItem[] {
  return patchesOf(st).map(({ patch, state }) => ({
    ComplianceType: 'Patch',
    ResourceType: 'ManagedInstance',
    ResourceId: st.instanceId,
    Id: patch.kbId,
    Title: patch.title,
    Status: state === 'MISSING' ? 'NON_COMPLIANT' : 'COMPLIANT',
    Severity: complianceSeverity(patch.severity),
    ExecutionSummary: { ExecutionTime: st.endedAt, ExecutionId: st.executionId, ExecutionType: 'Command' },
    Details: {
      Classification: patch.classification,
      PatchSeverity: patch.severity,
      PatchState: state === 'MISSING' ? 'Missing' : 'Installed',
      InstalledTime: patch.installedAt ? patch.installedAt.toISOString() : '',
      PatchBaselineId: st.baselineId,
      PatchGroup: st.patchGroup,
      DocumentName: 'AWS-RunPatchBaseline',
      CVEIds: patch.cveIds,
    },
  }));
}

function emptySeverities(): Required<SeveritySummary> {
  return {
    CriticalCount: 0,
    HighCount: 0,
    MediumCount: 0,
    LowCount: 0,
    InformationalCount: 0,
    UnspecifiedCount: 0,
  };
}

const COUNT_OF: Record<Severity, keyof SeveritySummary> = {
  CRITICAL: 'CriticalCount',
  HIGH: 'HighCount',
  MEDIUM: 'MediumCount',
  LOW: 'LowCount',
  INFORMATIONAL: 'InformationalCount',
  UNSPECIFIED: 'UnspecifiedCount',
};

function severityCounts(items: ComplianceItem[]): Required<SeveritySummary> {
  const out = emptySeverities();
  for (const item of items) out[COUNT_OF[(item.Severity ?? 'UNSPECIFIED') as Severity]] += 1;
  return out;
}

function overallSeverity(items: ComplianceItem[]): Severity {
  const failing = items.filter((i) => i.Status === 'NON_COMPLIANT').map((i) => i.Severity as Severity);
  return SEVERITY_ORDER.find((sev) => failing.includes(sev)) ?? 'UNSPECIFIED';
}

function resourceSummary(st: StoredPatchState): ResourceComplianceSummaryItem {
  const items = itemsOf(st);
  const failing = items.filter((i) => i.Status === 'NON_COMPLIANT');
  const passing = items.filter((i) => i.Status === 'COMPLIANT');
  return {
    ComplianceType: 'Patch',
    ResourceType: 'ManagedInstance',
    ResourceId: st.instanceId,
    Status: isCompliant(st) ? 'COMPLIANT' : 'NON_COMPLIANT',
    OverallSeverity: overallSeverity(items),
    ExecutionSummary: { ExecutionTime: st.endedAt, ExecutionId: st.executionId, ExecutionType: 'Command' },
    CompliantSummary: { CompliantCount: passing.length, SeveritySummary: severityCounts(passing) },
    NonCompliantSummary: { NonCompliantCount: failing.length, SeveritySummary: severityCounts(failing) },
  };
}

/** One compliance filter against a value (SSM's operators: EQUAL, NOT_EQUAL, BEGIN_WITH). */
function test(f: ComplianceStringFilter, actual: string): boolean {
  const values = f.Values ?? [];
  switch (f.Type ?? 'EQUAL') {
    case 'EQUAL':
      return values.includes(actual);
    case 'NOT_EQUAL':
      return !values.includes(actual);
    case 'BEGIN_WITH':
      return values.some((v) => actual.startsWith(v));
    default:
      throw new ServiceError(
        'InvalidFilter',
        `The filter type ${f.Type ?? ''} is not valid for ${f.Key ?? ''}.`,
      );
  }
}

function filtered<T>(
  rows: T[],
  filters: ComplianceStringFilter[],
  fields: Record<string, (row: T) => string>,
): T[] {
  for (const f of filters) {
    if (!fields[f.Key ?? ''])
      throw new ServiceError('InvalidFilter', `The filter key ${f.Key ?? ''} is not valid.`);
  }
  return rows.filter((row) => filters.every((f) => test(f, fields[f.Key ?? '']?.(row) ?? '')));
}

export async function listComplianceItems(
  ctx: CallContext,
  input: ListComplianceItemsRequest,
): Promise<ListComplianceItemsResult> {
  const max = checkRange('maxResults', input.MaxResults, 1, 50);
  const types = input.ResourceTypes ?? [];
  if (types.some((t) => t !== 'ManagedInstance')) throw new ServiceError('InvalidResourceType', '');
  const ids = new Set(input.ResourceIds ?? []);
  const { states } = await managedPatchStates(ctx);
  const items = states.filter((st) => ids.size === 0 || ids.has(st.instanceId)).flatMap(itemsOf);
  const rows = filtered(items, input.Filters ?? [], {
    ComplianceType: (i) => i.ComplianceType ?? '',
    Status: (i) => i.Status ?? '',
    Severity: (i) => i.Severity ?? '',
    Id: (i) => i.Id ?? '',
    ItemId: (i) => i.Id ?? '',
    PatchState: (i) => i.Details?.['PatchState'] ?? '',
  });
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max,
    defaultMax: 10,
    query: [[...ids], input.Filters],
  });
  return { ComplianceItems: page, NextToken: nextToken };
}

export async function listResourceComplianceSummaries(
  ctx: CallContext,
  input: ListResourceComplianceSummariesRequest,
): Promise<ListResourceComplianceSummariesResult> {
  const max = checkRange('maxResults', input.MaxResults, 1, 50);
  const { states } = await managedPatchStates(ctx);
  const rows = filtered(states.map(resourceSummary), input.Filters ?? [], {
    ComplianceType: (r) => r.ComplianceType ?? '',
    Status: (r) => r.Status ?? '',
    OverallSeverity: (r) => r.OverallSeverity ?? '',
    ResourceId: (r) => r.ResourceId ?? '',
    InstanceId: (r) => r.ResourceId ?? '',
    ResourceType: (r) => r.ResourceType ?? '',
  });
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max,
    defaultMax: 10,
    query: input.Filters,
  });
  return { ResourceComplianceSummaryItems: page, NextToken: nextToken };
}

export async function listComplianceSummaries(
  ctx: CallContext,
  input: ListComplianceSummariesRequest,
): Promise<ListComplianceSummariesResult> {
  const max = checkRange('maxResults', input.MaxResults, 1, 50);
  const { states } = await managedPatchStates(ctx);
  const resources = filtered(states.map(resourceSummary), input.Filters ?? [], {
    ComplianceType: (r) => r.ComplianceType ?? '',
    ResourceId: (r) => r.ResourceId ?? '',
    ResourceType: (r) => r.ResourceType ?? '',
  });
  const compliant = emptySeverities();
  const nonCompliant = emptySeverities();
  for (const r of resources) {
    const target = r.Status === 'COMPLIANT' ? compliant : nonCompliant;
    target[COUNT_OF[(r.OverallSeverity ?? 'UNSPECIFIED') as Severity]] += 1;
  }
  const rows = resources.length
    ? [
        {
          ComplianceType: 'Patch',
          CompliantSummary: {
            CompliantCount: resources.filter((r) => r.Status === 'COMPLIANT').length,
            SeveritySummary: compliant,
          },
          NonCompliantSummary: {
            NonCompliantCount: resources.filter((r) => r.Status === 'NON_COMPLIANT').length,
            SeveritySummary: nonCompliant,
          },
        },
      ]
    : [];
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max,
    defaultMax: 10,
    query: input.Filters,
  });
  return { ComplianceSummaryItems: page, NextToken: nextToken };
}
