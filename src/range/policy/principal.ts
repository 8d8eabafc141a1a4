import type { RequestPrincipal, Statement } from './types.js';

/**
 * The Principal element of resource-based policies ("AWS JSON policy elements: Principal"), compiled once.
 *
 * How a statement names the caller matters within one account ("Policy evaluation logic"): naming the
 * IAM user, the role session, or everyone grants directly; naming the role grants to its sessions but
 * stays within their permissions boundary and session policies; naming the account only delegates to the
 * account's identity-based policies.
 */
export type Grant = 'direct' | 'role' | 'account';

export interface CompiledPrincipal {
  /** How the element names the caller, or undefined when it does not. */
  grant(principal: RequestPrincipal): Grant | undefined;
  /** For Deny with NotPrincipal: whether the caller is spared ("AWS JSON policy elements: NotPrincipal"). */
  spares(principal: RequestPrincipal, hasBoundary: boolean): boolean;
}

type Block = NonNullable<Statement['Principal']>;

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

const ROOT = /^arn:[^:]+:iam::(\d{12}):root$/;

export function compilePrincipal(block: Block): CompiledPrincipal {
  if (block === '*') return { grant: () => 'direct', spares: () => true };
  const entries = Object.fromEntries(Object.entries(block).map(([k, v]) => [k.toLowerCase(), list(v)]));
  const aws = entries.aws ?? [];
  const everyone = aws.includes('*');
  const accounts = new Set<string>();
  const arns = new Set<string>();
  for (const value of aws) {
    if (/^\d{12}$/.test(value)) accounts.add(value);
    else {
      const root = ROOT.exec(value);
      if (root) accounts.add(root[1]!);
      else arns.add(value);
    }
  }
  const services = new Set((entries.service ?? []).map((s) => s.toLowerCase()));
  const federated = new Set(entries.federated ?? []);
  const canonical = new Set(entries.canonicaluser ?? []);

  const grant = (p: RequestPrincipal): Grant | undefined => {
    if (everyone) return 'direct';
    if (p.type === 'Service')
      return p.service !== undefined && services.has(p.service.toLowerCase()) ? 'direct' : undefined;
    if (p.arn !== '' && (arns.has(p.arn) || federated.has(p.arn))) return 'direct';
    if (p.canonicalUserId !== undefined && canonical.has(p.canonicalUserId)) return 'direct';
    if (p.roleArn !== undefined && arns.has(p.roleArn)) return 'role';
    if (p.type !== 'Anonymous' && p.accountId !== '' && accounts.has(p.accountId)) return 'account';
    return undefined;
  };

  return {
    grant,
    spares(p, hasBoundary) {
      // "Don't use resource-based policy statements that include a NotPrincipal policy element with a Deny
      // effect for IAM users or roles that have a permissions boundary policy attached" (it always denies them).
      if (hasBoundary) return false;
      const how = grant(p);
      if (how === undefined) return false;
      if (p.type === 'Root' || p.type === 'Service' || p.type === 'Anonymous' || everyone) return true;
      // AWS may check the account first, then the user or role: the account must be listed too.
      return how !== 'account' && accounts.has(p.accountId);
    },
  };
}
