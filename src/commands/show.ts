import { Args } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import type { CampaignView, ScenarioView } from '../scenario/show.js';
import { isSirsError } from '../errors.js';

export default class Show extends SirsCommand {
  static override summary =
    'Show a scenario (closed loop, phases, signals, hints, inject plan) or a campaign.';
  static override description = `Prints one scenario in readable form: the closed loop (control → monitor → fix), each phase with its target time and the signals that end it, the steady-state checks, the hints and their cost, the CloudFormation stack and actions it injects, its runbook and its autopilot. The scenario must be valid; \`sirs validate ID\` lists its problems otherwise.`;

  static override examples = [
    {
      description: 'Read a scenario before running it',
      command: '<%= config.bin %> <%= command.id %> ssh-open-to-world',
    },
    {
      description: 'The signals of each phase, as JSON',
      command: "<%= config.bin %> <%= command.id %> ssh-open-to-world --json | jq '.phases'",
    },
  ];

  static override args = {
    id: Args.string({
      description: 'Scenario id (see `sirs list`), or a path to a scenario file.',
      required: true,
    }),
  };

  async run(): Promise<ScenarioView | CampaignView> {
    const { args } = await this.parse(Show);
    const { showScenario, showCampaign } = await import('../scenario/show.js');
    let view: ScenarioView;
    try {
      view = showScenario(args.id);
    } catch (err) {
      if (!isSirsError(err) || err.code !== 'is-a-campaign') throw err;
      const campaign = showCampaign(args.id);
      if (!this.jsonEnabled()) {
        const { renderCampaign } = await import('../cli/render/show.js');
        this.log(renderCampaign(campaign));
      }
      return campaign;
    }
    if (!this.jsonEnabled()) {
      const { renderScenario } = await import('../cli/render/show.js');
      this.log(renderScenario(view, process.stdout.columns || 100));
    }
    return view;
  }
}
