import { expect } from 'chai';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteUserPolicyCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { Credential, Principal } from '../../src/range/identity.js';
import { rootPrincipal } from '../../src/range/identity.js';
import { principalPolicies } from '../../src/range/services/iam/effective.js';
import { startTestRange, type TestRange } from './harness.js';

const doc = (effect: 'Allow' | 'Deny', action: string, resource = '*') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: effect, Action: action, Resource: resource }],
  });

describe('range: the policies IAM evaluates for a principal', function () {
  this.timeout(60_000);
  let range: TestRange;
  let iam: IAMClient;
  let acct: string;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
    acct = range.accountId;
  });
  after(() => range.stop());

  const ctx = () =>
    range.engine.context({
      service: 'iam',
      operation: 'Test',
      accountId: acct,
      region: 'us-east-1',
      principal: rootPrincipal(acct),
    });
  const user = (name: string, path = '/'): Principal => ({
    type: 'IAMUser',
    accountId: acct,
    arn: `arn:aws:iam::${acct}:user${path}${name}`,
    principalId: 'AIDATEST',
    userName: name,
  });

  it('leaves the account root and the built-in administrator unrestricted', () => {
    expect(principalPolicies(ctx(), rootPrincipal(acct))).to.deep.equal({ unrestricted: true });
    expect(principalPolicies(ctx(), user('range-admin'))).to.deep.equal({ unrestricted: true });
  });

  it("gathers a user's inline and attached policies, its groups' ones and its boundary", async () => {
    const { Policy: boundary } = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'limit', PolicyDocument: doc('Allow', 's3:*') }),
    );
    const { Policy: custom } = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'readers', PolicyDocument: doc('Allow', 'ec2:Describe*') }),
    );
    // The default version counts, not the first one.
    await iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: custom!.Arn,
        PolicyDocument: encodeURIComponent(doc('Allow', 'ec2:DescribeInstances')),
        SetAsDefault: true,
      }),
    );
    await iam.send(
      new CreateUserCommand({ UserName: 'alice', Path: '/staff/', PermissionsBoundary: boundary!.Arn }),
    );
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'alice',
        PolicyName: 'own',
        PolicyDocument: doc('Allow', 's3:GetObject'),
      }),
    );
    await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: custom!.Arn }));
    await iam.send(new CreateGroupCommand({ GroupName: 'responders' }));
    await iam.send(
      new PutGroupPolicyCommand({
        GroupName: 'responders',
        PolicyName: 'deny-iam',
        PolicyDocument: doc('Deny', 'iam:*'),
      }),
    );
    await iam.send(
      new AttachGroupPolicyCommand({
        GroupName: 'responders',
        PolicyArn: 'arn:aws:iam::aws:policy/AWSDenyAll',
      }),
    );
    await iam.send(new AddUserToGroupCommand({ GroupName: 'responders', UserName: 'alice' }));

    const got = principalPolicies(ctx(), user('alice', '/staff/'));
    if (got.unrestricted) throw new Error('alice is not an administrator');
    expect(got.identity.map((p) => [p.id, p.kind])).to.deep.equal([
      [`arn:aws:iam::${acct}:user/staff/alice/inline/own`, 'identity'],
      [custom!.Arn, 'identity'],
      [`arn:aws:iam::${acct}:group/responders/inline/deny-iam`, 'identity'],
      ['arn:aws:iam::aws:policy/AWSDenyAll', 'identity'],
    ]);
    expect(got.identity[1]?.document.Statement).to.deep.equal([
      { Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: ['*'] },
    ]);
    expect(got.identity[3]?.document.Statement[0]).to.include({ Effect: 'Deny' });
    expect(got.boundary).to.deep.include({ id: boundary!.Arn, kind: 'boundary' });
    expect(got.boundary?.document.Statement[0]?.Action).to.deep.equal(['s3:*']);
    expect(got.session).to.equal(undefined);
  });

  it('answers again from its memo until a policy changes', async () => {
    const first = principalPolicies(ctx(), user('alice', '/staff/'));
    expect(principalPolicies(ctx(), user('alice', '/staff/'))).to.equal(first);
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'own' }));
    const after = principalPolicies(ctx(), user('alice', '/staff/'));
    expect(after).not.to.equal(first);
    if (after.unrestricted) throw new Error('alice is not an administrator');
    expect(after.identity.map((p) => p.id)).not.to.include(
      `arn:aws:iam::${acct}:user/staff/alice/inline/own`,
    );
  });

  it("gives a role session the role's policies, its boundary and the session policies", async () => {
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: 'backdoor',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: acct }, Action: 'sts:AssumeRole' }],
        }),
        PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'backdoor',
        PolicyName: 'all',
        PolicyDocument: doc('Allow', '*'),
      }),
    );
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'backdoor',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    const session: Principal = {
      type: 'AssumedRole',
      accountId: acct,
      arn: `arn:aws:sts::${acct}:assumed-role/backdoor/s1`,
      principalId: `${Role!.RoleId}:s1`,
      session: {
        roleArn: Role!.Arn!,
        roleName: 'backdoor',
        roleId: Role!.RoleId!,
        sessionName: 's1',
        createdAt: new Date(),
        mfaAuthenticated: false,
      },
    };
    const credential = {
      accessKeyId: 'ASIATESTSESSION00001',
      secretAccessKey: 'x',
      status: 'Active',
      createdAt: new Date(),
      principal: session,
      sessionPolicy: doc('Allow', 's3:GetObject'),
      sessionPolicyArns: ['arn:aws:iam::aws:policy/AWSDenyAll'],
    } as Credential;

    const plain = principalPolicies(ctx(), session);
    if (plain.unrestricted) throw new Error('a role session is not unrestricted');
    expect(plain.identity.map((p) => p.id)).to.deep.equal([
      `${Role!.Arn}/inline/all`,
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
    expect(plain.boundary?.id).to.equal('arn:aws:iam::aws:policy/ReadOnlyAccess');
    expect(plain.session).to.equal(undefined);

    const narrowed = principalPolicies(ctx(), session, credential);
    if (narrowed.unrestricted) throw new Error('a role session is not unrestricted');
    expect(narrowed.session?.map((p) => [p.kind, p.document.Statement[0]?.Effect])).to.deep.equal([
      ['session', 'Allow'],
      ['session', 'Deny'],
    ]);
  });

  it('gives nothing to a principal whose user or role is gone', () => {
    const got = principalPolicies(ctx(), user('nobody'));
    expect(got).to.deep.equal({ unrestricted: false, identity: [] });
  });
});
