import type {
  CreatePolicyRequest,
  CreatePolicyResponse,
  CreatePolicyVersionRequest,
  CreatePolicyVersionResponse,
  DeletePolicyRequest,
  DeletePolicyVersionRequest,
  GetPolicyRequest,
  GetPolicyResponse,
  GetPolicyVersionRequest,
  GetPolicyVersionResponse,
  ListPoliciesRequest,
  ListPoliciesResponse,
  ListPolicyVersionsRequest,
  ListPolicyVersionsResponse,
  PolicyVersion,
  SetDefaultPolicyVersionRequest,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { iamId } from '../../../ids.js';
import { awsManagedPolicies } from '../aws-policies.js';
import { checkIdentityPolicy, decodeDocument, encodeDocument, policySize } from '../documents.js';
import {
  attachmentsOf,
  localPolicy,
  policyNamed,
  policyOut,
  versionDocument,
  type ManagedPolicy,
} from '../policies.js';
import { arnOf, iamOf, keyOf, type IamManagedPolicy } from '../store.js';
import { checks, mergeTags, pageOf, underPath } from '../validate.js';
import { conflict } from './users.js';
import { record } from '../../../records.js';

const POLICY_SIZE_QUOTA = 6144;
const VERSIONS_PER_POLICY = 5;
const VERSION_ID = { re: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/, text: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?' };

function managedDocument(raw: string | undefined): string {
  const doc = decodeDocument(raw ?? '');
  checkIdentityPolicy(doc);
  if (policySize(doc) > POLICY_SIZE_QUOTA) {
    throw new ServiceError('LimitExceeded', `Cannot exceed quota for PolicySize: ${POLICY_SIZE_QUOTA}`, 409);
  }
  return doc;
}

export function createPolicy(ctx: CallContext, input: CreatePolicyRequest): CreatePolicyResponse {
  const name = input.PolicyName ?? '';
  const path = input.Path ?? '/';
  checks()
    .name('PolicyName', name, 128)
    .policyPath('Path', input.Path)
    .string('Description', input.Description, { max: 1000 })
    .tags('Tags', input.Tags)
    .done();
  const iam = iamOf(ctx);
  const doc = managedDocument(input.PolicyDocument);
  if (Object.values(iam.policies).some((p) => keyOf(p.PolicyName) === keyOf(name))) {
    throw new ServiceError(
      'EntityAlreadyExists',
      `A policy called ${name} already exists. Duplicate names are not allowed.`,
      409,
    );
  }
  const policy: IamManagedPolicy = {
    PolicyName: name,
    PolicyId: iamId('ANPA'),
    Arn: arnOf(ctx.accountId, 'policy', path, name),
    Path: path,
    ...(input.Description !== undefined ? { Description: input.Description } : {}),
    CreateDate: ctx.now,
    UpdateDate: ctx.now,
    DefaultVersionId: 'v1',
    versions: record([['v1', { Document: doc, CreateDate: ctx.now }]]),
    nextVersion: 2,
    Tags: mergeTags([], input.Tags),
  };
  iam.policies[policy.Arn] = policy;
  return { Policy: policyOut(iam, { local: policy }, true) };
}

export function getPolicy(ctx: CallContext, input: GetPolicyRequest): GetPolicyResponse {
  const iam = iamOf(ctx);
  return { Policy: policyOut(iam, policyNamed(ctx, iam, input.PolicyArn ?? '', 'read'), true) };
}

export function deletePolicy(ctx: CallContext, input: DeletePolicyRequest): Record<string, never> {
  const iam = iamOf(ctx);
  const policy = localPolicy(ctx, iam, input.PolicyArn ?? '');
  const a = attachmentsOf(iam, policy.Arn);
  if (a.users.length + a.groups.length + a.roles.length + a.boundaryUsers.length + a.boundaryRoles.length) {
    throw conflict('Cannot delete a policy attached to entities.');
  }
  if (Object.keys(policy.versions).length > 1) {
    throw conflict(
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    );
  }
  delete iam.policies[policy.Arn];
  return {};
}

export function listPolicies(ctx: CallContext, input: ListPoliciesRequest): ListPoliciesResponse {
  checks()
    .oneOf('Scope', input.Scope, ['All', 'AWS', 'Local'])
    .oneOf('PolicyUsageFilter', input.PolicyUsageFilter, ['PermissionsPolicy', 'PermissionsBoundary'])
    .string('PathPrefix', input.PathPrefix, { min: 1, max: 512 })
    .done();
  const iam = iamOf(ctx);
  const scope = input.Scope ?? 'All';
  const all: ManagedPolicy[] = [
    ...(scope === 'Local' ? [] : awsManagedPolicies.map((aws) => ({ aws }))),
    ...(scope === 'AWS' ? [] : Object.values(iam.policies).map((local) => ({ local }))),
  ];
  const used = (p: ManagedPolicy) => {
    const a = attachmentsOf(iam, (p.aws ?? p.local).Arn);
    const asPolicy = a.users.length + a.groups.length + a.roles.length > 0;
    const asBoundary = a.boundaryUsers.length + a.boundaryRoles.length > 0;
    if (input.PolicyUsageFilter === 'PermissionsPolicy') return asPolicy;
    if (input.PolicyUsageFilter === 'PermissionsBoundary') return asBoundary;
    return asPolicy || asBoundary;
  };
  const matching = all
    .filter((p) => underPath((p.aws ?? p.local).Path, input.PathPrefix))
    .filter((p) => !input.OnlyAttached || used(p))
    .sort((x, y) => (x.aws ?? x.local).PolicyName.localeCompare((y.aws ?? y.local).PolicyName));
  const { page, ...more } = pageOf(matching, input, [
    'ListPolicies',
    scope,
    input.OnlyAttached,
    input.PathPrefix,
    input.PolicyUsageFilter,
  ]);
  return { Policies: page.map((p) => policyOut(iam, p, false)), ...more };
}

function versionOut(policy: ManagedPolicy, versionId: string, withDocument: boolean): PolicyVersion {
  const v = versionDocument(policy, versionId);
  if (!v) {
    throw new ServiceError(
      'NoSuchEntity',
      `Policy ${(policy.aws ?? policy.local).Arn} version ${versionId} does not exist or is not attachable.`,
      404,
    );
  }
  return {
    ...(withDocument ? { Document: encodeDocument(v.Document) } : {}),
    VersionId: versionId,
    IsDefaultVersion: (policy.aws ?? policy.local).DefaultVersionId === versionId,
    CreateDate: v.CreateDate,
  };
}

export function createPolicyVersion(
  ctx: CallContext,
  input: CreatePolicyVersionRequest,
): CreatePolicyVersionResponse {
  const iam = iamOf(ctx);
  const policy = localPolicy(ctx, iam, input.PolicyArn ?? '');
  const doc = managedDocument(input.PolicyDocument);
  if (Object.keys(policy.versions).length >= VERSIONS_PER_POLICY) {
    throw new ServiceError(
      'LimitExceeded',
      `A managed policy can have up to ${VERSIONS_PER_POLICY} versions. Before you create a new version, you must delete an existing version.`,
      409,
    );
  }
  const versionId = `v${policy.nextVersion++}`;
  policy.versions[versionId] = { Document: doc, CreateDate: ctx.now };
  if (input.SetAsDefault) {
    policy.DefaultVersionId = versionId;
    policy.UpdateDate = ctx.now;
  }
  return { PolicyVersion: versionOut({ local: policy }, versionId, false) };
}

export function getPolicyVersion(ctx: CallContext, input: GetPolicyVersionRequest): GetPolicyVersionResponse {
  checks().string('VersionId', input.VersionId, { pattern: VERSION_ID }).done();
  const iam = iamOf(ctx);
  const policy = policyNamed(ctx, iam, input.PolicyArn ?? '', 'read');
  return { PolicyVersion: versionOut(policy, input.VersionId ?? '', true) };
}

export function listPolicyVersions(
  ctx: CallContext,
  input: ListPolicyVersionsRequest,
): ListPolicyVersionsResponse {
  const iam = iamOf(ctx);
  const policy = policyNamed(ctx, iam, input.PolicyArn ?? '', 'read');
  const ids = policy.aws
    ? [policy.aws.DefaultVersionId]
    : Object.keys(policy.local.versions).sort((a, b) => Number(b.slice(1)) - Number(a.slice(1)));
  const { page, ...more } = pageOf(ids, input, ['ListPolicyVersions', (policy.aws ?? policy.local).Arn]);
  return { Versions: page.map((id) => versionOut(policy, id, false)), ...more };
}

export function deletePolicyVersion(
  ctx: CallContext,
  input: DeletePolicyVersionRequest,
): Record<string, never> {
  checks().string('VersionId', input.VersionId, { pattern: VERSION_ID }).done();
  const iam = iamOf(ctx);
  const policy = localPolicy(ctx, iam, input.PolicyArn ?? '');
  const versionId = input.VersionId ?? '';
  versionOut({ local: policy }, versionId, false);
  if (policy.DefaultVersionId === versionId) throw conflict('Cannot delete the default version of a policy.');
  delete policy.versions[versionId];
  return {};
}

export function setDefaultPolicyVersion(
  ctx: CallContext,
  input: SetDefaultPolicyVersionRequest,
): Record<string, never> {
  checks().string('VersionId', input.VersionId, { pattern: VERSION_ID }).done();
  const iam = iamOf(ctx);
  const policy = localPolicy(ctx, iam, input.PolicyArn ?? '');
  const versionId = input.VersionId ?? '';
  versionOut({ local: policy }, versionId, false);
  policy.DefaultVersionId = versionId;
  policy.UpdateDate = ctx.now;
  return {};
}
