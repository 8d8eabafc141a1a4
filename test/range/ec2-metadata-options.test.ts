import { expect } from 'chai';
import {
  DescribeInstancesCommand,
  EC2Client,
  ModifyInstanceMetadataOptionsCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  type InstanceMetadataOptionsResponse,
} from '@aws-sdk/client-ec2';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { ManualClock } from '../../src/range/clock.js';
import { failure, startTestRange, type TestRange } from './harness.js';
import { launch, network } from './ec2-fixtures.js';
import { userWith } from './users.js';

/**
 * "Enforce IMDSv2 or turn the metadata service off" (AWS's playbook for a compromised instance):
 * ModifyInstanceMetadataOptions answers `pending`, and DescribeInstances shows `applied` once EC2 has
 * applied the change (at once on the range clock's next step for a running instance; when a stopped one
 * starts again), as the EC2 API reference describes.
 */
describe('range: EC2 instance metadata options', function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.parse('2026-06-01T09:00:00Z'));
  let range: TestRange;
  let ec2: EC2Client;
  let subnetId: string;

  const options = async (id: string): Promise<InstanceMetadataOptionsResponse> =>
    (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!
      .MetadataOptions!;
  const withFilter = async (name: string, value: string) =>
    (
      await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: name, Values: [value] }] }))
    ).Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId));

  before(async () => {
    range = await startTestRange({ clock });
    ec2 = new EC2Client(range.clientConfig());
    subnetId = (await network(ec2, '10.8')).subnetId;
  });
  after(() => range.stop());

  it('launches with IMDSv1 allowed unless RunInstances asks otherwise (SDK)', async () => {
    const plain = await launch(ec2, subnetId);
    // RunInstances API reference: an AMI without ImdsSupport v2.0 launches with tokens optional.
    expect(await options(plain)).to.deep.equal({
      State: 'applied',
      HttpTokens: 'optional',
      HttpPutResponseHopLimit: 1,
      HttpEndpoint: 'enabled',
      HttpProtocolIpv6: 'disabled',
      InstanceMetadataTags: 'disabled',
    });
    const hardened = await launch(ec2, subnetId, {
      MetadataOptions: {
        HttpTokens: 'required',
        HttpPutResponseHopLimit: 2,
        InstanceMetadataTags: 'enabled',
      },
    });
    expect(await options(hardened)).to.deep.include({
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 2,
      InstanceMetadataTags: 'enabled',
    });
    expect(await withFilter('metadata-options.http-tokens', 'optional'))
      .to.include(plain)
      .and.not.include(hardened);
    expect(await withFilter('metadata-options.http-tokens', 'required')).to.deep.equal([hardened]);
    const bad = await failure(
      ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-0abcdef1234567890',
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnetId,
          MetadataOptions: { HttpPutResponseHopLimit: 65 },
        }),
      ),
    );
    expect(bad.name).to.equal('InvalidParameterValue');
  });

  it('requires IMDSv2 on a running instance: pending, then applied; CloudTrail logs the request (aws CLI)', async () => {
    const id = await launch(ec2, subnetId);
    clock.advance(3000);
    const out = (await range.aws([
      'ec2',
      'modify-instance-metadata-options',
      '--instance-id',
      id,
      '--http-tokens',
      'required',
      '--http-endpoint',
      'enabled',
    ])) as { InstanceId: string; InstanceMetadataOptions: InstanceMetadataOptionsResponse };
    expect(out.InstanceId).to.equal(id);
    expect(out.InstanceMetadataOptions).to.deep.include({
      State: 'pending',
      HttpTokens: 'required',
      HttpEndpoint: 'enabled',
    });
    expect(await withFilter('metadata-options.state', 'pending')).to.deep.equal([id]);
    clock.advance(2000);
    expect(await options(id)).to.deep.include({
      State: 'applied',
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 1,
    });
    const event = range.events('ModifyInstanceMetadataOptions').at(-1)!;
    expect(event.requestParameters).to.deep.equal({
      ModifyInstanceMetadataOptionsRequest: {
        InstanceId: id,
        HttpTokens: 'required',
        HttpEndpoint: 'enabled',
      },
    });
    expect(event.responseElements).to.have.property('instanceMetadataOptions');
  });

  it('turns the endpoint off, keeps what was not named, and refuses what EC2 refuses (SDK)', async () => {
    const id = await launch(ec2, subnetId, { MetadataOptions: { HttpTokens: 'required' } });
    clock.advance(3000);
    await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: id, HttpEndpoint: 'disabled' }));
    clock.advance(2000);
    expect(await options(id)).to.deep.include({
      HttpEndpoint: 'disabled',
      HttpTokens: 'required',
      State: 'applied',
    });

    const tokensOff = await failure(
      ec2.send(
        new ModifyInstanceMetadataOptionsCommand({
          InstanceId: id,
          HttpEndpoint: 'disabled',
          HttpTokens: 'optional',
        }),
      ),
    );
    expect(tokensOff.name).to.equal('InvalidParameterValue');
    expect(tokensOff.message).to.equal(
      "The HttpEndpoint is not set to 'enabled' in this request. To specify a value for HttpTokens, set HttpEndpoint to 'enabled'.",
    );
    const hops = await failure(
      ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: id, HttpPutResponseHopLimit: 0 })),
    );
    expect(hops.name).to.equal('InvalidParameterValue');
    const missing = await failure(
      ec2.send(
        new ModifyInstanceMetadataOptionsCommand({
          InstanceId: 'i-0123456789abcdef0',
          HttpTokens: 'required',
        }),
      ),
    );
    expect(missing.name).to.equal('InvalidInstanceID.NotFound');
    expect(await options(id)).to.deep.include({ HttpEndpoint: 'disabled', HttpTokens: 'required' });
  });

  it('a stopped instance keeps the change pending until it runs again (SDK)', async () => {
    const id = await launch(ec2, subnetId);
    clock.advance(3000);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    clock.advance(5000);
    await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: id, HttpTokens: 'required' }));
    clock.advance(60_000);
    expect((await options(id)).State).to.equal('pending');
    await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    clock.advance(3000);
    expect(await options(id)).to.deep.include({ State: 'applied', HttpTokens: 'required' });
  });

  it('a user without ec2:ModifyInstanceMetadataOptions is refused and nothing changes (aws CLI)', async () => {
    const id = await launch(ec2, subnetId);
    const user = await userWith(range, 'viewer', [
      { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
    ]);
    const denied = await range.awsFails(
      ['ec2', 'modify-instance-metadata-options', '--instance-id', id, '--http-tokens', 'required'],
      { env: user.env },
    );
    expect(denied.stderr).to.contain('(UnauthorizedOperation)');
    expect(denied.stderr).to.contain('ec2:ModifyInstanceMetadataOptions');
    expect((await options(id)).HttpTokens).to.equal('optional');
  });

  it('CloudFormation launches an AWS::EC2::Instance with its MetadataOptions', async () => {
    const cfn = new CloudFormationClient(range.clientConfig());
    const template = {
      Resources: {
        Host: {
          Type: 'AWS::EC2::Instance',
          Properties: {
            ImageId: 'ami-0abcdef1234567890',
            SubnetId: subnetId,
            MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 3 },
          },
        },
      },
      Outputs: { Host: { Value: { Ref: 'Host' } } },
    };
    await cfn.send(new CreateStackCommand({ StackName: 'imds', TemplateBody: JSON.stringify(template) }));
    // CloudFormation waits for the instance to run, on the range clock: move it until the stack settles.
    let stack;
    for (;;) {
      stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'imds' }))).Stacks![0]!;
      if (!stack.StackStatus!.endsWith('_IN_PROGRESS')) break;
      clock.advance(500);
      await new Promise((r) => setImmediate(r));
    }
    expect(stack.StackStatus).to.equal('CREATE_COMPLETE');
    const id = stack.Outputs!.find((o) => o.OutputKey === 'Host')!.OutputValue!;
    expect(await options(id)).to.deep.include({ HttpTokens: 'required', HttpPutResponseHopLimit: 3 });

    // An update changes the options in place (no replacement), through ModifyInstanceMetadataOptions.
    template.Resources.Host.Properties.MetadataOptions = {
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 1,
    };
    await cfn.send(new UpdateStackCommand({ StackName: 'imds', TemplateBody: JSON.stringify(template) }));
    for (;;) {
      stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'imds' }))).Stacks![0]!;
      if (!stack.StackStatus!.endsWith('_IN_PROGRESS')) break;
      clock.advance(500);
      await new Promise((r) => setImmediate(r));
    }
    expect(stack.StackStatus).to.equal('UPDATE_COMPLETE');
    expect(stack.Outputs!.find((o) => o.OutputKey === 'Host')!.OutputValue).to.equal(id);
    clock.advance(2000);
    expect(await options(id)).to.deep.include({
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 1,
      State: 'applied',
    });
    const call = range.events('ModifyInstanceMetadataOptions').at(-1)!;
    expect(call.userAgent).to.equal('cloudformation.amazonaws.com');
  });
});
