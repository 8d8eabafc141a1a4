import { Args, Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';

export interface BoardResult {
  exerciseId: string;
  url: string;
}

export default class Board extends SirsCommand {
  static override summary = "Serve an exercise's live board in the browser, from its journal.";
  static override description = `Serves a page on 127.0.0.1 that follows .sirs/exercises/<id>/journal.jsonl
as it grows (on this machine, or any machine that can read the journal):
each scenario's state and timers against its targets, phases met and their
evidence, hints released and the next one due, acknowledgements right and
WRONG, steady-state breaches, and the score so far. Open the printed address
and project it; it reconnects and catches up after a laptop sleeps.

This board is read-only. The facilitator's actions (release a hint, end the
exercise) are on the board that \`sirs start --board web\` serves, with its
per-exercise token: the exercise channel is writable by every responder, so
sirs takes no commands from it. Ctrl-C stops serving; the exercise goes on.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> gd-20261128-1742-1a2b --port 8765',
  ];

  static override args = { id: Args.string({ description: 'Exercise id (default: the most recent).' }) };
  static override flags = {
    port: Flags.integer({ description: 'Port on 127.0.0.1 (default: a free one).', min: 1, max: 65535 }),
  };

  /** With --json the result is one line, printed as soon as the board serves (it serves until Ctrl-C). */
  async run(): Promise<void> {
    const { args, flags } = await this.parse(Board);
    const { exerciseStatus } = await import('../exercise/status.js');
    const { journalPath } = await import('../exercise/journal.js');
    const { BoardServer } = await import('../board/server.js');
    const summary = exerciseStatus(args.id);
    const board = await BoardServer.start({
      exerciseId: summary.id,
      journalPath: journalPath(summary.id),
      ...(flags.port ? { port: flags.port } : {}),
    });
    const result = { exerciseId: summary.id, url: board.url };
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(result)}\n`);
    else this.log(`Board for ${summary.id}: ${board.url}  (read-only; Ctrl-C to stop serving)`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await board.close();
  }
}
