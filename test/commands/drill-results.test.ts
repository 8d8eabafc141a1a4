import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sirs } from '../cli/helpers.js';
import { scratch } from '../e2e/helpers.js';

// fast-ssh: time limit 30s; targets detect 6s, contain 10s, recover 15s; autopilot at 1s, 3s and 5s.
const fast = fileURLToPath(new URL('../e2e/fixtures/scenarios/fast-ssh.yaml', import.meta.url));

describe('sirs drill: compressed time limits and who the output is for', function () {
  this.timeout(60_000);
  // Each drill runs on an in-process range of its own, as `sirs drill` does without --endpoint-url.
  let dirs: { cwd: string; catalog: string };
  before(() => {
    dirs = scratch();
    process.env.SIRS_STATE_DIR = join(dirs.cwd, '.sirs');
  });
  after(() => {
    delete process.env.SIRS_STATE_DIR;
    rmSync(dirs.cwd, { recursive: true, force: true });
  });

  it('--time-limit 10s compresses the scenario 3×: targets scale, results say how, and nobody is asked to paste anything', async () => {
    const junit = join(dirs.cwd, 'out', 'junit.xml');
    const results = join(dirs.cwd, 'out', 'results.json');
    const run = await sirs(['drill', fast, '--time-limit', '10s', '--junit', junit, '--results', results]);
    // Whether every phase was on target depends on the machine's load (the targets are 2-5 s of clock
    // time here); how the results state the compression does not.
    expect(run.exitCode, run.stdout + run.stderr).to.be.oneOf([0, 1]);
    // An autopilot drill has no responders.
    expect(run.stdout).not.to.contain('Responders');
    expect(run.stdout).not.to.contain('export AWS_');
    expect(run.stdout).to.contain('(autopilot: no responders)');
    // Targets in the drill's clock time, with the scenario's own and the scale.
    expect(run.stdout).to.contain('compressed 3×');
    expect(run.stdout).to.match(/detect .*(met in \d+\.\ds|never met) \(target 2\.0s = 0m06s × 1\/3\)/);
    expect(run.stdout).to.match(/recover .*(met in \d+\.\ds|never met) \(target 5\.0s = 0m15s × 1\/3\)/);
    expect(run.stdout).not.to.contain('target 0m06s').and.not.to.contain('target 6');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).to.contain('<property name="timeScale" value="3"/>');
    expect(xml).to.contain('<property name="timeLimitMs" value="10000"/>');
    expect(xml).to.match(/contain (met in \d+\.\ds|never met) \(target 3\.3s = 0m10s × 1\/3\)/);
    const json = JSON.parse(readFileSync(results, 'utf8')) as {
      clock: { timeScale: number; timeLimitMs: number; longestMs: number };
    };
    expect(json.clock).to.include({ timeScale: 3, timeLimitMs: 10_000, longestMs: 30_000 });
  });

  it('without the autopilot, the environment is offered to watch or take part, and a missed phase names its scaled target', async () => {
    const junit = join(dirs.cwd, 'out', 'missed.xml');
    const run = await sirs(['drill', fast, '--no-autopilot', '--time-limit', '3s', '--junit', junit]);
    expect(run.exitCode).to.equal(1);
    expect(run.stdout).to.contain('To watch or take part').and.not.to.contain('Responders');
    expect(readFileSync(junit, 'utf8')).to.contain('detect never met (target 0.6s = 0m06s × 1/10)');
  });
});
