import type {
  CreateAccessKeyResponse,
  CreateGroupResponse,
  CreateInstanceProfileResponse,
  CreatePolicyResponse,
  CreatePolicyVersionResponse,
  CreateRoleResponse,
  CreateUserResponse,
  ListPolicyVersionsResponse,
} from '@aws-sdk/client-iam';
import type { Properties, ProviderContext, ResourceProvider, Tag } from '../cloudformation/provider.js';

// CloudFormation's AWS::IAM::* types, driven through the range's IAM API. All of them need
// CAPABILITY_IAM; with a custom name, CAPABILITY_NAMED_IAM.

type Principal = 'User' | 'Group' | 'Role';

/** Names in `after` but not in `before`, and the other way round. */
function diff(
  before: readonly string[] = [],
  after: readonly string[] = [],
): { added: string[]; removed: string[] } {
  return {
    added: after.filter((x) => !before.includes(x)),
    removed: before.filter((x) => !after.includes(x)),
  };
}

function inlinePolicies(props: Properties | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of props?.objects('Policies') ?? [])
    out.set(p.required('PolicyName'), p.json('PolicyDocument') ?? '{}');
  return out;
}

/** Attach and detach managed policies, put and delete inline ones, so the principal matches the template. */
async function syncPolicies(
  ctx: ProviderContext,
  kind: Principal,
  name: string,
  props: Properties,
  before?: Properties,
): Promise<void> {
  const key = `${kind}Name`;
  const managed = diff(before?.strList('ManagedPolicyArns'), props.strList('ManagedPolicyArns'));
  for (const arn of managed.removed)
    await ctx.call('iam', `Detach${kind}Policy`, { [key]: name, PolicyArn: arn });
  for (const arn of managed.added)
    await ctx.call('iam', `Attach${kind}Policy`, { [key]: name, PolicyArn: arn });
  const had = inlinePolicies(before);
  const want = inlinePolicies(props);
  for (const policy of had.keys()) {
    if (!want.has(policy)) await ctx.call('iam', `Delete${kind}Policy`, { [key]: name, PolicyName: policy });
  }
  for (const [policy, doc] of want) {
    if (had.get(policy) !== doc)
      await ctx.call('iam', `Put${kind}Policy`, { [key]: name, PolicyName: policy, PolicyDocument: doc });
  }
}

/** What must go before DeleteUser/DeleteGroup/DeleteRole succeeds: attached and inline policies. */
async function dropPolicies(
  ctx: ProviderContext,
  kind: Principal,
  name: string,
  props: Properties,
): Promise<void> {
  const key = `${kind}Name`;
  for (const arn of props.strList('ManagedPolicyArns') ?? []) {
    await ctx.call('iam', `Detach${kind}Policy`, { [key]: name, PolicyArn: arn }).catch(ignoreMissing);
  }
  for (const policy of inlinePolicies(props).keys()) {
    await ctx.call('iam', `Delete${kind}Policy`, { [key]: name, PolicyName: policy }).catch(ignoreMissing);
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as { code?: string }).code !== 'NoSuchEntity') throw err;
}

async function syncTags(
  ctx: ProviderContext,
  kind: 'User' | 'Role',
  name: string,
  props: Properties,
  before?: Properties,
): Promise<void> {
  const want = ctx.tags(props.tags());
  const had = before ? ctx.tags(before.tags(), { previous: true }) : [];
  const stale = had.filter((t) => !want.some((w) => w.Key === t.Key)).map((t) => t.Key);
  if (stale.length) await ctx.call('iam', `Untag${kind}`, { [`${kind}Name`]: name, TagKeys: stale });
  if (want.length) await ctx.call('iam', `Tag${kind}`, { [`${kind}Name`]: name, Tags: want });
}

/** PermissionsBoundary changes in place: put the new policy, or delete the boundary when it is gone. */
async function syncBoundary(
  ctx: ProviderContext,
  kind: 'User' | 'Role',
  name: string,
  props: Properties,
  before: Properties,
): Promise<void> {
  const want = props.str('PermissionsBoundary');
  if (want === before.str('PermissionsBoundary')) return;
  const key = { [`${kind}Name`]: name };
  if (want) await ctx.call('iam', `Put${kind}PermissionsBoundary`, { ...key, PermissionsBoundary: want });
  else await ctx.call('iam', `Delete${kind}PermissionsBoundary`, key);
}

