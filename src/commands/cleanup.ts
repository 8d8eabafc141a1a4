import { Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import type { CleanupReport } from '../exercise/cleanup.js';
import type { ExitCode } from '../errors.js';

export default class Cleanup extends SirsCommand {
  static override summary =
    'Remove what exercises left behind (after a crash, --keep, or a failed teardown).';
  static override description = `Finds leftovers from the journals in .sirs/exercises and from stacks that carry the
sirs:exercise tag in the target, and deletes only those: buckets sirs created are emptied first,
temporary access keys are deleted, stacks are deleted and followed to the end. Safe to run again.
Resources responders created are reported, never deleted.`;
  static override examples = [
    {
      description: 'One exercise',
      command: '<%= config.bin %> <%= command.id %> --exercise gd-20261128-1742-1a2b',
    },
    {
      description: 'Everything, on a running range',
      command: '<%= config.bin %> <%= command.id %> --all --endpoint-url http://127.0.0.1:4566',
    },
    {
      description: 'See what would be removed',
      command: '<%= config.bin %> <%= command.id %> --all --dry-run',
    },
  ];

  static override flags = {
    exercise: Flags.string({ description: 'The exercise to clean up.', exclusive: ['all'] }),
    all: Flags.boolean({ description: 'Every exercise with leftovers.' }),
    'dry-run': Flags.boolean({ description: 'Only list what would be removed.' }),
    target: Flags.option({
      options: ['range', 'aws'] as const,
      description: 'Also scan this target for sirs-tagged stacks.',
    })(),
    profile: Flags.string({ description: 'AWS profile (with --target aws).' }),
    region: Flags.string({ description: 'Region to scan.' }),
    'endpoint-url': Flags.string({ description: 'A running range or AWS-compatible endpoint to scan.' }),
  };

  private leftovers = 0;

  protected override exitCodeFor(): ExitCode {
    return this.leftovers > 0 ? 1 : 0;
  }

  async run(): Promise<CleanupReport> {
    const { flags } = await this.parse(Cleanup);
    const { cleanup } = await import('../exercise/cleanup.js');
    const { plainLines } = await import('../cli/exercise/render.js');
    const scan =
      flags.target || flags['endpoint-url']
        ? {
            target: flags.target ?? 'range',
            ...(flags.profile ? { profile: flags.profile } : {}),
            ...(flags.region ? { region: flags.region } : {}),
            ...(flags['endpoint-url'] ? { endpointUrl: flags['endpoint-url'] } : {}),
          }
        : undefined;
    const report = await cleanup({
      ...(flags.exercise ? { exerciseId: flags.exercise } : {}),
      all: flags.all,
      dryRun: flags['dry-run'],
      ...(scan ? { target: scan } : {}),
      emit: this.jsonEnabled() ? () => {} : plainLines((s) => process.stderr.write(s)),
    });
    this.leftovers = report.exercises.reduce((n, e) => n + e.leftovers.length, 0);
    if (!this.jsonEnabled()) {
      if (report.exercises.length === 0) this.log('Nothing to clean up.');
      for (const e of report.exercises) {
        const verb = report.dryRun ? 'would remove' : 'removed';
        const what = report.dryRun
          ? [...e.created, ...e.stacks.map((s) => `stack ${s}`), ...e.keys.map((k) => `access key ${k}`)]
          : e.removed;
        this.log(
          `${e.exerciseId} (${e.target}): ${what.length ? `${verb} ${what.join(', ')}` : `nothing to remove`}${e.note ? ` (${e.note})` : ''}`,
        );
        for (const l of e.leftovers) this.log(`  could not remove ${l.resource}: ${l.reason}`);
      }
    }
    return report;
  }
}
