import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileNames } from '../../src/aws/profiles.js';
import { sirs } from '../cli/helpers.js';

/** Shared config and credentials files in a temporary directory, as AWS_CONFIG_FILE and friends name them. */
describe('--profile that does not exist', () => {
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  const env = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (!(k in saved)) saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-profiles-'));
    // No region anywhere: before the fix, this is what made sirs say "needs a region".
    writeFileSync(
      join(dir, 'config'),
      '[default]\noutput = json\n\n[profile sandbox]\nsso_session = corp\n\n[sso-session corp]\nsso_region = eu-west-1\n',
    );
    writeFileSync(join(dir, 'credentials'), '[ci-bot]\naws_access_key_id = AKIAEXAMPLE\n');
    env({
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_PROFILE: undefined,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
    });
  });

  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists profiles from both files: [default] and [profile x] in config, [x] in credentials', () => {
    expect(
      profileNames({ configFile: join(dir, 'config'), credentialsFile: join(dir, 'credentials') }),
    ).to.deep.equal(['ci-bot', 'default', 'sandbox']);
  });

  it('sirs start --target aws --profile nosuch: "profile nosuch not found", the profiles that exist, exit 2', async () => {
    const run = await sirs([
      'start',
      'ssh-open-to-world',
      '--target',
      'aws',
      '--profile',
      'nosuch',
      '--json',
    ]);
    expect(run.exitCode).to.equal(2);
    const { error } = run.json as { error: { code: string; message: string; suggestions: string[] } };
    expect(error.code).to.equal('unknown-profile');
    expect(error.message).to.match(/^profile nosuch \(--profile\) not found in /);
    expect(error.message).not.to.contain('region');
    expect(error.suggestions).to.include('profiles that exist: ci-bot, default, sandbox');
  });

  it('a near miss gets a did-you-mean (text mode)', async () => {
    const run = await sirs(['start', 'ssh-open-to-world', '--target', 'aws', '--profile', 'sandbx']);
    expect(run.exitCode).to.equal(2);
    expect(run.stderr).to.contain('did you mean --profile sandbox?');
  });

  it('AWS_PROFILE naming a missing profile is caught the same way', async () => {
    env({ AWS_PROFILE: 'gone' });
    try {
      const run = await sirs(['start', 'ssh-open-to-world', '--target', 'aws', '--json']);
      expect(run.exitCode).to.equal(2);
      expect((run.json as { error: { message: string } }).error.message).to.match(
        /^profile gone \(AWS_PROFILE\) not found/,
      );
    } finally {
      env({ AWS_PROFILE: undefined });
    }
  });

  it('sirs ack --profile nosuch is refused the same way', async () => {
    const run = await sirs(['ack', 'ssh-exposure', '--exercise', 'gd-1', '--profile', 'nosuch', '--json']);
    expect(run.exitCode).to.equal(2);
    expect((run.json as { error: { code: string } }).error.code).to.equal('unknown-profile');
  });
});
