import { expect } from 'chai';
import { startTestRange, type TestRange } from '../range/harness.js';
import { phasePoints, runScenario } from './harness.js';

describe('scenario public-ebs-snapshot on the range', function () {
  this.timeout(120_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  it('autopilot: every phase on target, full score, the unsharing credited to the autopilot', async () => {
    const run = await runScenario(range, 'public-ebs-snapshot', { autopilot: true, timeScale: 30 });
    expect(run.result.endReason).to.equal('resolved');
    expect(run.scenario.points).to.equal(100);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['on-target', 'on-target', 'on-target']);
    const contain = run.of('phase.met').find((e) => e.phase === 'contain')!;
    expect(contain.evidence[0]).to.include({ source: 'cloudtrail', eventName: 'ModifySnapshotAttribute' });
    expect(contain.evidence[0]!.userAgent).to.contain('autopilot/1');
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    // The snapshot an inject action made is removed at teardown with the stack's volume.
    expect(run.of('action.created').map((c) => c.undo.call)).to.deep.equal(['ec2:DeleteSnapshot']);
    expect(run.result.leftovers).to.deep.equal([]);
  });

  it('nobody responds: timed out, no phase met, no breach, only the hints cost points', async () => {
    const run = await runScenario(range, 'public-ebs-snapshot', { timeScale: 1800, tickMs: 100 });
    expect(run.result.endReason).to.equal('time-limit');
    expect(run.of('phase.met')).to.deep.equal([]);
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.of('hint.released').map((h) => h.cost)).to.deep.equal([5, 15]);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['missed', 'missed', 'missed']);
    // Hand-computed: 0 phase points - 20 for the hints, floored at 0.
    expect(run.scenario.points).to.equal(0);
    expect(run.of('scenario.state').at(-1)!.state).to.equal('timed-out');
  });

  it('a human who first names the volume, then resets the snapshot permissions with the aws CLI: 95', async () => {
    const run = await runScenario(range, 'public-ebs-snapshot', {
      timeScale: 10,
      respond: async (r) => {
        const found = (await r.aws([
          'ec2',
          'describe-snapshots',
          '--owner-ids',
          'self',
          '--restorable-by-user-ids',
          'all',
        ])) as { Snapshots: Array<{ SnapshotId: string; VolumeId: string }> };
        const snap = found.Snapshots.find((s) => s.VolumeId === r.outputs.VolumeId)!;
        // The volume holds the data, but what is exposed is the snapshot: a wrong identification.
        await r.ack('public-snapshot', snap.VolumeId, 'billing volume exposed');
        await r.waitFor((e) => e.type === 'ack' && e.wrong.length === 1);
        await r.ack('public-snapshot', snap.SnapshotId, 'restorable by all accounts');
        // Another API path than the autopilot's ModifySnapshotAttribute: every permission reset at once.
        await r.aws([
          'ec2',
          'reset-snapshot-attribute',
          '--snapshot-id',
          snap.SnapshotId,
          '--attribute',
          'createVolumePermission',
        ]);
      },
    });
    expect(run.result.endReason).to.equal('resolved');
    // Hand-computed: detect 40 + contain 30 + recover 30, all on target, minus 5 for one wrong identification.
    expect(phasePoints(run.scenario)).to.deep.equal({ detect: 40, contain: 30, recover: 30 });
    expect(run.scenario.wrongAcks).to.deep.equal({ count: 1, penalty: 5 });
    expect(run.scenario.hints.count).to.equal(0);
    expect(run.scenario.points).to.equal(95);
    const contain = run.of('phase.met').find((e) => e.phase === 'contain')!;
    expect(contain.evidence[0]).to.include({ source: 'cloudtrail', eventName: 'ResetSnapshotAttribute' });
    expect(contain.evidence[0]!.userAgent).to.contain('aws-cli');
    expect(run.of('steady-state.breached')).to.deep.equal([]);
  });
});
