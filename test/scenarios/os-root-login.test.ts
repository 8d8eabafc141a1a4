import { expect } from 'chai';
import { delays } from '../../src/range/services/ec2/handlers/instances.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { phasePoints, runScenario } from './harness.js';

describe('scenario os-root-login on the range', function () {
  this.timeout(120_000);
  let range: TestRange;
  const realDelays = { ...delays };
  before(async () => {
    // Launching and terminating the host takes seconds of wall-clock range time: it only slows the
    // stack's creation and deletion here, which are not what these runs check.
    Object.assign(delays, { launch: 300, stop: 500, terminate: 500 });
    range = await startTestRange();
  });
  after(async () => {
    Object.assign(delays, realDelays);
    await range.stop();
  });

  it('autopilot: every phase on target, full score, quarantine group and snapshot credited to the autopilot', async () => {
    const run = await runScenario(range, 'os-root-login', { autopilot: true, timeScale: 30 });
    expect(run.result.endReason).to.equal('resolved');
    expect(run.scenario.points).to.equal(100);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['on-target', 'on-target', 'on-target']);
    const met = (phase: string) => run.of('phase.met').find((e) => e.phase === phase)!;
    expect(met('contain').evidence[0]).to.include({
      source: 'cloudtrail',
      eventName: 'ModifyInstanceAttribute',
    });
    expect(met('contain').evidence[0]!.userAgent).to.contain('autopilot/1');
    // Recovery: still isolated, and the snapshot the autopilot started.
    expect(met('recover').evidence[1]).to.include({ source: 'cloudtrail', eventName: 'CreateSnapshot' });
    expect(met('recover').evidence[1]!.userAgent).to.contain('autopilot/1');
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.result.leftovers).to.deep.equal([]);
  });

  it('nobody responds: timed out, no phase met, no breach, only the hints cost points', async () => {
    const run = await runScenario(range, 'os-root-login', { timeScale: 1800, tickMs: 100 });
    expect(run.result.endReason).to.equal('time-limit');
    expect(run.of('phase.met')).to.deep.equal([]);
    // The alarm fired and the host kept running: neither is a response, nor collateral damage.
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.of('hint.released').map((h) => h.cost)).to.deep.equal([5, 10]);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['missed', 'missed', 'missed']);
    // 0 for the phases; the 15 points of hints cannot take a score below 0.
    expect(run.scenario.points).to.equal(0);
    expect(run.of('scenario.state').at(-1)!.state).to.equal('timed-out');
  });

  it('a human who blames the security group first, then cuts the subnet off with the deny-all ACL and snapshots with the CLI: 95', async () => {
    const run = await runScenario(range, 'os-root-login', {
      timeScale: 5,
      tickMs: 250,
      respond: async (r) => {
        const [host, group, subnet] = [r.outputs.InstanceId!, r.outputs.JumpSgId!, r.outputs.SubnetId!];
        await r.ack('root-login', group, 'SSH open to the world on the jump host group');
        await r.waitFor((e) => e.type === 'ack' && e.wrong.length === 1);

        // The log names the host: its stream is the instance id.
        const found = (await r.call('logs:FilterLogEvents', {
          logGroupName: r.outputs.SyslogGroup,
          filterPattern: '"Accepted password for root"',
        })) as { events: Array<{ logStreamName: string; message: string }> };
        expect(found.events.map((e) => e.logStreamName)).to.deep.equal([host]);
        expect(found.events[0]!.message).to.contain('from 198.51.100.23');
        await r.ack('root-login', host, 'root password login from 198.51.100.23');

        // Stateless isolation: the subnet (the host is alone in it) moves to the deny-all ACL.
        const acls = (await r.call('ec2:DescribeNetworkAcls', {
          Filters: [{ Name: 'association.subnet-id', Values: [subnet] }],
        })) as {
          NetworkAcls: Array<{ Associations: Array<{ SubnetId: string; NetworkAclAssociationId: string }> }>;
        };
        const association = acls.NetworkAcls[0]!.Associations.find((a) => a.SubnetId === subnet)!;
        await r.call('ec2:ReplaceNetworkAclAssociation', {
          AssociationId: association.NetworkAclAssociationId,
          NetworkAclId: r.outputs.QuarantineAclId,
        });

        const volume = (r.actions['root-volume']!.Volumes as Array<{ VolumeId: string }>)[0]!.VolumeId;
        await r.aws(['ec2', 'create-snapshot', '--volume-id', volume, '--description', 'forensics']);
      },
    });
    expect(run.result.endReason).to.equal('resolved');
    // Hand-computed: detect 40 + contain 30 + recover 30, all on target (the first hint comes at 5m, a
    // minute of clock time at this scale), minus 5 for naming the security group instead of the host.
    expect(phasePoints(run.scenario)).to.deep.equal({ detect: 40, contain: 30, recover: 30 });
    expect(run.scenario.wrongAcks).to.deep.equal({ count: 1, penalty: 5 });
    expect(run.scenario.hints.count).to.equal(0);
    expect(run.scenario.points).to.equal(95);
    expect(run.of('steady-state.breached')).to.deep.equal([]);

    const met = (phase: string) => run.of('phase.met').find((e) => e.phase === phase)!;
    const contain = met('contain').evidence[0]!;
    expect(contain).to.include({ source: 'cloudtrail', eventName: 'ReplaceNetworkAclAssociation' });
    expect(contain.summary).to.contain(
      `denied by network ACL ${run.result.outputs['os-root-login']!.QuarantineAclId}`,
    );
    expect(contain.userAgent).not.to.contain('autopilot');
    const snapshot = met('recover').evidence[1]!;
    expect(snapshot).to.include({ source: 'cloudtrail', eventName: 'CreateSnapshot' });
    expect(snapshot.userAgent).to.contain('aws-cli');
    // The responder's ACL association and snapshot do not keep the stack from being deleted.
    expect(run.result.leftovers).to.deep.equal([]);
  });
});
