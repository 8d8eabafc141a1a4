import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SirsError, UsageError } from '../../src/errors.js';
import { packageRoot } from '../../src/paths.js';
import { catalogEntries, resolveTargets } from '../../src/scenario/catalog.js';
import { loadScenario } from '../../src/scenario/load.js';
import { formatProblem } from '../../src/scenario/problem.js';
import { validateScenarios } from '../../src/scenario/validate.js';

const root = packageRoot();

describe('validating the shipped catalog', () => {
  it('finds every shipped scenario valid', () => {
    const report = validateScenarios([], { cwd: root });
    expect(report.files.flatMap((f) => f.problems.map(formatProblem))).to.deep.equal([]);
    expect(report.files.map((f) => f.file)).to.include('scenarios/ssh-open-to-world.yaml');
    expect(report.valid).to.equal(true);
  });

  it('names each scenario, its file and its template by the same id', () => {
    for (const id of catalogEntries(root).scenarios) {
      const { scenario } = loadScenario(id, { cwd: root });
      expect(scenario.id).to.equal(id);
      expect(scenario.inject.stack.template).to.equal(`${id}.cfn.yaml`);
    }
  });
});

describe('validation of a file', () => {
  let dir: string;
  const shipped = readFileSync(join(root, 'scenarios', 'ssh-open-to-world.yaml'), 'utf8');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-validate-'));
    for (const d of ['scenarios', 'templates', 'runbooks']) mkdirSync(join(dir, d));
    writeFileSync(
      join(dir, 'templates', 'ssh-open-to-world.cfn.yaml'),
      readFileSync(join(root, 'templates', 'ssh-open-to-world.cfn.yaml')),
    );
    writeFileSync(join(dir, 'runbooks', 'network-exposure.md.hbs'), '# {{outputs.WebSgId}}\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    writeFileSync(join(dir, 'scenarios', name), text);
    return join(dir, 'scenarios', name);
  };

  it('reports every problem in one run, each at its own line', () => {
    const text = shipped
      .replace('id: ssh-open-to-world', 'id: many-problems')
      .replace('severity: high', 'severity: severe')
      .replace("cidr: '{{outputs.BastionCidr}}'", "cidr: '{{outputs.BastionCIDR}}'")
      .replace('    target: 30m', '    target: 1h')
      .replace('  - at: 15m\n    cost: 15', '  - at: 15m\n    cost: 15\n    txt: typo')
      .replace('  name: network-exposure', '  name: nework-exposure');
    const file = write('many-problems.yaml', text);
    const report = validateScenarios([file], { cwd: dir, root: dir });
    const problems = report.files[0]!.problems;
    // Each problem at the line of the text it is about (so the test follows edits to the shipped file).
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
    expect(problems.map((p) => `${p.line} ${p.code}`)).to.deep.equal([
      `${lineOf('severity: severe')} invalid-value`,
      `${lineOf('    target: 1h')} phase-after-limit`,
      `${lineOf('BastionCIDR')} unknown-output`,
      `${lineOf('    txt: typo')} unknown-key`,
      `${lineOf('  name: nework-exposure')} runbook-not-found`,
    ]);
    expect(report.valid).to.equal(false);
    expect(report.summary).to.deep.equal({ files: 1, valid: 0, invalid: 1, problems: 5, warnings: 0 });
  });

  it('checks the lint template a scenario names: under templates/, present, a template', () => {
    mkdirSync(join(dir, 'templates', 'lint'), { recursive: true });
    writeFileSync(join(dir, 'templates', 'lint', 'broken.cfn.yaml'), 'Resources: [not, a, map\n');
    const withLint = (template: string) =>
      shipped
        .replace(/^lint: .*$/m, '')
        .replace(/^inject:/m, `lint: { rules: [SG001], template: ${template} }\n\ninject:`);
    const codes = (name: string, template: string) =>
      validateScenarios([write(name, withLint(template))], { cwd: dir, root: dir }).files[0]!.problems.map(
        (p) => `${p.code}: ${p.message}`,
      );
    expect(codes('ssh-open-to-world.yaml', 'lint/missing.cfn.yaml')).to.deep.equal([
      'lint-template-not-found: lint template "lint/missing.cfn.yaml" not found in templates/',
    ]);
    expect(codes('ssh-open-to-world.yaml', '../scenarios/ssh-open-to-world.yaml')[0]).to.match(
      /lint template "..\/scenarios\/ssh-open-to-world.yaml" points outside templates\//,
    );
    expect(codes('ssh-open-to-world.yaml', 'lint/broken.cfn.yaml')).to.have.length(1);
    expect(codes('ssh-open-to-world.yaml', 'ssh-open-to-world.cfn.yaml')).to.deep.equal([]);
  });

  it('shows paths relative to the working directory, absolute outside it', () => {
    const file = write('ssh-open-to-world.yaml', shipped);
    expect(validateScenarios([file], { cwd: dir, root: dir }).files[0]!.file).to.equal(
      join('scenarios', 'ssh-open-to-world.yaml'),
    );
    expect(validateScenarios([file], { cwd: root, root: dir }).files[0]!.file).to.equal(file);
  });

  it('finds ids used twice among the files validated together', () => {
    const a = write('twin.yaml', shipped.replace('id: ssh-open-to-world', 'id: twin'));
    const b = write('twin.yml', shipped.replace('id: ssh-open-to-world', 'id: twin'));
    const report = validateScenarios([a, b], { cwd: dir, root: dir });
    expect(report.files.map((f) => f.problems.map((p) => p.code))).to.deep.equal([
      ['duplicate-id'],
      ['duplicate-id'],
    ]);
  });
});

