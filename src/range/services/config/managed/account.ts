import type {
  DescribeTrailsResponse,
  GetEventSelectorsResponse,
  GetTrailStatusResponse,
  Trail,
} from '@aws-sdk/client-cloudtrail';
import type { GetAccountSummaryResponse } from '@aws-sdk/client-iam';
import { ACCOUNT, accountFinding, type ManagedRule, type ResourceReader } from './rule.js';

// Account-level rules: they judge the account (AWS::::Account, resource id = account id) and are
// periodic, as the AWS Config developer guide lists them.

const trailParameters = [
  { name: 's3BucketName', optional: true, type: 'String' as const },
  { name: 'snsTopicArn', optional: true, type: 'String' as const },
  { name: 'cloudWatchLogsLogGroupArn', optional: true, type: 'String' as const },
];

interface LoggingTrail {
  trail: Trail;
  logging: boolean;
}

async function trails(reader: ResourceReader): Promise<LoggingTrail[]> {
  const out = await reader.read<DescribeTrailsResponse>('cloudtrail', 'DescribeTrails', {
    includeShadowTrails: true,
  });
  const list: LoggingTrail[] = [];
  for (const trail of out.trailList ?? []) {
    const status = await reader.tryRead<GetTrailStatusResponse>('cloudtrail', 'GetTrailStatus', {
      Name: trail.TrailARN ?? trail.Name,
    });
    list.push({ trail, logging: status?.IsLogging === true });
  }
  return list;
}

/** The trail's delivery matches the rule's optional s3BucketName, snsTopicArn and log group. */
function deliveryMatches(t: Trail, params: Record<string, string>): boolean {
  if (params.s3BucketName && t.S3BucketName !== params.s3BucketName) return false;
  if (params.snsTopicArn && t.SnsTopicARN !== params.snsTopicArn) return false;
  if (params.cloudWatchLogsLogGroupArn) {
    const want = params.cloudWatchLogsLogGroupArn.replace(/:\*$/, '');
    if ((t.CloudWatchLogsLogGroupArn ?? '').replace(/:\*$/, '') !== want) return false;
  }
  return true;
}

/** cloudtrail-enabled: COMPLIANT when a trail (matching the optional parameters) is logging. */
export const cloudTrailEnabled: ManagedRule = {
  identifier: 'CLOUD_TRAIL_ENABLED',
  guideName: 'cloudtrail-enabled',
  resourceTypes: [ACCOUNT],
  changeTriggered: false,
  periodic: true,
  eventSources: [],
  parameters: trailParameters,
  async evaluate(reader, params) {
    const all = await trails(reader);
    const ok = all.find((t) => t.logging && deliveryMatches(t.trail, params));
    if (ok) return accountFinding(reader, 'COMPLIANT');
    const annotation = all.some((t) => t.logging)
      ? 'No logging trail matches the rule parameters.'
      : 'No CloudTrail trail is logging in this account.';
    return accountFinding(reader, 'NON_COMPLIANT', annotation);
  },
};

interface ManagementSelection {
  included: boolean;
  readWriteType: 'All' | 'ReadOnly' | 'WriteOnly';
  excludesSources: boolean;
}

