import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind, type ProbeContext } from '../types.js';
import { expect, resource } from '../params.js';
import {
  attachedPolicies,
  groupsOf,
  inlinePolicy,
  inlinePolicyNames,
  managedPolicy,
  type Principal,
} from '../reads/iam.js';

const ADMINISTRATOR_ACCESS = /^arn:aws[\w-]*:iam::aws:policy\/AdministratorAccess$/;

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

/** Whether a policy document has an Allow statement for Action "*" on Resource "*". */
export function grantsEverything(document: string): boolean {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(document) as { Statement?: unknown };
  } catch {
    return false;
  }
  return asList(doc.Statement).some((s) => {
    const st = s as Record<string, unknown> | undefined;
    return st?.Effect === 'Allow' && asList(st.Action).includes('*') && asList(st.Resource).includes('*');
  });
}

/** How `who` gets administrator access, if it does: attached AdministratorAccess, or a "*" on "*" policy. */
async function adminVia(ctx: ProbeContext, who: Principal): Promise<string | undefined> {
  const label = `${who.kind} ${who.name}`;
  const attached = (await attachedPolicies(ctx.reader, who)) ?? [];
  const admin = attached.find((a) => ADMINISTRATOR_ACCESS.test(a.PolicyArn ?? ''));
  if (admin) return `AdministratorAccess is attached to ${label}`;
  for (const name of (await inlinePolicyNames(ctx.reader, who)) ?? []) {
    const doc = await inlinePolicy(ctx.reader, who, name);
    if (doc && grantsEverything(doc)) return `inline policy ${name} of ${label} allows * on *`;
  }
  for (const a of attached) {
    const doc = a.PolicyArn ? await managedPolicy(ctx.reader, a.PolicyArn) : undefined;
    if (doc && grantsEverything(doc)) return `policy ${a.PolicyName} attached to ${label} allows * on *`;
  }
  return undefined;
}

export const userAdmin = defineSignalKind({
  name: 'userAdmin',
  family: 'state',
  summary: 'An IAM user has (or no longer has) administrator access, directly or through a group.',
  params: z.strictObject({
    user: resource('IAM user name.'),
    expect: expect(['present', 'absent'], 'Whether administrator access must be present or absent.'),
  }),
  describe: (p) => `User ${p.user} ${p.expect === 'present' ? 'has' : 'does not have'} administrator access`,
  probe: async (ctx, p) => {
    const groups = await groupsOf(ctx.reader, p.user);
    if (groups === undefined) return observed(ctx, p.expect === 'absent', `User ${p.user} does not exist`);
    let via = await adminVia(ctx, { kind: 'user', name: p.user });
    for (const g of groups) {
      if (via) break;
      if (g.GroupName) via = await adminVia(ctx, { kind: 'group', name: g.GroupName });
    }
    if (via) return observed(ctx, p.expect === 'present', `User ${p.user} has administrator access: ${via}`);
    const inGroups = groups.length ? ` (groups: ${groups.map((g) => g.GroupName).join(', ')})` : '';
    return observed(ctx, p.expect === 'absent', `User ${p.user} has no administrator access${inGroups}`);
  },
  // Group policy changes name the group, not the user: only the user's own changes are attributed.
  attribution: (p) => ({
    eventNames:
      p.expect === 'present'
        ? ['AttachUserPolicy', 'PutUserPolicy', 'AddUserToGroup']
        : ['DetachUserPolicy', 'DeleteUserPolicy', 'RemoveUserFromGroup', 'DeleteUser'],
    resource: p.user,
  }),
});
