/**
 * The board from the command line: `sirs start --board web` serves it with the facilitator's token (its
 * actions reach the running controller), and `sirs board ID` serves any journal read-only.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKEN_HEADER } from '../../src/board/server.js';
import type { BoardView } from '../../src/board/view.js';
import { repoRoot } from '../e2e/helpers.js';
import { fixtureDir, FIXTURE_ID } from '../report/helpers.js';
import { startTestRange, type TestRange } from '../range/harness.js';

const tsxLoader = import.meta.resolve('tsx');
const fast = join(repoRoot, 'test', 'e2e', 'fixtures', 'scenarios', 'fast-ssh.yaml');

/** Run the CLI from src; `onLine` sees each JSON line of its output. */
function sirs(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  onLine: (line: Record<string, unknown>, child: ChildProcess) => void,
): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, join(repoRoot, 'bin', 'dev.js'), ...args], {
    cwd,
    env: { ...process.env, SIRS_STATE_DIR: join(cwd, '.sirs'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buf = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      onLine(line, child);
    }
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, lines, stderr })));
}

async function post(url: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: token ? { [TOKEN_HEADER]: token } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the board commands', function () {
  this.timeout(120_000);
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'sirs-board-cmd-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('sirs board ID serves the journal read-only: the view, and no action with any token', async () => {
    mkdirSync(join(cwd, '.sirs', 'exercises'), { recursive: true });
    cpSync(fixtureDir, join(cwd, '.sirs', 'exercises', FIXTURE_ID), { recursive: true });
    let checks: Promise<void> | undefined;
    const run = await sirs(['board', FIXTURE_ID, '--json'], cwd, {}, (line, child) => {
      if (typeof line.url !== 'string' || checks) return;
      const url = line.url;
      checks = (async () => {
        expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
        const { view, actions } = (await (await fetch(`${url}view.json`)).json()) as {
          view: BoardView;
          actions: boolean;
        };
        expect(actions).to.equal(false);
        expect(view.exerciseId).to.equal(FIXTURE_ID);
        expect(view.scenarios.map((s) => s.state)).to.deep.equal(['recovered', 'timed-out', 'contained']);
        expect((await post(`${url}actions/end`, 'a'.repeat(32))).status).to.equal(403);
        const page = await (await fetch(url)).text();
        expect(page).to.contain('<title>sirs board: gd-20261128-1742-1a2b</title>');
      })().finally(() => child.kill('SIGINT'));
    });
    await checks;
    expect(run.code, run.stderr).to.equal(0);
  });

  describe('on the range', () => {
    let range: TestRange;
    before(async () => {
      range = await startTestRange();
    });
    after(() => range?.stop());

    it('sirs start --board web prints the board with its token; its actions reach the running exercise', async () => {
      let acted: Promise<void> | undefined;
      let facilitatorUrl = '';
      const run = await sirs(
        [
          'start',
          fast,
          '--yes',
          '--json',
          '--board',
          'web',
          '--tick',
          '200ms',
          '--endpoint-url',
          range.endpoint,
        ],
        cwd,
        range.env(),
        (line) => {
          if (line.type === 'board') facilitatorUrl = String(line.facilitatorUrl);
          if (line.type !== 'live' || acted) return;
          acted = (async () => {
            const url = new URL(facilitatorUrl);
            const token = url.hash.slice('#token='.length);
            expect(token).to.match(/^[A-Za-z0-9_-]{32}$/);
            const base = `${url.origin}/`;
            expect((await post(`${base}actions/hint`)).status).to.equal(403);
            // The controller takes actions once it runs; until then they are refused, not lost.
            let hint = await post(`${base}actions/hint`, token);
            while (hint.status === 409) {
              await new Promise((r) => setTimeout(r, 100));
              hint = await post(`${base}actions/hint`, token);
            }
            expect(hint).to.deep.equal({ status: 200, body: { ok: true, message: 'hint released' } });
            expect((await post(`${base}actions/end`, token)).status).to.equal(200);
          })();
        },
      );
      await acted;
      expect(run.code, run.stderr).to.equal(0);
      expect(run.lines.find((l) => l.type === 'hint')).to.deep.include({ scenario: 'fast-ssh', cost: 5 });
      const result = run.lines.find((l) => l.type === 'result') as {
        endReason: string;
        leftovers: unknown[];
      };
      expect(result).to.deep.include({ endReason: 'facilitator', leftovers: [] });
    });
  });
});