async function managementSelection(reader: ResourceReader, t: Trail): Promise<ManagementSelection> {
  const out = await reader.tryRead<GetEventSelectorsResponse>('cloudtrail', 'GetEventSelectors', {
    TrailName: t.TrailARN ?? t.Name,
  });
  const basic = out?.EventSelectors ?? [];
  if (basic.length) {
    const mgmt = basic.filter((s) => s.IncludeManagementEvents !== false);
    const types = new Set(mgmt.map((s) => s.ReadWriteType ?? 'All'));
    return {
      included: mgmt.length > 0,
      readWriteType:
        types.has('All') || types.size > 1 ? 'All' : ((types.values().next().value ?? 'All') as 'All'),
      excludesSources: mgmt.some((s) => (s.ExcludeManagementEventSources ?? []).length > 0),
    };
  }
  const advanced = out?.AdvancedEventSelectors ?? [];
  if (advanced.length) {
    const mgmt = advanced.filter((s) =>
      (s.FieldSelectors ?? []).some(
        (f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Management'),
      ),
    );
    const readOnly = mgmt.flatMap((s) => (s.FieldSelectors ?? []).filter((f) => f.Field === 'readOnly'));
    const rw = readOnly.length === 0 ? 'All' : readOnly[0]?.Equals?.[0] === 'true' ? 'ReadOnly' : 'WriteOnly';
    return {
      included: mgmt.length > 0,
      readWriteType: rw,
      excludesSources: mgmt.some((s) =>
        (s.FieldSelectors ?? []).some((f) => f.Field === 'eventSource' && (f.NotEquals ?? []).length > 0),
      ),
    };
  }
  // A trail without selectors logs all management events.
  return { included: true, readWriteType: 'All', excludesSources: false };
}

/**
 * multi-region-cloudtrail-enabled: COMPLIANT when a multi-region trail is logging, matches the optional
 * parameters (delivery, includeManagementEvents, readWriteType) and excludes no management event source.
 */
export const multiRegionCloudTrailEnabled: ManagedRule = {
  identifier: 'MULTI_REGION_CLOUD_TRAIL_ENABLED',
  guideName: 'multi-region-cloudtrail-enabled',
  resourceTypes: [ACCOUNT],
  changeTriggered: false,
  periodic: true,
  eventSources: [],
  parameters: [
    ...trailParameters,
    { name: 'includeManagementEvents', optional: true, type: 'boolean' },
    { name: 'readWriteType', optional: true, type: 'String' },
  ],
  async evaluate(reader, params) {
    const all = (await trails(reader)).filter((t) => t.trail.IsMultiRegionTrail === true);
    if (!all.length)
      return accountFinding(reader, 'NON_COMPLIANT', 'No multi-region trail exists in this account.');
    for (const t of all) {
      if (!t.logging || !deliveryMatches(t.trail, params)) continue;
      const sel = await managementSelection(reader, t.trail);
      if (sel.excludesSources) continue;
      if (params.includeManagementEvents?.toLowerCase() === 'true' && !sel.included) continue;
      const rw = params.readWriteType;
      if (rw && sel.readWriteType.toLowerCase() !== rw.replace(/^ALL$/i, 'All').toLowerCase()) continue;
      return accountFinding(reader, 'COMPLIANT');
    }
    return accountFinding(
      reader,
      'NON_COMPLIANT',
      all.some((t) => t.logging)
        ? 'No logging multi-region trail matches the rule parameters.'
        : 'No multi-region trail is logging.',
    );
  },
};

async function accountSummary(reader: ResourceReader): Promise<Record<string, number>> {
  const out = await reader.read<GetAccountSummaryResponse>('iam', 'GetAccountSummary', {});
  return (out.SummaryMap ?? {}) as Record<string, number>;
}

/** root-account-mfa-enabled: NON_COMPLIANT when the root user has no MFA device. */
export const rootAccountMfaEnabled: ManagedRule = {
  identifier: 'ROOT_ACCOUNT_MFA_ENABLED',
  guideName: 'root-account-mfa-enabled',
  resourceTypes: [ACCOUNT],
  changeTriggered: false,
  periodic: true,
  eventSources: [],
  parameters: [],
  async evaluate(reader) {
    const s = await accountSummary(reader);
    return s.AccountMFAEnabled === 1
      ? accountFinding(reader, 'COMPLIANT')
      : accountFinding(reader, 'NON_COMPLIANT', 'The root user has no MFA device.');
  },
};

/** iam-root-access-key-check: NON_COMPLIANT when the root user has an access key. */
export const iamRootAccessKeyCheck: ManagedRule = {
  identifier: 'IAM_ROOT_ACCESS_KEY_CHECK',
  guideName: 'iam-root-access-key-check',
  resourceTypes: [ACCOUNT],
  changeTriggered: false,
  periodic: true,
  eventSources: [],
  parameters: [],
  async evaluate(reader) {
    const s = await accountSummary(reader);
    return (s.AccountAccessKeysPresent ?? 0) === 0
      ? accountFinding(reader, 'COMPLIANT')
      : accountFinding(reader, 'NON_COMPLIANT', 'The root user has an access key.');
  },
};
