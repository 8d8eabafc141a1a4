import { randomBytes } from 'node:crypto';
import type {
  CreateServiceSpecificCredentialRequest,
  CreateServiceSpecificCredentialResponse,
  DeleteServiceSpecificCredentialRequest,
  ListServiceSpecificCredentialsRequest,
  ListServiceSpecificCredentialsResponse,
  ResetServiceSpecificCredentialRequest,
  ResetServiceSpecificCredentialResponse,
  ServiceSpecificCredential,
  UpdateServiceSpecificCredentialRequest,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { iamId } from '../../../ids.js';
import {
  iamOf,
  keyOf,
  noSuchEntity,
  targetUser,
  userNamed,
  type IamServiceCredential,
  type IamState,
} from '../store.js';
import { checks } from '../validate.js';

/*
 * Service-specific credentials: a user name and password for one service (CodeCommit's HTTPS Git,
 * Amazon Keyspaces). They outlive a rotated access key, so a responder lists and deletes them. The
 * password is in the answer to Create and Reset only; CloudTrail hides it (the model marks
 * ServicePassword sensitive) and the range never stores it.
 *
 * Bedrock and CloudWatch Logs API keys are service-specific credentials too, but their secret travels
 * in members (ServiceCredentialAlias, ServiceCredentialSecret) that the range's IAM model predates, so
 * the range cannot hand one out and refuses those services rather than return a key without its secret.
 */

const SERVICES = ['codecommit.amazonaws.com', 'cassandra.amazonaws.com'];
const PER_SERVICE_PER_USER = 2;
const CREDENTIAL_ID = { re: /^[\w]+$/, text: '[\\w]+' };
/** The model's constraints on ServiceSpecificCredentialId, checked by Reset, Update and Delete. */
const CREDENTIAL_ID_RULE = { min: 20, max: 128, pattern: CREDENTIAL_ID };

function credentialOut(c: IamServiceCredential): Omit<ServiceSpecificCredential, 'ServicePassword'> {
  return {
    CreateDate: c.CreateDate,
    ServiceName: c.ServiceName,
    ServiceUserName: c.ServiceUserName,
    ServiceSpecificCredentialId: c.ServiceSpecificCredentialId,
    UserName: c.UserName,
    Status: c.Status,
  };
}

/** A strong password as IAM generates them: 44 characters from a base64-like alphabet. */
function servicePassword(): string {
  return randomBytes(33).toString('base64').replace(/\//g, '_');
}

function ownedCredential(
  ctx: CallContext,
  iam: IamState,
  userName: string | undefined,
  id: string,
): IamServiceCredential {
  const user = targetUser(ctx, iam, userName);
  const c = iam.serviceCredentials[id];
  if (!c || !user || keyOf(c.UserName) !== keyOf(user.UserName))
    throw noSuchEntity(`No such credential ${id} exists`);
  return c;
}

export function createServiceSpecificCredential(
  ctx: CallContext,
  input: CreateServiceSpecificCredentialRequest,
): CreateServiceSpecificCredentialResponse {
  checks().name('UserName', input.UserName).done();
  const iam = iamOf(ctx);
  const user = userNamed(iam, input.UserName ?? '');
  const service = input.ServiceName ?? '';
  if (!SERVICES.includes(service)) {
    throw new ServiceError(
      'NotSupportedService',
      `The specified service does not support service-specific credentials: ${service}`,
      404,
    );
  }
  const existing = Object.values(iam.serviceCredentials).filter(
    (c) => keyOf(c.UserName) === keyOf(user.UserName) && c.ServiceName === service,
  );
  if (existing.length >= PER_SERVICE_PER_USER) {
    throw new ServiceError(
      'LimitExceeded',
      `Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: ${PER_SERVICE_PER_USER}`,
      409,
    );
  }
  const credential: IamServiceCredential = {
    ServiceSpecificCredentialId: iamId('ACCA'),
    UserName: user.UserName,
    ServiceName: service,
    // "the IAM user's name combined with the ID number of the account, as in jane-at-123456789012"
    ServiceUserName: `${user.UserName}-at-${ctx.accountId}`,
    Status: 'Active',
    CreateDate: ctx.now,
  };
  iam.serviceCredentials[credential.ServiceSpecificCredentialId] = credential;
  return {
    ServiceSpecificCredential: { ...credentialOut(credential), ServicePassword: servicePassword() },
  };
}

export function listServiceSpecificCredentials(
  ctx: CallContext,
  input: ListServiceSpecificCredentialsRequest,
): ListServiceSpecificCredentialsResponse {
  checks().name('UserName', input.UserName).done();
  const iam = iamOf(ctx);
  const service = input.ServiceName;
  if (service !== undefined && !SERVICES.includes(service)) {
    throw new ServiceError(
      'NotSupportedService',
      `The specified service does not support service-specific credentials: ${service}`,
      404,
    );
  }
  const user = targetUser(ctx, iam, input.UserName);
  const list = Object.values(iam.serviceCredentials)
    .filter((c) => user && keyOf(c.UserName) === keyOf(user.UserName))
    .filter((c) => service === undefined || c.ServiceName === service)
    .sort((a, b) => a.CreateDate.getTime() - b.CreateDate.getTime());
  return { ServiceSpecificCredentials: list.map(credentialOut) };
}

export function resetServiceSpecificCredential(
  ctx: CallContext,
  input: ResetServiceSpecificCredentialRequest,
): ResetServiceSpecificCredentialResponse {
  checks()
    .name('UserName', input.UserName)
    .string('ServiceSpecificCredentialId', input.ServiceSpecificCredentialId, CREDENTIAL_ID_RULE)
    .done();
  const c = ownedCredential(ctx, iamOf(ctx), input.UserName, input.ServiceSpecificCredentialId ?? '');
  // The old password stops working at once (the range never kept it): only the new one is returned.
  return { ServiceSpecificCredential: { ...credentialOut(c), ServicePassword: servicePassword() } };
}

export function updateServiceSpecificCredential(
  ctx: CallContext,
  input: UpdateServiceSpecificCredentialRequest,
): Record<string, never> {
  checks()
    .name('UserName', input.UserName)
    .string('ServiceSpecificCredentialId', input.ServiceSpecificCredentialId, CREDENTIAL_ID_RULE)
    .oneOf('Status', input.Status, ['Active', 'Inactive'])
    .done();
  const c = ownedCredential(ctx, iamOf(ctx), input.UserName, input.ServiceSpecificCredentialId ?? '');
  c.Status = input.Status as IamServiceCredential['Status'];
  return {};
}

export function deleteServiceSpecificCredential(
  ctx: CallContext,
  input: DeleteServiceSpecificCredentialRequest,
): Record<string, never> {
  checks()
    .name('UserName', input.UserName)
    .string('ServiceSpecificCredentialId', input.ServiceSpecificCredentialId, CREDENTIAL_ID_RULE)
    .done();
  const iam = iamOf(ctx);
  const c = ownedCredential(ctx, iam, input.UserName, input.ServiceSpecificCredentialId ?? '');
  delete iam.serviceCredentials[c.ServiceSpecificCredentialId];
  return {};
}
