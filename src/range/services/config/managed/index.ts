import {
  cloudTrailEnabled,
  iamRootAccessKeyCheck,
  multiRegionCloudTrailEnabled,
  rootAccountMfaEnabled,
} from './account.js';
import {
  cmkBackingKeyRotationEnabled,
  ec2ManagedInstancePatchComplianceStatusCheck,
  iamUserNoPoliciesCheck,
} from './inventory.js';
import { incomingSshDisabled, restrictedIncomingTraffic, vpcFlowLogsEnabled } from './network.js';
import type { ManagedRule } from './rule.js';
import { s3BucketLevelPublicAccessProhibited, s3BucketPublicReadProhibited } from './storage.js';
import { record } from '../../../records.js';

/** The AWS managed rules the range evaluates, by source identifier. */
export const managedRules: Readonly<Record<string, ManagedRule>> = record(
  [
    incomingSshDisabled,
    restrictedIncomingTraffic,
    vpcFlowLogsEnabled,
    cloudTrailEnabled,
    multiRegionCloudTrailEnabled,
    rootAccountMfaEnabled,
    iamRootAccessKeyCheck,
    s3BucketPublicReadProhibited,
    s3BucketLevelPublicAccessProhibited,
    iamUserNoPoliciesCheck,
    cmkBackingKeyRotationEnabled,
    ec2ManagedInstancePatchComplianceStatusCheck,
  ].map((r) => [r.identifier, r] as const),
);

export type { ManagedRule, Finding, ResourceReader } from './rule.js';
