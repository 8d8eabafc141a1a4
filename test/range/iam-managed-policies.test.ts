import { expect } from 'chai';
import {
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iam';
import { failure, startTestRange, type TestRange } from './harness.js';

const policy = (action: string | string[], resource: string | string[] = '*') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
  });

const AWS_MANAGED = [
  'AdministratorAccess',
  'ReadOnlyAccess',
  'SecurityAudit',
  'PowerUserAccess',
  'IAMFullAccess',
  'AmazonS3FullAccess',
  'AmazonS3ReadOnlyAccess',
  'AmazonSSMManagedInstanceCore',
  'CloudWatchLogsFullAccess',
];

describe('range: IAM managed policies, versions and attachments', function () {
  this.timeout(150_000);
  let range: TestRange;
  let iam: IAMClient;
  let acct: string;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
    acct = range.accountId;
    await iam.send(new CreateUserCommand({ UserName: 'ann' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'ops' }));
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'app',
        AssumeRolePolicyDocument: JSON.stringify({
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
  });
  after(() => range.stop());

  it('has the AWS managed policies in every account, with real-looking documents', async () => {
    const aws = (await range.aws(['iam', 'list-policies', '--scope', 'AWS'])) as {
      Policies: Array<{ PolicyName: string; Arn: string }>;
    };
    const names = aws.Policies.map((p) => p.PolicyName);
    for (const name of AWS_MANAGED) expect(names).to.include(name);
    expect(aws.Policies.find((p) => p.PolicyName === 'AdministratorAccess')?.Arn).to.equal(
      'arn:aws:iam::aws:policy/AdministratorAccess',
    );
    const admin = await iam.send(
      new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    );
    // The built-in admin user has it.
    expect(admin.Policy).to.include({
      PolicyName: 'AdministratorAccess',
      DefaultVersionId: 'v1',
      AttachmentCount: 1,
      IsAttachable: true,
    });
    const v = (await range.aws([
      'iam',
      'get-policy-version',
      '--policy-arn',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      '--version-id',
      (await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }))).Policy!
        .DefaultVersionId!,
    ])) as {
      PolicyVersion: { Document: { Statement: Array<{ Action: string[] }> }; IsDefaultVersion: boolean };
    };
    expect(v.PolicyVersion.IsDefaultVersion).to.equal(true);
    expect(v.PolicyVersion.Document.Statement[0]?.Action).to.include('s3:Get*');
    const adminDoc = await iam.send(
      new GetPolicyVersionCommand({
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        VersionId: 'v1',
      }),
    );
    expect(JSON.parse(decodeURIComponent(adminDoc.PolicyVersion!.Document!))).to.deep.equal({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    const page = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 4 }));
    expect(page.Policies).to.have.length(4);
    expect(page.IsTruncated).to.equal(true);
    const rest = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', Marker: page.Marker }));
    expect([...page.Policies!, ...rest.Policies!].map((p) => p.PolicyName)).to.deep.equal(names);
    const unknown = await failure(
      iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' })),
    );
    expect([unknown.name, unknown.message]).to.deep.equal([
      'NoSuchEntityException',
      'Policy arn:aws:iam::aws:policy/NoSuchPolicy was not found.',
    ]);
    const invalid = await failure(iam.send(new GetPolicyCommand({ PolicyArn: 'not-an-arn-at-all-really' })));
    expect([invalid.name, invalid.message]).to.deep.equal([
      'InvalidInputException',
      'ARN not-an-arn-at-all-really is not valid.',
    ]);
    const readOnly = await failure(
      iam.send(
        new CreatePolicyVersionCommand({
          PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
          PolicyDocument: policy('*'),
        }),
      ),
    );
    expect(readOnly.name).to.equal('AccessDenied');
  });

  it('versions customer managed policies', async () => {
    const created = (await range.aws([
      'iam',
      'create-policy',
      '--policy-name',
      'evidence-read',
      '--path',
      '/ir/',
      '--description',
      'read the evidence bucket',
      '--policy-document',
      policy('s3:GetObject', 'arn:aws:s3:::evidence/*'),
    ])) as { Policy: { Arn: string; DefaultVersionId: string; AttachmentCount: number; PolicyId: string } };
    const arn = `arn:aws:iam::${acct}:policy/ir/evidence-read`;
    expect(created.Policy).to.include({ Arn: arn, DefaultVersionId: 'v1', AttachmentCount: 0 });
    expect(created.Policy.PolicyId).to.match(/^ANPA/);
    const dup = await failure(
      iam.send(new CreatePolicyCommand({ PolicyName: 'evidence-read', PolicyDocument: policy('s3:*') })),
    );
    expect([dup.name, dup.message]).to.deep.equal([
      'EntityAlreadyExistsException',
      'A policy called evidence-read already exists. Duplicate names are not allowed.',
    ]);
    const got = (await range.aws(['iam', 'get-policy', '--policy-arn', arn])) as {
      Policy: { Description: string };
    };
    expect(got.Policy.Description).to.equal('read the evidence bucket');
    const local = (await range.aws(['iam', 'list-policies', '--scope', 'Local'])) as {
      Policies: Array<{ Arn: string }>;
    };
    expect(local.Policies.map((p) => p.Arn)).to.deep.equal([arn]);

    const v2 = (await range.aws([
      'iam',
      'create-policy-version',
      '--policy-arn',
      arn,
      '--policy-document',
      policy(['s3:GetObject', 's3:ListBucket'], '*'),
      '--set-as-default',
    ])) as { PolicyVersion: { VersionId: string; IsDefaultVersion: boolean } };
    expect(v2.PolicyVersion).to.include({ VersionId: 'v2', IsDefaultVersion: true });
    for (let i = 3; i <= 5; i++)
      await iam.send(
        new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: policy(`s3:Get${i}`) }),
      );
    const sixth = await failure(
      iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: policy('s3:Get6') })),
    );
    expect([sixth.name, sixth.message]).to.deep.equal([
      'LimitExceededException',
      'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
    ]);
    const versions = (await range.aws(['iam', 'list-policy-versions', '--policy-arn', arn])) as {
      Versions: Array<{ VersionId: string; IsDefaultVersion: boolean }>;
    };
    expect(versions.Versions.map((x) => `${x.VersionId}${x.IsDefaultVersion ? '*' : ''}`)).to.deep.equal([
      'v5',
      'v4',
      'v3',
      'v2*',
      'v1',
    ]);
    const v1 = (await range.aws([
      'iam',
      'get-policy-version',
      '--policy-arn',
      arn,
      '--version-id',
      'v1',
    ])) as {
      PolicyVersion: { Document: { Statement: Array<{ Resource: string }> } };
    };
    expect(v1.PolicyVersion.Document.Statement[0]?.Resource).to.equal('arn:aws:s3:::evidence/*');

    await range.aws(['iam', 'set-default-policy-version', '--policy-arn', arn, '--version-id', 'v5']);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId).to.equal(
      'v5',
    );
    const defaultVersion = await failure(
      iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' })),
    );
    expect([defaultVersion.name, defaultVersion.message]).to.deep.equal([
      'DeleteConflictException',
      'Cannot delete the default version of a policy.',
    ]);
    const withVersions = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
    expect(withVersions.message).to.match(/^This policy has more than one version/);
    await range.aws(['iam', 'delete-policy-version', '--policy-arn', arn, '--version-id', 'v1']);
    for (const id of ['v2', 'v3', 'v4'])
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: id }));
    expect(
      (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions?.map((x) => x.VersionId),
    ).to.deep.equal(['v5']);
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' }));
    const noVersion = await failure(
      iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' })),
    );
    expect(noVersion.name).to.equal('NoSuchEntityException');
    await range.aws(['iam', 'delete-policy', '--policy-arn', arn]);
    expect((await failure(iam.send(new GetPolicyCommand({ PolicyArn: arn })))).name).to.equal(
      'NoSuchEntityException',
    );
  });

  it('attaches and detaches managed policies, counts and lists their entities', async () => {
    const { Policy } = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'triage', PolicyDocument: policy('cloudtrail:LookupEvents') }),
    );
    const arn = Policy!.Arn!;
    await range.aws(['iam', 'attach-user-policy', '--user-name', 'ann', '--policy-arn', arn]);
    await range.aws(['iam', 'attach-group-policy', '--group-name', 'ops', '--policy-arn', arn]);
    await range.aws(['iam', 'attach-role-policy', '--role-name', 'app', '--policy-arn', arn]);
    await iam.send(
      new AttachGroupPolicyCommand({ GroupName: 'ops', PolicyArn: 'arn:aws:iam::aws:policy/SecurityAudit' }),
    );
    // Attaching twice changes nothing.
    await iam.send(new AttachUserPolicyCommand({ UserName: 'ann', PolicyArn: arn }));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount).to.equal(3);

    const ua = (await range.aws(['iam', 'list-attached-user-policies', '--user-name', 'ann'])) as {
      AttachedPolicies: unknown[];
    };
    expect(ua.AttachedPolicies).to.deep.equal([{ PolicyName: 'triage', PolicyArn: arn }]);
    const ga = (await range.aws(['iam', 'list-attached-group-policies', '--group-name', 'ops'])) as {
      AttachedPolicies: Array<{ PolicyName: string }>;
    };
    expect(ga.AttachedPolicies.map((p) => p.PolicyName)).to.deep.equal(['triage', 'SecurityAudit']);
    const ra = (await range.aws(['iam', 'list-attached-role-policies', '--role-name', 'app'])) as {
      AttachedPolicies: unknown[];
    };
    expect(ra.AttachedPolicies).to.have.length(1);
    const entities = (await range.aws(['iam', 'list-entities-for-policy', '--policy-arn', arn])) as Record<
      string,
      unknown
    >;
    expect(entities).to.deep.include({
      PolicyGroups: [
        { GroupName: 'ops', GroupId: (entities.PolicyGroups as Array<{ GroupId: string }>)[0]?.GroupId },
      ],
      PolicyUsers: [
        { UserName: 'ann', UserId: (entities.PolicyUsers as Array<{ UserId: string }>)[0]?.UserId },
      ],
    });
    const roles = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'Role' }));
    expect(roles.PolicyRoles?.map((x) => x.RoleName)).to.deep.equal(['app']);
    expect(roles.PolicyUsers).to.deep.equal([]);
    const attachedOnly = await iam.send(new ListPoliciesCommand({ OnlyAttached: true }));
    expect(attachedOnly.Policies?.map((p) => p.PolicyName)).to.deep.equal([
      'AdministratorAccess',
      'SecurityAudit',
      'triage',
    ]);

    const inUse = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
    expect([inUse.name, inUse.message]).to.deep.equal([
      'DeleteConflictException',
      'Cannot delete a policy attached to entities.',
    ]);
    const ghost = await failure(
      iam.send(
        new AttachUserPolicyCommand({ UserName: 'ann', PolicyArn: `arn:aws:iam::${acct}:policy/ghost` }),
      ),
    );
    expect([ghost.name, ghost.message]).to.deep.equal([
      'NoSuchEntityException',
      `Policy arn:aws:iam::${acct}:policy/ghost does not exist or is not attachable.`,
    ]);
    const notAttached = await failure(
      iam.send(
        new DetachUserPolicyCommand({ UserName: 'ann', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
      ),
    );
    expect([notAttached.name, notAttached.message]).to.deep.equal([
      'NoSuchEntityException',
      'Policy arn:aws:iam::aws:policy/ReadOnlyAccess was not found.',
    ]);

    await range.aws(['iam', 'detach-user-policy', '--user-name', 'ann', '--policy-arn', arn]);
    await range.aws(['iam', 'detach-group-policy', '--group-name', 'ops', '--policy-arn', arn]);
    await range.aws(['iam', 'detach-role-policy', '--role-name', 'app', '--policy-arn', arn]);
    await iam.send(
      new DetachGroupPolicyCommand({ GroupName: 'ops', PolicyArn: 'arn:aws:iam::aws:policy/SecurityAudit' }),
    );
    expect(
      (await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'ops' }))).AttachedPolicies,
    ).to.deep.equal([]);
    expect(
      (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'ann' }))).AttachedPolicies,
    ).to.deep.equal([]);
    expect(
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'app' }))).AttachedPolicies,
    ).to.deep.equal([]);
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    const attach = range.events('AttachUserPolicy')[0];
    expect(attach?.requestParameters).to.deep.equal({ userName: 'ann', policyArn: arn });
    expect(range.events('AttachUserPolicy').at(-1)?.errorCode).to.equal('NoSuchEntity');
  });
});
