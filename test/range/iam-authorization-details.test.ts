import { expect } from 'chai';
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutUserPolicyCommand,
  type GetAccountAuthorizationDetailsResponse,
} from '@aws-sdk/client-iam';
import { failure, startTestRange, type TestRange } from './harness.js';

const doc = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

describe('range: IAM GetAccountAuthorizationDetails', function () {
  this.timeout(60_000);
  let range: TestRange;
  let iam: IAMClient;
  let policyArn: string;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
    // A small account: a backdoor user in an admin group, a role with a profile and a boundary.
    await iam.send(new CreateUserCommand({ UserName: 'backdoor', Tags: [{ Key: 'team', Value: 'red' }] }));
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'backdoor', PolicyName: 'persist', PolicyDocument: doc('iam:*') }),
    );
    await iam.send(new CreateGroupCommand({ GroupName: 'Admins' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'Admins', UserName: 'backdoor' }));
    await iam.send(
      new AttachGroupPolicyCommand({
        GroupName: 'Admins',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    await iam.send(
      new PutGroupPolicyCommand({ GroupName: 'Admins', PolicyName: 'extra', PolicyDocument: doc('s3:*') }),
    );
    const { Policy } = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'AppRead',
        PolicyDocument: doc('s3:GetObject'),
        Description: 'reads',
      }),
    );
    policyArn = Policy?.Arn ?? '';
    await iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: policyArn,
        PolicyDocument: doc('s3:Get*'),
        SetAsDefault: true,
      }),
    );
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'app',
        AssumeRolePolicyDocument: JSON.stringify(trust),
        Path: '/svc/',
      }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: policyArn }));
    await iam.send(
      new PutRolePermissionsBoundaryCommand({
        RoleName: 'app',
        PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      }),
    );
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'app-profile' }));
    await iam.send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'app-profile', RoleName: 'app' }),
    );
  });
  after(() => range.stop());

  it('describes users, groups, roles and policies with URL-encoded documents over the SDK', async () => {
    const out = await iam.send(new GetAccountAuthorizationDetailsCommand({}));
    expect(out.IsTruncated).to.equal(false);
    const user = out.UserDetailList?.find((u) => u.UserName === 'backdoor');
    expect(user?.GroupList).to.deep.equal(['Admins']);
    expect(user?.Tags).to.deep.equal([{ Key: 'team', Value: 'red' }]);
    // The API reference: policies in this answer are URL-encoded (RFC 3986).
    expect(user?.UserPolicyList?.map((p) => p.PolicyName)).to.deep.equal(['persist']);
    const encoded = user?.UserPolicyList?.[0]?.PolicyDocument ?? '';
    expect(encoded).to.match(/^%7B%22Version%22%3A/);
    expect(decodeURIComponent(encoded)).to.equal(doc('iam:*'));
    const group = out.GroupDetailList?.find((g) => g.GroupName === 'Admins');
    expect(group?.AttachedManagedPolicies).to.deep.equal([
      { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    ]);
    expect(group?.GroupPolicyList?.map((p) => p.PolicyName)).to.deep.equal(['extra']);
    const role = out.RoleDetailList?.find((r) => r.RoleName === 'app');
    expect(role?.Path).to.equal('/svc/');
    expect(JSON.parse(decodeURIComponent(role?.AssumeRolePolicyDocument ?? ''))).to.deep.equal(trust);
    expect(
      role?.InstanceProfileList?.map((p) => [p.InstanceProfileName, p.Roles?.[0]?.RoleName]),
    ).to.deep.equal([['app-profile', 'app']]);
    expect(role?.PermissionsBoundary).to.deep.equal({
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
      PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    expect(role?.AttachedManagedPolicies).to.deep.equal([{ PolicyName: 'AppRead', PolicyArn: policyArn }]);

    const local = out.Policies?.find((p) => p.Arn === policyArn);
    expect(local).to.include({
      DefaultVersionId: 'v2',
      AttachmentCount: 1,
      Description: 'reads',
      IsAttachable: true,
    });
    expect(
      local?.PolicyVersionList?.map((v) => [
        v.VersionId,
        v.IsDefaultVersion,
        decodeURIComponent(v.Document ?? ''),
      ]),
    ).to.deep.equal([
      ['v2', true, doc('s3:Get*')],
      ['v1', false, doc('s3:GetObject')],
    ]);
    // AWS managed policies appear when the account uses them, as a policy or as a boundary.
    const awsManaged = out.Policies?.filter((p) => p.Arn?.startsWith('arn:aws:iam::aws:')).map(
      (p) => p.PolicyName,
    );
    expect(awsManaged).to.deep.equal(['AdministratorAccess', 'ReadOnlyAccess']);
    expect(
      out.Policies?.find((p) => p.PolicyName === 'ReadOnlyAccess')?.PermissionsBoundaryUsageCount,
    ).to.equal(1);

    const [event] = range.events('GetAccountAuthorizationDetails');
    expect(event?.eventSource).to.equal('iam.amazonaws.com');
  });

  it('filters by entity type and pages with MaxItems and Marker', async () => {
    const onlyRoles = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    expect(onlyRoles.RoleDetailList?.map((r) => r.RoleName)).to.deep.equal(['app']);
    expect([onlyRoles.UserDetailList, onlyRoles.GroupDetailList, onlyRoles.Policies]).to.deep.equal([
      [],
      [],
      [],
    ]);
    const local = await iam.send(
      new GetAccountAuthorizationDetailsCommand({ Filter: ['LocalManagedPolicy'] }),
    );
    expect(local.Policies?.map((p) => p.PolicyName)).to.deep.equal(['AppRead']);

    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page: GetAccountAuthorizationDetailsResponse = await iam.send(
        new GetAccountAuthorizationDetailsCommand({ MaxItems: 2, Marker: marker }),
      );
      pages++;
      const names = [
        ...(page.UserDetailList ?? []).map((u) => `user:${u.UserName}`),
        ...(page.GroupDetailList ?? []).map((g) => `group:${g.GroupName}`),
        ...(page.RoleDetailList ?? []).map((r) => `role:${r.RoleName}`),
        ...(page.Policies ?? []).map((p) => `policy:${p.PolicyName}`),
      ];
      expect(names.length).to.be.at.most(2);
      seen.push(...names);
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    expect(pages).to.be.greaterThan(2);
    expect(seen).to.include.members(['user:backdoor', 'group:Admins', 'role:app', 'policy:AppRead']);
    expect(new Set(seen).size).to.equal(seen.length);

    const bad = await failure(
      iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Bucket' as 'User'] })),
    );
    expect(bad.name).to.equal('ValidationError');
  });

  it('the AWS CLI pages through it and decodes the documents', async () => {
    const all = (await range.aws(['iam', 'get-account-authorization-details', '--page-size', '1'])) as {
      UserDetailList: Array<{ UserName: string; UserPolicyList?: Array<{ PolicyDocument: unknown }> }>;
      RoleDetailList: Array<{ RoleName: string; AssumeRolePolicyDocument: unknown }>;
      Policies: Array<{ PolicyName: string }>;
    };
    expect(
      all.UserDetailList.find((u) => u.UserName === 'backdoor')?.UserPolicyList?.[0]?.PolicyDocument,
    ).to.deep.equal(JSON.parse(doc('iam:*')));
    expect(all.RoleDetailList.find((r) => r.RoleName === 'app')?.AssumeRolePolicyDocument).to.deep.equal(
      trust,
    );
    expect(all.Policies.map((p) => p.PolicyName)).to.include.members(['AppRead', 'AdministratorAccess']);
    const filtered = (await range.aws([
      'iam',
      'get-account-authorization-details',
      '--filter',
      'User',
      'Group',
      '--page-size',
      '1',
    ])) as { UserDetailList: unknown[]; GroupDetailList: unknown[]; RoleDetailList: unknown[] };
    expect(filtered.GroupDetailList).to.have.length(1);
    expect(filtered.RoleDetailList).to.deep.equal([]);
    // Every page was a recorded call (the CLI's paginator asked for one entity at a time).
    expect(range.events('GetAccountAuthorizationDetails').length).to.be.greaterThan(6);
  });

  it('is denied to a user without iam:GetAccountAuthorizationDetails', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'intern' }));
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'intern', PolicyName: 'p', PolicyDocument: doc('iam:ListUsers') }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'intern' }));
    const env = {
      AWS_ACCESS_KEY_ID: AccessKey?.AccessKeyId ?? '',
      AWS_SECRET_ACCESS_KEY: AccessKey?.SecretAccessKey ?? '',
    };
    const denied = await range.awsFails(['iam', 'get-account-authorization-details'], { env });
    expect(denied.stderr)
      .to.contain('(AccessDenied)')
      .and.contain(
        `User: arn:aws:iam::${range.accountId}:user/intern is not authorized to perform: iam:GetAccountAuthorizationDetails`,
      );
    const refused = range
      .events('GetAccountAuthorizationDetails')
      .filter((e) => e.errorCode === 'AccessDenied');
    expect(refused).to.have.length(1);
  });
});