function tagsOrUndefined(tags: Tag[]): Tag[] | undefined {
  return tags.length ? tags : undefined;
}

const POLICY_PROPS = ['ManagedPolicyArns', 'Policies'];

export const role: ResourceProvider = {
  attributes: ['Arn', 'RoleId'],
  properties: [
    'RoleName',
    'AssumeRolePolicyDocument',
    'Path',
    'Description',
    'MaxSessionDuration',
    'Tags',
    'PermissionsBoundary',
    ...POLICY_PROPS,
  ],
  required: ['AssumeRolePolicyDocument'],
  replaceOn: ['RoleName', 'Path'],
  nameProperty: 'RoleName',
  capability: 'IAM',
  async create(ctx, props) {
    const name = props.str('RoleName') ?? ctx.physicalName({ maxLength: 64 });
    const out = await ctx.call<CreateRoleResponse>('iam', 'CreateRole', {
      RoleName: name,
      Path: props.str('Path'),
      AssumeRolePolicyDocument: props.json('AssumeRolePolicyDocument'),
      Description: props.str('Description'),
      MaxSessionDuration: props.num('MaxSessionDuration'),
      PermissionsBoundary: props.str('PermissionsBoundary'),
      Tags: tagsOrUndefined(ctx.tags(props.tags())),
    });
    await syncPolicies(ctx, 'Role', name, props);
    return { physicalId: name, attributes: { Arn: out.Role?.Arn ?? '', RoleId: out.Role?.RoleId ?? '' } };
  },
  async update(ctx, current, props) {
    const name = current.physicalId;
    const before = current.properties;
    if (props.json('AssumeRolePolicyDocument') !== before.json('AssumeRolePolicyDocument')) {
      await ctx.call('iam', 'UpdateAssumeRolePolicy', {
        RoleName: name,
        PolicyDocument: props.json('AssumeRolePolicyDocument'),
      });
    }
    if (
      props.str('Description') !== before.str('Description') ||
      props.num('MaxSessionDuration') !== before.num('MaxSessionDuration')
    ) {
      await ctx.call('iam', 'UpdateRole', {
        RoleName: name,
        Description: props.str('Description') ?? '',
        MaxSessionDuration: props.num('MaxSessionDuration') ?? 3600,
      });
    }
    await syncBoundary(ctx, 'Role', name, props, before);
    await syncPolicies(ctx, 'Role', name, props, before);
    await syncTags(ctx, 'Role', name, props, before);
    return { physicalId: name, attributes: current.attributes };
  },
  async delete(ctx, current) {
    await dropPolicies(ctx, 'Role', current.physicalId, current.properties);
    await ctx.call('iam', 'DeleteRole', { RoleName: current.physicalId });
  },
};

function loginProfile(props: Properties) {
  const p = props.object('LoginProfile');
  return p
    ? { Password: p.required('Password'), PasswordResetRequired: p.bool('PasswordResetRequired') ?? false }
    : undefined;
}

