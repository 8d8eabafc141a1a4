import type {
  DeleteSigningCertificateRequest,
  ListSigningCertificatesRequest,
  ListSigningCertificatesResponse,
  SigningCertificate,
  UpdateSigningCertificateRequest,
  UploadSigningCertificateRequest,
  UploadSigningCertificateResponse,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { iamId } from '../../../ids.js';
import { parseSigningCertificate } from '../public-keys.js';
import {
  iamOf,
  keyOf,
  noSuchEntity,
  targetUser,
  type IamSigningCertificate,
  type IamState,
  type IamUser,
} from '../store.js';
import { PRINTABLE_BODY, checks, pageOf } from '../validate.js';

/*
 * X.509 signing certificates of a user (or, without a user name, of the account root, as the API
 * reference says): another credential the compromised-credentials playbooks tell a responder to remove.
 */

const CERTIFICATES_PER_USER = 2;
const CERT_ID = { re: /^[\w]+$/, text: '[\\w]+' };

function certificatesOf(iam: IamState, user: IamUser | undefined): IamSigningCertificate[] {
  return Object.values(iam.signingCertificates)
    .filter((c) => (user ? !c.root && keyOf(c.UserName) === keyOf(user.UserName) : c.root === true))
    .sort((a, b) => a.UploadDate.getTime() - b.UploadDate.getTime());
}

/**
 * The root's certificates carry no user name, as its access keys do not (the SDK types the member as
 * required, since a user's certificate always has one).
 */
function certificateOut(c: IamSigningCertificate): SigningCertificate {
  return {
    ...(c.root ? {} : { UserName: c.UserName }),
    CertificateId: c.CertificateId,
    CertificateBody: c.CertificateBody,
    Status: c.Status,
    UploadDate: c.UploadDate,
  } as SigningCertificate;
}

function ownedCertificate(
  ctx: CallContext,
  iam: IamState,
  userName: string | undefined,
  id: string,
): IamSigningCertificate {
  const user = targetUser(ctx, iam, userName);
  const cert = iam.signingCertificates[id];
  if (!cert || !certificatesOf(iam, user).includes(cert))
    throw noSuchEntity(`The Certificate with id ${id} cannot be found.`);
  return cert;
}

export function uploadSigningCertificate(
  ctx: CallContext,
  input: UploadSigningCertificateRequest,
): UploadSigningCertificateResponse {
  checks()
    .name('UserName', input.UserName, 128)
    .string('CertificateBody', input.CertificateBody, { min: 1, max: 16384, pattern: PRINTABLE_BODY })
    .done();
  const iam = iamOf(ctx);
  const user = targetUser(ctx, iam, input.UserName);
  const body = input.CertificateBody ?? '';
  const { fingerprint } = parseSigningCertificate(body, ctx.now);
  if (Object.values(iam.signingCertificates).some((c) => c.fingerprint === fingerprint)) {
    throw new ServiceError(
      'DuplicateCertificate',
      'The request was rejected because the same certificate is associated with an IAM user in the account.',
      409,
    );
  }
  if (certificatesOf(iam, user).length >= CERTIFICATES_PER_USER) {
    throw new ServiceError(
      'LimitExceeded',
      `Cannot exceed quota for SigningCertificatesPerUser: ${CERTIFICATES_PER_USER}`,
      409,
    );
  }
  const cert: IamSigningCertificate = {
    // 24 to 128 word characters (certificateIdType); IAM gives them no prefix: 32 random ones.
    CertificateId: iamId('') + iamId(''),
    UserName: user?.UserName ?? '',
    CertificateBody: body,
    fingerprint,
    Status: 'Active',
    UploadDate: ctx.now,
    ...(user ? {} : { root: true }),
  };
  iam.signingCertificates[cert.CertificateId] = cert;
  return { Certificate: certificateOut(cert) };
}

export function listSigningCertificates(
  ctx: CallContext,
  input: ListSigningCertificatesRequest,
): ListSigningCertificatesResponse {
  checks().name('UserName', input.UserName, 128).done();
  const iam = iamOf(ctx);
  const user = targetUser(ctx, iam, input.UserName);
  const { page, ...more } = pageOf(certificatesOf(iam, user), input, [
    'ListSigningCertificates',
    user?.UserId ?? 'root',
  ]);
  return { Certificates: page.map(certificateOut), ...more };
}

export function updateSigningCertificate(
  ctx: CallContext,
  input: UpdateSigningCertificateRequest,
): Record<string, never> {
  checks()
    .name('UserName', input.UserName, 128)
    .string('CertificateId', input.CertificateId, { min: 24, max: 128, pattern: CERT_ID })
    .oneOf('Status', input.Status, ['Active', 'Inactive'])
    .done();
  const cert = ownedCertificate(ctx, iamOf(ctx), input.UserName, input.CertificateId ?? '');
  cert.Status = input.Status as IamSigningCertificate['Status'];
  return {};
}

export function deleteSigningCertificate(
  ctx: CallContext,
  input: DeleteSigningCertificateRequest,
): Record<string, never> {
  checks()
    .name('UserName', input.UserName, 128)
    .string('CertificateId', input.CertificateId, { min: 24, max: 128, pattern: CERT_ID })
    .done();
  const iam = iamOf(ctx);
  const cert = ownedCertificate(ctx, iam, input.UserName, input.CertificateId ?? '');
  delete iam.signingCertificates[cert.CertificateId];
  return {};
}
