import { expect } from 'chai';
import { delays } from '../../src/range/services/ec2/handlers/instances.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { phasePoints, runScenario } from './harness.js';

/**
 * The range runs patch documents on its clock (the wall clock here), an install taking a minute, while
 * the exercise runs `scale` times faster: the runs are shortened by the same factor, so a patch takes a
 * minute of exercise time as it does when the scenario is played.
 */
const realRunTimes = { ...runTimes };
function scaleRunTimes(scale: number): void {
  for (const [k, v] of Object.entries(realRunTimes)) runTimes[k as keyof typeof runTimes] = v / scale;
}

describe('scenario unpatched-instance on the range', function () {
  this.timeout(120_000);
  let range: TestRange;
  const realDelays = { ...delays };
  before(async () => {
    // Launching and terminating instances takes seconds of wall-clock range time: it only slows the
    // stack's creation and deletion here, which are not what these runs check.
    Object.assign(delays, { launch: 300, stop: 500, terminate: 500 });
    range = await startTestRange();
  });
  after(async () => {
    Object.assign(runTimes, realRunTimes);
    Object.assign(delays, realDelays);
    await range.stop();
  });

  it('autopilot: every phase on target, full score, both patch runs credited to its SendCommand', async () => {
    scaleRunTimes(30);
    const run = await runScenario(range, 'unpatched-instance', { autopilot: true, timeScale: 30 });
    expect(run.result.endReason).to.equal('resolved');
    expect(run.scenario.points).to.equal(100);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['on-target', 'on-target', 'on-target']);
    const met = (phase: string) => run.of('phase.met').find((e) => e.phase === phase)!;
    const send = range.events('SendCommand').at(-1)!;
    // The patch run takes a minute; the fix is dated by the call that started it, for both instances.
    for (const evidence of [met('contain').evidence[0]!, ...met('recover').evidence]) {
      expect(evidence).to.include({ source: 'cloudtrail', eventName: 'SendCommand', eventId: send.eventID });
      expect(evidence.userAgent).to.contain('autopilot/1');
    }
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.result.leftovers).to.deep.equal([]);
  });

  it('nobody responds: timed out, no phase met, no breach, only the hints cost points', async () => {
    scaleRunTimes(1800);
    const run = await runScenario(range, 'unpatched-instance', { timeScale: 1800, tickMs: 100 });
    expect(run.result.endReason).to.equal('time-limit');
    // The daily scan ran (it reports, it installs nothing): no false "patched".
    expect(run.of('phase.met')).to.deep.equal([]);
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.of('hint.released').map((h) => h.cost)).to.deep.equal([5, 10]);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['missed', 'missed', 'missed']);
    // 0 for the phases; the 15 points of hints cannot take a score below 0.
    expect(run.scenario.points).to.equal(0);
    expect(run.of('scenario.state').at(-1)!.state).to.equal('timed-out');
  });

  it('a human who waits for the first hint, then patches by a State Manager association targeting a tag: 95', async () => {
    scaleRunTimes(60);
    const run = await runScenario(range, 'unpatched-instance', {
      timeScale: 60,
      tickMs: 250,
      respond: async (r) => {
        const [web, worker] = [r.outputs.WebInstanceId!, r.outputs.WorkerInstanceId!];
        await r.waitFor((e) => e.type === 'hint' && e.index === 0);
        const summaries = (await r.aws([
          'ssm',
          'list-resource-compliance-summaries',
          '--filters',
          'Key=ComplianceType,Values=Patch,Type=EQUAL',
          'Key=Status,Values=NON_COMPLIANT,Type=EQUAL',
        ])) as { ResourceComplianceSummaryItems: Array<{ ResourceId: string }> };
        expect(summaries.ResourceComplianceSummaryItems.map((s) => s.ResourceId)).to.have.members([
          web,
          worker,
        ]);
        await r.ack('missing-patches', web, 'critical patches missing on the web server');
        // Every instance with a patch group, by tag, from now on and at once (not Run Command).
        await r.aws([
          'ssm',
          'create-association',
          '--name',
          'AWS-RunPatchBaseline',
          '--association-name',
          'patch-install-now',
          '--targets',
          'Key=tag-key,Values=Patch Group',
          '--parameters',
          'Operation=Install,RebootOption=RebootIfNeeded',
        ]);
      },
    });
    expect(run.result.endReason).to.equal('resolved');
    // Hand-computed: detect 40 + contain 30 + recover 30, all on target (the association is created
    // just after the 5m hint, the install takes a minute: well before the 20m and 30m targets), minus
    // the 5 points of the one hint released (the second comes at 15m, after the end).
    expect(phasePoints(run.scenario)).to.deep.equal({ detect: 40, contain: 30, recover: 30 });
    expect(run.scenario.hints).to.deep.include({ count: 1, cost: 5 });
    expect(run.scenario.wrongAcks.count).to.equal(0);
    expect(run.scenario.points).to.equal(95);
    expect(run.of('steady-state.breached')).to.deep.equal([]);

    // The association names no instance: it is credited through the instances' tags, to the responder.
    const created = range.events('CreateAssociation').at(-1)!;
    const met = (phase: string) => run.of('phase.met').find((e) => e.phase === phase)!;
    for (const evidence of [met('contain').evidence[0]!, ...met('recover').evidence]) {
      expect(evidence).to.include({
        source: 'cloudtrail',
        eventName: 'CreateAssociation',
        eventId: created.eventID,
      });
      expect(evidence.userAgent).to.contain('aws-cli');
    }
    expect(run.result.leftovers).to.deep.equal([]);
  });
});
