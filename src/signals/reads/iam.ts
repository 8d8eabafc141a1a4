/**
 * IAM reads, each once a tick per user, role, group or policy (a policy version's document, and who owns
 * an access key, once per exercise).
 */
import type { AccessKeyMetadata, AttachedPolicy, Group, LoginProfile, Role, User } from '@aws-sdk/client-iam';
import { Absent, ReadError, type Reader } from '../reader.js';

/** All items of an IAM list call (Marker paging); undefined when the user or group does not exist. */
async function iamList<T>(reader: Reader, api: string, input: object, key: string): Promise<T[] | undefined> {
  const items: T[] = [];
  let marker: string | undefined;
  do {
    const out = await reader.callOrAbsent(api, marker ? { ...input, Marker: marker } : input, [
      'NoSuchEntity',
    ]);
    if (out instanceof Absent) return undefined;
    items.push(...((out[key] as T[] | undefined) ?? []));
    marker = out.IsTruncated ? (out.Marker as string | undefined) : undefined;
  } while (marker);
  return items;
}

function onceList<T>(reader: Reader, api: string, input: Record<string, string>, key: string) {
  return reader.once(`${api} ${JSON.stringify(input)}`, () => iamList<T>(reader, api, input, key));
}

export function accessKeys(reader: Reader, user: string): Promise<AccessKeyMetadata[] | undefined> {
  return onceList(reader, 'iam:ListAccessKeys', { UserName: user }, 'AccessKeyMetadata');
}

export function user(reader: Reader, name: string): Promise<User | undefined> {
  return reader.once(`iam:GetUser ${name}`, async () => {
    const out = await reader.callOrAbsent('iam:GetUser', { UserName: name }, ['NoSuchEntity']);
    return out instanceof Absent ? undefined : (out.User as User);
  });
}

export function role(reader: Reader, name: string): Promise<Role | undefined> {
  return reader.once(`iam:GetRole ${name}`, async () => {
    const out = await reader.callOrAbsent('iam:GetRole', { RoleName: name }, ['NoSuchEntity']);
    return out instanceof Absent ? undefined : (out.Role as Role);
  });
}

/** Every IAM user of the account. */
export async function users(reader: Reader): Promise<User[]> {
  return (await onceList<User>(reader, 'iam:ListUsers', {}, 'Users')) ?? [];
}

/**
 * The user an access key belongs to ('root' for the account root's keys). IAM answers AccessDenied, not
 * NoSuchEntity, for a key that does not exist, so that answer proves nothing: it is not kept, and the
 * caller looks further. A key never changes hands: an answer is kept for the exercise.
 */
export function accessKeyOwner(reader: Reader, accessKeyId: string): Promise<string | undefined> {
  const key = `iam:GetAccessKeyLastUsed ${accessKeyId}`;
  const read = async () => {
    const out = await reader.callOrAbsent('iam:GetAccessKeyLastUsed', { AccessKeyId: accessKeyId }, [
      'AccessDenied',
    ]);
    // A rejection is not kept by `lasting`: the next tick asks again.
    if (out instanceof Absent) throw new ReadError('iam:GetAccessKeyLastUsed', out.message, out.code);
    return out.UserName as string | undefined;
  };
  return reader
    .once(key, () => reader.lasting(key, read))
    .catch((err: unknown) => {
      if (err instanceof ReadError && err.code === 'AccessDenied') return undefined;
      throw err;
    });
}

export function loginProfile(reader: Reader, user: string): Promise<LoginProfile | undefined> {
  return reader.once(`iam:GetLoginProfile ${user}`, async () => {
    const out = await reader.callOrAbsent('iam:GetLoginProfile', { UserName: user }, ['NoSuchEntity']);
    return out instanceof Absent ? undefined : (out.LoginProfile as LoginProfile);
  });
}

export function accountSummary(reader: Reader): Promise<Record<string, number>> {
  return reader.once('iam:GetAccountSummary', async () => {
    const out = await reader.call('iam:GetAccountSummary');
    return (out.SummaryMap as Record<string, number> | undefined) ?? {};
  });
}

