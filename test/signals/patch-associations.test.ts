import { expect } from 'chai';
import { ManualClock } from '../../src/range/index.js';
import type { Condition } from '../../src/signals/registry.js';
import { expectFixedBy, startLive, statuses, type Live } from './live.js';

/**
 * State Manager associations that select instances by tag: the CreateAssociation event names neither
 * instance (only the association, in its resources), so patchCompliance learns which associations
 * select the instance from its tags. On a manual range clock, as in operations.test.ts.
 */
describe('patchCompliance credits an association that targets instances by tag', () => {
  let live: Live;
  const clock = new ManualClock();
  let subnet: string;

  before(async () => {
    live = await startLive({
      clock,
      startedAt: clock.now(),
      observer: { clock: { now: () => clock.now().getTime(), sleep: async (ms) => clock.advance(ms) } },
    });
    const vpc = (
      (await live.sirs.call('ec2:CreateVpc', { CidrBlock: '10.31.0.0/16' })).Vpc as { VpcId: string }
    ).VpcId;
    subnet = (
      (await live.sirs.call('ec2:CreateSubnet', { VpcId: vpc, CidrBlock: '10.31.1.0/24' })).Subnet as {
        SubnetId: string;
      }
    ).SubnetId;
  });
  after(() => live.stop());

  async function launch(tags: Record<string, string>): Promise<string> {
    const run = await live.sirs.call('ec2:RunInstances', {
      ImageId: 'ami-0123456789abcdef0',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnet,
      TagSpecifications: [
        { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    });
    return String((run.Instances as Array<{ InstanceId: string }>)[0]!.InstanceId);
  }

  const associate = (target: string) => {
    clock.advance(2000);
    return live.cli([
      'ssm',
      'create-association',
      '--name',
      'AWS-RunPatchBaseline',
      '--targets',
      target,
      '--parameters',
      'Operation=Install',
    ]);
  };

  it('by tag:<key> and by tag-key, each credited to the association that selected the instance', async () => {
    const web = await launch({ Role: 'web', 'sirs:range:missing-patches': '3' });
    const worker = await launch({ 'Patch Group': 'workers', 'sirs:range:missing-patches': '2' });
    clock.advance(60_000);
    const webPatched: Condition = { patchCompliance: { instance: web, expect: 'compliant' } };
    const workerPatched: Condition = { patchCompliance: { instance: worker, expect: 'compliant' } };
    expect(statuses(await live.tick(webPatched, workerPatched))).to.deep.equal(['not-met', 'not-met']);

    await associate('Key=tag:Role,Values=web');
    const byTag = live.range.events('CreateAssociation').at(-1)!;
    await associate('Key=tag-key,Values=Patch Group');
    // The install takes a minute: unfinished at the next tick.
    clock.advance(15_000);
    expect(statuses(await live.tick(webPatched, workerPatched))).to.deep.equal(['not-met', 'not-met']);
    clock.advance(5 * 60_000);
    const [webObs, workerObs] = await live.tick(webPatched, workerPatched);
    expectFixedBy(live, workerObs, 'CreateAssociation');
    // The web server was patched by the first association, not by the later one that does not select it.
    expect(webObs?.status === 'met' && webObs.evidence).to.include({
      source: 'cloudtrail',
      eventName: 'CreateAssociation',
      eventId: byTag.eventID,
    });
  });
});
