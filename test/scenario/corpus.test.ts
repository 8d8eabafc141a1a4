import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { formatProblem, type Problem } from '../../src/scenario/problem.js';
import { validateScenarios } from '../../src/scenario/validate.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');

interface Expected {
  code: string;
  at: string;
  message: string;
  hint?: string;
  file?: string;
  severity?: 'error' | 'warning';
}

/** Every expected problem is reported (code, position, message, hint, file, severity) and nothing else is. */
function expectExactly(file: string, actual: Problem[], expected: Expected[]): void {
  const left = [...actual];
  for (const e of expected) {
    const i = left.findIndex(
      (p) =>
        p.code === e.code &&
        `${p.line}:${p.col}` === e.at &&
        p.file === (e.file ?? file) &&
        p.message.includes(e.message) &&
        (e.hint === undefined || (p.hint ?? '').includes(e.hint)) &&
        p.severity === (e.severity ?? 'error'),
    );
    if (i < 0) {
      expect.fail(
        `${file}: expected ${JSON.stringify(e)}\n  got:\n    ${actual.map((p) => `[${p.code}] ${formatProblem(p)}`).join('\n    ')}`,
      );
    }
    left.splice(i, 1);
  }
  expect(left.map(formatProblem), `${file}: unexpected problems`).to.deep.equal([]);
}

describe('bad-input corpus', () => {
  const dir = join(corpus, 'bad');
  const expected = parse(readFileSync(join(dir, 'expected.yaml'), 'utf8')) as Record<string, Expected[]>;
  const report = validateScenarios(['scenarios/'], { cwd: dir, root: dir });

  it('holds at least 30 bad files, each listed in expected.yaml', () => {
    const files = report.files.map((f) => f.file.replace(/^scenarios\//, ''));
    expect(files.length).to.be.at.least(30);
    expect(files.sort()).to.deep.equal(Object.keys(expected).sort());
  });

  for (const [name, problems] of Object.entries(expected)) {
    it(`${name}: ${[...new Set(problems.map((p) => p.code))].join(', ')}`, () => {
      const file = report.files.find((f) => f.file === `scenarios/${name}`);
      expect(file, `scenarios/${name} was not validated`).not.to.equal(undefined);
      expect(file!.valid).to.equal(false);
      expectExactly(file!.file, file!.problems, problems);
    });
  }
});

describe('good corpus', () => {
  it('accepts valid scenarios using every signal kind and optional form', () => {
    const dir = join(corpus, 'good');
    const report = validateScenarios(['scenarios/'], { cwd: dir, root: dir });
    const problems = report.files.flatMap((f) => f.problems.map(formatProblem));
    expect(problems).to.deep.equal([]);
    expect(report.summary.files).to.be.at.least(2);
  });
});

describe('hostile input generated at test time', () => {
  let root: string;
  const base = readFileSync(join(corpus, 'good', 'scenarios', 'json-template.yaml'), 'utf8');

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sirs-hostile-'));
    for (const d of ['scenarios', 'templates', 'runbooks']) mkdirSync(join(root, d));
    copyFileSync(
      join(corpus, 'good', 'templates', 'iam-user.cfn.json'),
      join(root, 'templates', 'iam-user.cfn.json'),
    );
    copyFileSync(
      join(corpus, 'good', 'runbooks', 'generic.md.hbs'),
      join(root, 'runbooks', 'generic.md.hbs'),
    );
    writeFileSync(join(root, 'secret.cfn.yaml'), 'Resources:\n  R: { Type: AWS::S3::Bucket }\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));
  const check = (name: string) =>
    validateScenarios([join(root, 'scenarios', name)], { cwd: root, root }).files[0]!;

  it('refuses a 50 MB file by its size, without reading it', () => {
    const file = join(root, 'scenarios', 'huge.yaml');
    writeFileSync(file, 'id: huge\n');
    truncateSync(file, 50 * 1024 * 1024);
    const started = Date.now();
    expectExactly('scenarios/huge.yaml', check('huge.yaml').problems, [
      { code: 'file-too-large', at: '1:1', message: 'the scenario file is 50 MiB; the limit is 1 MiB' },
    ]);
    expect(Date.now() - started).to.be.below(1000);
  });

  it('answers a file of 60,000 duplicate keys without hanging, with at most 100 problems', () => {
    writeFileSync(join(root, 'scenarios', 'dups.yaml'), 'id: dups\n'.repeat(60_000));
    const problems = check('dups.yaml').problems;
    expect(problems).to.have.length(100);
    expect(problems[0]).to.include({ code: 'duplicate-key', line: 2, col: 1, message: 'duplicate key "id"' });
  });

  it('refuses a template that is a symbolic link out of templates/', () => {
    symlinkSync(join(root, 'secret.cfn.yaml'), join(root, 'templates', 'evil.cfn.yaml'));
    writeFileSync(
      join(root, 'scenarios', 'symlink-out.yaml'),
      base.replace('id: json-template', 'id: symlink-out').replace('iam-user.cfn.json', 'evil.cfn.yaml'),
    );
    expectExactly('scenarios/symlink-out.yaml', check('symlink-out.yaml').problems, [
      {
        code: 'path-escape',
        at: '12:15',
        message: 'template "evil.cfn.yaml" is a symbolic link to a file outside templates/',
      },
    ]);
  });

  it('does not block on a FIFO or a device given as a scenario', function () {
    if (process.platform === 'win32') this.skip();
    execFileSync('mkfifo', [join(root, 'scenarios', 'fifo.yaml')]);
    expectExactly('scenarios/fifo.yaml', check('fifo.yaml').problems, [
      { code: 'not-a-file', at: '1:1', message: 'the scenario file is not a regular file' },
    ]);
    const dev = validateScenarios(['/dev/zero'], { cwd: root, root }).files[0]!;
    expect(dev.problems.map((p) => p.code)).to.deep.equal(['not-a-file']);
  });
});