/** Who holds policies for a user: the user itself or one of its groups. */
export type Principal = { kind: 'user'; name: string } | { kind: 'group'; name: string };

const apis = {
  user: {
    attached: 'iam:ListAttachedUserPolicies',
    inline: 'iam:ListUserPolicies',
    get: 'iam:GetUserPolicy',
  },
  group: {
    attached: 'iam:ListAttachedGroupPolicies',
    inline: 'iam:ListGroupPolicies',
    get: 'iam:GetGroupPolicy',
  },
} as const;

/**
 * The calls the readers below make to find every policy a user holds, directly or through its groups
 * (attachedPolicies, inlinePolicyNames, inlinePolicy, groupsOf, managedPolicy): the `reads` of the
 * signal kinds that judge them.
 */
export const USER_POLICY_READS = [
  'iam:ListAttachedUserPolicies',
  'iam:ListUserPolicies',
  'iam:GetUserPolicy',
  'iam:ListGroupsForUser',
  'iam:ListAttachedGroupPolicies',
  'iam:ListGroupPolicies',
  'iam:GetGroupPolicy',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
] as const;

function nameInput(p: Principal): Record<string, string> {
  return p.kind === 'user' ? { UserName: p.name } : { GroupName: p.name };
}

export function attachedPolicies(reader: Reader, p: Principal): Promise<AttachedPolicy[] | undefined> {
  return onceList(reader, apis[p.kind].attached, nameInput(p), 'AttachedPolicies');
}

export function inlinePolicyNames(reader: Reader, p: Principal): Promise<string[] | undefined> {
  return onceList(reader, apis[p.kind].inline, nameInput(p), 'PolicyNames');
}

export function inlinePolicy(reader: Reader, p: Principal, policy: string): Promise<string | undefined> {
  const input = { ...nameInput(p), PolicyName: policy };
  return reader.once(`${apis[p.kind].get} ${JSON.stringify(input)}`, async () => {
    const out = await reader.callOrAbsent(apis[p.kind].get, input, ['NoSuchEntity']);
    return out instanceof Absent ? undefined : decodePolicy(out.PolicyDocument);
  });
}

export function groupsOf(reader: Reader, user: string): Promise<Group[] | undefined> {
  return onceList(reader, 'iam:ListGroupsForUser', { UserName: user }, 'Groups');
}

/** The default version's document of a managed policy. */
export function managedPolicy(reader: Reader, arn: string): Promise<string | undefined> {
  const read = async () => {
    const policy = await reader.callOrAbsent('iam:GetPolicy', { PolicyArn: arn }, ['NoSuchEntity']);
    if (policy instanceof Absent) return undefined;
    const version = (policy.Policy as { DefaultVersionId?: string } | undefined)?.DefaultVersionId;
    if (!version) return undefined;
    // A policy version never changes: its document is read once per exercise.
    return reader.lasting(`iam:GetPolicyVersion ${arn} ${version}`, async () => {
      const out = await reader.callOrAbsent('iam:GetPolicyVersion', { PolicyArn: arn, VersionId: version }, [
        'NoSuchEntity',
      ]);
      return out instanceof Absent
        ? undefined
        : decodePolicy((out.PolicyVersion as { Document?: unknown })?.Document);
    });
  };
  // AWS managed policies do not change during an exercise; customer managed ones may get a new default.
  return /^arn:aws[\w-]*:iam::aws:policy\//.test(arn)
    ? reader.lasting(`iam:GetPolicy ${arn}`, read)
    : reader.once(`iam:GetPolicy ${arn}`, read);
}

/** IAM returns policy documents URL-encoded (RFC 3986). */
function decodePolicy(doc: unknown): string | undefined {
  if (typeof doc !== 'string') return undefined;
  return doc.trimStart().startsWith('{') ? doc : decodeURIComponent(doc);
}
