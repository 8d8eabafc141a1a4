import { expect } from 'chai';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  GetFunctionConcurrencyCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { failure, startTestRange, type TestRange } from './harness.js';

// AWS::Lambda::Function with inline code (CloudFormation User Guide, AWS::Lambda::Function Code.ZipFile:
// "the file is named index.js" for Node.js, "index.py" for Python) and AWS::Lambda::Permission.
const template = `
Resources:
  FixRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - { Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }
  Fix:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt FixRole.Arn
      Timeout: 30
      Environment: { Variables: { MODE: revert } }
      Code:
        ZipFile: |
          const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
          exports.handler = async (event) => {
            const id = await new STSClient({}).send(new GetCallerIdentityCommand({}));
            return { mode: process.env.MODE, caller: id.Arn, detail: event.detail };
          };
  RuleMayInvoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fix.Arn
      Action: lambda:InvokeFunction
      Principal: events.amazonaws.com
      SourceArn: !Sub arn:aws:events:\${AWS::Region}:\${AWS::AccountId}:rule/revert-ssh
  PyCheck:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt FixRole.Arn
      Code:
        ZipFile: |
          def handler(event, context):
              return {'ok': event.get('n', 0) + 1}
Outputs:
  FixArn: { Value: !GetAtt Fix.Arn }
  FixName: { Value: !Ref Fix }
  RoleName: { Value: !Ref FixRole }
  PyName: { Value: !Ref PyCheck }
`;

describe('range: Lambda in CloudFormation', function () {
  this.timeout(60_000);
  let range: TestRange;

  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  async function settled(cfn: CloudFormationClient, name: string): Promise<Stack> {
    for (let i = 0; i < 800; i++) {
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
      if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`stack ${name} never settled`);
  }

  it('creates an inline Node.js and Python function and a permission; the function runs as the stack role', async () => {
    const cfn = new CloudFormationClient(range.clientConfig());
    const lambda = new LambdaClient(range.clientConfig());
    const { StackId: id = '' } = await cfn.send(
      new CreateStackCommand({
        StackName: 'defences',
        TemplateBody: template,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const stack = await settled(cfn, id);
    expect(stack.StackStatus, stack.StackStatusReason).to.equal('CREATE_COMPLETE');
    const out = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue ?? '']));
    expect(out.FixArn).to.equal(`arn:aws:lambda:us-east-1:${range.accountId}:function:${out.FixName}`);
    expect(out.FixName).to.match(/^defences-Fix-[A-Z0-9]+$/);

    const run = await lambda.send(
      new InvokeCommand({ FunctionName: out.FixArn, Payload: Buffer.from('{"detail":{"port":22}}') }),
    );
    expect(run.FunctionError).to.equal(undefined);
    expect(JSON.parse(Buffer.from(run.Payload ?? []).toString())).to.deep.equal({
      mode: 'revert',
      caller: `arn:aws:sts::${range.accountId}:assumed-role/${out.RoleName}/${out.FixName}`,
      detail: { port: 22 },
    });
    const py = await lambda.send(
      new InvokeCommand({ FunctionName: out.PyName, Payload: Buffer.from('{"n":1}') }),
    );
    expect(JSON.parse(Buffer.from(py.Payload ?? []).toString())).to.deep.equal({ ok: 2 });

    const policy = JSON.parse(
      (await lambda.send(new GetPolicyCommand({ FunctionName: out.FixName }))).Policy ?? '{}',
    ) as {
      Statement: Array<Record<string, unknown>>;
    };
    expect(policy.Statement).to.have.length(1);
    expect(policy.Statement[0]).to.deep.include({
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: out.FixArn,
    });
    const created = range.events('CreateFunction').at(-1);
    expect(created?.userIdentity).to.include({ invokedBy: 'cloudformation.amazonaws.com' });

    await cfn.send(new DeleteStackCommand({ StackName: 'defences' }));
    expect((await settled(cfn, id)).StackStatus).to.equal('DELETE_COMPLETE');
    const gone = await failure(lambda.send(new InvokeCommand({ FunctionName: out.FixName ?? '' })));
    expect(gone.name).to.equal('ResourceNotFoundException');
  });
  // AWS::Lambda::Function ReservedConcurrentExecutions: "The number of simultaneous executions to
  // reserve for the function" (CloudFormation User Guide); removing the property removes the reservation.
  it("reserves a function's concurrency from ReservedConcurrentExecutions and removes it when the property goes", async () => {
    const cfn = new CloudFormationClient(range.clientConfig());
    const lambda = new LambdaClient(range.clientConfig());
    const body = (reserved: string) => `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }
  Stopped:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: stopped-by-stack
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
${reserved}      Code: { ZipFile: 'exports.handler = async () => 1;' }
`;
    const { StackId: id = '' } = await cfn.send(
      new CreateStackCommand({
        StackName: 'stopped',
        TemplateBody: body('      ReservedConcurrentExecutions: 0\n'),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect((await settled(cfn, id)).StackStatus).to.equal('CREATE_COMPLETE');
    const concurrency = () =>
      lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'stopped-by-stack' }));
    expect((await concurrency()).ReservedConcurrentExecutions).to.equal(0);
    const throttled = await failure(lambda.send(new InvokeCommand({ FunctionName: 'stopped-by-stack' })));
    expect(throttled.name).to.equal('TooManyRequestsException');
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'stopped',
        TemplateBody: body(''),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect((await settled(cfn, id)).StackStatus).to.equal('UPDATE_COMPLETE');
    expect((await concurrency()).ReservedConcurrentExecutions).to.equal(undefined);
    await cfn.send(new DeleteStackCommand({ StackName: 'stopped' }));
    expect((await settled(cfn, id)).StackStatus).to.equal('DELETE_COMPLETE');
  });
});
