import { expect } from 'chai';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
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
    expect(report.summary).to.deep.equal({ files: 1, valid: 0, invalid: 1, problems: 1, warnings: 0 });
    expect(report.files[0]!.problems).to.deep.equal([
      {
        file: 'test/corpus/bad/scenarios/unknown-signal-kind.yaml',
        line: 24,
        col: 9,
        path: 'phases.contain.all[0].sgIngres',
        code: 'unknown-signal-kind',
        message: 'unknown signal kind "sgIngres"',
        hint: 'did you mean "sgIngress"?',
        severity: 'error',
      },
    ]);
  });

  describe('warnings', () => {
    let dir: string;
    let file: string;
    before(() => {
      // A valid scenario but for one call the range does not implement (iam:GetAccountProperties).
      const good = join(repoRoot, 'test', 'corpus', 'good');
      dir = mkdtempSync(join(tmpdir(), 'sirs-validate-warn-'));
      for (const d of ['scenarios', 'templates', 'runbooks']) mkdirSync(join(dir, d));
      copyFileSync(join(good, 'templates', 'iam-user.cfn.json'), join(dir, 'templates', 'iam-user.cfn.json'));
      copyFileSync(join(good, 'runbooks', 'generic.md.hbs'), join(dir, 'runbooks', 'generic.md.hbs'));
      const text = readFileSync(join(good, 'scenarios', 'json-template.yaml'), 'utf8')
        .replace('id: json-template', 'id: aws-only')
        .replace('call: sts:GetCallerIdentity', 'call: iam:GetAccountProperties');
      file = join(dir, 'scenarios', 'aws-only.yaml');
      writeFileSync(file, text);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('shows a warning as "warning:", keeps the file valid and exits 0', async () => {
      const r = await sirs(['validate', file, 'ssh-open-to-world']);
      expect(r.exitCode).to.equal(0);
      expect(r.stdout).to.equal(
        [
          `✓ ${file} (1 warning)`,
          `  ${file}:21:13: warning: the range does not implement iam:GetAccountProperties, so this scenario can run only on AWS (RANGE-COVERAGE.md lists the operations the range implements)`,
          '✓ scenarios/ssh-open-to-world.yaml',
          '',
          '2 scenarios checked: all valid (1 warning).',
          '',
        ].join('\n'),
      );
    });

    it('counts warnings apart from problems next to an invalid file', async () => {
      const r = await sirs(['validate', file, 'test/corpus/bad/scenarios/bad-mitre.yaml']);
      expect(r.exitCode).to.equal(1);
      expect(r.stdout).to.contain('✗ test/corpus/bad/scenarios/bad-mitre.yaml (2 problems)\n');
      expect(r.stdout).to.match(/2 scenarios checked: 1 valid, 1 invalid \(2 problems, 1 warning\)\.\n$/);
    });

    it('gives the severity of each problem with --json', async () => {
      const r = await sirs(['validate', file, '--json']);
      expect(r.exitCode).to.equal(0);
      const report = r.json as ValidationReport;
      expect(report.valid).to.equal(true);
      expect(report.summary).to.deep.equal({ files: 1, valid: 1, invalid: 0, problems: 0, warnings: 1 });
      expect(report.files[0]!.problems[0]).to.include({
        code: 'range-unsupported',
        severity: 'warning',
        line: 21,
        col: 13,
      });
    });
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
