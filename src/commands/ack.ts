import { Args, Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import type { RecordedAck } from '../controller/ack-command.js';

export default class Ack extends SirsCommand {
  static override summary = 'Declare a finding: "we found it" (which resource, what happened).';
  static override description = `Writes an acknowledgement to the exercise channel, a CloudWatch Logs group
(/sirs/exercises/<id>) in the exercise's account, where the controller reads it. It uses your
shell's AWS credentials and region: on the range, the exports printed by \`sirs start\`.
sirs ack only records the acknowledgement: the facilitator's controller judges it (naming the
wrong resource counts as a wrong identification, not a detection) and the board shows the verdict.
Without --exercise or $SIRS_EXERCISE it uses the only live exercise in .sirs/exercises.`;
  static override examples = [
    {
      description: 'Found it',
      command:
        '<%= config.bin %> <%= command.id %> ssh-exposure --resource sg-0123456789abcdef0 --exercise gd-20261128-1742-1a2b',
    },
    {
      description: 'With a note for the after-action report',
      command:
        '<%= config.bin %> <%= command.id %> trail-stopped --resource main --note "StopLogging by root at 10:02" --exercise blue-1',
    },
  ];
  static override args = {
    finding: Args.string({
      description: 'The finding, kebab-case (as the runbook names it).',
      required: true,
    }),
  };
  static override flags = {
    exercise: Flags.string({
      description:
        'The exercise id (default: $SIRS_EXERCISE, which sirs start prints with the environment; else the only live exercise here).',
      env: 'SIRS_EXERCISE',
    }),
    resource: Flags.string({ description: 'The resource the finding is about (an id, name or ARN).' }),
    note: Flags.string({ description: 'What you think happened.' }),
    region: Flags.string({ description: 'Region of the exercise (default: your shell’s).' }),
    profile: Flags.string({ description: 'AWS profile.' }),
    'endpoint-url': Flags.string({ description: 'Endpoint (default: your shell’s AWS_ENDPOINT_URL).' }),
  };

  async run(): Promise<RecordedAck> {
    const { args, flags } = await this.parse(Ack);
    const { ackFinding } = await import('../controller/ack-command.js');
    const record = await ackFinding({
      ...(flags.exercise ? { exerciseId: flags.exercise } : {}),
      finding: args.finding,
      ...(flags.resource ? { resource: flags.resource } : {}),
      ...(flags.note ? { note: flags.note } : {}),
      ...(flags.region ? { region: flags.region } : {}),
      ...(flags.profile ? { profile: flags.profile } : {}),
      ...(flags['endpoint-url'] ? { endpointUrl: flags['endpoint-url'] } : {}),
    });
    // sirs ack cannot know whether the finding is right: the controller judges it. Say so, never "Acknowledged".
    this.log(
      `Recorded "${record.finding}"${record.resource ? ` on ${record.resource}` : ''} for exercise ${record.exerciseId}${record.exerciseFrom === 'only-live' ? ' (the only live exercise here)' : ''}, as ${record.by} at ${record.at}.`,
    );
    this.log(
      `It is in the exercise channel (${record.channel}); the facilitator's controller judges it, right or wrong, on its next tick, and the board shows the verdict.`,
    );
    return record;
  }
}
