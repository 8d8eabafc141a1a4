import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestRange, type TestRange } from '../range/harness.js';
import { startExercise } from '../../src/exercise/run.js';
import { controllerLivePhase } from '../../src/controller/live.js';
import type { ControllerEvent } from '../../src/controller/controller.js';
import { readJournal } from '../../src/exercise/journal.js';
import { leftoversOn, mutatingSince, scratch } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Resolved here: `--import tsx` would be looked up from the child's working directory.
const tsxLoader = import.meta.resolve('tsx');
const fast = join(root, 'test', 'e2e', 'fixtures', 'scenarios', 'fast-ssh.yaml');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: Array<Record<string, unknown>>;
}

let rangeEnv: Record<string, string> = {};

/** Run the CLI from src in a scratch directory; `until` resolves early when an event line matches. */
function sirs(
  args: string[],
  opts: {
    cwd: string;
    env?: Record<string, string>;
    onLine?: (e: Record<string, unknown>, kill: (sig: NodeJS.Signals) => void) => void;
  },
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, join(root, 'bin', 'dev.js'), ...args], {
      cwd: opts.cwd,
      // The range's environment, as a facilitator pastes what `sirs range start` printed.
      env: { ...process.env, SIRS_STATE_DIR: join(opts.cwd, '.sirs'), ...rangeEnv, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: Run = { code: null, stdout: '', stderr: '', lines: [] };
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      run.stdout += c.toString();
      buf += c.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const e = JSON.parse(line) as Record<string, unknown>;
          run.lines.push(e);
          opts.onLine?.(e, (sig) => child.kill(sig));
        } catch {
          // plain output
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => (run.stderr += c.toString()));
    child.on('exit', (code) => {
      run.code = code;
      resolve(run);
    });
  });
}

