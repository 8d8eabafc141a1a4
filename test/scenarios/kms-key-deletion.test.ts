import { expect } from 'chai';
import { startTestRange, type TestRange } from '../range/harness.js';
import { phasePoints, runScenario } from './harness.js';

describe('scenario kms-key-deletion on the range', function () {
  this.timeout(120_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  it('autopilot: every phase on target, full score, cancel and enable credited to the autopilot', async () => {
    const run = await runScenario(range, 'kms-key-deletion', { autopilot: true, timeScale: 30 });
    expect(run.result.endReason).to.equal('resolved');
    expect(run.scenario.points).to.equal(100);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['on-target', 'on-target', 'on-target']);
    const contain = run.of('phase.met').find((e) => e.phase === 'contain')!;
    expect(contain.evidence[0]).to.include({ source: 'cloudtrail', eventName: 'CancelKeyDeletion' });
    expect(contain.evidence[0]!.userAgent).to.contain('autopilot/1');
    const recover = run.of('phase.met').find((e) => e.phase === 'recover')!;
    expect(recover.evidence.map((e) => [e.source, e.eventName])).to.deep.equal([
      ['cloudtrail', 'EnableKey'],
      ['cloudtrail', 'EnableKey'],
    ]);
    // The decryption check's evidence has sizes only, never the secret.
    expect(recover.evidence[1]!.summary).to.match(/decrypts under KMS key .* to 40 bytes/);
    expect(JSON.stringify(run.entries)).not.to.contain('correct-horse-battery-staple');
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.result.leftovers).to.deep.equal([]);
  });

  it('nobody responds: timed out, no phase met, no breach, only the hints cost points', async () => {
    const run = await runScenario(range, 'kms-key-deletion', { timeScale: 1800, tickMs: 100 });
    expect(run.result.endReason).to.equal('time-limit');
    expect(run.of('phase.met')).to.deep.equal([]);
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.of('hint.released').map((h) => h.cost)).to.deep.equal([5, 15]);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['missed', 'missed', 'missed']);
    // Hand-computed: 0 phase points - 20 for the hints, floored at 0.
    expect(run.scenario.points).to.equal(0);
    expect(run.of('scenario.state').at(-1)!.state).to.equal('timed-out');
    // Teardown deletes the stack although its key is still pending deletion (CloudFormation lets that
    // deletion stand), and the parameter the injection stored.
    expect(run.result.leftovers).to.deep.equal([]);
  });

  it('a human who waits for the first hint, then cancels (aws CLI) and enables (SDK) the key by ARN: 95', async () => {
    const run = await runScenario(range, 'kms-key-deletion', {
      timeScale: 60,
      respond: async (r) => {
        await r.waitFor((e) => e.type === 'hint' && e.index === 0);
        await r.ack('key-deletion', r.outputs.KeyId, 'pending deletion, 7-day window');
        // The alias the service uses is refused by the key-management calls: they take an id or an ARN.
        const byAlias = await r.call('kms:CancelKeyDeletion', { KeyId: r.outputs.AliasName }).then(
          () => 'accepted',
          (err: Error) => err.name,
        );
        expect(byAlias).to.equal('NotFoundException');
        await r.aws(['kms', 'cancel-key-deletion', '--key-id', r.outputs.KeyArn!]);
        await r.call('kms:EnableKey', { KeyId: r.outputs.KeyArn });
      },
    });
    expect(run.result.endReason).to.equal('resolved');
    // Hand-computed: detect 40 + contain 30 + recover 30, all on target (the hint comes at 5m, every
    // target is 10m or later), minus 5 for the hint.
    expect(phasePoints(run.scenario)).to.deep.equal({ detect: 40, contain: 30, recover: 30 });
    expect(run.scenario.hints).to.deep.equal({ count: 1, cost: 5 });
    expect(run.scenario.wrongAcks.count).to.equal(0);
    expect(run.scenario.points).to.equal(95);
    // The calls named the key by ARN; the evidence still finds them, and names the human's CLI.
    const contain = run.of('phase.met').find((e) => e.phase === 'contain')!;
    expect(contain.evidence[0]).to.include({ source: 'cloudtrail', eventName: 'CancelKeyDeletion' });
    expect(contain.evidence[0]!.userAgent).to.contain('aws-cli');
    const recover = run.of('phase.met').find((e) => e.phase === 'recover')!;
    expect(recover.evidence[0]).to.include({ source: 'cloudtrail', eventName: 'EnableKey' });
    expect(recover.evidence[0]!.userAgent).not.to.contain('sirs/');
    expect(run.of('steady-state.breached')).to.deep.equal([]);
  });
});