describe('naming scenarios on the command line', () => {
  const opts = { cwd: root, root };

  it('resolves ids in the catalog and paths from the working directory', () => {
    expect(resolveTargets(['ssh-open-to-world'], opts)).to.deep.equal([
      join(root, 'scenarios', 'ssh-open-to-world.yaml'),
    ]);
    expect(resolveTargets(['./scenarios/ssh-open-to-world.yaml'], opts)).to.deep.equal([
      join(root, 'scenarios', 'ssh-open-to-world.yaml'),
    ]);
    expect(resolveTargets(['scenarios/'], opts)).to.include(
      join(root, 'scenarios', 'ssh-open-to-world.yaml'),
    );
    expect(resolveTargets([], opts)).to.deep.equal(resolveTargets(['scenarios'.concat('/')], opts));
  });

  it('turns unknown ids and missing paths into usage errors with suggestions', () => {
    const err = (targets: string[]) => {
      try {
        resolveTargets(targets, opts);
      } catch (e) {
        return e as UsageError;
      }
      return expect.fail('expected a usage error');
    };
    const typo = err(['ssh-open-to-wrld']);
    expect(typo).to.be.instanceOf(UsageError);
    expect(typo.exitCode).to.equal(2);
    expect(typo.message).to.equal('unknown scenario id "ssh-open-to-wrld"');
    expect(typo.suggestions[0]).to.equal('did you mean "ssh-open-to-world"?');
    const both = err(['nope', './missing.yaml']);
    expect(both.message).to.equal('no such file: ./missing.yaml; unknown scenario id "nope"');
  });

  it('refuses to show an invalid scenario, listing its problems', () => {
    const dir = join(root, 'test', 'corpus', 'bad');
    try {
      loadScenario('bad-mitre', { cwd: dir, root: dir });
      expect.fail('expected an error');
    } catch (e) {
      expect(e).to.be.instanceOf(SirsError);
      const err = e as SirsError;
      expect(err.code).to.equal('invalid-scenario');
      expect(err.message).to.equal('scenario bad-mitre is invalid (2 problems)');
      expect(err.suggestions[0]).to.match(/^scenarios\/bad-mitre\.yaml:10:16: mitre\[1\]/);
      expect(err.suggestions.at(-1)).to.equal('run `sirs validate bad-mitre` for the full list');
    }
  });
});