export const user: ResourceProvider = {
  attributes: ['Arn'],
  properties: ['UserName', 'Path', 'Groups', 'LoginProfile', 'Tags', 'PermissionsBoundary', ...POLICY_PROPS],
  replaceOn: ['UserName'],
  nameProperty: 'UserName',
  capability: 'IAM',
  async create(ctx, props) {
    const name = props.str('UserName') ?? ctx.physicalName({ maxLength: 64 });
    const out = await ctx.call<CreateUserResponse>('iam', 'CreateUser', {
      UserName: name,
      Path: props.str('Path'),
      PermissionsBoundary: props.str('PermissionsBoundary'),
      Tags: tagsOrUndefined(ctx.tags(props.tags())),
    });
    for (const group of props.strList('Groups') ?? [])
      await ctx.call('iam', 'AddUserToGroup', { GroupName: group, UserName: name });
    const login = loginProfile(props);
    if (login) await ctx.call('iam', 'CreateLoginProfile', { UserName: name, ...login });
    await syncPolicies(ctx, 'User', name, props);
    return { physicalId: name, attributes: { Arn: out.User?.Arn ?? '' } };
  },
  async update(ctx, current, props) {
    const name = current.physicalId;
    const before = current.properties;
    if ((props.str('Path') ?? '/') !== (before.str('Path') ?? '/')) {
      await ctx.call('iam', 'UpdateUser', { UserName: name, NewPath: props.str('Path') ?? '/' });
    }
    const groups = diff(before.strList('Groups'), props.strList('Groups'));
    for (const g of groups.removed)
      await ctx.call('iam', 'RemoveUserFromGroup', { GroupName: g, UserName: name });
    for (const g of groups.added) await ctx.call('iam', 'AddUserToGroup', { GroupName: g, UserName: name });
    const login = loginProfile(props);
    const hadLogin = before.has('LoginProfile');
    if (login && !hadLogin) await ctx.call('iam', 'CreateLoginProfile', { UserName: name, ...login });
    else if (login && JSON.stringify(login) !== JSON.stringify(loginProfile(before)))
      await ctx.call('iam', 'UpdateLoginProfile', { UserName: name, ...login });
    else if (!login && hadLogin) await ctx.call('iam', 'DeleteLoginProfile', { UserName: name });
    await syncBoundary(ctx, 'User', name, props, before);
    await syncPolicies(ctx, 'User', name, props, before);
    await syncTags(ctx, 'User', name, props, before);
    return { physicalId: name, attributes: current.attributes };
  },
  async delete(ctx, current) {
    const name = current.physicalId;
    const props = current.properties;
    for (const g of props.strList('Groups') ?? []) {
      await ctx.call('iam', 'RemoveUserFromGroup', { GroupName: g, UserName: name }).catch(ignoreMissing);
    }
    if (props.has('LoginProfile'))
      await ctx.call('iam', 'DeleteLoginProfile', { UserName: name }).catch(ignoreMissing);
    await dropPolicies(ctx, 'User', name, props);
    await ctx.call('iam', 'DeleteUser', { UserName: name });
  },
};

