import { Args } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import type { ExerciseSummary } from '../exercise/derive.js';

export default class Status extends SirsCommand {
  static override summary = "Show an exercise's state, derived from its journal.";
  static override description = `Reads .sirs/exercises/<id>/journal.jsonl and shows the exercise's state, target,
scenarios and stacks (with what is still live). Without an id: the most recent exercise.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> gd-20261128-1742-1a2b --json',
  ];
  static override args = { id: Args.string({ description: 'Exercise id (default: the most recent).' }) };

  async run(): Promise<ExerciseSummary> {
    const { args } = await this.parse(Status);
    const { exerciseStatus } = await import('../exercise/status.js');
    const s = exerciseStatus(args.id);
    if (!this.jsonEnabled()) {
      this.log(`Exercise ${s.id}: ${s.state}${s.interrupted ? ` (interrupted by ${s.interrupted})` : ''}`);
      if (s.target) this.log(`  target:    ${s.target.description}`);
      this.log(`  scenarios: ${s.scenarios.join(', ') || '-'}`);
      if (s.startedAt) this.log(`  started:   ${s.startedAt}${s.endedAt ? `, ended ${s.endedAt}` : ''}`);
      for (const st of s.stacks)
        this.log(`  stack ${st.stackName}: ${st.state}${st.reason ? ` (${st.reason})` : ''}`);
      for (const e of s.errors) this.log(`  error: ${e}`);
      if (s.liveStacks.length || s.liveKeys.length)
        this.log(`  Still live: run \`sirs cleanup --exercise ${s.id}\` to remove it.`);
    }
    return s;
  }
}
