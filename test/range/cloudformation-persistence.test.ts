import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { ManualClock } from '../../src/range/clock.js';
import { readStateFolder } from '../../src/range/persistence/open.js';
import { cloudFormationService } from '../../src/range/services/cloudformation/index.js';
import { rangeServices } from '../../src/range/services/index.js';
import { startTestRange } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('range: CloudFormation state on disk', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-cfn-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // range core: work scheduled on the range clock changes state outside any request; the periodic save must see it.
  it('saves what a stack operation does on the range clock, without waiting for another request', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
    const range = await startTestRange({ clock, stateDir: dir });
    try {
      const cfn = new CloudFormationClient(range.clientConfig());
      await cfn.send(
        new CreateStackCommand({
          StackName: 'marker',
          TemplateBody: 'Resources: { M: { Type: AWS::CloudFormation::WaitConditionHandle } }',
        }),
      );
      const onDisk = () => {
        const state = readStateFolder(dir) as Record<string, { stacks?: Record<string, { status: string }> }>;
        return Object.values(state['cloudformation/123456789012/us-east-1']?.stacks ?? {}).map(
          (s) => s.status,
        );
      };
      await sleep(700);
      expect(onDisk()).to.deep.equal(['CREATE_IN_PROGRESS']);
      for (let i = 0; i < 20; i++) {
        clock.advance(10);
        await sleep(1);
      }
      expect(
        (await cfn.send(new DescribeStacksCommand({ StackName: 'marker' }))).Stacks?.[0]?.StackStatus,
      ).to.equal('CREATE_COMPLETE');
      await sleep(700);
      expect(onDisk()).to.deep.equal(['CREATE_COMPLETE']);
    } finally {
      await range.stop();
    }
  });

  /** A range as a new process would start it on the same state directory: fresh services, nothing running. */
  const restart = (clock?: ManualClock) =>
    startTestRange({
      stateDir: dir,
      clock,
      services: [...rangeServices.filter((s) => s.name !== 'cloudformation'), cloudFormationService()],
    });

  async function settled(cfn: CloudFormationClient, name: string): Promise<Stack> {
    for (let i = 0; i < 400; i++) {
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
      if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
      await sleep(25);
    }
    throw new Error(`stack ${name} never settled`);
  }

  it('keeps stacks across a restart, deletes their resources afterwards, and fails operations a restart cut short', async () => {
    const first = await restart();
    let topicArn: string;
    try {
      const cfn = new CloudFormationClient(first.clientConfig());
      await cfn.send(
        new CreateStackCommand({
          StackName: 'kept',
          TemplateBody: 'Resources: { T: { Type: AWS::SNS::Topic } }\nOutputs: { Arn: { Value: !Ref T } }',
        }),
      );
      topicArn = (await settled(cfn, 'kept')).Outputs?.[0]?.OutputValue ?? '';
    } finally {
      await first.stop();
    }
    // A stack whose creation never got to run: the clock of this range does not move.
    const frozen = await restart(new ManualClock(Date.parse('2026-03-01T12:00:00Z')));
    try {
      const cfn = new CloudFormationClient(frozen.clientConfig());
      await cfn.send(
        new CreateStackCommand({
          StackName: 'cut',
          TemplateBody: 'Resources: { T: { Type: AWS::SNS::Topic } }',
        }),
      );
      expect(
        (await cfn.send(new DescribeStacksCommand({ StackName: 'cut' }))).Stacks?.[0]?.StackStatus,
      ).to.equal('CREATE_IN_PROGRESS');
    } finally {
      await frozen.stop();
    }
    const second = await restart();
    try {
      const cfn = new CloudFormationClient(second.clientConfig());
      const kept = (await cfn.send(new DescribeStacksCommand({ StackName: 'kept' }))).Stacks?.[0];
      expect(kept?.StackStatus).to.equal('CREATE_COMPLETE');
      const cut = (await cfn.send(new DescribeStacksCommand({ StackName: 'cut' }))).Stacks?.[0];
      expect(cut).to.deep.include({
        StackStatus: 'CREATE_FAILED',
        StackStatusReason: 'Internal Failure: the range stopped while this operation was in progress.',
      });
      await cfn.send(new DeleteStackCommand({ StackName: 'cut' }));
      await cfn.send(new DeleteStackCommand({ StackName: 'kept' }));
      expect((await settled(cfn, kept?.StackId ?? '')).StackStatus).to.equal('DELETE_COMPLETE');
      const sns = new SNSClient(second.clientConfig());
      const gone = await sns
        .send(new GetTopicAttributesCommand({ TopicArn: topicArn }))
        .catch((e: Error) => e);
      expect(gone).to.have.property('name', 'NotFoundException');
    } finally {
      await second.stop();
    }
  });
});
