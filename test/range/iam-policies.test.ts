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
  DeleteGroupPolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iam';
import { startTestRange, type TestRange } from './harness.js';

type SdkError = Error & { $metadata?: { httpStatusCode?: number } };

async function failure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail');
}

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

describe('range: IAM inline and managed policies', function () {
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

  it('stores inline policies of users, groups and roles and returns them URL-encoded (decoded by the CLI)', async () => {
    const s3 = policy('s3:GetObject', 'arn:aws:s3:::evidence/*');
    await range.aws([
      'iam',
      'put-user-policy',
      '--user-name',
      'ann',
      '--policy-name',
      'read-evidence',
      '--policy-document',
      s3,
    ]);
    const sdk = await iam.send(new GetUserPolicyCommand({ UserName: 'ann', PolicyName: 'read-evidence' }));
    // RFC 3986 encoding, as IAM does it: even `*` is escaped.
    expect(sdk.PolicyDocument).to.equal(encodeURIComponent(s3).replace(/\*/g, '%2A'));
    const cli = (await range.aws([
      'iam',
      'get-user-policy',
      '--user-name',
      'ann',
      '--policy-name',
      'read-evidence',
    ])) as {
      PolicyDocument: unknown;
    };
    expect(cli.PolicyDocument).to.deep.equal(JSON.parse(s3));
    // A URL-encoded document is accepted too, and kept as the JSON it encodes.
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'ann',
        PolicyName: 'logs',
        PolicyDocument: encodeURIComponent(policy('logs:*')),
      }),
    );
    const logs = await iam.send(new GetUserPolicyCommand({ UserName: 'ann', PolicyName: 'logs' }));
    expect(decodeURIComponent(logs.PolicyDocument!)).to.equal(policy('logs:*'));
    const names = (await range.aws(['iam', 'list-user-policies', '--user-name', 'ann'])) as {
      PolicyNames: string[];
    };
    expect(names.PolicyNames).to.deep.equal(['logs', 'read-evidence']);
    await range.aws(['iam', 'delete-user-policy', '--user-name', 'ann', '--policy-name', 'logs']);
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'ann' }))).PolicyNames).to.deep.equal([
      'read-evidence',
    ]);
    const missing = await failure(
      iam.send(new GetUserPolicyCommand({ UserName: 'ann', PolicyName: 'logs' })),
    );
    expect([missing.name, missing.message]).to.deep.equal([
      'NoSuchEntityException',
      'The user policy with name logs cannot be found.',
    ]);

    await iam.send(
      new PutGroupPolicyCommand({
        GroupName: 'ops',
        PolicyName: 'ec2',
        PolicyDocument: policy('ec2:Describe*'),
      }),
    );
    const g = (await range.aws([
      'iam',
      'get-group-policy',
      '--group-name',
      'ops',
      '--policy-name',
      'ec2',
    ])) as {
      GroupName: string;
      PolicyDocument: { Statement: Array<{ Action: string }> };
    };
    expect(g.GroupName).to.equal('ops');
    expect(g.PolicyDocument.Statement[0]?.Action).to.equal('ec2:Describe*');
    await range.aws([
      'iam',
      'put-group-policy',
      '--group-name',
      'ops',
      '--policy-name',
      'ssm',
      '--policy-document',
      policy('ssm:*'),
    ]);
    const gl = (await range.aws(['iam', 'list-group-policies', '--group-name', 'ops'])) as {
      PolicyNames: string[];
    };
    expect(gl.PolicyNames).to.deep.equal(['ec2', 'ssm']);
    await range.aws(['iam', 'delete-group-policy', '--group-name', 'ops', '--policy-name', 'ssm']);
    expect((await iam.send(new ListGroupPoliciesCommand({ GroupName: 'ops' }))).PolicyNames).to.deep.equal([
      'ec2',
    ]);
    expect(
      (await iam.send(new GetGroupPolicyCommand({ GroupName: 'ops', PolicyName: 'ec2' }))).PolicyDocument,
    ).to.equal(encodeURIComponent(policy('ec2:Describe*')).replace(/\*/g, '%2A'));

    await range.aws([
      'iam',
      'put-role-policy',
      '--role-name',
      'app',
      '--policy-name',
      'kms',
      '--policy-document',
      policy('kms:Decrypt'),
    ]);
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'sns', PolicyDocument: policy('sns:Publish') }),
    );
    const r = (await range.aws(['iam', 'get-role-policy', '--role-name', 'app', '--policy-name', 'kms'])) as {
      RoleName: string;
      PolicyDocument: unknown;
    };
    expect(r).to.deep.equal({
      RoleName: 'app',
      PolicyName: 'kms',
      PolicyDocument: JSON.parse(policy('kms:Decrypt')),
    });
    const rl = (await range.aws(['iam', 'list-role-policies', '--role-name', 'app'])) as {
      PolicyNames: string[];
    };
    expect(rl.PolicyNames).to.deep.equal(['kms', 'sns']);
    await range.aws(['iam', 'delete-role-policy', '--role-name', 'app', '--policy-name', 'sns']);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'app' }))).PolicyNames).to.deep.equal([
      'kms',
    ]);
    expect(
      (await failure(iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: 'sns' })))).message,
    ).to.equal('The role policy with name sns cannot be found.');

    await iam.send(new DeleteUserPolicyCommand({ UserName: 'ann', PolicyName: 'read-evidence' }));
    await iam.send(new DeleteGroupPolicyCommand({ GroupName: 'ops', PolicyName: 'ec2' }));
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'app', PolicyName: 'kms' }));
    const remaining = await Promise.all([
      iam.send(new ListUserPoliciesCommand({ UserName: 'ann' })),
      iam.send(new ListGroupPoliciesCommand({ GroupName: 'ops' })),
      iam.send(new ListRolePoliciesCommand({ RoleName: 'app' })),
    ]);
    expect(remaining.map((r) => r.PolicyNames)).to.deep.equal([[], [], []]);
    const put = range.events('PutUserPolicy')[0];
    expect(put?.requestParameters).to.deep.equal({
      userName: 'ann',
      policyName: 'read-evidence',
      policyDocument: s3,
    });
  });

  it('validates policy documents and enforces the inline size quota', async () => {
    const cases: Array<[string, string]> = [
      ['not json', 'Syntax errors in policy.'],
      [JSON.stringify({ Version: '2012-10-18', Statement: [] }), 'The policy failed legacy parsing'],
      [
        JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }),
        'Policy document should not specify a principal.',
      ],
      [
        JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*' }] }),
        'Policy statement must contain resources.',
      ],
      [policy('GetObject'), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
      [policy('s3:*', 'my-bucket'), 'Resource my-bucket must be in ARN format or "*".'],
    ];
    for (const [doc, message] of cases) {
      const err = await failure(
        iam.send(new PutUserPolicyCommand({ UserName: 'ann', PolicyName: 'bad', PolicyDocument: doc })),
      );
      expect([err.name, err.message, err.$metadata?.httpStatusCode]).to.deep.equal([
        'MalformedPolicyDocumentException',
        message,
        400,
      ]);
    }
    const cli = await range.awsFails([
      'iam',
      'create-policy',
      '--policy-name',
      'bad',
      '--policy-document',
      policy('s3:*', 'bucket'),
    ]);
    expect(cli.stderr).to.contain('MalformedPolicyDocument').and.contain('must be in ARN format');
    const big = policy(Array.from({ length: 120 }, (_, i) => `s3:GetObjectVersion${i}`));
    const tooBig = await failure(
      iam.send(new PutUserPolicyCommand({ UserName: 'ann', PolicyName: 'big', PolicyDocument: big })),
    );
    expect([tooBig.name, tooBig.message]).to.deep.equal([
      'LimitExceededException',
      'Maximum policy size of 2048 bytes exceeded for user ann',
    ]);
    // A role's inline quota is larger.
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'big', PolicyDocument: big }));
  });

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