describe('e2e: game days on the range', function () {
  this.timeout(180_000);
  let range: TestRange;
  let dirs: { cwd: string; catalog: string };
  before(async () => {
    range = await startTestRange();
    rangeEnv = range.env();
  });
  after(() => range.stop());
  beforeEach(() => {
    dirs = scratch();
  });
  afterEach(() => rmSync(dirs.cwd, { recursive: true, force: true }));

  it('the quick start: `sirs start ssh-open-to-world --autopilot` finishes with a scored result and leaves nothing', async () => {
    // On its own in-process range, exactly as the README says (plus --yes and --json: no terminal here).
    const run = await sirs(['start', 'ssh-open-to-world', '--autopilot', '--yes', '--json'], {
      cwd: dirs.cwd,
    });
    expect(run.code, run.stderr).to.equal(0);
    const result = run.lines.find((l) => l.type === 'result') as {
      endReason: string;
      leftovers: unknown[];
      score: { total: number; grade: string; scenarios: Array<{ phases: Array<{ verdict: string }> }> };
    };
    expect(result.endReason).to.equal('resolved');
    expect(result.leftovers).to.deep.equal([]);
    expect(result.score.total).to.equal(100);
    expect(result.score.grade).to.equal('A');
    expect(result.score.scenarios[0]!.phases.map((p) => p.verdict)).to.deep.equal([
      'on-target',
      'on-target',
      'on-target',
    ]);
    const types = run.lines.map((l) => l.type);
    expect(types).to.include.members([
      'preflight',
      'live',
      'autopilot',
      'phase.met',
      'controller.ended',
      'teardown.done',
    ]);
  });

  it('refuses without --yes when there is no terminal, before any mutating call', async () => {
    const mark = range.events().length;
    const run = await sirs(['start', fast, '--endpoint-url', range.endpoint], { cwd: dirs.cwd });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('not an interactive terminal').and.to.contain('--yes');
    expect(mutatingSince(range, mark)).to.deep.equal([]);
    expect(existsSync(join(dirs.cwd, '.sirs', 'exercises'))).to.equal(false);
  });

  it('a drill with autopilot passes and writes JUnit and JSON; without it, it fails at the time limit', async () => {
    const junit = join(dirs.cwd, 'out', 'drill.xml');
    const results = join(dirs.cwd, 'out', 'drill.json');
    const ok = await sirs(
      [
        'drill',
        fast,
        '--endpoint-url',
        range.endpoint,
        '--tick',
        '250ms',
        '--junit',
        junit,
        '--results',
        results,
      ],
      { cwd: dirs.cwd },
    );
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.contain('PASSED');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).to.contain('tests="3" failures="0"').and.to.contain('name="fast-ssh detect"');
    expect(JSON.parse(readFileSync(results, 'utf8'))).to.include({ passed: true, endReason: 'resolved' });

    const failed = await sirs(
      [
        'drill',
        fast,
        '--no-autopilot',
        '--time-limit',
        '3s',
        '--tick',
        '250ms',
        '--endpoint-url',
        range.endpoint,
        '--junit',
        junit,
      ],
      { cwd: dirs.cwd },
    );
    expect(failed.code).to.equal(1);
    expect(readFileSync(junit, 'utf8')).to.contain('failures="3"').and.to.contain('type="missed"');
    expect(await leftoversOn(range)).to.deep.equal([]);
  });

  it("Ctrl-C ends a live exercise, tears it down and keeps the journal; a responder's `sirs ack` reaches the controller", async () => {
    let exerciseId = '';
    let acked = false;
    const run = await sirs(
      [
        'start',
        fast,
        '--yes',
        '--json',
        '--endpoint-url',
        range.endpoint,
        '--tick',
        '250ms',
        '--exercise-id',
        'ctrl-c',
      ],
      {
        cwd: dirs.cwd,
        onLine: (e, kill) => {
          if (e.type === 'live') {
            exerciseId = String(e.exerciseId);
            // A responder in another shell, with only the range's environment.
            void sirs(['ack', 'ssh-exposure', '--resource', 'sg-not-this-one', '--exercise', exerciseId], {
              cwd: dirs.cwd,
              env: range.env(),
            }).then((r) => {
              acked = r.code === 0;
            });
          }
          if (e.type === 'ack') setTimeout(() => kill('SIGINT'), 300);
        },
      },
    );
    expect(acked).to.equal(true);
    expect(run.code, run.stderr).to.equal(0);
    const ack = run.lines.find((l) => l.type === 'ack') as { wrong: string[]; ack: { by: string } };
    expect(ack.wrong).to.deep.equal(['fast-ssh']);
    expect(ack.ack.by).to.equal(`arn:aws:iam::${range.accountId}:user/range-admin`);
    expect(run.lines.find((l) => l.type === 'controller.ended')).to.include({ reason: 'interrupted' });
    const journal = readJournal(join(dirs.cwd, '.sirs', 'exercises', 'ctrl-c', 'journal.jsonl'));
    expect(journal.map((e) => e.type)).to.include.members([
      'ack.received',
      'scenario.state',
      'teardown.done',
      'channel.deleted',
    ]);
    expect(await leftoversOn(range)).to.deep.equal([]);
  });

  describe('under faults (throttle 30%, errors 5%) while live', () => {
    async function exercise(autopilot: boolean) {
      const events: ControllerEvent[] = [];
      const result = await startExercise({
        scenarios: [fast],
        target: { target: 'range', ...range.sirsTarget() },
        cwd: dirs.cwd,
        autopilot,
        ...(autopilot ? {} : { timeLimitMs: 8000 }),
        emit: () => {},
        confirm: async () => true,
        signal: new AbortController().signal,
        pollMs: 50,
        live: async (ctx) => {
          range.setFaults({ throttle: 0.3, error: 0.05 });
          try {
            return await controllerLivePhase({ tickMs: 250, onEvent: (e) => events.push(e) })(ctx);
          } finally {
            range.setFaults({});
          }
        },
      });
      return { result, events };
    }

    it('nobody fixes anything: zero detections or remediations, only unknowns', async () => {
      const { result, events } = await exercise(false);
      expect(result.endReason).to.equal('time-limit');
      expect(events.filter((e) => e.type === 'phase.met')).to.deep.equal([]);
      const unknowns = events
        .filter((e) => e.type === 'controller.tick')
        .reduce((n, e) => n + (e.type === 'controller.tick' ? e.unknown : 0), 0);
      expect(unknowns, 'the faults really hit the probes').to.be.greaterThan(0);
      expect(result.score?.total).to.equal(0);
      expect(await leftoversOn(range)).to.deep.equal([]);
    });

    it('with autopilot: fully scored', async () => {
      const { result, events } = await exercise(true);
      expect(result.endReason).to.equal('resolved');
      expect(
        events.filter((e) => e.type === 'phase.met').map((e) => e.type === 'phase.met' && e.phase),
      ).to.deep.equal(['detect', 'contain', 'recover']);
      expect(result.score?.scenarios[0]?.phases.every((p) => p.verdict !== 'missed')).to.equal(true);
      expect(await leftoversOn(range)).to.deep.equal([]);
    });
  });
});
