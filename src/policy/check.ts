/**
 * The permission check before anything is injected: `iam:SimulatePrincipalPolicy` for the caller (a
 * user, or the role behind an assumed-role session) with every statement of the policy `sirs policy`
 * prints for the same scenarios. What the simulator denies is listed per statement; a caller the
 * simulator cannot be asked about (the call is denied, root, a federated user) is said so, not refused.
 */
import type { ApiSession } from '../aws/api.js';
import { awsErrorCode } from '../aws/api.js';
import type { PolicyStatement, SirsPolicy } from './generate.js';

export interface MissingPermission {
  sid: string;
  actions: string[];
  resources: string[];
}

export type PermissionCheck =
  { checked: true; principal: string; missing: MissingPermission[] } | { checked: false; reason: string };

/** The IAM principal the simulator evaluates for a caller ARN, or why there is none. */
export async function simulatedPrincipal(
  session: ApiSession,
  callerArn: string,
): Promise<{ arn: string } | { reason: string }> {
  const user = /^arn:(aws[\w-]*):iam::(\d{12}):user\/.+$/.exec(callerArn);
  if (user) return { arn: callerArn };
  const role = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (role) {
    // The session's ARN drops the role's path; GetRole gives the role's own ARN.
    try {
      const out = await session.call('iam:GetRole', { RoleName: role[3] });
      const arn = (out.Role as { Arn?: string } | undefined)?.Arn;
      if (arn) return { arn };
    } catch (err) {
      if (!awsErrorCode(err)) throw err;
    }
    return { arn: `arn:${role[1]}:iam::${role[2]}:role/${role[3]}` };
  }
  if (/:root$/.test(callerArn)) return { reason: 'the account root is not limited by IAM policies' };
  return { reason: `the policy simulator cannot evaluate ${callerArn}` };
}

/** A statement's resources as the simulator takes them: this account and region instead of `*`. */
function concreteResources(s: PolicyStatement, accountId: string, region: string): string[] | undefined {
  const list = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
  if (list.includes('*')) return undefined;
  return list.map((arn) => {
    const parts = arn.split(':');
    if (parts[3] === '*') parts[3] = region;
    if (parts[4] === '*') parts[4] = accountId;
    return parts.join(':');
  });
}

/**
 * The context a statement's conditions expect, as the simulator takes it: a resource sirs tagged
 * (`aws:ResourceTag/sirs:exercise`) is simulated as carrying a value that matches the pattern.
 */
function contextFor(s: PolicyStatement): Array<Record<string, unknown>> {
  const entries: Array<Record<string, unknown>> = [];
  for (const block of Object.values(s.Condition ?? {})) {
    for (const [key, pattern] of Object.entries(block)) {
      entries.push({
        ContextKeyName: key,
        ContextKeyValues: [pattern.replace(/\*/g, 'sirs').replace(/\?/g, 's')],
        ContextKeyType: 'string',
      });
    }
  }
  return entries;
}

interface EvaluationResult {
  EvalActionName?: string;
  EvalDecision?: string;
  EvalResourceName?: string;
}

/** Simulate every statement; the actions the principal may not take, per statement. */
export async function checkPermissions(
  session: ApiSession,
  opts: { principalArn: string; accountId: string; region: string; policy: SirsPolicy },
): Promise<PermissionCheck> {
  const principal = await simulatedPrincipal(session, opts.principalArn);
  if ('reason' in principal) return { checked: false, reason: principal.reason };
  const missing: MissingPermission[] = [];
  for (const s of opts.policy.document.Statement) {
    const resources = concreteResources(s, opts.accountId, opts.region);
    const denied = new Set<string>();
    let marker: string | undefined;
    do {
      let out: Record<string, unknown>;
      try {
        out = await session.call('iam:SimulatePrincipalPolicy', {
          PolicySourceArn: principal.arn,
          ActionNames: s.Action,
          ...(resources ? { ResourceArns: resources } : {}),
          ...(s.Condition ? { ContextEntries: contextFor(s) } : {}),
          ...(marker ? { Marker: marker } : {}),
        });
      } catch (err) {
        const code = awsErrorCode(err) ?? '';
        if (/AccessDenied|UnauthorizedOperation|NotImplemented|UnknownOperation/.test(code))
          return { checked: false, reason: `iam:SimulatePrincipalPolicy was refused (${code})` };
        throw err;
      }
      for (const r of (out.EvaluationResults as EvaluationResult[] | undefined) ?? []) {
        if (r.EvalDecision !== 'allowed' && r.EvalActionName) denied.add(r.EvalActionName);
      }
      marker = out.IsTruncated ? (out.Marker as string | undefined) : undefined;
    } while (marker);
    if (denied.size > 0) {
      missing.push({
        sid: s.Sid,
        actions: s.Action.filter(
          (a) => denied.has(a) || [...denied].some((d) => d.toLowerCase() === a.toLowerCase()),
        ),
        resources: Array.isArray(s.Resource) ? s.Resource : [s.Resource],
      });
    }
  }
  return { checked: true, principal: principal.arn, missing };
}

/** The refusal's lines: per statement, what is missing on which resources. */
export function describeMissing(missing: readonly MissingPermission[]): string[] {
  return missing.map((m) => `${m.sid}: ${m.actions.join(', ')} on ${m.resources.join(', ')}`);
}