export const group: ResourceProvider = {
  attributes: ['Arn'],
  properties: ['GroupName', 'Path', ...POLICY_PROPS],
  replaceOn: ['GroupName', 'Path'],
  nameProperty: 'GroupName',
  capability: 'IAM',
  async create(ctx, props) {
    const name = props.str('GroupName') ?? ctx.physicalName({ maxLength: 128 });
    const out = await ctx.call<CreateGroupResponse>('iam', 'CreateGroup', {
      GroupName: name,
      Path: props.str('Path'),
    });
    await syncPolicies(ctx, 'Group', name, props);
    return { physicalId: name, attributes: { Arn: out.Group?.Arn ?? '' } };
  },
  async update(ctx, current, props) {
    await syncPolicies(ctx, 'Group', current.physicalId, props, current.properties);
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
  async delete(ctx, current) {
    await dropPolicies(ctx, 'Group', current.physicalId, current.properties);
    await ctx.call('iam', 'DeleteGroup', { GroupName: current.physicalId });
  },
};

const TARGETS: Array<[Principal, string]> = [
  ['Role', 'Roles'],
  ['User', 'Users'],
  ['Group', 'Groups'],
];

/** AWS::IAM::Policy: one inline policy put on every role, user and group it names. */
export const policy: ResourceProvider = {
  attributes: ['Id'],
  properties: ['PolicyName', 'PolicyDocument', 'Roles', 'Users', 'Groups'],
  required: ['PolicyName', 'PolicyDocument'],
  replaceOn: [],
  capability: 'IAM',
  async create(ctx, props) {
    const name = props.required('PolicyName');
    const doc = props.json('PolicyDocument');
    if (!TARGETS.some(([, list]) => props.strList(list)?.length)) {
      ctx.invalid('At least one of [Groups,Roles,Users] must be non-empty.');
    }
    for (const [kind, list] of TARGETS) {
      for (const target of props.strList(list) ?? []) {
        await ctx.call('iam', `Put${kind}Policy`, {
          [`${kind}Name`]: target,
          PolicyName: name,
          PolicyDocument: doc,
        });
      }
    }
    const id = ctx.physicalName({ maxLength: 128 });
    return { physicalId: id, attributes: { Id: id } };
  },
  async update(ctx, current, props) {
    await policy.delete(ctx, current);
    await policy.create(ctx, props);
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
  async delete(ctx, current) {
    const name = current.properties.required('PolicyName');
    for (const [kind, list] of TARGETS) {
      for (const target of current.properties.strList(list) ?? []) {
        await ctx
          .call('iam', `Delete${kind}Policy`, { [`${kind}Name`]: target, PolicyName: name })
          .catch(ignoreMissing);
      }
    }
  },
};

async function syncAttachments(
  ctx: ProviderContext,
  arn: string,
  props: Properties,
  before?: Properties,
): Promise<void> {
  for (const [kind, list] of TARGETS) {
    const { added, removed } = diff(before?.strList(list), props.strList(list));
    for (const t of removed)
      await ctx
        .call('iam', `Detach${kind}Policy`, { [`${kind}Name`]: t, PolicyArn: arn })
        .catch(ignoreMissing);
    for (const t of added)
      await ctx.call('iam', `Attach${kind}Policy`, { [`${kind}Name`]: t, PolicyArn: arn });
  }
}

export const managedPolicy: ResourceProvider = {
  attributes: ['PolicyArn', 'PolicyId', 'DefaultVersionId'],
  properties: ['ManagedPolicyName', 'PolicyDocument', 'Path', 'Description', 'Roles', 'Users', 'Groups'],
  required: ['PolicyDocument'],
  replaceOn: ['ManagedPolicyName', 'Path', 'Description'],
  nameProperty: 'ManagedPolicyName',
  capability: 'IAM',
  async create(ctx, props) {
    const name = props.str('ManagedPolicyName') ?? ctx.physicalName({ maxLength: 128 });
    const out = await ctx.call<CreatePolicyResponse>('iam', 'CreatePolicy', {
      PolicyName: name,
      Path: props.str('Path'),
      Description: props.str('Description'),
      PolicyDocument: props.json('PolicyDocument'),
    });
    const arn = out.Policy?.Arn ?? '';
    await syncAttachments(ctx, arn, props);
    return {
      physicalId: arn,
      attributes: {
        PolicyArn: arn,
        PolicyId: out.Policy?.PolicyId ?? '',
        DefaultVersionId: out.Policy?.DefaultVersionId ?? 'v1',
      },
    };
  },
  async update(ctx, current, props) {
    const arn = current.physicalId;
    const attributes = { ...current.attributes };
    if (props.json('PolicyDocument') !== current.properties.json('PolicyDocument')) {
      // IAM keeps five versions: make room by deleting the oldest non-default one.
      const versions = await ctx.call<ListPolicyVersionsResponse>('iam', 'ListPolicyVersions', {
        PolicyArn: arn,
      });
      const old = (versions.Versions ?? []).filter((v) => !v.IsDefaultVersion);
      if ((versions.Versions ?? []).length >= 5 && old.length) {
        const oldest = old.sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0))[0];
        await ctx.call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: oldest?.VersionId });
      }
      const out = await ctx.call<CreatePolicyVersionResponse>('iam', 'CreatePolicyVersion', {
        PolicyArn: arn,
        PolicyDocument: props.json('PolicyDocument'),
        SetAsDefault: true,
      });
      attributes.DefaultVersionId = out.PolicyVersion?.VersionId ?? '';
    }
    await syncAttachments(ctx, arn, props, current.properties);
    return { physicalId: arn, attributes };
  },
  async delete(ctx, current) {
    const arn = current.physicalId;
    for (const [kind, list] of TARGETS) {
      for (const t of current.properties.strList(list) ?? []) {
        await ctx
          .call('iam', `Detach${kind}Policy`, { [`${kind}Name`]: t, PolicyArn: arn })
          .catch(ignoreMissing);
      }
    }
    const versions = await ctx.call<ListPolicyVersionsResponse>('iam', 'ListPolicyVersions', {
      PolicyArn: arn,
    });
    for (const v of versions.Versions ?? []) {
      if (!v.IsDefaultVersion)
        await ctx.call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: v.VersionId });
    }
    await ctx.call('iam', 'DeletePolicy', { PolicyArn: arn });
  },
};

