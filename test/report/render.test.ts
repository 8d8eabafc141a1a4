import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { scoreJournal } from '../../src/controller/scoring.js';
import { formatMs, formatPoints } from '../../src/report/format.js';
import { buildHistoryReport } from '../../src/report/history.js';
import { buildReport } from '../../src/report/model.js';
import { renderReport } from '../../src/report/render.js';
import { renderReportJsonSchema } from '../../src/report/schema.js';
import { expectTablesIntact, expectValidJsonReport, fixture, schemaFile } from './helpers.js';

describe('report renderers: all four formats from a recorded three-scenario journal', () => {
  const { entries, activity } = fixture();
  const score = scoreJournal(entries)!;
  const model = buildReport(entries, activity, {
    generatedAt: '2026-11-28T19:00:00.000Z',
    notes: {
      lessons: 'Alice found the group **fast** through CloudTrail.',
      actions: '1. Add the EventBridge rule\n2. Route Access Analyzer findings to the on-call',
    },
  });
  const md = renderReport(model, 'md');
  const html = renderReport(model, 'html');
  const json = renderReport(model, 'json');
  const junit = renderReport(model, 'junit');

  it('JSON: the model, valid against the schema, with the scoring function’s numbers', () => {
    expectValidJsonReport(json);
    const doc = JSON.parse(json) as typeof model;
    expect(doc.schemaVersion).to.equal(1);
    expect(doc.exercise.score!.total).to.equal(score.total);
    expect(doc.scenarios.map((s) => s.score)).to.deep.equal(score.scenarios);
  });

  it('the committed reports/report.schema.json is generated from the zod schema', () => {
    const fresh = renderReportJsonSchema();
    if (process.env.UPDATE_REPORT_SCHEMA) writeFileSync(schemaFile, fresh);
    // Compared as data: the committed file is formatted by Prettier like the rest of the tree.
    const committed = JSON.parse(readFileSync(schemaFile, 'utf8')) as unknown;
    if (JSON.stringify(committed) !== JSON.stringify(JSON.parse(fresh))) {
      expect.fail(
        'reports/report.schema.json is stale: run `UPDATE_REPORT_SCHEMA=1 npx mocha --no-config --node-option import=tsx test/report/render.test.ts`, then `npx prettier --write reports/report.schema.json`, and commit it',
      );
    }
  });

  it('Markdown: every number of the score, in tables that keep their columns', () => {
    expect(md).to.contain(`**${formatPoints(score.total)} / 100, grade ${score.grade}**`);
    for (const s of score.scenarios) {
      const section = md.slice(
        md.indexOf(`## ${model.scenarios.find((x) => x.id === s.id)!.title.replace(/[()]/g, '\\$&')}`),
      );
      expect(section).to.contain(`**${formatPoints(s.points)}**`);
      for (const p of s.phases) {
        expect(section).to.contain(`| ${formatPoints(p.points)} / ${formatPoints(p.max)} |`);
        expect(section).to.contain(`| ${formatMs(p.targetMs)} | ${formatMs(p.metAtMs)}`);
      }
      if (s.hints.count) expect(section).to.match(/\| −\d+ \|/);
    }
    expectTablesIntact(md);
    expect(md).to.contain('## Lessons learned\n\nAlice found the group **fast** through CloudTrail.');
    expect(md).to.contain('1. Add the EventBridge rule');
    expect(md).to.contain('⭐ first touch of ssh-open-to-world');
  });

  it('HTML: one self-contained page with a timeline chart per scenario, the tables and the numbers', () => {
    expect(html.startsWith('<!DOCTYPE html>')).to.equal(true);
    expect(html).not.to.match(
      /<script|<link|<iframe|<img|@import|url\(|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i,
    );
    expect(html.match(/<svg [^>]*class="chart"/g)).to.have.length(model.scenarios.length);
    expect(html).to.contain(`<span class="score" id="total-score">${formatPoints(score.total)} / 100</span>`);
    for (const s of score.scenarios)
      expect(html).to.contain(`<th class="num scenario-points">${formatPoints(s.points)}</th>`);
    expect(html).to.contain('<table id="summary">');
    expect(html).to.contain('<li>Add the EventBridge rule</li>');
    expect(html).to.contain('@page { size: A4;');
  });

  it('JUnit: what drills write, one test case per scenario phase', () => {
    const doc = new XMLParser({ ignoreAttributes: false }).parse(junit) as {
      testsuites: {
        testsuite: { '@_tests': string; '@_failures': string; testcase: Array<Record<string, unknown>> };
      };
    };
    const suite = doc.testsuites.testsuite;
    const phases = score.scenarios.flatMap((s) => s.phases);
    expect(Number(suite['@_tests'])).to.equal(phases.length);
    expect(Number(suite['@_failures'])).to.equal(phases.filter((p) => p.verdict !== 'on-target').length);
    expect(suite.testcase.map((c) => c['@_name'])).to.deep.equal(
      score.scenarios.flatMap((s) => s.phases.map((p) => `${s.id} ${p.phase}`)),
    );
    expect(junit).to.contain(`<property name="score" value="${score.total}"/>`);
  });

  it('history: Markdown, HTML with a chart, JSON; not JUnit', () => {
    const run = (id: string, at: string, ttd: number, points: number) => ({
      exerciseId: id,
      createdAt: at,
      total: points,
      grade: 'C' as const,
      scenarios: [
        {
          id: 'ssh-open-to-world',
          title: 'SSH open to the world',
          points,
          met: { detect: ttd },
          targets: { detect: 600_000 },
        },
      ],
    });
    const doc = buildHistoryReport(
      [run('b', '2026-11-02T09:00:00.000Z', 300_000, 90), run('a', '2026-11-01T09:00:00.000Z', 720_000, 60)],
      [],
      '2026-11-28T19:00:00.000Z',
    );
    expectValidJsonReport(renderReport(doc, 'json'));
    const text = renderReport(doc, 'md');
    expect(text).to.contain('| a | 2026-11-01 09:00:00 UTC | 12m |');
    expect(text).to.contain('points +30, TTD −7m');
    expect(renderReport(doc, 'html')).to.match(/<svg [^>]*class="chart trend"/);
    expect(() => renderReport(doc, 'junit')).to.throw(/one exercise/);
  });

  it('a custom template gets the same escaped view', () => {
    const out = renderReport(model, 'md', {
      template: '{{exercise.id}}: {{pts exercise.score.total}} {{#each scenarios}}[{{title}}]{{/each}}',
    });
    expect(out).to.equal(
      `${model.exercise.id}: ${formatPoints(score.total)} [SSH open to the world][Customer data bucket made public][The organisation trail stopped logging]`,
    );
    expect(() => renderReport(model, 'md', { template: '{{#each}}', templateFile: 'bad.hbs' })).to.throw(
      /bad\.hbs/,
    );
  });
});
