import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/exercise/config.js';
import { SirsError } from '../../src/errors.js';

describe('sirs.config.yaml', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults without a file: prefix sirs, no tags, no AWS account allowed', () => {
    const { config, file } = loadConfig({ cwd: dir });
    expect(file).to.equal(undefined);
    expect(config).to.deep.equal({ namePrefix: 'sirs', tags: {} });
  });

  it('reads allowed accounts, regions, prefix and tags', () => {
    writeFileSync(
      join(dir, 'sirs.config.yaml'),
      'aws:\n  allowedAccounts: ["111122223333"]\n  allowedRegions: [eu-west-1]\nnamePrefix: gd\ntags: { team: blue }\n',
    );
    const { config } = loadConfig({ cwd: dir });
    expect(config.aws).to.deep.equal({ allowedAccounts: ['111122223333'], allowedRegions: ['eu-west-1'] });
    expect(config.namePrefix).to.equal('gd');
  });

  it('reports every problem with file:line:col', () => {
    writeFileSync(join(dir, 'sirs.config.yaml'), 'aws:\n  allowedAccounts: ["1234"]\nnamePrefx: gd\n');
    try {
      loadConfig({ cwd: dir });
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(SirsError);
      const text = (err as SirsError).suggestions.join('\n');
      expect(text).to.match(/sirs\.config\.yaml:2:\d+: .*12-digit/);
      expect(text).to.match(/sirs\.config\.yaml:3:1: .*namePrefx.*namePrefix/);
    }
  });

  it('an explicit --config that does not exist is an error', () => {
    expect(() => loadConfig({ cwd: dir, path: 'nope.yaml' })).to.throw(/does not exist/);
  });
});
