import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestRange, type TestRange } from '../range/harness.js';
import { startExercise } from '../../src/exercise/run.js';
import { controllerLivePhase } from '../../src/controller/live.js';
import type { Controller, ControllerEvent } from '../../src/controller/controller.js';
import { describeControllerEvent } from '../../src/cli/exercise/controller-render.js';
import { readJournal } from '../../src/exercise/journal.js';
import { leftoversOn, scratch } from './helpers.js';

const fast = fileURLToPath(new URL('./fixtures/scenarios/fast-ssh.yaml', import.meta.url));

describe('e2e: wrap-up keeps the exercise up after the last phase', function () {
  this.timeout(60_000);
  let range: TestRange;
  let dirs: { cwd: string; catalog: string };
  before(async () => {
    range = await startTestRange();
    dirs = scratch();
  });
  after(async () => {
    await range.stop();
    rmSync(dirs.cwd, { recursive: true, force: true });
  });

  it("the runbook's validation step works during wrap-up; teardown follows it; the room is told", async () => {
    const events: ControllerEvent[] = [];
    let validation: Promise<unknown> | undefined;
    let facilitator: Controller | undefined;
    let sgId = '';
    const result = await startExercise({
      scenarios: [fast],
      target: { target: 'range', endpointUrl: range.endpoint },
      cwd: dirs.cwd,
      exerciseId: 'wrap-up',
      autopilot: true,
      timeScale: 4,
      emit: () => {},
      confirm: async () => true,
      signal: new AbortController().signal,
      pollMs: 50,
      live: async (ctx) => {
        sgId = ctx.outputs['fast-ssh']!.WebSgId!;
        return controllerLivePhase({
          tickMs: 100,
          wrapUpMs: 30 * 60_000, // longer than the test: the facilitator ends it
          onController: (controller) => {
            facilitator = controller;
          },
          onEvent: (e) => {
            events.push(e);
            // A responder validates the fix with the aws CLI, as the runbook says; then the facilitator
            // ends the wrap-up.
            if (e.type === 'wrap-up') {
              validation = range.aws(['ec2', 'describe-security-groups', '--group-ids', sgId]);
              validation.finally(() => facilitator?.end()).catch(() => {});
            }
          },
        })(ctx);
      },
    });
    expect(result.endReason).to.equal('resolved');
    const described = (await validation) as { SecurityGroups: Array<{ GroupId: string }> };
    expect(described.SecurityGroups[0]!.GroupId).to.equal(sgId);

    const types = readJournal(result.journal).map((e) => e.type);
    const last = types.lastIndexOf('phase.met');
    const wrap = types.indexOf('wrap-up');
    expect(wrap).to.be.greaterThan(last);
    expect(types.indexOf('controller.ended')).to.be.greaterThan(wrap);
    expect(types.indexOf('teardown.started')).to.be.greaterThan(types.indexOf('controller.ended'));
    expect(result.score!.scenarios[0]!.phases.map((p) => p.verdict)).to.deep.equal([
      'on-target',
      'on-target',
      'on-target',
    ]);

    const announced = describeControllerEvent(events.find((e) => e.type === 'wrap-up')!);
    expect(announced)
      .to.match(/the score is final/)
      .and.to.match(/stays up for 30m/);
    expect(await leftoversOn(range)).to.deep.equal([]);
  });
});
