import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { libraryFor } from '../../src/controller/drill.js';
import { catalogEntries } from '../../src/scenario/catalog.js';
import { packageRoot } from '../../src/paths.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { sirsPolicy } from '../../src/policy/index.js';
import { deniedEventsOf, facilitatorWith } from '../policy/facilitator.js';
import { leftoversOn } from './helpers.js';
import { runTimes } from '../../src/range/services/ssm/runs.js';
import { delays } from '../../src/range/services/ec2/handlers/instances.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

describe('e2e: sirs drill --all runs the whole library unattended, with only the policy sirs policy --all prints', function () {
  this.timeout(300_000);
  let range: TestRange;
  let cwd: string;
  // The drill compresses exercise time tenfold; the range's simulated durations (a minute to install
  // patches, seconds to launch an instance) are compressed the same, so no scenario waits on the clock.
  const realRunTimes = { ...runTimes };
  const realDelays = { ...delays };
  before(async () => {
    for (const [k, v] of Object.entries(realRunTimes)) runTimes[k as keyof typeof runTimes] = v / 10;
    for (const [k, v] of Object.entries(realDelays)) delays[k as keyof typeof delays] = v / 10;
    range = await startTestRange();
    cwd = mkdtempSync(join(tmpdir(), 'sirs-drill-all-'));
  });
  after(async () => {
    Object.assign(runTimes, realRunTimes);
    Object.assign(delays, realDelays);
    await range.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('every scenario of the library passes in one exercise as a least-privileged user, with one JUnit file, no AccessDenied, and nothing is left', async () => {
    const junit = join(cwd, 'library.xml');
    // sirs acts as an IAM user that holds only the policy `sirs policy --all` prints (root-only
    // injections still use the root keys SIRS_RANGE_ROOT_* give).
    const policy = sirsPolicy({ scenarios: [], all: true, cwd });
    const facilitator = await facilitatorWith(range, policy.policy);
    // Exercise time ten times faster than the clock: the autopilots' minute-long scripts take seconds.
    const args = ['drill', '--all', '--endpoint-url', range.endpoint, '--time-scale', '10', '--junit', junit];
    const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', tsxLoader, join(root, 'bin', 'dev.js'), ...args], {
        cwd,
        env: { ...process.env, ...facilitator.env, SIRS_STATE_DIR: join(cwd, '.sirs') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('exit', (code) => resolve({ code, out }));
    });
    expect(run.code, run.out.slice(-3000)).to.equal(0);
    const scenarios = catalogEntries(packageRoot()).scenarios;
    const xml = readFileSync(junit, 'utf8');
    for (const id of scenarios) expect(xml, id).to.contain(`name="${id} detect"`);
    expect(xml).to.match(/<testsuites[^>]* failures="0"/);
    expect(run.out).to.contain('PASSED');
    expect(run.out).to.contain(`Acting as ${facilitator.arn}`);
    expect(deniedEventsOf(range, facilitator.userName)).to.deep.equal([]);
    expect(await leftoversOn(range)).to.deep.equal([]);
  });

  it('on AWS it leaves out, and names, the scenarios that run only on the range', () => {
    const onAws = libraryFor('aws');
    const onRange = libraryFor('range');
    expect(onRange.skipped).to.deep.equal([]);
    expect(onAws.skipped.map((s) => s.id)).to.include('root-account-activity');
    for (const s of onAws.skipped) expect(s.reason).to.equal('runs only on range');
    expect([...onAws.scenarios, ...onAws.skipped.map((s) => s.id)].sort()).to.deep.equal(onRange.scenarios);
  });
});
