import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsCli } from '../aws-cli/index.js';
import { startExercise } from '../../src/exercise/run.js';
import { controllerLivePhase } from '../../src/controller/live.js';
import type { Controller, ControllerEvent } from '../../src/controller/controller.js';
import type { ExerciseEvent } from '../../src/exercise/events.js';
import { describeControllerEvent } from '../../src/cli/exercise/controller-render.js';
import { readJournal } from '../../src/exercise/journal.js';
import { scoreJournal } from '../../src/controller/scoring.js';

const fast = fileURLToPath(new URL('./fixtures/scenarios/fast-ssh.yaml', import.meta.url));

describe('e2e: wrap-up keeps the exercise up after the last phase', function () {
  this.timeout(60_000);
  let cwd: string;
  before(() => {
    cwd = mkdtempSync(join(tmpdir(), 'sirs-wrap-up-'));
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it("the runbook's validation step works during wrap-up (aws CLI, responder environment); teardown follows it; the room is told", async () => {
    const events: ControllerEvent[] = [];
    let responderEnv: Record<string, string> = {};
    let validation: Promise<{ code: number; stdout: string; stderr: string }> | undefined;
    let facilitator: Controller | undefined;
    let sgId = '';
    const result = await startExercise({
      scenarios: [fast],
      target: { target: 'range' }, // its own in-process range, as the quick start
      cwd,
      exerciseId: 'wrap-up',
      autopilot: true,
      timeScale: 4,
      // What responders paste into their shell.
      emit: (e: ExerciseEvent) => {
        if (e.type === 'live' && e.env) responderEnv = e.env;
      },
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
              validation = awsCli().then((cli) =>
                cli.run(['ec2', 'describe-security-groups', '--group-ids', sgId, '--output', 'json'], {
                  PATH: process.env.PATH ?? '',
                  HOME: cwd,
                  ...responderEnv,
                }),
              );
              validation.finally(() => facilitator?.end()).catch(() => {});
            }
          },
        })(ctx);
      },
    });
    expect(result.endReason).to.equal('resolved');
    const described = await validation!;
    expect(described.code, described.stderr).to.equal(0);
    expect(JSON.parse(described.stdout).SecurityGroups[0].GroupId).to.equal(sgId);

    const journal = readJournal(result.journal);
    const types = journal.map((e) => e.type);
    const wrap = types.indexOf('wrap-up');
    expect(wrap).to.be.greaterThan(types.lastIndexOf('phase.met'));
    expect(types.indexOf('controller.ended')).to.be.greaterThan(wrap);
    expect(types.indexOf('teardown.started')).to.be.greaterThan(types.indexOf('controller.ended'));
    // The score is final at the last phase: what came after it changed nothing.
    expect(result.score).to.deep.equal(scoreJournal(journal.slice(0, wrap)));
    expect(result.leftovers).to.deep.equal([]);

    const announced = describeControllerEvent(events.find((e) => e.type === 'wrap-up')!);
    expect(announced)
      .to.match(/the score is final/)
      .and.to.match(/stays up for 30m/);
  });
});
