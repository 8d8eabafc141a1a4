import { Args } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import type { ExerciseScore } from '../controller/scoring.js';
import { SirsError } from '../errors.js';

export default class Score extends SirsCommand {
  static override summary = "Recompute an exercise's score from its journal.";
  static override description = `Scoring is a pure function of the journal (see "Scoring" in the README): per phase, full
points at or under the target, decaying to 25% at the time limit, 0 if missed; minus hint costs,
steady-state breaches and wrong identifications; severity-weighted total and a grade.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> gd-20261128-1742-1a2b',
    '<%= config.bin %> <%= command.id %> --json',
  ];
  static override args = { id: Args.string({ description: 'Exercise id (default: the most recent).' }) };

  async run(): Promise<ExerciseScore> {
    const { args } = await this.parse(Score);
    const { exerciseStatus } = await import('../exercise/status.js');
    const { journalPath, readJournal } = await import('../exercise/journal.js');
    const { scoreJournal } = await import('../controller/scoring.js');
    const summary = exerciseStatus(args.id);
    const score = scoreJournal(readJournal(journalPath(summary.id)));
    if (!score) {
      throw new SirsError(
        'not-scored',
        `exercise ${summary.id} never went live under the controller, so there is nothing to score`,
        {
          suggestions: [`sirs status ${summary.id}`],
        },
      );
    }
    if (!this.jsonEnabled()) {
      const { renderScore } = await import('../cli/exercise/score-render.js');
      this.log(`Exercise ${summary.id}`);
      this.log(renderScore(score));
    }
    return score;
  }
}
