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
  USER_POLICY_READS,
} from '../reads/iam.js';

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

/**
 * Whether a policy document denies every action on every resource unconditionally (like the AWS
 * managed AWSDenyAll): an explicit deny beats any allow, so the principal's credentials are dead.
 */
export function deniesEverything(document: string): boolean {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(document) as { Statement?: unknown };
  } catch {
    return false;
  }
  return asList(doc.Statement).some((s) => {
    const st = s as Record<string, unknown> | undefined;
    return (
      st?.Effect === 'Deny' &&
      asList(st.Action).includes('*') &&
      asList(st.Resource).includes('*') &&
      // A conditional deny may not apply to the calls that matter.
      st.Condition === undefined
    );
  });
}

/** Which policy of `who` denies everything, if one does. */
async function denyVia(ctx: ProbeContext, who: Principal): Promise<string | undefined> {
  const label = `${who.kind} ${who.name}`;
  for (const name of (await inlinePolicyNames(ctx.reader, who)) ?? []) {
    const doc = await inlinePolicy(ctx.reader, who, name);
    if (doc && deniesEverything(doc)) return `inline policy ${name} of ${label} denies * on *`;
  }
  for (const a of (await attachedPolicies(ctx.reader, who)) ?? []) {
    const doc = a.PolicyArn ? await managedPolicy(ctx.reader, a.PolicyArn) : undefined;
    if (doc && deniesEverything(doc)) return `policy ${a.PolicyName} attached to ${label} denies * on *`;
  }
  return undefined;
}

export const userDenied = defineSignalKind({
  name: 'userDenied',
  family: 'state',
  reads: USER_POLICY_READS,
  summary:
    'An IAM user is (or is no longer) denied every action by an explicit Deny, directly or through a group.',
  params: z.strictObject({
    user: resource('IAM user name.'),
    expect: expect(
      ['denied', 'not-denied'],
      'Whether an unconditional Deny of * on * must apply to the user (or a deleted user, which can do nothing).',
    ),
  }),
  describe: (p) =>
    p.expect === 'denied'
      ? `User ${p.user} is denied everything by an explicit Deny`
      : `User ${p.user} is not denied everything`,
  probe: async (ctx, p) => {
    const groups = await groupsOf(ctx.reader, p.user);
    if (groups === undefined)
      return observed(ctx, p.expect === 'denied', `User ${p.user} does not exist: it can do nothing`);
    let via = await denyVia(ctx, { kind: 'user', name: p.user });
    for (const g of groups) {
      if (via) break;
      if (g.GroupName) via = await denyVia(ctx, { kind: 'group', name: g.GroupName });
    }
    if (via) return observed(ctx, p.expect === 'denied', `User ${p.user} is denied everything: ${via}`);
    return observed(ctx, p.expect === 'not-denied', `No policy of user ${p.user} denies everything`);
  },
  // Group policy changes name the group, not the user: only the user's own changes are attributed.
  attribution: (p) => ({
    eventNames:
      p.expect === 'denied'
        ? ['PutUserPolicy', 'AttachUserPolicy', 'AddUserToGroup', 'DeleteUser']
        : ['DeleteUserPolicy', 'DetachUserPolicy', 'RemoveUserFromGroup'],
    resource: p.user,
  }),
});
