import { expect } from 'chai';
import {
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteGroupPolicyCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  GetGroupPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListGroupPoliciesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { failure, startTestRange, type TestRange } from './harness.js';

const policy = (action: string | string[], resource: string | string[] = '*') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
  });

describe('range: IAM inline policies and policy documents', function () {
  this.timeout(150_000);
  let range: TestRange;
  let iam: IAMClient;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
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
});
