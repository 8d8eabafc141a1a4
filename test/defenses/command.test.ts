import { expect } from 'chai';
import { sirs } from '../cli/helpers.js';

describe('sirs start / drill --defenses', function () {
  this.timeout(60_000);

  it('a defence that is not there is a usage error before anything starts, wherever the flag stands', async () => {
    for (const args of [
      ['drill', 'ssh-open-to-world', '--no-autopilot', '--defenses', 'no-such-defence.cfn.yaml'],
      // Not greedy: the scenario after the flag stays a scenario.
      ['drill', '--defenses', 'no-such-defence.cfn.yaml', 'ssh-open-to-world', '--no-autopilot'],
      ['start', '--defenses', 'no-such-defence.cfn.yaml', 'ssh-open-to-world', '--yes'],
    ]) {
      const run = await sirs(args);
      expect(run.exitCode, args.join(' ')).to.equal(2);
      expect(run.stderr, args.join(' ')).to.contain(
        '--defenses no-such-defence.cfn.yaml: no such file or folder',
      );
      expect(run.stdout, args.join(' ')).not.to.contain('creating stack');
    }
  });

  it('--help documents the flag', async () => {
    const run = await sirs(['drill', '--help']);
    expect(run.stdout).to.contain('--defenses');
    // The example wraps lines on narrow terminals.
    expect(run.stdout.replace(/\s*\\\n\s*/g, ' ')).to.contain(
      'sirs drill ssh-open-to-world --defenses templates/defenses/ssh-revert.cfn.yaml --no-autopilot',
    );
  });
});
