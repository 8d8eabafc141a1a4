import { expect } from 'chai';
import { nearestCommands } from '../../src/hooks/command-not-found.js';
import { sirs } from '../cli/helpers.js';

describe('did-you-mean for commands', () => {
  it('sirs strat: suggests start, exit 2, on stderr', async () => {
    const run = await sirs(['strat']);
    expect(run.exitCode).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(run.stderr).to.match(/^Error: sirs has no command "strat"\n/);
    expect(run.stderr).to.contain('did you mean "sirs start"?');
    expect(run.stderr).not.to.match(/\n\s+at /);
  });

  it('with --json: the JSON error carries the suggestion', async () => {
    const run = await sirs(['strat', 'ssh-open-to-world', '--yes', '--json']);
    expect(run.exitCode).to.equal(2);
    expect(run.json).to.deep.equal({
      error: {
        code: 'unknown-command',
        message: 'sirs has no command "strat"',
        suggestions: ['did you mean "sirs start"?', 'sirs --help lists the commands'],
      },
    });
  });

  it('topics too: rang start → range start; range strat → range start', async () => {
    expect((await sirs(['rang', 'start'])).stderr).to.contain('did you mean "sirs range start"?');
    const run = await sirs(['range', 'strat']);
    expect(run.exitCode).to.equal(2);
    expect(run.stderr).to.match(/^Error: sirs has no command "range strat"\n/);
    expect(run.stderr).to.contain('did you mean "sirs range start"?');
  });

  it('sirs strat --help (what `sirs help strat` becomes) gets the same suggestion, not a bare "not found"', async () => {
    const run = await sirs(['strat', '--help']);
    expect(run.exitCode).to.equal(2);
    expect(run.stderr).to.match(/^Error: sirs has no command "strat"\n/);
    expect(run.stderr).to.contain('did you mean "sirs start"?');
    // Help for real commands and topics is untouched.
    expect((await sirs(['start', '--help'])).stdout).to.contain('USAGE');
    expect((await sirs(['range', '--help'])).stdout).to.contain('range start');
  });

  it('no suggestion for a word that is nothing like a command', async () => {
    const run = await sirs(['teleport']);
    expect(run.exitCode).to.equal(2);
    expect(run.stderr).not.to.contain('did you mean');
    expect(run.stderr).to.contain('sirs --help lists the commands');
  });

  it('nearestCommands prefers the most specific match and offers ties', () => {
    const names = ['start', 'status', 'score', 'range', 'range start'];
    expect(nearestCommands(['statu'], names)).to.deep.equal(['status']);
    expect(nearestCommands(['range', 'strat'], names)).to.deep.equal(['range start']);
    expect(nearestCommands(['rang'], names)).to.deep.equal(['range']);
    expect(nearestCommands(['stat'], ['start', 'state'])).to.deep.equal(['start', 'state']);
  });
});
