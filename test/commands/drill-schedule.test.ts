import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, sirs } from '../cli/helpers.js';

const tsxLoader = import.meta.resolve('tsx');

describe('sirs drill --schedule', function () {
  this.timeout(60_000);

  it('a schedule that is not cron is a usage error (exit 2) listing the accepted forms, before anything runs', async () => {
    // runCommand joins its arguments and splits them again on spaces outside double quotes.
    const run = await sirs(['drill', 'ssh-open-to-world', '--schedule', '"every day"']);
    expect(run.exitCode).to.equal(2);
    expect(run.stderr).to.contain('--schedule "every day" is not a cron expression');
    expect(run.stderr).to.contain('0 9 * * 1-5').and.to.contain('@daily');
    expect(run.stdout).to.equal('');
  });

  it('--json: one JSON object per line (the next run), and Ctrl-C while waiting stops cleanly (130), saying no drill was running', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sirs-schedule-'));
    try {
      const child = spawn(
        process.execPath,
        [
          '--import',
          tsxLoader,
          join(repoRoot, 'bin', 'dev.js'),
          'drill',
          'ssh-open-to-world',
          '--schedule',
          '0 0 1 1 *',
          '--json',
        ],
        {
          cwd,
          env: { ...process.env, SIRS_STATE_DIR: join(cwd, '.sirs') },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      let interrupted = false;
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => {
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          // Interrupted once the schedule is announced: nothing runs until 1 January.
          if (stdout.includes('\n') && !interrupted) interrupted = child.kill('SIGINT');
        });
        child.on('exit', (c) => resolve(c));
      });
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).to.include({ type: 'scheduled' });
      expect(Date.parse(String(lines[0]!.next))).to.equal(
        Date.parse(`${new Date().getUTCFullYear() + 1}-01-01T00:00:00Z`),
      );
      expect(lines.at(-1)).to.include({ type: 'stopped' });
      expect(code).to.equal(130);
      expect(stderr).to.contain('stopped; no drill was running');
      expect(stderr).not.to.contain('tearing down');
      expect(stderr).not.to.contain('Error');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
