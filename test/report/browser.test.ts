/**
 * The HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core (no browser
 * download). Checks that the charts and tables render, that no script runs even with hostile values,
 * that nothing is fetched, that the page fits a screen and an A4 page, and writes screenshots to
 * test-artifacts/ (docs/report.png in the README is a copy of report.png).
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { JournalEntry } from '../../src/exercise/entries.js';
import { buildReport } from '../../src/report/model.js';
import { renderReport } from '../../src/report/render.js';
import { repoRoot } from '../e2e/helpers.js';
import { editEntries, fixture } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // For screenshots: what a reader sees, without the scroll bar.
  '--hide-scrollbars',
];
const artifacts = join(repoRoot, 'test-artifacts');

/** Script that would leave a mark if it ran: every way a value could have become script. */
const PWN = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><svg onload="window.__pwned=3"></svg>"'><script>alert(1)</script>`;

/** What the pages are asked (the expressions run in the browser, so they are strings here). */
interface ReportFacts {
  charts: number;
  bars: number[];
  targets: number;
  hints: number;
  acks: number;
  breaches: number;
  summaryRows: number;
  breakdowns: number;
  total: string | undefined;
  scripts: number;
  overflow: number;
  chartWidth: number;
}

interface HostileFacts {
  pwned: number | undefined;
  scripts: number;
  images: number;
  handlers: number;
  jsLinks: number;
  overflow: number;
  text: boolean;
  charts: number;
}

function hostileFixture(): { entries: JournalEntry[]; html: string } {
  const { entries, activity } = fixture();
  const hostile = editEntries(entries, (e) => {
    if (e.type === 'scenario.defined') {
      e.scenario.title = `${e.scenario.title} ${PWN}`;
      e.scenario.summary = `${PWN} ${'W'.repeat(10_000)}`;
      e.scenario.detections = [{ title: PWN, how: `](javascript:alert(1)) ${'X'.repeat(10_000)}` }];
      return e;
    }
    if (e.type === 'ack.received') {
      e.ack.note = `${PWN} {{constructor}}`;
      e.ack.resource = `${e.ack.resource}${PWN}`;
      return e;
    }
    if (e.type === 'hint.released') return { ...e, text: PWN };
    return undefined;
  });
  const act = activity.map((a) => ({
    ...a,
    userAgent: `${PWN} ${'U'.repeat(10_000)}`,
    errorCode: a.errorCode && PWN,
  }));
  const model = buildReport(hostile, act, {
    generatedAt: '2026-11-28T19:00:00.000Z',
    notes: { lessons: `${PWN}\n\n[x](javascript:window.__pwned=4)`, actions: `- ${'N'.repeat(10_000)}` },
  });
  return { entries: hostile, html: renderReport(model, 'html') };
}

