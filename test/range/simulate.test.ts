import { expect } from 'chai';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { statementSpans } from '../../src/range/services/iam/simulate.js';
import { failure, startTestRange, type TestRange } from './harness.js';

/**
 * The IAM policy simulator on the range's evaluator (IAM API Reference: SimulatePrincipalPolicy,
 * SimulateCustomPolicy; AWS CLI examples of simulate-custom-policy and simulate-principal-policy).
 */
describe('range: the IAM policy simulator', function () {
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

  // The AWS CLI reference's example policy, with its documented answer.
  const dated =
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}';

  it("answers simulate-custom-policy as the AWS CLI reference's example does", async () => {
    const at = (time: string) =>
      range.aws([
        'iam',
        'simulate-custom-policy',
        '--policy-input-list',
        dated,
        '--action-names',
        'dynamodb:CreateBackup',
        '--context-entries',
        `ContextKeyName='aws:CurrentTime',ContextKeyValues='${time}',ContextKeyType=date`,
      ]);
    expect(await at('2019-04-25T11:00:00Z')).to.deep.equal({
      EvaluationResults: [
        {
          EvalActionName: 'dynamodb:CreateBackup',
          EvalResourceName: '*',
          EvalDecision: 'allowed',
          MatchedStatements: [
            {
              SourcePolicyId: 'PolicyInputList.1',
              SourcePolicyType: 'none',
              StartPosition: { Line: 1, Column: 38 },
              EndPosition: { Line: 1, Column: 167 },
            },
          ],
          MissingContextValues: [],
          EvalDecisionDetails: {},
        },
      ],
    });
    const before = (await at('2014-04-25T11:00:00Z')) as {
      EvaluationResults: Array<Record<string, unknown>>;
    };
    expect(before.EvaluationResults[0]).to.include({ EvalDecision: 'implicitDeny' });
    expect(before.EvaluationResults[0]?.MatchedStatements).to.deep.equal([]);
  });

  it("simulates a user's own, group and managed policies, naming the deciding statement", async () => {
    await iam.send(new CreateUserCommand({ UserName: 'alejandro' }));
    const policy = JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'List', Effect: 'Allow', Action: 'codecommit:ListRepositories', Resource: '*' },
          { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::evidence/*' },
        ],
      },
      null,
      2,
    );
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'alejandro', PolicyName: 'Grant-Access', PolicyDocument: policy }),
    );
    await iam.send(new CreateGroupCommand({ GroupName: 'quarantine' }));
    await iam.send(
      new PutGroupPolicyCommand({
        GroupName: 'quarantine',
        PolicyName: 'no-deletes',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: 's3:Delete*', Resource: '*' }],
        }),
      }),
    );
    await iam.send(new AddUserToGroupCommand({ GroupName: 'quarantine', UserName: 'alejandro' }));
    await iam.send(
      new AttachUserPolicyCommand({
        UserName: 'alejandro',
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      }),
    );

    const { EvaluationResults = [] } = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${acct}:user/alejandro`,
        ActionNames: ['codecommit:ListRepositories', 's3:DeleteObject', 'ec2:RunInstances'],
      }),
    );
    expect(EvaluationResults.map((r) => [r.EvalActionName, r.EvalDecision])).to.deep.equal([
      ['codecommit:ListRepositories', 'allowed'],
      ['s3:DeleteObject', 'explicitDeny'],
      ['ec2:RunInstances', 'implicitDeny'],
    ]);
    // The Sid "List" statement opens on line 4 at column 5 of the pretty-printed document.
    expect(EvaluationResults[0]?.MatchedStatements).to.deep.equal([
      {
        SourcePolicyId: 'Grant-Access',
        SourcePolicyType: 'user',
        StartPosition: { Line: 4, Column: 6 },
        EndPosition: { Line: 9, Column: 6 },
      },
    ]);
    expect(
      EvaluationResults[1]?.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType]),
    ).to.deep.equal([['no-deletes', 'group']]);

    // The same through the AWS CLI, with a context entry in its shorthand.
    const cli = (await range.aws([
      'iam',
      'simulate-principal-policy',
      '--policy-source-arn',
      `arn:aws:iam::${acct}:user/alejandro`,
      '--action-names',
      's3:DeleteBucket',
      'codecommit:ListRepositories',
      '--context-entries',
      'ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.7,ContextKeyType=ip',
    ])) as { EvaluationResults: Array<{ EvalActionName: string; EvalDecision: string }> };
    expect(cli.EvaluationResults.map((r) => [r.EvalActionName, r.EvalDecision])).to.deep.equal([
      ['s3:DeleteBucket', 'explicitDeny'],
      ['codecommit:ListRepositories', 'allowed'],
    ]);

    const onObjects = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${acct}:user/alejandro`,
        ActionNames: ['s3:GetObject'],
        ResourceArns: ['arn:aws:s3:::evidence/a.txt', 'arn:aws:s3:::other/b.txt'],
      }),
    );
    expect(
      onObjects.EvaluationResults?.map((r) => [
        r.EvalResourceName,
        r.EvalDecision,
        r.MatchedStatements?.map((s) => s.SourcePolicyId).sort(),
        r.ResourceSpecificResults?.[0]?.EvalResourceDecision,
      ]),
    ).to.deep.equal([
      ['arn:aws:s3:::evidence/a.txt', 'allowed', ['AmazonS3ReadOnlyAccess', 'Grant-Access'], 'allowed'],
      ['arn:aws:s3:::other/b.txt', 'allowed', ['AmazonS3ReadOnlyAccess'], 'allowed'],
    ]);
  });

  it('applies a permissions boundary, a resource policy with its caller, and reports missing context keys', async () => {
    const allowAll = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
    const s3Only = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
    const bounded = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [allowAll],
        PermissionsBoundaryPolicyInputList: [s3Only],
        ActionNames: ['s3:ListBucket', 'iam:CreateUser'],
      }),
    );
    expect(
      bounded.EvaluationResults?.map((r) => [
        r.EvalDecision,
        r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary,
      ]),
    ).to.deep.equal([
      ['allowed', true],
      ['implicitDeny', false],
    ]);

    // Across accounts both the identity-based policy and the resource policy must allow.
    const resourcePolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::210987654321:user/partner' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::shared/*',
        },
      ],
    });
    const cross = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [s3Only],
        ActionNames: ['s3:GetObject', 's3:PutObject'],
        ResourceArns: ['arn:aws:s3:::shared/x'],
        ResourcePolicy: resourcePolicy,
        ResourceOwner: `arn:aws:iam::${acct}:root`,
        CallerArn: 'arn:aws:iam::210987654321:user/partner',
      }),
    );
    expect(cross.EvaluationResults?.map((r) => r.EvalDecision)).to.deep.equal(['allowed', 'implicitDeny']);
    expect(
      cross.EvaluationResults?.[0]?.MatchedStatements?.map((s) => s.SourcePolicyType).sort(),
    ).to.deep.equal(['none', 'resource']);

    const conditional = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ec2:StopInstances',
          Resource: '*',
          Condition: {
            IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
            Bool: { 'aws:MultiFactorAuthPresent': 'true' },
          },
        },
      ],
    });
    const missing = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [conditional],
        ActionNames: ['ec2:StopInstances'],
        ContextEntries: [
          { ContextKeyName: 'aws:SourceIp', ContextKeyType: 'ip', ContextKeyValues: ['203.0.113.9'] },
        ],
      }),
    );
    expect(missing.EvaluationResults?.[0]).to.include({ EvalDecision: 'implicitDeny' });
    expect(missing.EvaluationResults?.[0]?.MissingContextValues).to.deep.equal([
      'aws:MultiFactorAuthPresent',
    ]);
    const complete = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [conditional],
        ActionNames: ['ec2:StopInstances'],
        ContextEntries: [
          { ContextKeyName: 'aws:SourceIp', ContextKeyType: 'ip', ContextKeyValues: ['203.0.113.9'] },
          {
            ContextKeyName: 'aws:MultiFactorAuthPresent',
            ContextKeyType: 'boolean',
            ContextKeyValues: ['true'],
          },
        ],
      }),
    );
    expect(complete.EvaluationResults?.[0]).to.include({ EvalDecision: 'allowed' });
  });

  it('pages with MaxItems and Marker, and refuses what AWS refuses', async () => {
    const first = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [dated],
        ActionNames: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        MaxItems: 2,
      }),
    );
    expect(first.EvaluationResults).to.have.length(2);
    expect(first.IsTruncated).to.equal(true);
    const rest = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [dated],
        ActionNames: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        MaxItems: 2,
        Marker: first.Marker,
      }),
    );
    expect(rest.EvaluationResults?.map((r) => r.EvalActionName)).to.deep.equal(['dynamodb:Query']);
    expect(rest.IsTruncated).to.equal(false);

    const missingUser = await failure(
      iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${acct}:user/nobody`,
          ActionNames: ['s3:GetObject'],
        }),
      ),
    );
    expect([missingUser.name, missingUser.$metadata?.httpStatusCode]).to.deep.equal([
      'NoSuchEntityException',
      404,
    ]);
    const notJson = await range.awsFails([
      'iam',
      'simulate-custom-policy',
      '--policy-input-list',
      'not a policy',
      '--action-names',
      's3:GetObject',
    ]);
    expect(notJson.stderr).to.contain('InvalidInput');
    const badType = await failure(
      iam.send(
        new SimulateCustomPolicyCommand({
          PolicyInputList: [dated],
          ActionNames: ['s3:GetObject'],
          ContextEntries: [
            { ContextKeyName: 'aws:SourceIp', ContextKeyType: 'ip', ContextKeyValues: ['not-an-ip'] },
          ],
        }),
      ),
    );
    expect(badType.name).to.equal('InvalidInputException');
  });

  it('finds statement positions in compact and pretty-printed documents', () => {
    expect(statementSpans(dated)).to.deep.equal([
      { start: { Line: 1, Column: 38 }, end: { Line: 1, Column: 167 } },
    ]);
    const pretty =
      '{\n  "Statement": [\n    {"Effect": "Allow", "Action": "*", "Resource": "*"},\n    {\n      "Effect": "Deny"\n    }\n  ]\n}';
    expect(statementSpans(pretty)).to.deep.equal([
      { start: { Line: 3, Column: 6 }, end: { Line: 3, Column: 56 } },
      { start: { Line: 4, Column: 6 }, end: { Line: 6, Column: 6 } },
    ]);
  });
});
