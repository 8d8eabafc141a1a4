import { captureOutput } from '@oclif/test';
import { Config } from '@oclif/core';
import { expect } from 'chai';
import { SirsCommand } from '../../src/cli/base.js';
import { loadFromSrc, sirs, type SirsRun } from '../cli/helpers.js';

/** What scripts rely on: exactly one JSON document, `{"error": {code, message, suggestions}}`. */
function expectJsonError(
  run: SirsRun,
  code: string,
  exitCode: number,
): { message: string; suggestions: string[] } {
  expect(run.exitCode, run.stdout + run.stderr).to.equal(exitCode);
  // One line, so that it is also a valid last line of the JSON-lines output of start and drill.
  expect(run.stdout.trimEnd().split('\n')).to.have.length(1);
  const doc = JSON.parse(run.stdout) as { error: { code: string; message: string; suggestions: string[] } };
  expect(Object.keys(doc)).to.deep.equal(['error']);
  expect(Object.keys(doc.error).sort()).to.deep.equal(['code', 'message', 'suggestions']);
  expect(doc.error.code).to.equal(code);
  expect(doc.error.message).to.be.a('string').and.not.equal('');
  expect(doc.error.suggestions).to.be.an('array');
  return doc.error;
}

// Every command of the CLI, from oclif's own list: a command added later is covered without editing this.
const config = await Config.load(loadFromSrc);
const commandIds = config.commands.map((c) => c.id).sort();

describe('errors with --json', () => {
  it('covers the commands of the CLI', () => {
    expect(commandIds).to.include.members(['ack', 'score', 'start', 'drill', 'range:start']);
  });

  for (const id of commandIds) {
    it(`sirs ${id.replaceAll(':', ' ')} --bogus --json: one JSON error on stdout, exit 2`, async () => {
      const run = await sirs([...id.split(':'), '--bogus', '--json']);
      const error = expectJsonError(run, 'unknown-flag', 2);
      expect(error.message).to.contain('--bogus');
      // Short, not a dump of oclif's parser state.
      expect(run.stdout.length).to.be.below(1000);
    });
  }

  it('a missing argument is a usage error naming it', async () => {
    const error = expectJsonError(await sirs(['runbook', '--json']), 'missing-argument', 2);
    expect(error.message).to.contain('<scenario>');
  });

  it('a bad flag value is a usage error, also for start (which prints JSON lines)', async () => {
    const error = expectJsonError(
      await sirs(['start', 'ssh-open-to-world', '--target', 'moon', '--json']),
      'bad-flag-value',
      2,
    );
    expect(error.message).to.contain('moon');
  });

  it('an unknown scenario is a usage error in JSON for start and drill', async () => {
    expectJsonError(await sirs(['start', 'no-such-scenario', '--json']), 'unknown-scenario', 2);
    expectJsonError(await sirs(['drill', 'no-such-scenario', '--json']), 'unknown-scenario', 2);
  });

  it('a near-miss flag gets a did-you-mean, in text on stderr without a stack', async () => {
    const run = await sirs(['status', '--jsn']);
    expect(run.exitCode).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(run.stderr).to.match(/^Error: sirs status has no flag --jsn\n/);
    expect(run.stderr).to.contain('did you mean --json?');
    expect(run.stderr).not.to.match(/\n\s+at /);
  });

  it('a bug is still one JSON document, code "bug", exit 70', async () => {
    class Broken extends SirsCommand {
      static override id = 'broken';
      async run(): Promise<void> {
        await this.parse(Broken);
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      }
    }
    const out = await captureOutput(() => Broken.run(['--json'], config), { stripAnsi: true });
    expect(out.error?.oclif?.exit).to.equal(70);
    const doc = JSON.parse(out.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).to.equal('bug');
    expect(doc.error.message).to.match(/^This is a bug in sirs/);
  });
});
