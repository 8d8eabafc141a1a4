import { expect } from 'chai';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  IAMClient,
  ListInstanceProfilesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRoleTagsCommand,
  ListRolesCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { failure, startTestRange, type TestRange } from './harness.js';

const trust = (statement: Record<string, unknown>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...statement }],
  });

describe('range: IAM roles, trust policies and instance profiles', function () {
  this.timeout(120_000);
  let range: TestRange;
  let iam: IAMClient;
  let acct: string;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
    acct = range.accountId;
  });
  after(() => range.stop());

  it('creates roles whose trust policy reads back URL-encoded on the wire (the CLI decodes it)', async () => {
    const doc = trust({ Principal: { Service: 'ec2.amazonaws.com' } });
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: 'web',
        Path: '/app/',
        AssumeRolePolicyDocument: doc,
        Description: 'web tier',
      }),
    );
    expect(Role).to.include({
      RoleName: 'web',
      Arn: `arn:aws:iam::${acct}:role/app/web`,
      MaxSessionDuration: 3600,
    });
    expect(Role?.RoleId).to.match(/^AROA/);
    expect(Role?.AssumeRolePolicyDocument).to.equal(encodeURIComponent(doc));
    const cli = (await range.aws([
      'iam',
      'create-role',
      '--role-name',
      'ops',
      '--assume-role-policy-document',
      trust({ Principal: { AWS: acct } }),
      '--max-session-duration',
      '7200',
      '--tags',
      'Key=tier,Value=ops',
    ])) as { Role: { AssumeRolePolicyDocument: unknown; MaxSessionDuration: number } };
    expect(cli.Role.MaxSessionDuration).to.equal(7200);
    expect(cli.Role.AssumeRolePolicyDocument).to.deep.equal(JSON.parse(trust({ Principal: { AWS: acct } })));

    const got = (await range.aws(['iam', 'get-role', '--role-name', 'web'])) as {
      Role: {
        AssumeRolePolicyDocument: { Statement: Array<{ Principal: unknown }> };
        Description: string;
        RoleLastUsed: unknown;
      };
    };
    expect(got.Role.AssumeRolePolicyDocument.Statement[0]?.Principal).to.deep.equal({
      Service: 'ec2.amazonaws.com',
    });
    expect(got.Role.Description).to.equal('web tier');
    const sdk = await iam.send(new GetRoleCommand({ RoleName: 'WEB' }));
    expect(decodeURIComponent(sdk.Role!.AssumeRolePolicyDocument!)).to.equal(doc);
    const dup = await failure(
      iam.send(new CreateRoleCommand({ RoleName: 'Web', AssumeRolePolicyDocument: doc })),
    );
    expect([dup.name, dup.message]).to.deep.equal([
      'EntityAlreadyExistsException',
      'Role with name Web already exists.',
    ]);
    const missing = await range.awsFails(['iam', 'get-role', '--role-name', 'nope']);
    expect(missing.stderr).to.contain('NoSuchEntity').and.contain('The role with name nope cannot be found.');

    const listed = (await range.aws(['iam', 'list-roles', '--path-prefix', '/app/'])) as {
      Roles: Array<{ RoleName: string }>;
    };
    expect(listed.Roles.map((r) => r.RoleName)).to.deep.equal(['web']);
    const all = await iam.send(new ListRolesCommand({}));
    expect(all.Roles?.map((r) => r.RoleName)).to.deep.equal(['ops', 'web']);
    expect(range.events('CreateRole')[0]?.requestParameters).to.deep.include({
      roleName: 'web',
      path: '/app/',
    });
  });

  it('refuses malformed trust policies as IAM words it', async () => {
    const cases: Array<[string, string]> = [
      ['{"Version":"2012-10-17","Statement":[', 'Syntax errors in policy.'],
      [
        trust({ Principal: { Service: 'ec2.amazonaws.com' }, Resource: '*' }),
        'Has prohibited field Resource',
      ],
      [trust({}), 'Missing required field Principal'],
      [
        trust({ Principal: { AWS: `arn:aws:iam::${acct}:user/ghost` } }),
        `Invalid principal in policy: "AWS":"arn:aws:iam::${acct}:user/ghost"`,
      ],
      [
        JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: { AWS: acct }, Action: 's3:GetObject' }],
        }),
        'AssumeRole policy may only specify STS AssumeRole actions.',
      ],
    ];
    for (const [doc, message] of cases) {
      const err = await failure(
        iam.send(new CreateRoleCommand({ RoleName: 'broken', AssumeRolePolicyDocument: doc })),
      );
      expect([err.name, err.message, err.$metadata?.httpStatusCode]).to.deep.equal([
        'MalformedPolicyDocumentException',
        message,
        400,
      ]);
    }
    const cli = await range.awsFails([
      'iam',
      'update-assume-role-policy',
      '--role-name',
      'web',
      '--policy-document',
      trust({}),
    ]);
    expect(cli.stderr).to.contain('MalformedPolicyDocument').and.contain('Missing required field Principal');
    const tooLong = await failure(
      iam.send(
        new CreateRoleCommand({
          RoleName: 'x',
          AssumeRolePolicyDocument: trust({ Principal: { AWS: acct } }),
          MaxSessionDuration: 60,
        }),
      ),
    );
    expect(tooLong.message).to.contain("Value '60' at 'maxSessionDuration' failed to satisfy constraint");
    expect(
      range.events('CreateRole').filter((e) => e.errorCode === 'MalformedPolicyDocument'),
    ).to.have.length(5);
  });

  it('updates, tags and untags roles', async () => {
    await range.aws([
      'iam',
      'update-role',
      '--role-name',
      'web',
      '--description',
      'public web tier',
      '--max-session-duration',
      '14400',
    ]);
    await iam.send(new UpdateRoleCommand({ RoleName: 'ops', Description: 'operators' }));
    const web = await iam.send(new GetRoleCommand({ RoleName: 'web' }));
    expect(web.Role).to.include({ Description: 'public web tier', MaxSessionDuration: 14400 });
    expect((await iam.send(new GetRoleCommand({ RoleName: 'ops' }))).Role?.Description).to.equal('operators');

    await range.aws([
      'iam',
      'tag-role',
      '--role-name',
      'web',
      '--tags',
      'Key=owner,Value=sec',
      'Key=env,Value=prod',
    ]);
    const tags = (await range.aws(['iam', 'list-role-tags', '--role-name', 'web'])) as { Tags: unknown[] };
    expect(tags.Tags).to.deep.equal([
      { Key: 'owner', Value: 'sec' },
      { Key: 'env', Value: 'prod' },
    ]);
    await iam.send(new UntagRoleCommand({ RoleName: 'web', TagKeys: ['owner'] }));
    await range.aws(['iam', 'untag-role', '--role-name', 'web', '--tag-keys', 'env']);
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'web' }))).Tags).to.deep.equal([]);
    await iam.send(new TagRoleCommand({ RoleName: 'ops', Tags: [{ Key: 'tier', Value: 'operations' }] }));
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'ops' }))).Tags).to.deep.equal([
      { Key: 'tier', Value: 'operations' },
    ]);
    expect(range.events('TagRole')[0]?.requestParameters).to.deep.equal({
      roleName: 'web',
      tags: [
        { key: 'owner', value: 'sec' },
        { key: 'env', value: 'prod' },
      ],
    });
  });

  it('manages instance profiles holding one role, and keeps roles in use from being deleted', async () => {
    const created = (await range.aws([
      'iam',
      'create-instance-profile',
      '--instance-profile-name',
      'web-profile',
    ])) as {
      InstanceProfile: { Arn: string; Roles: unknown[]; InstanceProfileId: string };
    };
    expect(created.InstanceProfile.Arn).to.equal(`arn:aws:iam::${acct}:instance-profile/web-profile`);
    expect(created.InstanceProfile.Roles).to.deep.equal([]);
    expect(created.InstanceProfile.InstanceProfileId).to.match(/^AIPA/);
    await range.aws([
      'iam',
      'add-role-to-instance-profile',
      '--instance-profile-name',
      'web-profile',
      '--role-name',
      'web',
    ]);
    const second = await failure(
      iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web-profile', RoleName: 'ops' })),
    );
    expect([second.name, second.message]).to.deep.equal([
      'LimitExceededException',
      'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
    ]);
    const got = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web-profile' }));
    expect(got.InstanceProfile?.Roles?.map((r) => r.RoleName)).to.deep.equal(['web']);
    const listed = (await range.aws(['iam', 'list-instance-profiles'])) as {
      InstanceProfiles: Array<{ Roles: Array<{ RoleName: string }> }>;
    };
    expect(listed.InstanceProfiles.map((p) => p.Roles.map((r) => r.RoleName))).to.deep.equal([['web']]);
    const forRole = (await range.aws(['iam', 'list-instance-profiles-for-role', '--role-name', 'web'])) as {
      InstanceProfiles: Array<{ InstanceProfileName: string }>;
    };
    expect(forRole.InstanceProfiles.map((p) => p.InstanceProfileName)).to.deep.equal(['web-profile']);
    expect(
      (await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'ops' }))).InstanceProfiles,
    ).to.deep.equal([]);

    const inUse = await failure(iam.send(new DeleteRoleCommand({ RoleName: 'web' })));
    expect([inUse.name, inUse.message]).to.deep.equal([
      'DeleteConflictException',
      'Cannot delete entity, must remove roles from instance profile first.',
    ]);
    const profileInUse = await failure(
      iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'web-profile' })),
    );
    expect(profileInUse.name).to.equal('DeleteConflictException');
    await range.aws([
      'iam',
      'remove-role-from-instance-profile',
      '--instance-profile-name',
      'web-profile',
      '--role-name',
      'web',
    ]);
    await range.aws(['iam', 'delete-instance-profile', '--instance-profile-name', 'web-profile']);
    const gone = await failure(
      iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web-profile' })),
    );
    expect([gone.name, gone.message]).to.deep.equal([
      'NoSuchEntityException',
      'Instance Profile web-profile cannot be found.',
    ]);

    await iam.send(
      new AttachRolePolicyCommand({ RoleName: 'web', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    );
    expect((await failure(iam.send(new DeleteRoleCommand({ RoleName: 'web' })))).message).to.equal(
      'Cannot delete entity, must detach all policies first.',
    );
    await iam.send(
      new DetachRolePolicyCommand({ RoleName: 'web', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    );
    await range.aws(['iam', 'delete-role', '--role-name', 'web']);

    // The same life cycle through the SDK, read back with the CLI.
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ops-profile', Path: '/ops/' }));
    await iam.send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ops-profile', RoleName: 'ops' }),
    );
    const cliProfile = (await range.aws([
      'iam',
      'get-instance-profile',
      '--instance-profile-name',
      'ops-profile',
    ])) as {
      InstanceProfile: { Arn: string; Roles: Array<{ RoleName: string; AssumeRolePolicyDocument: unknown }> };
    };
    expect(cliProfile.InstanceProfile.Arn).to.equal(`arn:aws:iam::${acct}:instance-profile/ops/ops-profile`);
    expect(cliProfile.InstanceProfile.Roles[0]?.AssumeRolePolicyDocument).to.be.an('object');
    expect(
      (await iam.send(new ListInstanceProfilesCommand({ PathPrefix: '/ops/' }))).InstanceProfiles?.map(
        (p) => p.InstanceProfileName,
      ),
    ).to.deep.equal(['ops-profile']);
    await iam.send(
      new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'ops-profile', RoleName: 'ops' }),
    );
    const notIn = await failure(
      iam.send(
        new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'ops-profile', RoleName: 'ops' }),
      ),
    );
    expect(notIn.name).to.equal('NoSuchEntityException');
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'ops-profile' }));
    expect((await iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles).to.deep.equal([]);
    expect((await failure(iam.send(new GetRoleCommand({ RoleName: 'web' })))).name).to.equal(
      'NoSuchEntityException',
    );
    expect(range.events('DeleteRole').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'DeleteConflict',
      'DeleteConflict',
      'ok',
    ]);
  });
});
