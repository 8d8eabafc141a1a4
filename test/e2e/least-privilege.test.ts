import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SirsError } from '../../src/errors.js';
import type { ExerciseEvent } from '../../src/exercise/events.js';
import { startExercise, type StartOptions } from '../../src/exercise/run.js';
import type { PolicyDocument } from '../../src/policy/generate.js';
import { sirsPolicy } from '../../src/policy/index.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { facilitatorWith } from '../policy/facilitator.js';
import { addScenario, leftoversOn, scratch } from './helpers.js';

/**
 * The permission check before injecting, on the range: a facilitator whose policy lacks one statement of
 * what `sirs policy` prints is refused before anything is created, with a message that names what is
 * missing. No exercise runs, so each case costs a few dozen calls.
 */
describe('e2e: sirs start refuses, before injecting, a principal that lacks part of sirs policy', function () {
  this.timeout(120_000);
  const SCENARIO = 'ssh-open-to-world';
  let range: TestRange;
  let dirs: { cwd: string; catalog: string };
  let file: string;
  let document: PolicyDocument;

  before(async () => {
    range = await startTestRange();
    dirs = scratch();
    process.env.SIRS_STATE_DIR = join(dirs.cwd, '.sirs');
    file = addScenario(dirs.catalog, SCENARIO);
    document = sirsPolicy({ scenarios: [file], cwd: dirs.cwd }).policy;
  });
  after(async () => {
    delete process.env.SIRS_STATE_DIR;
    rmSync(dirs.cwd, { recursive: true, force: true });
    await range.stop();
  });

  async function startAs(
    user: string,
    policy: PolicyDocument,
  ): Promise<{ error?: SirsError; events: ExerciseEvent[] }> {
    const facilitator = await facilitatorWith(range, policy, user);
    const events: ExerciseEvent[] = [];
    const opts: StartOptions = {
      scenarios: [file],
      target: {
        target: 'range',
        endpointUrl: range.endpoint,
        rangeKeys: { admin: facilitator.credentials, root: { ...range.rootCredentials } },
      },
      exerciseId: user,
      cwd: dirs.cwd,
      emit: (e) => events.push(e),
      confirm: async () => true,
      signal: new AbortController().signal,
      pollMs: 50,
      // Should an exercise go live after all, it ends at once (and the test fails on its stacks).
      live: async () => 'facilitator',
    };
    try {
      await startExercise(opts);
      return { events };
    } catch (err) {
      return { error: err as SirsError, events };
    }
  }

  it('with the whole policy the check passes and the exercise runs (inject to teardown)', async () => {
    const { error, events } = await startAs('lp-whole', document);
    expect(error).to.equal(undefined);
    expect(events.filter((e) => e.type === 'warning')).to.deep.equal([]);
    expect(events.map((e) => e.type)).to.include.members(['stack.created', 'live', 'teardown.done']);
    expect(await leftoversOn(range)).to.deep.equal([]);
  });

  it('each statement removed in turn: the start fails before injecting and names the missing permission', async () => {
    const statements = document.Statement;
    expect(statements.length).to.be.greaterThan(10);
    const failures: string[] = [];
    for (const [i, removed] of statements.entries()) {
      // Without the simulator's own permission sirs cannot check: it says so and goes on (tested below).
      if (removed.Action.includes('iam:SimulatePrincipalPolicy')) continue;
      const mark = range.events('CreateStack').length;
      const { error } = await startAs(`lp-${i}`, {
        ...document,
        Statement: statements.filter((s) => s !== removed),
      });
      const said = error ? [error.message, ...error.suggestions].join('\n') : '';
      if (!error) failures.push(`${removed.Sid}: the exercise started`);
      else if (!removed.Action.some((a) => said.includes(a)))
        failures.push(`${removed.Sid}: the refusal names none of ${removed.Action.join(', ')}: ${said}`);
      if (range.events('CreateStack').length !== mark) failures.push(`${removed.Sid}: a stack was created`);
    }
    expect(failures).to.deep.equal([]);
    expect(await leftoversOn(range)).to.deep.equal([]);
  });

  it('the refusal lists what is missing per statement and how to fix it', async () => {
    const removed = document.Statement.find((s) => s.Action.includes('cloudformation:CreateStack'))!;
    const { error } = await startAs('lp-create-stack', {
      ...document,
      Statement: document.Statement.filter((s) => s !== removed),
    });
    expect(error?.code).to.equal('permissions-missing');
    expect(error!.message).to.contain('user/lp-create-stack');
    // Per statement: its Sid, the actions no other statement grants either, and its resources.
    const line = error!.suggestions.find((s) => s.startsWith(`${removed.Sid}: `));
    expect(line).to.contain('cloudformation:CreateStack');
    expect(line).to.contain(`on ${[removed.Resource].flat().join(', ')}`);
    expect(error!.suggestions.join('\n')).to.contain(`sirs policy ${SCENARIO} --format cfn`);
  });

  it('when the simulator may not be asked, the start says so and goes on', async () => {
    const { error, events } = await startAs('lp-no-simulator', {
      ...document,
      Statement: document.Statement.filter((s) => !s.Action.includes('iam:SimulatePrincipalPolicy')),
    });
    expect(error).to.equal(undefined);
    const warnings = events.filter((e) => e.type === 'warning').map((e) => e.message);
    expect(warnings.join('\n')).to.match(
      /permissions not checked before injecting: iam:SimulatePrincipalPolicy was refused \(AccessDenied\)/,
    );
    expect(await leftoversOn(range)).to.deep.equal([]);
  });
});
