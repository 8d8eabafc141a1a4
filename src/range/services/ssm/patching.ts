import type {
  DescribeInstancePatchesRequest,
  DescribeInstancePatchesResult,
  DescribeInstancePatchStatesForPatchGroupRequest,
  DescribeInstancePatchStatesForPatchGroupResult,
  DescribeInstancePatchStatesRequest,
  DescribeInstancePatchStatesResult,
  InstancePatchState,
  PatchComplianceData,
} from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import { checkRange } from './common.js';
import { ec2Instances, pingStatus } from './instances.js';
import { baseInstalledPatch, patchCounts } from './patch-model.js';
import { ensurePatchStates, ssmStore } from './runs.js';
import type { SsmState, StoredPatch, StoredPatchState } from './store.js';

/** Patch states of the managed instances (created from their tags the first time the range sees them). */
export async function managedPatchStates(
  ctx: CallContext,
): Promise<{ s: SsmState; states: StoredPatchState[] }> {
  const managed = (await ec2Instances(ctx)).filter((i) => pingStatus(i) !== undefined);
  const s = ssmStore(ctx);
  ensurePatchStates(s, managed);
  return { s, states: managed.map((i) => s.patchStates[i.instanceId] as StoredPatchState) };
}

function stateView(st: StoredPatchState): InstancePatchState {
  return {
    InstanceId: st.instanceId,
    PatchGroup: st.patchGroup,
    BaselineId: st.baselineId,
    OwnerInformation: '',
    ...patchCounts(st),
    AvailableSecurityUpdateCount: 0,
    OperationStartTime: st.startedAt,
    OperationEndTime: st.endedAt,
    Operation: st.operation,
    RebootOption:
      st.operation === 'Install' ? (st.rebootOption as InstancePatchState['RebootOption']) : undefined,
  };
}

export async function describeInstancePatchStates(
  ctx: CallContext,
  input: DescribeInstancePatchStatesRequest,
): Promise<DescribeInstancePatchStatesResult> {
  const max = checkRange('maxResults', input.MaxResults, 10, 100);
  checkRange('instanceIds', input.InstanceIds?.length, 0, 50);
  const wanted = new Set(input.InstanceIds ?? []);
  const { states } = await managedPatchStates(ctx);
  const rows = states.filter((st) => wanted.has(st.instanceId)).map(stateView);
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max,
    defaultMax: 10,
    query: [...wanted],
  });
  return { InstancePatchStates: page, NextToken: nextToken };
}

const COUNT_KEYS = [
  'InstalledCount',
  'InstalledOtherCount',
  'InstalledPendingRebootCount',
  'InstalledRejectedCount',
  'MissingCount',
  'FailedCount',
  'UnreportedNotApplicableCount',
  'NotApplicableCount',
] as const;

export async function describeInstancePatchStatesForPatchGroup(
  ctx: CallContext,
  input: DescribeInstancePatchStatesForPatchGroupRequest,
): Promise<DescribeInstancePatchStatesForPatchGroupResult> {
  const max = checkRange('maxResults', input.MaxResults, 10, 100);
  const filters = input.Filters ?? [];
  for (const f of filters) {
    const value = Number(f.Values?.[0]);
    if (
      !COUNT_KEYS.includes(f.Key as (typeof COUNT_KEYS)[number]) ||
      f.Values?.length !== 1 ||
      !Number.isInteger(value) ||
      value < 0
    ) {
      throw new ServiceError('InvalidFilter', `The filter ${f.Key ?? ''} is not valid.`);
    }
  }
  const { states } = await managedPatchStates(ctx);
  const rows = states
    .filter((st) => st.patchGroup === input.PatchGroup)
    .map(stateView)
    .filter((view) =>
      filters.every((f) => {
        const actual = view[f.Key as (typeof COUNT_KEYS)[number]] ?? 0;
        const value = Number(f.Values?.[0]);
        switch (f.Type) {
          case 'Equal':
            return actual === value;
          case 'NotEqual':
            return actual !== value;
          case 'LessThan':
            return actual < value;
          default:
            return actual > value;
        }
      }),
    );
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max,
    defaultMax: 10,
    query: [input.PatchGroup, filters],
  });
  return { InstancePatchStates: page, NextToken: nextToken };
}

/** Every patch of an instance, missing ones first, with SSM's state names. */
export function patchesOf(
  st: StoredPatchState,
): Array<{ patch: StoredPatch; state: 'MISSING' | 'INSTALLED' }> {
  return [
    ...st.missing.map((patch) => ({ patch, state: 'MISSING' as const })),
    ...st.installed.map((patch) => ({ patch, state: 'INSTALLED' as const })),
    ...Array.from({ length: st.baseInstalled }, (_, i) => ({
      patch: baseInstalledPatch(st, i),
      state: 'INSTALLED' as const,
    })),
  ];
}

/** DescribeInstancePatches filters name states as `Missing`, `Installed`, `InstalledOther`... */
const STATE_FILTER: Record<string, string> = {
  Installed: 'INSTALLED',
  InstalledOther: 'INSTALLED_OTHER',
  InstalledPendingReboot: 'INSTALLED_PENDING_REBOOT',
  InstalledRejected: 'INSTALLED_REJECTED',
  Missing: 'MISSING',
  NotApplicable: 'NOT_APPLICABLE',
  Failed: 'FAILED',
  AvailableSecurityUpdate: 'AVAILABLE_SECURITY_UPDATE',
};

export async function describeInstancePatches(
  ctx: CallContext,
  input: DescribeInstancePatchesRequest,
): Promise<DescribeInstancePatchesResult> {
  const max = checkRange('maxResults', input.MaxResults, 10, 100);
  const { states } = await managedPatchStates(ctx);
  const st = states.find((x) => x.instanceId === input.InstanceId);
  if (!st) throw new ServiceError('InvalidInstanceId', '');
  const filters = input.Filters ?? [];
  const rows: PatchComplianceData[] = patchesOf(st)
    .filter(({ patch, state }) =>
      filters.every((f) => {
        const values = f.Values ?? [];
        switch (f.Key) {
          case 'Classification':
            return values.includes(patch.classification);
          case 'KBId':
            return values.includes(patch.kbId);
          case 'Severity':
            return values.includes(patch.severity);
          case 'State':
            return values.some((v) => STATE_FILTER[v] === state);
          default:
            throw new ServiceError('InvalidFilter', `The filter key ${f.Key ?? ''} is not valid.`);
        }
      }),
    )
    .map(({ patch, state }) => ({
      Title: patch.title,
      KBId: patch.kbId,
      Classification: patch.classification,
      Severity: patch.severity,
      State: state,
      InstalledTime: patch.installedAt ?? new Date(0),
      CVEIds: patch.cveIds || undefined,
    }));
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max,
    defaultMax: 10,
    query: [input.InstanceId, filters],
  });
  return { Patches: page, NextToken: nextToken };
}
