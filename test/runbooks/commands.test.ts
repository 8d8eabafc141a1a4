import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestRange, type TestRange } from '../range/harness.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import { delays } from '../../src/range/services/ec2/handlers/instances.js';
import { startExercise, exerciseFacts, type LivePhase } from '../../src/exercise/run.js';
import { controllerLivePhase } from '../../src/controller/live.js';
import { readJournal } from '../../src/exercise/journal.js';
import { scoreJournal } from '../../src/controller/scoring.js';
import { catalogEntries } from '../../src/scenario/catalog.js';
import { packageRoot } from '../../src/paths.js';
import { loadScenario } from '../../src/scenario/load.js';
import { renderScenarioRunbook } from '../../src/runbook/write.js';
import { shellBlocks } from '../../src/runbook/commands.js';
import { describeFailures, runRunbook, type CommandRun } from './harness.js';

/**
 * Every shipped scenario's runbook, rendered with --spoilers for a live exercise on the range and
 * followed to the letter by a script: every command of every shell block must work and agree with what
 * the runbook says to expect, and doing what it says must resolve the incident without collateral damage.
 */
describe('runbooks: every command of every shipped runbook works on a live exercise', function () {
  this.timeout(300_000);
  let range: TestRange;
  // The range simulates how long instances take to launch and patch runs to finish (a minute for an
  // install). Here they are ten times shorter: a runbook's own waits (`aws ssm wait command-executed`,
  // polling for a snapshot) still wait for them, they just return sooner.
  const realRunTimes = { ...runTimes };
  const realDelays = { ...delays };
  before(async () => {
    for (const [k, v] of Object.entries(realRunTimes)) runTimes[k as keyof typeof runTimes] = v / 10;
    Object.assign(delays, { launch: 300, stop: 500, terminate: 500 });
    range = await startTestRange();
  });
  after(async () => {
    Object.assign(runTimes, realRunTimes);
    Object.assign(delays, realDelays);
    await range.stop();
  });

  for (const id of catalogEntries(packageRoot()).scenarios) {
    it(`${id}: followed to the letter, the runbook's commands all work and resolve the incident`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'sirs-runbook-test-'));
      const abort = new AbortController();
      const loaded = loadScenario(id);
      let runs: CommandRun[] = [];
      let total = 0;
      let spoilerFree = '';
      let secrets: string[] = [];
      const controller = controllerLivePhase({ tickMs: 250, onEvent: () => {} });
      const live: LivePhase = async (ctx) => {
        const ending = controller(ctx);
        const facts = exerciseFacts(ctx, ctx, id);
        const rendered = renderScenarioRunbook(loaded, facts, { spoilers: true });
        secrets = rendered.discoveries.map((d) => d.value).filter((v) => v.length >= 6);
        spoilerFree = readFileSync(
          join(cwd, '.sirs', 'exercises', ctx.exerciseId, 'runbooks', `${id}.md`),
          'utf8',
        );
        total = shellBlocks(rendered.markdown).flatMap((b) => b.commands).length;
        runs = await runRunbook(
          rendered.markdown,
          { ...range.env(), SIRS_EXERCISE: ctx.exerciseId },
          { cwd },
        );
        // The controller sees the fix within a few ticks, or the runbook did not fix it.
        const timer = setTimeout(() => abort.abort(), 10_000);
        try {
          return await ending;
        } finally {
          clearTimeout(timer);
        }
      };
      try {
        const result = await startExercise({
          scenarios: [id],
          target: range.sirsTarget(),
          exerciseId: `rb-${id}`.slice(0, 32).replace(/-$/, ''),
          cwd,
          emit: () => {},
          confirm: async () => true,
          signal: abort.signal,
          live,
          pollMs: 50,
        });
        expect(total, 'the runbook has commands').to.be.greaterThan(3);
        expect(describeFailures(runs, total)).to.equal('');
        expect(runs.some((r) => r.command.program === 'aws')).to.equal(true);
        for (const s of secrets)
          expect(spoilerFree, 'the responders’ copy has no spoilers').not.to.contain(s);
        expect(result.endReason, 'the incident is resolved').to.equal('resolved');
        const entries = readJournal(result.journal);
        expect(entries.filter((e) => e.type === 'steady-state.breached')).to.deep.equal([]);
        const score = scoreJournal(entries)!;
        for (const p of score.scenarios[0]!.phases) expect(p.verdict, p.phase).to.equal('on-target');
        expect(result.leftovers).to.deep.equal([]);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }
});
