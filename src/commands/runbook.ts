import { Args, Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import type { RunbookResult } from '../runbook/on-demand.js';

export default class Runbook extends SirsCommand {
  static override summary = "Render a scenario's responder runbook (without spoilers unless asked).";
  static override description = `Runbooks are Markdown playbooks for an incident class (overview, detect and analyse with
concrete aws CLI commands and CloudTrail lookups, contain, eradicate and recover with a validation
checklist, post-incident). What responders must find themselves (the security group, the trail,
the bucket) is shown as a placeholder like <security-group-id>; --spoilers fills in the real value
(for training and for testing the runbook).

With --exercise the runbook is filled in with that exercise's account, region, target and resource
ids, read from its journal. sirs start and sirs drill also write each scenario's runbook to
.sirs/exercises/<id>/runbooks/ when the exercise goes live.`;
  static override examples = [
    {
      description: 'Read a runbook before a game day',
      command: '<%= config.bin %> <%= command.id %> ssh-open-to-world',
    },
    {
      description: 'The runbook of a running exercise, into a file',
      command:
        '<%= config.bin %> <%= command.id %> ssh-open-to-world --exercise gd-20261128-1742-1a2b --out runbook.md',
    },
    {
      description: 'The answers, for the facilitator',
      command:
        '<%= config.bin %> <%= command.id %> ssh-open-to-world --exercise gd-20261128-1742-1a2b --spoilers',
    },
  ];
  static override args = {
    scenario: Args.string({ description: 'Scenario id or path.', required: true }),
  };
  static override flags = {
    exercise: Flags.string({ description: 'Fill in the facts of this exercise (from its journal).' }),
    spoilers: Flags.boolean({ description: 'Show the values responders are meant to discover.' }),
    out: Flags.string({ description: 'Write the Markdown to this file instead of printing it.' }),
  };

  async run(): Promise<RunbookResult> {
    const { args, flags } = await this.parse(Runbook);
    const { runbookOnDemand } = await import('../runbook/on-demand.js');
    const result = runbookOnDemand({
      scenario: args.scenario,
      ...(flags.exercise ? { exerciseId: flags.exercise } : {}),
      spoilers: flags.spoilers,
      ...(flags.out ? { out: flags.out } : {}),
    });
    if (!this.jsonEnabled()) {
      if (result.file) this.log(`Runbook ${result.runbook} for ${result.scenario} written to ${result.file}`);
      else process.stdout.write(result.markdown.endsWith('\n') ? result.markdown : `${result.markdown}\n`);
    }
    return result;
  }
}
