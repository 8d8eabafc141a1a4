import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ManualClock } from '../../src/range/clock.js';
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
      await cfn.send(new CreateStackCommand({ StackName: 'marker', TemplateBody: 'Resources: { M: { Type: AWS::CloudFormation::WaitConditionHandle } }' }));
      const onDisk = () => {
        const state = JSON.parse(readFileSync(join(dir, 'range-state.json'), 'utf8')) as Record<string, { stacks?: Record<string, { status: string }> }>;
        return Object.values(state['cloudformation/123456789012/us-east-1']?.stacks ?? {}).map((s) => s.status);
      };
      await sleep(700);
      expect(onDisk()).to.deep.equal(['CREATE_IN_PROGRESS']);
      for (let i = 0; i < 20; i++) {
        clock.advance(10);
        await sleep(1);
      }
      expect((await cfn.send(new DescribeStacksCommand({ StackName: 'marker' }))).Stacks?.[0]?.StackStatus).to.equal('CREATE_COMPLETE');
      await sleep(700);
      expect(onDisk()).to.deep.equal(['CREATE_COMPLETE']);
    } finally {
      await range.stop();
    }
  });
});
