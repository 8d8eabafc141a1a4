import { Command } from '@oclif/core';
import { isSirsError, type ExitCode } from '../errors.js';

/**
 * The one place where errors and results become exit codes and messages. Commands stay thin: parse flags,
 * call one library function, return its typed result (which doubles as the `--json` output).
 */
export abstract class SirsCommand extends Command {
  static override enableJsonFlag = true;

  /**
   * The exit code a successful run's result stands for; e.g. `validate` returns a report and exits 1 when
   * it lists invalid files. The result is printed (or emitted as JSON) either way.
   */
  protected exitCodeFor(_result: unknown): ExitCode {
    return 0;
  }

  protected override async _run<T>(): Promise<T> {
    const result = await super._run<T>();
    const code = this.exitCodeFor(result);
    if (code !== 0) this.exit(code);
    return result;
  }

  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    if (isSirsError(err)) {
      if (this.jsonEnabled()) {
        this.logJson({ error: { code: err.code, message: err.message, suggestions: err.suggestions } });
      } else {
        process.stderr.write(`Error: ${err.message}\n`);
        for (const s of err.suggestions) process.stderr.write(`  → ${s}\n`);
      }
      return this.exit(err.exitCode);
    }
    // oclif's own errors (parse errors exit 2, this.exit() calls) keep their exit codes.
    if (err.oclif?.exit !== undefined) return super.catch(err);
    const detail = process.env.DEBUG ? `\n${err.stack ?? ''}` : ' (set DEBUG=1 for the stack trace)';
    process.stderr.write(`This is a bug in sirs, please report it: ${err.message}${detail}\n`);
    return this.exit(BUG_EXIT_CODE);
  }
}

/** EX_SOFTWARE from sysexits.h: an internal error, distinct from "invalid input" (1) and "usage" (2). */
export const BUG_EXIT_CODE = 70;
