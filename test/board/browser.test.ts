/**
 * The web board in a real browser (Debian's Chromium, headless, driven by playwright-core): it follows an
 * exercise on the range as the responders act, shows each transition once the journal has it, escapes
 * what responders write, asks before the facilitator's actions, refuses them without the token or from
 * another origin, and catches up after its stream is dropped. Writes test-artifacts/board.png
 * (docs/board.png in the README is a copy).
 */
import { expect } from 'chai';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ApiSession } from '../../src/aws/api.js';
import { BoardServer, TOKEN_HEADER } from '../../src/board/server.js';
import { writeAck } from '../../src/controller/channel.js';
import type { ControllerEvent } from '../../src/controller/controller.js';
import { controllerLivePhase } from '../../src/controller/live.js';
import { journalPath, readJournal, stateDir } from '../../src/exercise/journal.js';
import { startExercise, type ExerciseResult, type LiveContext } from '../../src/exercise/run.js';
import { repoRoot, scratch } from '../e2e/helpers.js';
import { fixture, FIXTURE_ID } from '../report/helpers.js';
import { startTestRange, type TestRange } from '../range/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--hide-scrollbars'];
const artifacts = join(repoRoot, 'test-artifacts');
const EXERCISE = 'board-e2e';
const PWN = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

/** fast-ssh with targets in minutes, at --time-scale 10: nothing times out while the test acts. */
function boardScenario(catalog: string): string {
  const fixtures = join(repoRoot, 'test', 'e2e', 'fixtures');
  copyFileSync(
    join(fixtures, 'templates', 'fast-ssh.cfn.yaml'),
    join(catalog, 'templates', 'fast-ssh.cfn.yaml'),
  );
  copyFileSync(
    join(fixtures, 'runbooks', 'network-exposure.md.hbs'),
    join(catalog, 'runbooks', 'network-exposure.md.hbs'),
  );
  const yaml = readFileSync(join(fixtures, 'scenarios', 'fast-ssh.yaml'), 'utf8')
    .replace(/^id: fast-ssh$/m, 'id: board-ssh')
    .replace('target: 6s', 'target: 10m')
    .replace('target: 10s', 'target: 20m')
    .replace('target: 15s', 'target: 30m')
    .replace('timeLimit: 30s', 'timeLimit: 2h')
    .replace(
      /^hints:\n.*$/m,
      `hints:\n  - { at: 90m, cost: 5, text: 'CloudTrail names the group ${PWN.replace(/'/g, "''")}' }\n  - { at: 100m, cost: 10, text: second hint }`,
    )
    .replace(/^autopilot:[\s\S]*$/m, '');
  const file = join(catalog, 'scenarios', 'board-ssh.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** A raw request, with whatever Host and Origin a browser elsewhere would send. */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web board in headless Chromium', function () {
  this.timeout(120_000);
  let range: TestRange;
  let context: BrowserContext;
  let profile: string;
  let dirs: { cwd: string; catalog: string };

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium`,
      );
    profile = mkdtempSync(join(tmpdir(), 'sirs-board-chromium-'));
    [range, context] = await Promise.all([
      startTestRange(),
      chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: false,
        args: FLAGS,
        viewport: { width: 1280, height: 900 },
      }),
    ]);
    mkdirSync(artifacts, { recursive: true });
    dirs = scratch();
  });
  after(async () => {
    await context?.close();
    await range?.stop();
    for (const d of [profile, dirs?.cwd]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('follows an exercise on the range: live, a wrong ack, a hint, detected, contained, a breach, a dropped stream, recovered, wrap-up, ended', async () => {
    const file = boardScenario(dirs.catalog);
    const path = journalPath(EXERCISE, stateDir(dirs.cwd));
    const board = await BoardServer.start({
      exerciseId: EXERCISE,
      journalPath: path,
      actions: true,
      pollMs: 100,
    });
    const events: ControllerEvent[] = [];
    let ctx: LiveContext | undefined;
    const phase = controllerLivePhase({
      tickMs: 100,
      wrapUpMs: 60 * 60_000,
      onController: (controller) => board.attach(controller),
      onEvent: (e) => {
        events.push(e);
        board.refresh();
      },
    });
    const abort = new AbortController();
    const running: Promise<ExerciseResult> = startExercise({
      scenarios: [file],
      target: {
        endpointUrl: range.endpoint,
        rangeKeys: { admin: { ...range.credentials }, root: { ...range.rootCredentials } },
      },
      exerciseId: EXERCISE,
      cwd: dirs.cwd,
      emit: () => {},
      confirm: async () => true,
      signal: abort.signal,
      live: (c) => {
        ctx = c;
        return phase(c);
      },
      autopilot: false,
      timeScale: 10,
      pollMs: 50,
    });
    const session = new ApiSession({ ...range.clientConfig(), maxAttempts: 3 });
    const page = await context.newPage();
    const dialogs: string[] = [];
    // Script errors and Content-Security-Policy violations, as the browser reports them.
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const card = '#scenarios article[data-scenario="board-ssh"]';
    // The exercise failing (or ending early) fails the test at once rather than at a selector's timeout.
    const failed = running.then(
      (r) => Promise.reject(new Error(`the exercise ended: ${r.endReason} ${r.error?.message ?? ''}`)),
      (err: unknown) => Promise.reject(err instanceof Error ? err : new Error(String(err))),
    );
    failed.catch(() => undefined);
    const stateIs = (state: string) =>
      Promise.race([page.waitForSelector(`${card}[data-state="${state}"]`), failed]);
    try {
      // A read-only viewer (no token) sees the board without the actions.
      await page.goto(board.url);
      await stateIs('live');
      expect(await page.isHidden('#controls')).to.equal(true);
      const sg = ctx!.outputs['board-ssh']!.WebSgId!;

      // Refused: no token, another origin, another Host, a preflight; and no CORS header anywhere.
      const port = board.port;
      const own = { Host: `127.0.0.1:${port}` };
      const token = new URL(board.facilitatorUrl!).hash.slice('#token='.length);
      expect((await raw(port, 'POST', '/actions/hint', own)).status).to.equal(403);
      expect(
        (await raw(port, 'POST', '/actions/hint', { ...own, [TOKEN_HEADER]: 'x'.repeat(32) })).status,
      ).to.equal(403);
      expect(
        (
          await raw(port, 'POST', '/actions/end', {
            ...own,
            [TOKEN_HEADER]: token,
            Origin: 'http://evil.example',
          })
        ).status,
      ).to.equal(403);
      expect(
        (await raw(port, 'POST', '/actions/end', { Host: `evil.example:${port}`, [TOKEN_HEADER]: token }))
          .status,
      ).to.equal(421);
      expect((await raw(port, 'GET', '/events', { ...own, Origin: 'http://evil.example' })).status).to.equal(
        403,
      );
      const preflight = await raw(port, 'OPTIONS', '/actions/end', {
        ...own,
        Origin: `http://127.0.0.1:${port}`,
        'Access-Control-Request-Method': 'POST',
      });
      expect(preflight.status).to.equal(405);
      expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control'))).to.deep.equal([]);
      expect((await raw(port, 'GET', '/actions/end', own)).status).to.equal(405);
      // The page itself: scripts and styles only with this response's nonce, nothing fetched elsewhere.
      const csp = String((await raw(port, 'GET', '/', own)).headers['content-security-policy']);
      expect(csp).to.match(
        /^default-src 'none'; script-src 'nonce-[^']+'; style-src 'nonce-[^']+'; connect-src 'self'/,
      );
      // A page on another origin tries both ways a browser could: a form and a fetch with the token.
      await fromAnotherOrigin(page, board, token);

      // The facilitator's address: the token leaves the address bar (the board is projected), and the
      // actions are shown.
      await page.goto(board.facilitatorUrl!);
      await stateIs('live');
      expect(page.url()).to.equal(board.url);
      await page.waitForSelector('#controls:not([hidden])');

      // A wrong identification, with a note: WRONG in words, the resource and the note as text.
      await writeAck(session, EXERCISE, {
        finding: 'ssh-exposure',
        resource: `sg-0wrong${PWN}`,
        note: `looks open ${PWN}`,
      });
      const wrong = await page.waitForSelector('#acks li[data-verdict="wrong"]');
      const wrongText = await wrong.textContent();
      expect(wrongText).to.contain('WRONG identification for board-ssh').and.to.contain(`sg-0wrong${PWN}`);
      expect(wrongText).to.contain(`looks open ${PWN}`);
      await page.waitForSelector(`${card} .wrongs:has-text("WRONG identifications: 1")`);

      // The facilitator releases a hint: cancelled first, then confirmed.
      await page.click('#release-hint');
      await page.click('#confirm-cancel');
      await page.waitForSelector('#action-result:has-text("cancelled")');
      expect(readJournal(path).filter((e) => e.type === 'hint.released')).to.deep.equal([]);
      await page.click('#release-hint');
      expect(await page.textContent('#confirm-text')).to.contain('Release the next hint');
      await page.click('#confirm-ok');
      const hint = await page.waitForSelector(`${card} li.hint`);
      expect(await hint.textContent())
        .to.contain(`CloudTrail names the group ${PWN}`)
        .and.to.contain('(facilitator)');
      expect(await page.textContent(`${card} .hints`)).to.contain('next at 1:40:00 (costs 10)');

      await writeAck(session, EXERCISE, {
        finding: 'ssh-exposure',
        resource: sg,
        note: 'port 22 open to the world',
      });
      await stateIs('detected');
      expect(await page.textContent(`${card} tr.evidence`)).to.contain('acknowledged ssh-exposure');
      expect(await page.getAttribute(`${card} tr[data-phase="detect"]`, 'data-status')).to.equal('on-target');

      const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22 };
      await session.call('ec2:RevokeSecurityGroupIngress', {
        GroupId: sg,
        IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      });
      await stateIs('contained');

      const https = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
      await session.call('ec2:RevokeSecurityGroupIngress', { GroupId: sg, IpPermissions: [https] });
      const breach = await page.waitForSelector(`${card} li.breach`);
      expect(await breach.textContent())
        .to.contain('BREACHED')
        .and.to.contain('443');
      expect(await page.textContent('#score')).to.match(/score so far: [\d.]+ \/ 100 \([A-F]\)/);
      await page.screenshot({ path: join(artifacts, 'board.png') });

      // The stream drops and cannot come back for a while (a laptop asleep): recovery happens meanwhile.
      await page.route('**/events*', (route) => route.abort());
      board.dropStreams();
      await page.waitForSelector('#conn.down');
      await session.call('ec2:AuthorizeSecurityGroupIngress', { GroupId: sg, IpPermissions: [https] });
      await session.call('ec2:AuthorizeSecurityGroupIngress', {
        GroupId: sg,
        IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/24' }] }],
      });
      await waitFor(() => events.some((e) => e.type === 'wrap-up'));
      expect(await page.getAttribute(card, 'data-state')).to.equal('contained');
      await page.unroute('**/events*');
      await stateIs('recovered');
      expect(await page.textContent('#caught-up')).to.match(/caught up on \d+ journal entr/);
      expect(await page.textContent('#notice')).to.match(/^Wrap-up until \d\d:\d\d/);
      expect(await page.textContent(`${card} li.restored`)).to.contain('restored');

      // The facilitator ends the wrap-up from the page.
      await page.click('#end-exercise');
      expect(await page.textContent('#confirm-text')).to.contain('End the exercise');
      await page.click('#confirm-ok');
      await page.waitForSelector('#notice:has-text("The exercise ended (resolved)")');
      await page.waitForSelector('#controls', { state: 'hidden' });

      expect(await page.evaluate('window.__pwned')).to.equal(undefined);
      expect(
        await page.evaluate(
          'document.images.length + document.querySelectorAll("script:not([nonce])").length',
        ),
      ).to.equal(0);
      expect(dialogs).to.deep.equal([]);
      expect(problems).to.deep.equal([]);
      const result = await running;
      expect(result.endReason).to.equal('resolved');
      expect(result.leftovers).to.deep.equal([]);
      // Torn down, then sirs stops serving: the page keeps the final board and says so.
      board.refresh();
      await page.waitForSelector('#phase-of-exercise:has-text("ENDED")');
      await board.close();
      await page.waitForSelector('#conn:has-text("the exercise is over; this is its final board")');
    } finally {
      abort.abort();
      await running.catch(() => undefined);
      session.destroy();
      await page.close();
      await board.close();
    }
  });

  it('opens a new stream when the old one went silent (a laptop that slept holds a dead connection)', async () => {
    const journal = join(dirs.cwd, 'fixture.jsonl');
    writeFileSync(
      journal,
      fixture()
        .entries.map((e) => `${JSON.stringify(e)}\n`)
        .join(''),
    );
    const board = await BoardServer.start({ exerciseId: FIXTURE_ID, journalPath: journal });
    const page = await context.newPage();
    try {
      // The page's clock, not the wall's: 41 s pass without a word from the server (it pings every 15 s).
      await page.clock.install();
      await page.goto(board.url);
      await page.waitForSelector('#scenarios article[data-state="timed-out"]');
      expect(await page.textContent('#caught-up')).to.equal('');
      await page.clock.fastForward(41_000);
      await page.waitForSelector('#caught-up:has-text("Reconnected: nothing was missed.")');
      expect(await page.textContent('#score')).to.match(/score so far: [\d.]+ \/ 100/);
    } finally {
      await page.close();
      await board.close();
    }
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

/** A page served from another origin posts a form and a token-carrying fetch at the board: neither acts. */
async function fromAnotherOrigin(page: Page, board: BoardServer, token: string): Promise<void> {
  const target = `${board.url}actions/end`;
  const html = `<!doctype html><form id=f method=post action="${target}"><input name=x value=1></form>
<script>
window.fetchResult = fetch(${JSON.stringify(target)}, { method: 'POST', headers: { 'X-Sirs-Board-Token': ${JSON.stringify(token)} } })
  .then(() => 'sent', (e) => 'blocked: ' + e.message);
</script>`;
  const evil: Server = createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  try {
    await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
    expect(await page.evaluate('window.fetchResult')).to.match(/^blocked/);
    const response = page.waitForResponse(target);
    await page.evaluate('document.getElementById("f").submit()');
    expect((await response).status()).to.equal(403);
    await page.waitForURL(target);
    const view = (await (await fetch(`${board.url}view.json`)).json()) as { view: { running: boolean } };
    expect(view.view.running).to.equal(true);
  } finally {
    evil.closeAllConnections();
    await new Promise((r) => evil.close(r));
  }
}
