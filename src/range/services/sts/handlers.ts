import type {
  AssumeRoleRequest,
  AssumeRoleResponse,
  GetCallerIdentityResponse,
  GetSessionTokenRequest,
  GetSessionTokenResponse,
} from '@aws-sdk/client-sts';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { identityState, type Principal } from '../../identity.js';
import { iamId, secretKey } from '../../ids.js';
import { findRole, iamOf } from '../iam/store.js';
import { trustAllows } from '../iam/trust.js';

export function getCallerIdentity(ctx: CallContext): GetCallerIdentityResponse {
  const p = ctx.principal;
  return { UserId: p.type === 'Root' ? p.accountId : p.principalId, Account: p.accountId, Arn: p.arn };
}

/** What a session carries besides its principal: session policies and whether MFA was used. */
interface SessionFacts {
  sessionPolicy?: string;
  sessionPolicyArns?: string[];
  mfaAuthenticated?: boolean;
}

function issue(ctx: CallContext, principal: Principal, seconds: number, facts: SessionFacts = {}) {
  const accessKeyId = iamId('ASIA');
  const secretAccessKey = secretKey();
  const sessionToken = Buffer.from(`sirs-range-session:${accessKeyId}:${secretKey()}`).toString('base64');
  const expiration = new Date(ctx.now.getTime() + seconds * 1000);
  ctx.state(identityState).credentials[accessKeyId] = {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    status: 'Active',
    createdAt: ctx.now,
    expiration,
    principal,
    ...facts,
  };
  return {
    AccessKeyId: accessKeyId,
    SecretAccessKey: secretAccessKey,
    SessionToken: sessionToken,
    Expiration: expiration,
  };
}

