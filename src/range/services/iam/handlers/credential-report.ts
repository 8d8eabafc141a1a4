import type { GenerateCredentialReportResponse, GetCredentialReportResponse } from '@aws-sdk/client-iam';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { identityState } from '../../../identity.js';
import {
  ROOT_MFA_OWNER,
  byName,
  iamOf,
  keyOf,
  type IamAccessKey,
  type IamSigningCertificate,
  type IamState,
} from '../store.js';

/** Generating takes a few seconds in AWS; the report is then reused for four hours. */
export const REPORT_GENERATION_MS = 4000;
const REPORT_FRESH_MS = 4 * 3600 * 1000;

const COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
];

const stamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

function keyColumns(ctx: CallContext, keys: IamAccessKey[]): string[] {
  const lastUsed = ctx.state(identityState).lastUsed;
  const out: string[] = [];
  for (const key of [keys[0], keys[1]]) {
    const used = key ? lastUsed[key.AccessKeyId] : undefined;
    out.push(
      String(key?.Status === 'Active'),
      key ? stamp(key.CreateDate) : 'N/A',
      used ? stamp(used.lastUsedDate) : 'N/A',
      used?.region ?? 'N/A',
      used?.serviceName ?? 'N/A',
    );
  }
  return out;
}

/** cert_N_active and cert_N_last_rotated: the first two signing certificates, oldest first. */
function certColumns(certs: IamSigningCertificate[]): string[] {
  return [certs[0], certs[1]].flatMap((c) => [
    String(c?.Status === 'Active'),
    c ? stamp(c.UploadDate) : 'N/A',
  ]);
}

/** The report as AWS lays it out: the `<root_account>` row first, then one row per user. */
export function credentialReportCsv(ctx: CallContext, iam: IamState): string {
  const keys = Object.values(iam.accessKeys).sort((a, b) => a.CreateDate.getTime() - b.CreateDate.getTime());
  const certs = Object.values(iam.signingCertificates).sort(
    (a, b) => a.UploadDate.getTime() - b.UploadDate.getTime(),
  );
  const rootMfa = Object.values(iam.mfaDevices).some((d) => d.owner === ROOT_MFA_OWNER);
  const rows = [
    COLUMNS,
    [
      '<root_account>',
      `arn:aws:iam::${ctx.accountId}:root`,
      stamp(iam.createdAt ?? ctx.now),
      'not_supported',
      'no_information',
      'not_supported',
      'not_supported',
      String(rootMfa),
      ...keyColumns(
        ctx,
        keys.filter((k) => k.root),
      ),
      ...certColumns(certs.filter((c) => c.root)),
    ],
  ];
  const maxAge = iam.passwordPolicy?.MaxPasswordAge;
  for (const u of byName(Object.values(iam.users), (x) => x.UserName)) {
    const lp = u.loginProfile;
    const changed = lp?.passwordLastChanged ?? lp?.CreateDate;
    rows.push([
      u.UserName,
      u.Arn,
      stamp(u.CreateDate),
      String(lp !== undefined),
      lp ? (u.PasswordLastUsed ? stamp(u.PasswordLastUsed) : 'no_information') : 'N/A',
      changed ? stamp(changed) : 'N/A',
      changed && maxAge ? stamp(new Date(changed.getTime() + maxAge * 86400_000)) : 'N/A',
      String(u.mfaDevices.length > 0),
      ...keyColumns(
        ctx,
        keys.filter((k) => !k.root && keyOf(k.UserName) === keyOf(u.UserName)),
      ),
      ...certColumns(certs.filter((c) => !c.root && keyOf(c.UserName) === keyOf(u.UserName))),
    ]);
  }
  return rows.map((r) => r.join(',')).join('\n');
}

/**
 * The report is a snapshot taken when generation starts and readable once it completes, a few
 * seconds later on the range clock; asking again within four hours reuses it, as AWS does.
 */
export function generateCredentialReport(ctx: CallContext): GenerateCredentialReportResponse {
  const iam = iamOf(ctx);
  const now = ctx.now.getTime();
  const r = iam.credentialReport;
  if (r && now < r.readyAt.getTime())
    return { State: 'INPROGRESS', Description: 'Report generation in progress' };
  if (r && now - r.startedAt.getTime() < REPORT_FRESH_MS) return { State: 'COMPLETE' };
  iam.credentialReport = {
    startedAt: ctx.now,
    readyAt: new Date(now + REPORT_GENERATION_MS),
    csv: credentialReportCsv(ctx, iam),
  };
  return {
    State: 'STARTED',
    Description: r
      ? 'Report expired. Starting a new report generation task'
      : 'No report exists. Starting a new report generation task',
  };
}

export function getCredentialReport(ctx: CallContext): GetCredentialReportResponse {
  const r = iamOf(ctx).credentialReport;
  if (!r) {
    throw new ServiceError(
      'ReportNotPresent',
      'The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport.',
      410,
    );
  }
  if (ctx.now.getTime() < r.readyAt.getTime()) {
    throw new ServiceError(
      'ReportInProgress',
      'The request was rejected because the credential report is still being generated.',
      404,
    );
  }
  return { Content: Buffer.from(r.csv, 'utf8'), ReportFormat: 'text/csv', GeneratedTime: r.startedAt };
}
