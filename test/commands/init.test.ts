import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCatalog } from '../../src/scenario/init.js';
import { validateScenarios } from '../../src/scenario/validate.js';
import { SirsError } from '../../src/errors.js';

describe('sirs init', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'sirs-init-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('scaffolds a catalog whose scenario validates, with the JSON Schemas its editor needs', () => {
    const r = initCatalog({ dir: 'drills', from: 'cloudtrail-stopped', id: 'prod-trail', cwd });
    const file = join(cwd, 'drills', 'scenarios', 'prod-trail.yaml');
    expect(r.created).to.include(file);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).to.equal('# yaml-language-server: $schema=./scenario.schema.json');
    expect(text)
      .to.match(/^id: prod-trail$/m)
      .and.to.contain('template: prod-trail.cfn.yaml');
    // The fault as infrastructure that the scenario names for `sirs lint` came along.
    expect(r.created).to.include(
      join(cwd, 'drills', 'templates', 'lint', 'cloudtrail-stopped.fault.cfn.yaml'),
    );
    const report = validateScenarios([join(cwd, 'drills', 'scenarios')], { cwd });
    expect(report.summary).to.include({ files: 1, valid: 1 });
  });

  it('adds a second scenario beside the first, and never overwrites an edited file', () => {
    initCatalog({ dir: 'drills', id: 'one', cwd });
    initCatalog({ dir: 'drills', id: 'two', cwd });
    expect(validateScenarios([join(cwd, 'drills', 'scenarios')], { cwd }).summary).to.include({ valid: 2 });
    writeFileSync(join(cwd, 'drills', 'scenarios', 'one.yaml'), '# mine\n');
    let err: unknown;
    try {
      initCatalog({ dir: 'drills', id: 'one', cwd });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SirsError);
    expect((err as SirsError).message)
      .to.contain('never overwrites')
      .and.to.contain('one.yaml');
    expect(readFileSync(join(cwd, 'drills', 'scenarios', 'one.yaml'), 'utf8')).to.equal('# mine\n');
  });
});
