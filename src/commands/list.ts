import { Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import { LAYERS, SEVERITIES } from '../scenario/enums.js';
import type { ScenarioList } from '../scenario/list.js';

export default class List extends SirsCommand {
  static override summary = 'List scenarios and campaigns: id, title, severity, layer, targets, control.';
  static override description = `Lists the valid scenarios shipped with sirs, sorted by id. Files that fail validation are named at the end; \`sirs validate\` explains why.`;

  static override examples = [
    { description: 'All scenarios', command: '<%= config.bin %> <%= command.id %>' },
    {
      description: 'Network scenarios of high severity',
      command: '<%= config.bin %> <%= command.id %> --layer network --severity high',
    },
    {
      description: 'Ids only, with jq',
      command: "<%= config.bin %> <%= command.id %> --json | jq -r '.scenarios[].id'",
    },
  ];

  static override flags = {
    layer: Flags.option({ options: LAYERS, description: 'Only scenarios in this layer.' })(),
    severity: Flags.option({ options: SEVERITIES, description: 'Only scenarios of this severity.' })(),
  };

  async run(): Promise<ScenarioList> {
    const { flags } = await this.parse(List);
    const { listScenarios } = await import('../scenario/list.js');
    const list = listScenarios({
      ...(flags.layer ? { layer: flags.layer } : {}),
      ...(flags.severity ? { severity: flags.severity } : {}),
    });
    if (!this.jsonEnabled()) {
      const { renderList } = await import('../cli/render/list.js');
      this.log(renderList(list, process.stdout.columns || 120));
    }
    return list;
  }
}
