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

const ADMINISTRATOR_ACCESS = /^arn:aws[\w-]*:iam::aws:policy\/AdministratorAccess$/;
const AWS_DENY_ALL = /^arn:aws[\w-]*:iam::aws:policy\/AWSDenyAll$/;
const AWS_MANAGED = /^arn:aws[\w-]*:iam::aws:policy\//;

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

/**
 * Whether a policy document denies Action "*" on Resource "*" unconditionally (AWSDenyAll, or the inline
 * deny a responder attaches to contain a user): an explicit deny wins over every allow, so whoever holds
 * it can do nothing, administrator policies or not. (The same test as userDenied's.)
 */
function deniesEverything(document: string): boolean {
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
      st.Condition === undefined &&
      asList(st.Action).includes('*') &&
      asList(st.Resource).includes('*')
    );
  });
}

/** A policy a user holds, directly or through a group, and how to read its document. */
interface Held {
  /** "inline policy x of user u", "policy P attached to group g". */
  what: string;
  arn?: string;
  document(): Promise<string | undefined>;
}

async function policiesOf(ctx: ProbeContext, who: Principal): Promise<Held[]> {
  const label = `${who.kind} ${who.name}`;
  const attached = (await attachedPolicies(ctx.reader, who)) ?? [];
  const inline = (await inlinePolicyNames(ctx.reader, who)) ?? [];
  return [
    ...attached.map((a): Held => ({
      what: `policy ${a.PolicyName} attached to ${label}`,
      ...(a.PolicyArn ? { arn: a.PolicyArn } : {}),
      document: async () => (a.PolicyArn ? managedPolicy(ctx.reader, a.PolicyArn) : undefined),
    })),
    ...inline.map((name): Held => ({
      what: `inline policy ${name} of ${label}`,
      document: () => inlinePolicy(ctx.reader, who, name),
    })),
  ];
}

/** How a user gets administrator access, if it does: attached AdministratorAccess, or a "*" on "*" policy. */
async function adminVia(held: readonly Held[]): Promise<string | undefined> {
  const admin = held.find((h) => ADMINISTRATOR_ACCESS.test(h.arn ?? ''));
  if (admin)
    return admin.what.replace(
      /^policy AdministratorAccess attached to/,
      'AdministratorAccess is attached to',
    );
  // Inline policies first, then the managed ones: the order IAM's console lists them in.
  for (const h of [...held.filter((x) => !x.arn), ...held.filter((x) => x.arn)]) {
    const doc = await h.document();
    if (doc && grantsEverything(doc)) return `${h.what} allows * on *`;
  }
  return undefined;
}

async function deniedVia(held: readonly Held[]): Promise<string | undefined> {
  for (const h of held) {
    const doc = await h.document();
    if (doc && deniesEverything(doc)) return `${h.what} denies * on *`;
  }
  return undefined;
}

type Change = { eventName: string; requestParameters: unknown };

function parametersOf(e: Change): { arn?: string; document?: string } {
  const rp = (e.requestParameters ?? {}) as { policyArn?: unknown; policyDocument?: unknown };
  return {
    ...(typeof rp.policyArn === 'string' ? { arn: rp.policyArn } : {}),
    ...(typeof rp.policyDocument === 'string' ? { document: decoded(rp.policyDocument) } : {}),
  };
}

/*
 * Of the AWS managed policies only AdministratorAccess grants and only AWSDenyAll denies everything; a
 * customer policy's document is not in the event, so attaching or detaching one may be the change (it is
 * how a team attaches its own quarantine policy).
 */
const customer = (arn: string | undefined) => arn !== undefined && !AWS_MANAGED.test(arn);

/** A change that gives administrator access: granting everything, or removing a deny of everything. */
function givesAccess(e: Change): boolean {
  const { arn, document } = parametersOf(e);
  switch (e.eventName) {
    case 'AttachUserPolicy':
      return customer(arn) || ADMINISTRATOR_ACCESS.test(arn ?? '');
    case 'PutUserPolicy':
      return document !== undefined && grantsEverything(document);
    case 'DetachUserPolicy':
      return customer(arn) || AWS_DENY_ALL.test(arn ?? '');
    default:
      return true;
  }
}

/** A change that takes administrator access away: removing what grants it, or adding a deny of everything. */
function takesAway(e: Change): boolean {
  const { arn, document } = parametersOf(e);
  switch (e.eventName) {
    case 'AttachUserPolicy':
      return customer(arn) || AWS_DENY_ALL.test(arn ?? '');
    case 'PutUserPolicy':
      return document !== undefined && deniesEverything(document);
    case 'DetachUserPolicy':
      return customer(arn) || ADMINISTRATOR_ACCESS.test(arn ?? '');
    default:
      return true;
  }
}

function decoded(doc: string): string {
  if (doc.trimStart().startsWith('{')) return doc;
  try {
    return decodeURIComponent(doc);
  } catch {
    return doc;
  }
}

export const userAdmin = defineSignalKind({
  name: 'userAdmin',
  family: 'state',
  reads: USER_POLICY_READS,
  summary:
    'An IAM user has (or no longer has) administrator access, directly or through a group; a policy that denies * on * (AWSDenyAll) takes it away.',
  params: z.strictObject({
    user: resource('IAM user name.'),
    expect: expect(
      ['present', 'absent'],
      'Whether administrator access must be present or absent (absent: no policy allows * on *, or one denies * on *, or the user is gone).',
    ),
  }),
  describe: (p) => `User ${p.user} ${p.expect === 'present' ? 'has' : 'does not have'} administrator access`,
  probe: async (ctx, p) => {
    const groups = await groupsOf(ctx.reader, p.user);
    if (groups === undefined) return observed(ctx, p.expect === 'absent', `User ${p.user} does not exist`);
    const holders: Principal[] = [
      { kind: 'user', name: p.user },
      ...groups.flatMap((g): Principal[] => (g.GroupName ? [{ kind: 'group', name: g.GroupName }] : [])),
    ];
    const held = (await Promise.all(holders.map((h) => policiesOf(ctx, h)))).flat();
    const denied = await deniedVia(held);
    if (denied)
      return observed(ctx, p.expect === 'absent', `User ${p.user} has no administrator access: ${denied}`);
    const via = await adminVia(held);
    if (via) return observed(ctx, p.expect === 'present', `User ${p.user} has administrator access: ${via}`);
    const inGroups = groups.length ? ` (groups: ${groups.map((g) => g.GroupName).join(', ')})` : '';
    return observed(ctx, p.expect === 'absent', `User ${p.user} has no administrator access${inGroups}`);
  },
  // Group policy changes name the group, not the user: only the user's own changes are attributed.
  attribution: (p) =>
    p.expect === 'present'
      ? {
          eventNames: [
            'AttachUserPolicy',
            'PutUserPolicy',
            'AddUserToGroup',
            // An explicit deny of everything removed.
            'DetachUserPolicy',
            'DeleteUserPolicy',
          ],
          resource: p.user,
          accept: givesAccess,
        }
      : {
          eventNames: [
            'DetachUserPolicy',
            'DeleteUserPolicy',
            'RemoveUserFromGroup',
            'DeleteUser',
            // An explicit deny of everything attached (AWSDenyAll, or an inline deny).
            'AttachUserPolicy',
            'PutUserPolicy',
          ],
          resource: p.user,
          accept: takesAway,
        },
});
