import { Args, Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import type { InitResult } from '../scenario/init.js';

export default class Init extends SirsCommand {
  static override summary =
    'Scaffold a scenario catalog of your own (scenarios, templates, runbooks, JSON Schemas).';
  static override description = `Creates DIR/scenarios/ (with scenario.schema.json and campaign.schema.json, which the
scenario files point their editors at), DIR/templates/ and DIR/runbooks/, and a first scenario
copied from a shipped one, renamed. It never overwrites a file. Then edit, validate, and run it
like any shipped scenario by its path.`;
  static override examples = [
    {
      description: 'A catalog in ./security-drills',
      command: '<%= config.bin %> <%= command.id %> security-drills',
    },
    {
      description: 'Start from another scenario',
      command: '<%= config.bin %> <%= command.id %> drills --from cloudtrail-stopped --id prod-trail-stopped',
    },
  ];
  static override args = { dir: Args.string({ description: 'The catalog folder.', required: true }) };
  static override flags = {
    from: Flags.string({ description: 'The shipped scenario to copy (default: ssh-open-to-world).' }),
    id: Flags.string({ description: 'The new scenario id (default: my-<from>).' }),
  };

  async run(): Promise<InitResult> {
    const { args, flags } = await this.parse(Init);
    const { initCatalog } = await import('../scenario/init.js');
    const result = initCatalog({
      dir: args.dir,
      ...(flags.from ? { from: flags.from } : {}),
      ...(flags.id ? { id: flags.id } : {}),
    });
    if (!this.jsonEnabled()) {
      this.log(`Created a catalog in ${result.catalog}:`);
      for (const f of result.created) this.log(`  ${f}`);
      this.log('Next:');
      for (const n of result.next) this.log(`  ${n}`);
    }
    return result;
  }
}