function durationOf(
  ctx: CallContext,
  seconds: number | undefined,
  min: number,
  max: number,
  dflt: number,
): number {
  const d = seconds ?? dflt;
  if (d < min || d > max) {
    throw new ServiceError(
      'ValidationError',
      `1 validation error detected: Value '${d}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${d < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
    );
  }
  void ctx;
  return d;
}

export function assumeRole(ctx: CallContext, input: AssumeRoleRequest): AssumeRoleResponse {
  const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(input.RoleArn ?? '');
  if (!m) throw new ServiceError('ValidationError', `${input.RoleArn} is invalid`);
  const [, accountId = '', roleName = ''] = m;
  const sessionName = input.RoleSessionName ?? 'session';
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new ServiceError(
      'ValidationError',
      `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint`,
    );
  }
  const denied = (why?: string) =>
    new ServiceError(
      'AccessDenied',
      why ??
        `User: ${ctx.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
      403,
    );
  if (ctx.principal.type === 'Root') throw denied('Roles may not be assumed by root accounts.');
  const role = findRole(ctx, accountId, roleName);
  // A missing role and a role that does not trust the caller look the same to the caller, as in AWS.
  if (!role || role.Arn.toLowerCase() !== input.RoleArn?.toLowerCase()) throw denied();
  const mfa = mfaUsed(ctx, input.SerialNumber, input.TokenCode);
  if (
    !trustAllows(role.trustPolicy, { caller: ctx.principal, sessionName, externalId: input.ExternalId, mfa })
  ) {
    throw denied();
  }
  const seconds = durationOf(ctx, input.DurationSeconds, 900, 43200, 3600);
  if (seconds > role.MaxSessionDuration) {
    throw new ServiceError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  // Role chaining: a session that assumes a role gets at most an hour.
  if (ctx.principal.type === 'AssumedRole' && seconds > 3600) {
    throw new ServiceError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  const session = sessionPolicies(input);
  const principalId = `${role.RoleId}:${sessionName}`;
  const arn = `arn:aws:sts::${accountId}:assumed-role/${role.RoleName}/${sessionName}`;
  const principal: Principal = {
    type: 'AssumedRole',
    accountId,
    arn,
    principalId,
    session: {
      roleArn: role.Arn,
      roleName: role.RoleName,
      roleId: role.RoleId,
      sessionName,
      createdAt: ctx.now,
      mfaAuthenticated: mfa,
    },
  };
  return {
    Credentials: issue(ctx, principal, seconds, { ...session.facts, mfaAuthenticated: mfa }),
    AssumedRoleUser: { AssumedRoleId: principalId, Arn: arn },
    ...(session.packedSize !== undefined ? { PackedPolicySize: session.packedSize } : {}),
  };
}

export function getSessionToken(ctx: CallContext, input: GetSessionTokenRequest): GetSessionTokenResponse {
  if (ctx.principal.type === 'AssumedRole') {
    throw new ServiceError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
  }
  const max = ctx.principal.type === 'Root' ? 3600 : 129600;
  const seconds = durationOf(ctx, input.DurationSeconds, 900, max, Math.min(43200, max));
  const mfa = mfaUsed(ctx, input.SerialNumber, input.TokenCode);
  return { Credentials: issue(ctx, ctx.principal, seconds, mfa ? { mfaAuthenticated: true } : {}) };
}

/** The most session policy text (inline document and managed policy ARNs) a session token packs. */
const PACKED_LIMIT = 2048;

/**
 * AssumeRole's session policies, checked as STS checks them: the inline `Policy` is at most 2,048
 * characters of JSON, at most 10 `PolicyArns`, each a policy ARN; and together they must fit the
 * token's packed space (PackedPolicyTooLarge, with the share they would take).
 */
function sessionPolicies(input: AssumeRoleRequest): { facts: SessionFacts; packedSize?: number } {
  const policy = input.Policy;
  const arns = (input.PolicyArns ?? []).map((p) => p.arn ?? '');
  if (policy === undefined && arns.length === 0) return { facts: {} };
  if (policy !== undefined && (policy.length < 1 || policy.length > 2048)) {
    throw new ServiceError(
      'ValidationError',
      `1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length ${policy.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 2048'}`,
    );
  }
  if (arns.length > 10) {
    throw new ServiceError(
      'ValidationError',
      "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
  }
  for (const arn of arns) {
    if (!/^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/[\u0021-\u007E]+$/.test(arn)) {
      throw new ServiceError('ValidationError', `${arn} is invalid`);
    }
  }
  let minified = '';
  if (policy !== undefined) {
    try {
      const doc = JSON.parse(policy) as unknown;
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
      minified = JSON.stringify(doc);
    } catch {
      throw new ServiceError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
    }
  }
  const packed = Math.ceil(((minified.length + arns.join('').length) * 100) / PACKED_LIMIT);
  if (packed > 100) {
    throw new ServiceError(
      'PackedPolicyTooLarge',
      `Packed policy consumes ${packed}% of allotted space, please use smaller policy.`,
    );
  }
  return {
    facts: {
      ...(policy !== undefined ? { sessionPolicy: policy } : {}),
      ...(arns.length ? { sessionPolicyArns: arns } : {}),
    },
    packedSize: packed,
  };
}

/**
 * Whether a call carries MFA: a serial number and a six-digit code, and the serial is an MFA device
 * enabled for the calling user. Anything else sent as MFA fails the call, as STS fails it. The range
 * does not check the code against the device's seed (EnableMFADevice does not either): any six digits
 * from the device's owner pass.
 */
function mfaUsed(ctx: CallContext, serial: string | undefined, code: string | undefined): boolean {
  if (serial === undefined && code === undefined) return false;
  const p = ctx.principal;
  const device = serial !== undefined ? iamOf(ctx, p.accountId).mfaDevices[serial] : undefined;
  const owner = p.type === 'IAMUser' ? p.userName : undefined;
  if (!device || owner === undefined || device.owner !== owner || !/^\d{6}$/.test(code ?? '')) {
    throw new ServiceError(
      'AccessDenied',
      'MultiFactorAuthentication failed with invalid MFA one time pass code.',
      403,
    );
  }
  return true;
}
