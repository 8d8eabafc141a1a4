import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreJournal } from '../../src/controller/scoring.js';
import { sirs } from '../cli/helpers.js';
import { FIXTURE_ID, expectValidJsonReport, fixture, fixtureDir } from './helpers.js';

describe('sirs report', function () {
  this.timeout(60_000);
  let root: string;
  const total = scoreJournal(fixture().entries)!.total;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sirs-report-cmd-'));
    cpSync(fixtureDir, join(root, '.sirs', 'exercises', FIXTURE_ID), { recursive: true });
    // A second exercise: the same one, run earlier on an in-process range (for --history and --refresh).
    const earlier = join(root, '.sirs', 'exercises', 'gd-20261101-0900-aaaa');
    cpSync(fixtureDir, earlier, { recursive: true });
    const journal = readFileSync(join(earlier, 'journal.jsonl'), 'utf8')
      .replaceAll(FIXTURE_ID, 'gd-20261101-0900-aaaa')
      .replaceAll('2026-11-28T', '2026-11-01T')
      .replace(
        /"target":\{[^}]*\}/,
        '"target":{"kind":"range","region":"us-east-1","description":"the range","ephemeral":true}',
      );
    writeFileSync(join(earlier, 'journal.jsonl'), journal);
    process.env.SIRS_STATE_DIR = join(root, '.sirs');
  });
  after(() => {
    delete process.env.SIRS_STATE_DIR;
    rmSync(root, { recursive: true, force: true });
  });

  it('prints the latest exercise as Markdown', async () => {
    const run = await sirs(['report']);
    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`# After-action report: ${FIXTURE_ID}`);
    expect(run.stdout).to.contain(`**${total} / 100, grade D**`);
  });

  it('writes HTML to --out and says where', async () => {
    const out = join(root, 'report.html');
    const run = await sirs(['report', FIXTURE_ID, '--format', 'html', '--out', out]);
    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`Report written to ${out}`);
    expect(readFileSync(out, 'utf8')).to.match(/^<!DOCTYPE html>/);
  });

  it('--json: the report model, valid against the schema', async () => {
    const run = await sirs(['report', FIXTURE_ID, '--json']);
    expect(run.exitCode, run.stderr).to.equal(0);
    const result = run.json as { kind: string; exerciseId: string; report: unknown };
    expect(result).to.deep.include({ kind: 'exercise', exerciseId: FIXTURE_ID });
    expectValidJsonReport(JSON.stringify(result.report));
  });

  it('--notes fills lessons learned and action items; --format junit prints what drills write', async () => {
    const notes = join(root, 'debrief.md');
    writeFileSync(
      notes,
      '# Debrief\n\n## Lessons learned\n\nWe found it.\n\n## Action items\n\n- Page on StopLogging\n',
    );
    const md = await sirs(['report', FIXTURE_ID, '--notes', notes]);
    expect(md.stdout).to.contain('## Lessons learned\n\n# Debrief\n\nWe found it.');
    expect(md.stdout).to.contain('## Action items\n\n- Page on StopLogging');
    const junit = await sirs(['report', FIXTURE_ID, '--format', 'junit']);
    expect(junit.stdout).to.match(/^<\?xml/);
    expect(junit.stdout).to.contain(`<property name="score" value="${total}"/>`);
  });

  it('--history compares the scenarios across exercises, oldest first', async () => {
    const run = await sirs(['report', '--history', 'ssh-open-to-world']);
    expect(run.exitCode, run.stderr).to.equal(0);
    const rows = run.stdout.split('\n').filter((l) => l.startsWith('| gd-'));
    expect(rows.map((r) => r.split(' | ')[0])).to.deep.equal(['| gd-20261101-0900-aaaa', `| ${FIXTURE_ID}`]);
  });

  it('--template renders the same view through the facilitator’s own template', async () => {
    const template = join(root, 'mine.md.hbs');
    writeFileSync(
      template,
      '{{exercise.id}} scored {{pts exercise.score.total}}{{#each scenarios}}; {{id}} {{pts score.points}}{{/each}}\n',
    );
    const run = await sirs(['report', FIXTURE_ID, '--template', template]);
    expect(run.stdout.trim()).to.match(new RegExp(`^${FIXTURE_ID} scored ${total}; ssh-open-to-world \\d`));
  });

  it('refuses what cannot be done, with exit 2 and a way forward', async () => {
    const gone = await sirs(['report', 'gd-20261101-0900-aaaa', '--refresh']);
    expect(gone.exitCode).to.equal(2);
    expect(gone.stderr).to.match(/in-process range that ended with it/);
    const unknown = await sirs(['report', 'gd-nope']);
    expect(unknown.exitCode).to.equal(2);
    expect(unknown.stderr).to.match(/no exercise gd-nope/);
    const json = await sirs([
      'report',
      FIXTURE_ID,
      '--format',
      'json',
      '--template',
      join(root, 'mine.md.hbs'),
    ]);
    expect(json.exitCode).to.equal(2);
    expect(json.stderr).to.match(/--template is for --format md or html/);
  });
});
