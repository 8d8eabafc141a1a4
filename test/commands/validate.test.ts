import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidationReport } from '../../src/scenario/validate.js';
import { repoRoot, sirs } from '../cli/helpers.js';

describe('sirs validate', () => {
  it('validates every shipped scenario by default and exits 0', async () => {
    const r = await sirs(['validate']);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.contain('✓ scenarios/ssh-open-to-world.yaml');
    expect(r.stdout).to.match(/\d+ scenarios? checked: all valid\.\n$/);
  });

  it('lists problems grouped by file as file:line:col: message (hint), and exits 1', async () => {
    const r = await sirs(['validate', 'test/corpus/bad/scenarios/bad-mitre.yaml', 'ssh-open-to-world']);
    expect(r.exitCode).to.equal(1);
    expect(r.stdout).to.equal(
      [
        '✗ test/corpus/bad/scenarios/bad-mitre.yaml (2 problems)',
        '  test/corpus/bad/scenarios/bad-mitre.yaml:10:16: mitre[1]: must be a MITRE ATT&CK technique id like T1133 or T1021.004',
        '  test/corpus/bad/scenarios/bad-mitre.yaml:10:23: mitre[2]: must be a MITRE ATT&CK technique id like T1133 or T1021.004',
        '✓ scenarios/ssh-open-to-world.yaml',
        '',
        '2 scenarios checked: 1 valid, 1 invalid (2 problems).',
        '',
      ].join('\n'),
    );
  });

  it('gives the structured problems with --json, still exiting 1', async () => {
    const r = await sirs(['validate', 'test/corpus/bad/scenarios/unknown-signal-kind.yaml', '--json']);
    expect(r.exitCode).to.equal(1);
    const report = r.json as ValidationReport;
    expect(report.valid).to.equal(false);
    expect(report.summary).to.deep.equal({ files: 1, valid: 0, invalid: 1, problems: 1 });
    expect(report.files[0]!.problems).to.deep.equal([
      {
        file: 'test/corpus/bad/scenarios/unknown-signal-kind.yaml',
        line: 24,
        col: 9,
        path: 'phases.contain.all[0].sgIngres',
        code: 'unknown-signal-kind',
        message: 'unknown signal kind "sgIngres"',
        hint: 'did you mean "sgIngress"?',
      },
    ]);
  });

  it('validates a whole folder, here the bad-input corpus, never crashing', async () => {
    const r = await sirs(['validate', 'test/corpus/bad/scenarios/', '--json']);
    const files = readdirSync(join(repoRoot, 'test', 'corpus', 'bad', 'scenarios'));
    expect(r.exitCode).to.equal(1);
    expect((r.json as ValidationReport).summary.invalid).to.equal(files.length);
    expect(r.stderr).to.equal('');
  });

  it('exits 2 on an unknown id, suggesting the right one', async () => {
    const r = await sirs(['validate', 'ssh-open-to-wrld']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.contain('Error: unknown scenario id "ssh-open-to-wrld"');
    expect(r.stderr).to.contain('→ did you mean "ssh-open-to-world"?');
    expect(r.stdout).to.equal('');
  });

  it('reports usage errors as JSON with --json', async () => {
    const r = await sirs(['validate', 'nope/missing.yaml', '--json']);
    expect(r.exitCode).to.equal(2);
    expect(r.json).to.deep.equal({
      error: {
        code: 'file-not-found',
        message: 'no such file: nope/missing.yaml',
        suggestions: [],
      },
    });
  });

  it('teaches itself in --help: description, examples, flags', async () => {
    const r = await sirs(['validate', '--help']);
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).to.contain('Validate scenario files; report every problem with file:line:col.');
    expect(text).to.contain(
      'Exit status: 0 when all files are valid, 1 when any is invalid, 2 on a usage error',
    );
    expect(text).to.contain('$ sirs validate ssh-open-to-world');
    expect(text).to.contain('--json Format output as json.');
  });
});
