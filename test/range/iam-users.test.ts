import { expect } from 'chai';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetGroupCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListUserTagsCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { failure, startTestRange, type TestRange } from './harness.js';

/** The error an SDK call fails with (never resolves silently). */

describe('range: IAM users, groups and access keys', function () {
  this.timeout(120_000);
  let range: TestRange;
  let iam: IAMClient;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
  });
  after(() => range.stop());

  const asKey = (k: { AccessKeyId?: string; SecretAccessKey?: string }) => ({
    AWS_ACCESS_KEY_ID: k.AccessKeyId ?? '',
    AWS_SECRET_ACCESS_KEY: k.SecretAccessKey ?? '',
  });

  it('creates, reads, lists, renames and deletes users over the SDK and the CLI', async () => {
    const { User } = await iam.send(
      new CreateUserCommand({ UserName: 'alice', Path: '/staff/', Tags: [{ Key: 'team', Value: 'ir' }] }),
    );
    expect(User).to.include({
      UserName: 'alice',
      Path: '/staff/',
      Arn: `arn:aws:iam::${range.accountId}:user/staff/alice`,
    });
    expect(User?.UserId).to.match(/^AIDA[A-Z2-7]{16}$/);
    expect(User?.Tags).to.deep.equal([{ Key: 'team', Value: 'ir' }]);
    const cli = (await range.aws(['iam', 'create-user', '--user-name', 'bob'])) as { User: { Arn: string } };
    expect(cli.User.Arn).to.equal(`arn:aws:iam::${range.accountId}:user/bob`);

    // Names ignore case: "Alice" is taken.
    const dup = await failure(iam.send(new CreateUserCommand({ UserName: 'Alice' })));
    expect(dup.name).to.equal('EntityAlreadyExistsException');
    expect(dup.message).to.equal('User with name Alice already exists.');
    expect(dup.$metadata?.httpStatusCode).to.equal(409);
    const bad = await range.awsFails(['iam', 'create-user', '--user-name', 'no spaces allowed']);
    expect(bad.stderr)
      .to.contain('ValidationError')
      .and.contain("at 'userName' failed to satisfy constraint");
    const long = await failure(iam.send(new CreateUserCommand({ UserName: 'x'.repeat(65) })));
    expect(long.message).to.contain('Member must have length less than or equal to 64');

    const got = (await range.aws(['iam', 'get-user', '--user-name', 'ALICE'])) as {
      User: { UserName: string; Tags: unknown[] };
    };
    expect(got.User.UserName).to.equal('alice');
    expect(got.User.Tags).to.deep.equal([{ Key: 'team', Value: 'ir' }]);
    const missing = await failure(iam.send(new GetUserCommand({ UserName: 'nobody' })));
    expect([missing.name, missing.message, missing.$metadata?.httpStatusCode]).to.deep.equal([
      'NoSuchEntityException',
      'The user with name nobody cannot be found.',
      404,
    ]);

    const staff = await iam.send(new ListUsersCommand({ PathPrefix: '/staff/' }));
    expect(staff.Users?.map((u) => u.UserName)).to.deep.equal(['alice']);
    const page1 = (await range.aws(['iam', 'list-users', '--max-items', '2'])) as {
      Users: Array<{ UserName: string }>;
      NextToken?: string;
    };
    expect(page1.Users.map((u) => u.UserName)).to.deep.equal(['alice', 'bob']);
    expect(page1.NextToken).to.be.a('string');
    const p1 = await iam.send(new ListUsersCommand({ MaxItems: 2 }));
    expect(p1.IsTruncated).to.equal(true);
    const p2 = await iam.send(new ListUsersCommand({ MaxItems: 2, Marker: p1.Marker }));
    expect(p2.Users?.map((u) => u.UserName)).to.deep.equal(['range-admin']);
    expect(p2.IsTruncated).to.equal(false);

    await range.aws([
      'iam',
      'update-user',
      '--user-name',
      'bob',
      '--new-user-name',
      'robert',
      '--new-path',
      '/ops/',
    ]);
    const robert = await iam.send(new GetUserCommand({ UserName: 'robert' }));
    expect(robert.User?.Arn).to.equal(`arn:aws:iam::${range.accountId}:user/ops/robert`);
    await iam.send(new UpdateUserCommand({ UserName: 'robert', NewUserName: 'bob', NewPath: '/' }));

    await range.aws(['iam', 'delete-user', '--user-name', 'bob']);
    await iam.send(new DeleteUserCommand({ UserName: 'alice' }));
    expect((await failure(iam.send(new DeleteUserCommand({ UserName: 'alice' })))).name).to.equal(
      'NoSuchEntityException',
    );

    const created = range.events('CreateUser').find((e) => e.errorCode === undefined);
    expect(created?.eventSource).to.equal('iam.amazonaws.com');
    expect(created?.awsRegion).to.equal('us-east-1');
    expect(created?.requestParameters).to.deep.include({ userName: 'alice', path: '/staff/' });
    expect((created?.responseElements as { user: { arn: string } }).user.arn).to.contain(':user/staff/alice');
    expect(range.events('CreateUser').filter((e) => e.errorCode === 'EntityAlreadyExists')).to.have.length(1);
    expect(range.events('DeleteUser').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'ok',
      'ok',
      'NoSuchEntity',
    ]);
  });

  it('answers GetUser without a name with the caller, the root, or an error for role sessions', async () => {
    const me = await iam.send(new GetUserCommand({}));
    expect(me.User?.UserName).to.equal('range-admin');
    const root = (await range.aws(['iam', 'get-user'], {
      env: {
        AWS_ACCESS_KEY_ID: range.rootCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: range.rootCredentials.secretAccessKey,
      },
    })) as { User: Record<string, unknown> };
    // The root, as AWS shows it: the account id as user id, no user name.
    expect(root.User).to.include({ UserId: range.accountId, Arn: `arn:aws:iam::${range.accountId}:root` });
    expect(root.User).not.to.have.property('UserName');
    await range.aws([
      'iam',
      'create-role',
      '--role-name',
      'reader',
      '--assume-role-policy-document',
      trustAccount(range.accountId),
    ]);
    const { Credentials } = await new STSClient(range.clientConfig()).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${range.accountId}:role/reader`,
        RoleSessionName: 'probe',
      }),
    );
    const session = new IAMClient(
      range.clientConfig({
        credentials: {
          accessKeyId: Credentials!.AccessKeyId!,
          secretAccessKey: Credentials!.SecretAccessKey!,
          sessionToken: Credentials!.SessionToken!,
        },
      }),
    );
    const err = await failure(session.send(new GetUserCommand({})));
    expect([err.name, err.message]).to.deep.equal([
      'ValidationError',
      'Must specify userName when calling with non-User credentials',
    ]);
  });

  it('tags and untags users', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'tagged' }));
    await range.aws([
      'iam',
      'tag-user',
      '--user-name',
      'tagged',
      '--tags',
      'Key=env,Value=prod',
      'Key=owner,Value=sec',
    ]);
    await iam.send(new TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'ENV', Value: 'dev' }] }));
    const tags = (await range.aws(['iam', 'list-user-tags', '--user-name', 'tagged'])) as {
      Tags: unknown[];
      IsTruncated: boolean;
    };
    // Tag keys ignore case: ENV replaced env.
    expect(tags.Tags).to.deep.equal([
      { Key: 'owner', Value: 'sec' },
      { Key: 'ENV', Value: 'dev' },
    ]);
    await range.aws(['iam', 'untag-user', '--user-name', 'tagged', '--tag-keys', 'owner']);
    await iam.send(new UntagUserCommand({ UserName: 'tagged', TagKeys: ['env'] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }))).Tags).to.deep.equal([]);
    const dup = await failure(
      iam.send(
        new TagUserCommand({
          UserName: 'tagged',
          Tags: [
            { Key: 'a', Value: '1' },
            { Key: 'A', Value: '2' },
          ],
        }),
      ),
    );
    expect(dup.name).to.equal('InvalidInputException');
    expect(range.events('TagUser').at(-1)?.errorCode).to.equal('InvalidInput');
  });

  it('manages groups and their members', async () => {
    const { Group } = await iam.send(new CreateGroupCommand({ GroupName: 'responders' }));
    expect(Group?.GroupId).to.match(/^AGPA/);
    expect(Group?.Arn).to.equal(`arn:aws:iam::${range.accountId}:group/responders`);
    await range.aws(['iam', 'create-group', '--group-name', 'auditors', '--path', '/audit/']);
    expect((await failure(iam.send(new CreateGroupCommand({ GroupName: 'Auditors' })))).message).to.equal(
      'Group with name Auditors already exists.',
    );
    await iam.send(new CreateUserCommand({ UserName: 'carol' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'responders', UserName: 'carol' }));
    await range.aws(['iam', 'add-user-to-group', '--group-name', 'auditors', '--user-name', 'carol']);
    const g = (await range.aws(['iam', 'get-group', '--group-name', 'responders'])) as {
      Users: Array<{ UserName: string }>;
    };
    expect(g.Users.map((u) => u.UserName)).to.deep.equal(['carol']);
    const forUser = (await range.aws(['iam', 'list-groups-for-user', '--user-name', 'carol'])) as {
      Groups: Array<{ GroupName: string }>;
    };
    expect(forUser.Groups.map((x) => x.GroupName)).to.deep.equal(['auditors', 'responders']);
    expect((await iam.send(new ListGroupsForUserCommand({ UserName: 'carol' }))).Groups).to.have.length(2);
    const all = (await range.aws(['iam', 'list-groups', '--path-prefix', '/audit/'])) as {
      Groups: Array<{ GroupName: string }>;
    };
    expect(all.Groups.map((x) => x.GroupName)).to.deep.equal(['auditors']);
    expect((await iam.send(new ListGroupsCommand({}))).Groups?.map((x) => x.GroupName)).to.deep.equal([
      'auditors',
      'responders',
    ]);

    const conflict = await failure(iam.send(new DeleteGroupCommand({ GroupName: 'responders' })));
    expect([conflict.name, conflict.message, conflict.$metadata?.httpStatusCode]).to.deep.equal([
      'DeleteConflictException',
      'Cannot delete entity, must remove users from group first.',
      409,
    ]);
    const userConflict = await failure(iam.send(new DeleteUserCommand({ UserName: 'carol' })));
    expect(userConflict.message).to.equal('Cannot delete entity, must remove users from group first.');
    await range.aws(['iam', 'remove-user-from-group', '--group-name', 'responders', '--user-name', 'carol']);
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'auditors', UserName: 'carol' }));
    expect((await iam.send(new GetGroupCommand({ GroupName: 'responders' }))).Users).to.deep.equal([]);
    await range.aws(['iam', 'delete-group', '--group-name', 'responders']);
    await iam.send(new DeleteGroupCommand({ GroupName: 'auditors' }));
    expect((await failure(iam.send(new GetGroupCommand({ GroupName: 'auditors' })))).message).to.equal(
      'The group with name auditors cannot be found.',
    );
    expect(range.events('AddUserToGroup').map((e) => e.requestParameters)).to.deep.equal([
      { groupName: 'responders', userName: 'carol' },
      { groupName: 'auditors', userName: 'carol' },
    ]);
  });

  it('refuses to delete a user while keys, a password or policies remain', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'dave' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'dave' }));
    expect((await failure(iam.send(new DeleteUserCommand({ UserName: 'dave' })))).message).to.equal(
      'Cannot delete entity, must delete access keys first.',
    );
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'dave', AccessKeyId: AccessKey!.AccessKeyId! }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'dave', Password: 'Correct-Horse-1' }));
    const cli = await range.awsFails(['iam', 'delete-user', '--user-name', 'dave']);
    expect(cli.stderr).to.contain('DeleteConflict').and.contain('must delete login profile first');
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'dave' }));
    const doc = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] });
    await iam.send(new PutUserPolicyCommand({ UserName: 'dave', PolicyName: 'list', PolicyDocument: doc }));
    expect((await failure(iam.send(new DeleteUserCommand({ UserName: 'dave' })))).message).to.equal(
      'Cannot delete entity, must delete policies first.',
    );
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'dave', PolicyName: 'list' }));
    const readOnly = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    await iam.send(new AttachUserPolicyCommand({ UserName: 'dave', PolicyArn: readOnly }));
    expect((await failure(iam.send(new DeleteUserCommand({ UserName: 'dave' })))).message).to.equal(
      'Cannot delete entity, must detach all policies first.',
    );
    await iam.send(new DetachUserPolicyCommand({ UserName: 'dave', PolicyArn: readOnly }));
    await iam.send(new DeleteUserCommand({ UserName: 'dave' }));
  });

  it('creates access keys that work at once: the backdoor user flow with only the AWS CLI', async () => {
    await range.aws(['iam', 'create-user', '--user-name', 'backdoor']);
    await range.aws([
      'iam',
      'attach-user-policy',
      '--user-name',
      'backdoor',
      '--policy-arn',
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
    const { AccessKey: key } = (await range.aws(['iam', 'create-access-key', '--user-name', 'backdoor'])) as {
      AccessKey: { AccessKeyId: string; SecretAccessKey: string; Status: string; UserName: string };
    };
    expect(key).to.include({ Status: 'Active', UserName: 'backdoor' });
    expect(key.AccessKeyId).to.match(/^AKIA[A-Z2-7]{16}$/);

    const me = (await range.aws(['sts', 'get-caller-identity'], { env: asKey(key) })) as { Arn: string };
    expect(me.Arn).to.equal(`arn:aws:iam::${range.accountId}:user/backdoor`);
    const seen = range.events('GetCallerIdentity').at(-1);
    expect(seen?.userIdentity).to.deep.include({
      type: 'IAMUser',
      userName: 'backdoor',
      accessKeyId: key.AccessKeyId,
    });
    // The secret never reaches CloudTrail.
    const createEvent = range.events('CreateAccessKey').at(-1);
    expect(JSON.stringify(createEvent)).not.to.contain(key.SecretAccessKey);
    expect((createEvent?.responseElements as { accessKey: Record<string, string> }).accessKey).to.include({
      accessKeyId: key.AccessKeyId,
      secretAccessKey: 'HIDDEN_DUE_TO_SECURITY_REASONS',
    });

    const lastUsed = (await range.aws([
      'iam',
      'get-access-key-last-used',
      '--access-key-id',
      key.AccessKeyId,
    ])) as {
      UserName: string;
      AccessKeyLastUsed: { ServiceName: string; Region: string; LastUsedDate: string };
    };
    expect(lastUsed.UserName).to.equal('backdoor');
    expect(lastUsed.AccessKeyLastUsed).to.include({ ServiceName: 'sts', Region: range.region });

    await range.aws([
      'iam',
      'update-access-key',
      '--user-name',
      'backdoor',
      '--access-key-id',
      key.AccessKeyId,
      '--status',
      'Inactive',
    ]);
    const rejected = await range.awsFails(['sts', 'get-caller-identity'], { env: asKey(key) });
    expect(rejected.stderr).to.contain('InvalidClientTokenId');
    const listed = (await range.aws(['iam', 'list-access-keys', '--user-name', 'backdoor'])) as {
      AccessKeyMetadata: Array<{ Status: string }>;
    };
    expect(listed.AccessKeyMetadata.map((k) => k.Status)).to.deep.equal(['Inactive']);

    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'backdoor', AccessKeyId: key.AccessKeyId, Status: 'Active' }),
    );
    const sdk = new STSClient(
      range.clientConfig({
        credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
      }),
    );
    expect((await sdk.send(new GetCallerIdentityCommand({}))).Arn).to.contain(':user/backdoor');

    await range.aws([
      'iam',
      'delete-access-key',
      '--user-name',
      'backdoor',
      '--access-key-id',
      key.AccessKeyId,
    ]);
    const gone = await failure(sdk.send(new GetCallerIdentityCommand({})));
    expect([gone.name, gone.$metadata?.httpStatusCode]).to.deep.equal(['InvalidClientTokenId', 403]);
    const again = await failure(
      iam.send(new DeleteAccessKeyCommand({ UserName: 'backdoor', AccessKeyId: key.AccessKeyId })),
    );
    expect([again.name, again.message]).to.deep.equal([
      'NoSuchEntityException',
      `The Access Key with id ${key.AccessKeyId} cannot be found.`,
    ]);
  });

  it("limits users to two keys, lists the caller's own keys and reports when a key was last used", async () => {
    await iam.send(new CreateUserCommand({ UserName: 'erin' }));
    const k1 = (await iam.send(new CreateAccessKeyCommand({ UserName: 'erin' }))).AccessKey!;
    const k2 = (await iam.send(new CreateAccessKeyCommand({ UserName: 'erin' }))).AccessKey!;
    const third = await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'erin' })));
    expect([third.name, third.message, third.$metadata?.httpStatusCode]).to.deep.equal([
      'LimitExceededException',
      'Cannot exceed quota for AccessKeysPerUser: 2',
      409,
    ]);
    // As on AWS, managing one's own keys needs a policy (IAM User Guide: "Manage access keys").
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'erin',
        PolicyName: 'own-keys',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['iam:ListAccessKeys', 'iam:DeleteAccessKey'],
              Resource: 'arn:aws:iam::*:user/${aws:username}',
            },
          ],
        }),
      }),
    );
    const erin = new IAMClient(
      range.clientConfig({
        credentials: { accessKeyId: k1.AccessKeyId!, secretAccessKey: k1.SecretAccessKey! },
      }),
    );
    // Without a user name, the keys of the user who signed the call.
    const own = await erin.send(new ListAccessKeysCommand({}));
    expect(own.AccessKeyMetadata?.map((k) => k.AccessKeyId)).to.deep.equal([k1.AccessKeyId, k2.AccessKeyId]);
    const unused = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k2.AccessKeyId }));
    expect(unused.AccessKeyLastUsed).to.deep.equal({ ServiceName: 'N/A', Region: 'N/A' });
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k1.AccessKeyId }));
    expect(used.AccessKeyLastUsed).to.include({ ServiceName: 'iam', Region: range.region });
    expect(used.AccessKeyLastUsed?.LastUsedDate).to.be.instanceOf(Date);
    // A user deleting its own key by id, without naming itself.
    await erin.send(new DeleteAccessKeyCommand({ AccessKeyId: k2.AccessKeyId }));
    expect(range.events('DeleteAccessKey').at(-1)?.userIdentity).to.deep.include({
      userName: 'erin',
      accessKeyId: k1.AccessKeyId,
    });
  });
});

function trustAccount(accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' },
    ],
  });
}