export const accessKey: ResourceProvider = {
  attributes: ['SecretAccessKey'],
  properties: ['UserName', 'Status', 'Serial'],
  required: ['UserName'],
  replaceOn: ['UserName', 'Serial'],
  capability: 'IAM',
  async create(ctx, props) {
    const userName = props.required('UserName');
    const out = await ctx.call<CreateAccessKeyResponse>('iam', 'CreateAccessKey', { UserName: userName });
    const id = out.AccessKey?.AccessKeyId ?? '';
    const status = props.str('Status') ?? 'Active';
    if (status !== 'Active')
      await ctx.call('iam', 'UpdateAccessKey', { UserName: userName, AccessKeyId: id, Status: status });
    return { physicalId: id, attributes: { SecretAccessKey: out.AccessKey?.SecretAccessKey ?? '' } };
  },
  async update(ctx, current, props) {
    await ctx.call('iam', 'UpdateAccessKey', {
      UserName: props.required('UserName'),
      AccessKeyId: current.physicalId,
      Status: props.str('Status') ?? 'Active',
    });
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
  async delete(ctx, current) {
    await ctx.call('iam', 'DeleteAccessKey', {
      UserName: current.properties.required('UserName'),
      AccessKeyId: current.physicalId,
    });
  },
};

export const instanceProfile: ResourceProvider = {
  attributes: ['Arn'],
  properties: ['InstanceProfileName', 'Path', 'Roles'],
  required: ['Roles'],
  replaceOn: ['InstanceProfileName', 'Path'],
  nameProperty: 'InstanceProfileName',
  capability: 'IAM',
  async create(ctx, props) {
    const name = props.str('InstanceProfileName') ?? ctx.physicalName({ maxLength: 128 });
    const out = await ctx.call<CreateInstanceProfileResponse>('iam', 'CreateInstanceProfile', {
      InstanceProfileName: name,
      Path: props.str('Path'),
    });
    for (const r of props.strList('Roles') ?? [])
      await ctx.call('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: name, RoleName: r });
    return { physicalId: name, attributes: { Arn: out.InstanceProfile?.Arn ?? '' } };
  },
  async update(ctx, current, props) {
    const { added, removed } = diff(current.properties.strList('Roles'), props.strList('Roles'));
    for (const r of removed)
      await ctx.call('iam', 'RemoveRoleFromInstanceProfile', {
        InstanceProfileName: current.physicalId,
        RoleName: r,
      });
    for (const r of added)
      await ctx.call('iam', 'AddRoleToInstanceProfile', {
        InstanceProfileName: current.physicalId,
        RoleName: r,
      });
    return { physicalId: current.physicalId, attributes: current.attributes };
  },
  async delete(ctx, current) {
    for (const r of current.properties.strList('Roles') ?? []) {
      await ctx
        .call('iam', 'RemoveRoleFromInstanceProfile', {
          InstanceProfileName: current.physicalId,
          RoleName: r,
        })
        .catch(ignoreMissing);
    }
    await ctx.call('iam', 'DeleteInstanceProfile', { InstanceProfileName: current.physicalId });
  },
};

export const userToGroupAddition: ResourceProvider = {
  attributes: [],
  properties: ['GroupName', 'Users'],
  required: ['GroupName', 'Users'],
  replaceOn: ['GroupName'],
  capability: 'IAM',
  async create(ctx, props) {
    const groupName = props.required('GroupName');
    for (const u of props.strList('Users') ?? [])
      await ctx.call('iam', 'AddUserToGroup', { GroupName: groupName, UserName: u });
    return { physicalId: ctx.physicalName({ maxLength: 128 }) };
  },
  async update(ctx, current, props) {
    const groupName = props.required('GroupName');
    const { added, removed } = diff(current.properties.strList('Users'), props.strList('Users'));
    for (const u of removed)
      await ctx
        .call('iam', 'RemoveUserFromGroup', { GroupName: groupName, UserName: u })
        .catch(ignoreMissing);
    for (const u of added) await ctx.call('iam', 'AddUserToGroup', { GroupName: groupName, UserName: u });
    return { physicalId: current.physicalId };
  },
  async delete(ctx, current) {
    const groupName = current.properties.required('GroupName');
    for (const u of current.properties.strList('Users') ?? []) {
      await ctx
        .call('iam', 'RemoveUserFromGroup', { GroupName: groupName, UserName: u })
        .catch(ignoreMissing);
    }
  },
};

export const iamProviders: Record<string, ResourceProvider> = {
  'AWS::IAM::Role': role,
  'AWS::IAM::User': user,
  'AWS::IAM::Group': group,
  'AWS::IAM::Policy': policy,
  'AWS::IAM::ManagedPolicy': managedPolicy,
  'AWS::IAM::AccessKey': accessKey,
  'AWS::IAM::InstanceProfile': instanceProfile,
  'AWS::IAM::UserToGroupAddition': userToGroupAddition,
};