describe('the HTML report in headless Chromium', function () {
  this.timeout(120_000);
  let context: BrowserContext;
  let profile: string;
  let work: string;
  const requests: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: install Debian's browser (apt-get install -y --no-install-recommends chromium; .ci/run does it)`,
      );
    }
    profile = mkdtempSync(join(tmpdir(), 'sirs-chromium-'));
    work = mkdtempSync(join(tmpdir(), 'sirs-report-html-'));
    // headless: false here because FLAGS pass --headless themselves (the system browser's own mode).
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: false,
      args: FLAGS,
      viewport: { width: 1050, height: 900 },
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    mkdirSync(artifacts, { recursive: true });
  });
  after(async () => {
    await context?.close();
    for (const d of [profile, work]) if (d) rmSync(d, { recursive: true, force: true });
  });

  async function open(html: string, name: string): Promise<{ page: Page; dialogs: string[] }> {
    const file = join(work, name);
    writeFileSync(file, html);
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    return { page, dialogs };
  }

  it('renders the charts and tables of a three-scenario report and writes a screenshot', async () => {
    const { entries, activity } = fixture();
    const model = buildReport(entries, activity, {
      generatedAt: '2026-11-28T19:00:00.000Z',
      notes: {
        lessons:
          'Alice found the group **fast**: CloudTrail named it.\n\n- The console user looked at the wrong bucket first.',
        actions: '1. Add the EventBridge rule on port-22 ingress\n2. Alarm on StopLogging (CIS 3.5)',
      },
    });
    const { page, dialogs } = await open(renderReport(model, 'html'), 'report.html');
    const facts = await page.evaluate<ReportFacts>(`(() => ({
      charts: document.querySelectorAll('svg.chart').length,
      bars: [...document.querySelectorAll('svg.chart')].map((c) => c.querySelectorAll('rect.bar').length),
      targets: document.querySelectorAll('svg.chart line.target').length,
      hints: document.querySelectorAll('svg.chart path.hint').length,
      acks: document.querySelectorAll('svg.chart circle.ack').length,
      breaches: document.querySelectorAll('svg.chart rect.breach').length,
      summaryRows: document.querySelectorAll('#summary tbody tr').length,
      breakdowns: document.querySelectorAll('table.breakdown').length,
      total: (document.querySelector('#total-score') || {}).textContent,
      scripts: document.scripts.length,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      chartWidth: document.querySelector('svg.chart').getBoundingClientRect().width,
    }))()`);
    expect(facts.charts).to.equal(3);
    expect(facts.bars).to.deep.equal(model.scenarios.map((s) => s.phases.length));
    expect(facts.targets).to.equal(model.scenarios.reduce((n, s) => n + s.phases.length, 0));
    expect(facts.hints).to.equal(3);
    expect(facts.acks).to.equal(3);
    expect(facts.breaches).to.equal(1);
    expect(facts.summaryRows).to.equal(3);
    expect(facts.breakdowns).to.equal(3);
    expect(facts.total).to.equal(`${model.exercise.score!.total} / 100`);
    expect(facts.scripts).to.equal(0);
    expect(facts.overflow).to.be.at.most(0);
    expect(facts.chartWidth).to.be.greaterThan(600);
    expect(dialogs).to.deep.equal([]);
    expect(requests).to.deep.equal([]);
    // The top of the report, down to the first scenario's timeline (docs/report.png is a copy).
    await page.setViewportSize({ width: 1050, height: 1640 });
    await page.screenshot({ path: join(artifacts, 'report.png') });
    await page.screenshot({ path: join(artifacts, 'report-full.png'), fullPage: true });
    // A4: the print layout fits the page width, and the PDF has pages.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 718, height: 1000 });
    expect(
      await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
    ).to.be.at.most(0);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(artifacts, 'report.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    await page.close();
  });

  it('runs no script and fetches nothing, whatever the values, and keeps 10,000-character lines in the page', async () => {
    const { html } = hostileFixture();
    const { page, dialogs } = await open(html, 'hostile.html');
    await page.waitForTimeout(300);
    const facts = await page.evaluate<HostileFacts>(`(() => ({
      pwned: window.__pwned,
      scripts: document.scripts.length,
      images: document.images.length,
      handlers: [...document.querySelectorAll('*')].filter((el) =>
        [...el.attributes].some((a) => a.name.startsWith('on')),
      ).length,
      jsLinks: [...document.querySelectorAll('a')].filter((a) => a.href.startsWith('javascript:')).length,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      text: document.body.innerText.includes('<script>window.__pwned=1</script>'),
      charts: document.querySelectorAll('svg.chart').length,
    }))()`);
    expect(facts.pwned).to.equal(undefined);
    expect(dialogs).to.deep.equal([]);
    expect(facts).to.deep.include({ scripts: 0, images: 0, handlers: 0, jsLinks: 0, charts: 3 });
    // Shown as text, where it was written.
    expect(facts.text).to.equal(true);
    expect(facts.overflow).to.be.at.most(0);
    expect(requests).to.deep.equal([]);
    await page.screenshot({ path: join(artifacts, 'report-hostile.png'), fullPage: true });
    await page.close();
  });
});
