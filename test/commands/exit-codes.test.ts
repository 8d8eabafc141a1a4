import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../cli/helpers.js';

/** The real process, from src/ through bin/dev.js: exit codes are what scripts and CI see. */
function sirsProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'bin', 'dev.js'), ...args],
      { cwd: repoRoot },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

describe('sirs process exit codes', function () {
  this.timeout(60_000);
  let results: Array<{ code: number; stdout: string; stderr: string }>;
  before(async () => {
    results = await Promise.all([
      sirsProcess(['validate']),
      sirsProcess(['validate', 'test/corpus/bad/scenarios/alias-bomb.yaml', '--json']),
      sirsProcess(['validate', 'no-such-scenario']),
    ]);
  });

  it('exits 0 when every scenario is valid', () => expect(results[0]!.code).to.equal(0));

  it('exits 1 when a file is invalid, after printing the JSON report', () => {
    expect(results[1]!.code).to.equal(1);
    expect(JSON.parse(results[1]!.stdout).files[0].problems[0].code).to.equal('alias-limit');
  });

  it('exits 2 on a usage error, without a stack trace', () => {
    expect(results[2]!.code).to.equal(2);
    expect(results[2]!.stderr).to.match(/^Error: unknown scenario id "no-such-scenario"/);
    expect(results[2]!.stderr).not.to.match(/\n\s+at /);
  });
});
