import { expect } from 'chai';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeleteUserPermissionsBoundaryCommand,
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  ListUsersCommand,
  PutRolePermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { failure, startTestRange, type TestRange } from './harness.js';

const allow = (...actions: string[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

describe('range: IAM permissions boundaries', function () {
  this.timeout(60_000);
  let range: TestRange;
  let iam: IAMClient;
  let boundaryArn: string;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
    const { Policy } = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'ListUsersOnly', PolicyDocument: allow('iam:ListUsers') }),
    );
    boundaryArn = Policy?.Arn ?? '';
  });
  after(() => range.stop());

  async function userClient(name: string, ...actions: string[]): Promise<IAMClient> {
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(
      new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: allow(...actions) }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return new IAMClient(
      range.clientConfig({
        credentials: {
          accessKeyId: AccessKey?.AccessKeyId ?? '',
          secretAccessKey: AccessKey?.SecretAccessKey ?? '',
        },
      }),
    );
  }

  it('a boundary put on a user contains it at once, and deleting the boundary lifts it', async () => {
    const suspect = await userClient('suspect', 'iam:ListUsers', 'iam:GetUser');
    const self = new GetUserCommand({ UserName: 'suspect' });
    expect((await suspect.send(self)).User?.UserName).to.equal('suspect');

    await iam.send(
      new PutUserPermissionsBoundaryCommand({ UserName: 'suspect', PermissionsBoundary: boundaryArn }),
    );
    const denied = await failure(suspect.send(self));
    expect(denied.name).to.equal('AccessDenied');
    // IAM User Guide, "Troubleshoot access denied error messages": the policy type that denied.
    expect(denied.message).to.equal(
      `User: arn:aws:iam::${range.accountId}:user/suspect is not authorized to perform: iam:GetUser ` +
        `on resource: arn:aws:iam::${range.accountId}:user/suspect ` +
        'because no permissions boundary allows the iam:GetUser action',
    );
    // What both the identity policy and the boundary allow still works.
    expect((await suspect.send(new ListUsersCommand({}))).Users).to.be.an('array');

    const got = await iam.send(new GetUserCommand({ UserName: 'suspect' }));
    expect(got.User?.PermissionsBoundary).to.deep.equal({
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
      PermissionsBoundaryArn: boundaryArn,
    });
    const [put] = range.events('PutUserPermissionsBoundary');
    expect(put?.requestParameters).to.deep.equal({ userName: 'suspect', permissionsBoundary: boundaryArn });

    // A boundary in use: the policy cannot be deleted, and the listings name who uses it.
    const inUse = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: boundaryArn })));
    expect([inUse.name, inUse.$metadata.httpStatusCode]).to.deep.equal(['DeleteConflictException', 409]);
    const users = await iam.send(
      new ListEntitiesForPolicyCommand({ PolicyArn: boundaryArn, PolicyUsageFilter: 'PermissionsBoundary' }),
    );
    expect(users.PolicyUsers?.map((u) => u.UserName)).to.deep.equal(['suspect']);
    const boundaries = await iam.send(
      new ListPoliciesCommand({
        Scope: 'Local',
        OnlyAttached: true,
        PolicyUsageFilter: 'PermissionsBoundary',
      }),
    );
    expect(boundaries.Policies?.map((p) => p.PolicyName)).to.deep.equal(['ListUsersOnly']);

    await range.aws(['iam', 'delete-user-permissions-boundary', '--user-name', 'suspect']);
    expect((await suspect.send(self)).User?.UserName).to.equal('suspect');
    const cleared = (await range.aws(['iam', 'get-user', '--user-name', 'suspect'])) as {
      User: Record<string, unknown>;
    };
    expect(cleared.User).not.to.have.property('PermissionsBoundary');
    expect(range.events('DeleteUserPermissionsBoundary')).to.have.length(1);
    // Deleting a user's missing boundary is not an error; a missing user is.
    await iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'suspect' }));
    const nobody = await failure(iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'nobody' })));
    expect([nobody.name, nobody.message]).to.deep.equal([
      'NoSuchEntityException',
      'The user with name nobody cannot be found.',
    ]);
  });

  it('puts and deletes role boundaries over the CLI, with the errors IAM gives', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'web', AssumeRolePolicyDocument: trust }));
    const managed = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    await range.aws([
      'iam',
      'put-role-permissions-boundary',
      '--role-name',
      'web',
      '--permissions-boundary',
      managed,
    ]);
    const role = (await range.aws(['iam', 'get-role', '--role-name', 'web'])) as {
      Role: { PermissionsBoundary?: unknown };
    };
    expect(role.Role.PermissionsBoundary).to.deep.equal({
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
      PermissionsBoundaryArn: managed,
    });
    // ListRoles leaves boundaries out, as AWS does.
    const listed = await iam.send(new ListRolesCommand({}));
    expect(listed.Roles?.find((r) => r.RoleName === 'web')).not.to.have.property('PermissionsBoundary');

    const missing = `arn:aws:iam::${range.accountId}:policy/NoSuchPolicy`;
    const noPolicy = await range.awsFails([
      'iam',
      'put-role-permissions-boundary',
      '--role-name',
      'web',
      '--permissions-boundary',
      missing,
    ]);
    expect(noPolicy.stderr)
      .to.contain('(NoSuchEntity)')
      .and.contain(`Policy ${missing} does not exist or is not attachable.`);
    const malformed = await failure(
      iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'web', PermissionsBoundary: 'not-an-arn' })),
    );
    expect([malformed.name, malformed.message]).to.deep.equal([
      'InvalidInputException',
      'ARN not-an-arn is not valid.',
    ]);

    await iam.send(
      new CreateRoleCommand({
        RoleName: 'AWSServiceRoleForSupport',
        Path: '/aws-service-role/support.amazonaws.com/',
        AssumeRolePolicyDocument: trust,
      }),
    );
    const linked = await failure(
      iam.send(
        new PutRolePermissionsBoundaryCommand({
          RoleName: 'AWSServiceRoleForSupport',
          PermissionsBoundary: managed,
        }),
      ),
    );
    expect(linked.name).to.equal('UnmodifiableEntityException');
    expect(linked.message).to.contain("protected role 'AWSServiceRoleForSupport'");

    await range.aws(['iam', 'delete-role-permissions-boundary', '--role-name', 'web']);
    expect((await iam.send(new GetRoleCommand({ RoleName: 'web' }))).Role).not.to.have.property(
      'PermissionsBoundary',
    );
    const [del] = range.events('DeleteRolePermissionsBoundary');
    expect(del?.requestParameters).to.deep.equal({ roleName: 'web' });
  });

  it('CreateUser and CreateRole take a boundary, and refuse one that does not exist without creating anything', async () => {
    const made = (await range.aws([
      'iam',
      'create-user',
      '--user-name',
      'contained',
      '--permissions-boundary',
      boundaryArn,
    ])) as { User: { PermissionsBoundary?: unknown } };
    expect(made.User.PermissionsBoundary).to.deep.equal({
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
      PermissionsBoundaryArn: boundaryArn,
    });
    const missing = `arn:aws:iam::${range.accountId}:policy/Gone`;
    const refused = await failure(
      iam.send(
        new CreateRoleCommand({
          RoleName: 'orphan',
          AssumeRolePolicyDocument: trust,
          PermissionsBoundary: missing,
        }),
      ),
    );
    expect([refused.name, refused.message]).to.deep.equal([
      'NoSuchEntityException',
      `Policy ${missing} does not exist or is not attachable.`,
    ]);
    expect((await failure(iam.send(new GetRoleCommand({ RoleName: 'orphan' })))).name).to.equal(
      'NoSuchEntityException',
    );
    const [created] = range.events('CreateUser').filter((e) => e.requestParameters?.userName === 'contained');
    expect(created?.requestParameters).to.include({ permissionsBoundary: boundaryArn });
  });

  it('refuses a caller whose policies do not allow iam:PutUserPermissionsBoundary', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'target' }));
    const reader = await userClient('reader', 'iam:Get*', 'iam:List*');
    const denied = await failure(
      reader.send(
        new PutUserPermissionsBoundaryCommand({ UserName: 'target', PermissionsBoundary: boundaryArn }),
      ),
    );
    expect(denied.name).to.equal('AccessDenied');
    expect(denied.message).to.contain('is not authorized to perform: iam:PutUserPermissionsBoundary');
    expect(denied.message).to.contain(`on resource: arn:aws:iam::${range.accountId}:user/target`);
    const events = range.events('PutUserPermissionsBoundary').filter((e) => e.errorCode);
    expect(events.map((e) => e.errorCode)).to.deep.equal(['AccessDenied']);
  });

  it('evaluates iam:PermissionsBoundary, so a delegated admin may only set the approved boundary', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'hire' }));
    await iam.send(new CreateUserCommand({ UserName: 'delegate' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'delegate',
        PolicyName: 'only-approved-boundary',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'iam:PutUserPermissionsBoundary',
              Resource: '*',
              Condition: { StringEquals: { 'iam:PermissionsBoundary': boundaryArn } },
            },
          ],
        }),
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'delegate' }));
    const delegate = new IAMClient(
      range.clientConfig({
        credentials: {
          accessKeyId: AccessKey?.AccessKeyId ?? '',
          secretAccessKey: AccessKey?.SecretAccessKey ?? '',
        },
      }),
    );
    await delegate.send(
      new PutUserPermissionsBoundaryCommand({ UserName: 'hire', PermissionsBoundary: boundaryArn }),
    );
    const other = await failure(
      delegate.send(
        new PutUserPermissionsBoundaryCommand({
          UserName: 'hire',
          PermissionsBoundary: 'arn:aws:iam::aws:policy/AdministratorAccess',
        }),
      ),
    );
    expect(other.name).to.equal('AccessDenied');
    expect(
      (await iam.send(new GetUserCommand({ UserName: 'hire' }))).User?.PermissionsBoundary
        ?.PermissionsBoundaryArn,
    ).to.equal(boundaryArn);
  });

  it('CloudFormation sets, changes and removes PermissionsBoundary of AWS::IAM::User and AWS::IAM::Role', async () => {
    const cfn = new CloudFormationClient(range.clientConfig());
    const template = (boundary: string | undefined) =>
      JSON.stringify({
        Resources: {
          Contractor: {
            Type: 'AWS::IAM::User',
            Properties: { UserName: 'contractor', ...(boundary ? { PermissionsBoundary: boundary } : {}) },
          },
          Worker: {
            Type: 'AWS::IAM::Role',
            Properties: {
              RoleName: 'worker',
              AssumeRolePolicyDocument: JSON.parse(trust) as unknown,
              ...(boundary ? { PermissionsBoundary: boundary } : {}),
            },
          },
        },
      });
    const settled = async (): Promise<Stack> => {
      for (let i = 0; i < 400; i++) {
        const s = (await cfn.send(new DescribeStacksCommand({ StackName: 'bounded' }))).Stacks?.[0];
        if (s && !s.StackStatus?.endsWith('_IN_PROGRESS')) return s;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('stack never settled');
    };
    const boundaryOf = async () => [
      (await iam.send(new GetUserCommand({ UserName: 'contractor' }))).User?.PermissionsBoundary
        ?.PermissionsBoundaryArn,
      (await iam.send(new GetRoleCommand({ RoleName: 'worker' }))).Role?.PermissionsBoundary
        ?.PermissionsBoundaryArn,
    ];
    await cfn.send(
      new CreateStackCommand({
        StackName: 'bounded',
        TemplateBody: template(boundaryArn),
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    expect((await settled()).StackStatus).to.equal('CREATE_COMPLETE');
    expect(await boundaryOf()).to.deep.equal([boundaryArn, boundaryArn]);

    const readOnly = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'bounded',
        TemplateBody: template(readOnly),
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    expect((await settled()).StackStatus).to.equal('UPDATE_COMPLETE');
    expect(await boundaryOf()).to.deep.equal([readOnly, readOnly]);

    await cfn.send(
      new UpdateStackCommand({
        StackName: 'bounded',
        TemplateBody: template(undefined),
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    expect((await settled()).StackStatus).to.equal('UPDATE_COMPLETE');
    expect(await boundaryOf()).to.deep.equal([undefined, undefined]);
    const calls = [
      ...range.events('PutRolePermissionsBoundary'),
      ...range.events('DeleteUserPermissionsBoundary'),
    ].filter((e) => ['contractor', 'worker'].includes(String(Object.values(e.requestParameters ?? {})[0])));
    expect(calls).to.have.length(2);
    expect(calls.map((e) => e.userIdentity.invokedBy)).to.deep.equal([
      'cloudformation.amazonaws.com',
      'cloudformation.amazonaws.com',
    ]);
  });
});
