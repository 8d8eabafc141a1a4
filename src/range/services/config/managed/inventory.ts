import type {
  ListAttachedUserPoliciesResponse,
  ListUserPoliciesResponse,
  ListUsersResponse,
} from '@aws-sdk/client-iam';
import type {
  DescribeKeyResponse,
  GetKeyRotationStatusResponse,
  ListKeysResponse,
} from '@aws-sdk/client-kms';
import type { ListResourceComplianceSummariesResult } from '@aws-sdk/client-ssm';
import type { Finding, ManagedRule } from './rule.js';

/** iam-user-no-policies-check: NON_COMPLIANT when a user has inline or attached policies. */
export const iamUserNoPoliciesCheck: ManagedRule = {
  identifier: 'IAM_USER_NO_POLICIES_CHECK',
  guideName: 'iam-user-no-policies-check',
  resourceTypes: ['AWS::IAM::User'],
  changeTriggered: true,
  periodic: false,
  eventSources: ['iam.amazonaws.com'],
  parameters: [],
  async evaluate(reader) {
    const users = (await reader.read<ListUsersResponse>('iam', 'ListUsers', { MaxItems: 1000 })).Users ?? [];
    const out: Finding[] = [];
    for (const u of users) {
      const inline = await reader.read<ListUserPoliciesResponse>('iam', 'ListUserPolicies', {
        UserName: u.UserName,
        MaxItems: 1000,
      });
      const attached = await reader.read<ListAttachedUserPoliciesResponse>(
        'iam',
        'ListAttachedUserPolicies',
        {
          UserName: u.UserName,
          MaxItems: 1000,
        },
      );
      const n = (inline.PolicyNames ?? []).length + (attached.AttachedPolicies ?? []).length;
      // AWS Config names IAM users by their user id (AIDA...).
      out.push({
        resourceType: 'AWS::IAM::User',
        resourceId: u.UserId ?? '',
        compliance: n ? 'NON_COMPLIANT' : 'COMPLIANT',
        annotation: n
          ? `The user ${u.UserName ?? ''} has ${n} polic${n === 1 ? 'y' : 'ies'} of its own.`
          : undefined,
      });
    }
    return out;
  },
};

/**
 * cmk-backing-key-rotation-enabled: customer managed symmetric keys must rotate; keys that cannot
 * rotate (asymmetric, imported material, disabled or pending deletion) are NOT_APPLICABLE.
 */
export const cmkBackingKeyRotationEnabled: ManagedRule = {
  identifier: 'CMK_BACKING_KEY_ROTATION_ENABLED',
  guideName: 'cmk-backing-key-rotation-enabled',
  resourceTypes: ['AWS::KMS::Key'],
  changeTriggered: false,
  periodic: true,
  eventSources: [],
  parameters: [],
  async evaluate(reader) {
    const keys = (await reader.read<ListKeysResponse>('kms', 'ListKeys', { Limit: 1000 })).Keys ?? [];
    const out: Finding[] = [];
    for (const k of keys) {
      const meta = (await reader.read<DescribeKeyResponse>('kms', 'DescribeKey', { KeyId: k.KeyId }))
        .KeyMetadata;
      if (!meta || meta.KeyManager === 'AWS') continue;
      const id = meta.KeyId ?? '';
      const rotatable =
        meta.KeyState === 'Enabled' &&
        (meta.KeySpec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT' &&
        (meta.Origin ?? 'AWS_KMS') === 'AWS_KMS';
      if (!rotatable) {
        out.push({ resourceType: 'AWS::KMS::Key', resourceId: id, compliance: 'NOT_APPLICABLE' });
        continue;
      }
      const status = await reader.read<GetKeyRotationStatusResponse>('kms', 'GetKeyRotationStatus', {
        KeyId: id,
      });
      out.push({
        resourceType: 'AWS::KMS::Key',
        resourceId: id,
        compliance: status.KeyRotationEnabled ? 'COMPLIANT' : 'NON_COMPLIANT',
        annotation: status.KeyRotationEnabled ? undefined : 'Automatic key rotation is not enabled.',
      });
    }
    return out;
  },
};

/**
 * ec2-managedinstance-patch-compliance-status-check: each managed instance's patch compliance as
 * Systems Manager reports it. The range names the AWS::SSM::PatchCompliance item by its instance id.
 */
export const ec2ManagedInstancePatchComplianceStatusCheck: ManagedRule = {
  identifier: 'EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK',
  guideName: 'ec2-managedinstance-patch-compliance-status-check',
  resourceTypes: ['AWS::SSM::PatchCompliance'],
  changeTriggered: true,
  periodic: false,
  eventSources: ['ssm.amazonaws.com'],
  parameters: [],
  async evaluate(reader) {
    const out = await reader.read<ListResourceComplianceSummariesResult>(
      'ssm',
      'ListResourceComplianceSummaries',
      {
        Filters: [{ Key: 'ComplianceType', Values: ['Patch'], Type: 'EQUAL' }],
        MaxResults: 50,
      },
    );
    return (out.ResourceComplianceSummaryItems ?? []).map((item): Finding => ({
      resourceType: 'AWS::SSM::PatchCompliance',
      resourceId: item.ResourceId ?? '',
      compliance: item.Status === 'COMPLIANT' ? 'COMPLIANT' : 'NON_COMPLIANT',
      annotation:
        item.Status === 'COMPLIANT' ? undefined : 'The instance is missing patches its baseline requires.',
    }));
  },
};
