import { SirsCommand } from '../cli/base.js';
import type { ExerciseListing } from '../exercise/status.js';

export default class Exercises extends SirsCommand {
  static override summary = 'List exercises (from their journals): state, scenarios, target, start time.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
  ];

  async run(): Promise<{ exercises: ExerciseListing[] }> {
    await this.parse(Exercises);
    const { listExercises } = await import('../exercise/status.js');
    const exercises = listExercises();
    if (!this.jsonEnabled()) {
      if (exercises.length === 0) this.log('No exercises yet. Start one with: sirs start <scenario>');
      const rows = exercises.map((e) => [e.id, e.state, e.scenarios.join(','), e.target, e.startedAt ?? '-']);
      const header = ['ID', 'STATE', 'SCENARIOS', 'TARGET', 'STARTED'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      if (rows.length)
        for (const r of [header, ...rows])
          this.log(
            r
              .map((c, i) => c.padEnd(widths[i]!))
              .join('  ')
              .trimEnd(),
          );
    }
    return { exercises };
  }
}
