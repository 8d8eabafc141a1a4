import { Command } from '@oclif/core';
import { stripVTControlCharacters } from 'node:util';
import { isSirsError, SirsError, UsageError, type ExitCode } from '../errors.js';
import { closest } from '../scenario/did-you-mean.js';

/**
 * The one place where errors and results become exit codes and messages. Commands stay thin: parse flags,
 * call one library function, return its typed result (which doubles as the `--json` output).
 *
 * Every error ends the same way: with `--json`, one document `{"error": {code, message, suggestions}}` on
 * stdout; without, `Error: message` and the suggestions on stderr. Exit 2 for usage errors (oclif's parse
 * errors included), 1 for failures, 70 for bugs.
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

  /**
   * `--json` as typed, also when parsing failed (so `jsonEnabled()` cannot tell), and for commands that
   * declare their own `json` flag for JSON lines (start, drill, range start).
   */
  protected wantsJson(): boolean {
    if (this.jsonEnabled()) return true;
    const supports = this.ctor.enableJsonFlag || Object.hasOwn(this.ctor.flags ?? {}, 'json');
    if (!supports) return false;
    return jsonRequested(this.argv);
  }

  protected override async catch(
    err: Error & { oclif?: { exit?: number }; code?: unknown },
  ): Promise<unknown> {
    // this.exit() calls: the exit code is already decided and everything is already printed.
    if (err.code === 'EEXIT') throw err;
    const flags = Object.keys({ ...this.ctor.flags, ...this.ctor.baseFlags }).map((f) => `--${f}`);
    if (this.ctor.enableJsonFlag) flags.push('--json');
    const commandLine = `sirs ${(this.id ?? '').replaceAll(':', ' ')}`.trim();
    const failure = userError(err, { commandLine, flags }) ?? bugReport(err);
    reportFailure(failure, this.wantsJson());
    if (failure.code === 'bug' && !this.wantsJson()) process.stderr.write(bugDetail(err));
    return this.exit(failure.exitCode);
  }
}

/** EX_SOFTWARE from sysexits.h: an internal error, distinct from "invalid input" (1) and "usage" (2). */
export const BUG_EXIT_CODE = 70;

export interface Failure {
  code: string;
  message: string;
  suggestions: readonly string[];
  exitCode: number;
}

/** `--json` among the arguments (before a `--` that ends the flags). */
export function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** How every error reaches the user: one JSON document on stdout, or `Error:` lines on stderr. */
export function reportFailure(failure: Failure, json: boolean): void {
  if (json) {
    const error = { code: failure.code, message: failure.message, suggestions: failure.suggestions };
    // One line: also a valid last line for the JSON-lines output of start and drill.
    process.stdout.write(`${JSON.stringify({ error })}\n`);
    return;
  }
  process.stderr.write(`Error: ${failure.message}\n`);
  for (const s of failure.suggestions) process.stderr.write(`  → ${s}\n`);
}

function bugReport(err: Error): Failure {
  return {
    code: 'bug',
    message: `This is a bug in sirs, please report it: ${err.message}`,
    suggestions: [],
    exitCode: BUG_EXIT_CODE,
  };
}

function bugDetail(err: Error): string {
  return process.env.DEBUG ? `${err.stack ?? ''}\n` : '  (set DEBUG=1 for the stack trace)\n';
}

/** oclif's "Parsing --flag \n\t<reason>\nSee more help with --help" wrapping of a flag's parse error. */
const FLAG_PARSE = /^Parsing --([\w-]+) \n\t([\s\S]*?)(?:\nSee more help with --help)?$/;

/** A SirsError as is; oclif's parse errors as usage errors with a short message; else undefined. */
function userError(
  err: Error & { oclif?: { exit?: number } },
  { commandLine, flags: known }: { commandLine: string; flags: string[] },
): Failure | undefined {
  const help = `${commandLine} --help`;
  const parse = FLAG_PARSE.exec(err.message);
  if (isSirsError(err)) {
    // A flag's own parser threw it; oclif prefixed the flag name.
    const message = parse ? `--${parse[1]}: ${parse[2]}` : err.message;
    return { code: err.code, message, suggestions: err.suggestions, exitCode: err.exitCode };
  }
  if (parse)
    return failure(new UsageError('bad-flag-value', `--${parse[1]}: ${parse[2]}`, { suggestions: [help] }));
  if (err.oclif?.exit === undefined) return undefined;
  const text = stripVTControlCharacters(err.message)
    .replace(/\nSee more help with --help$/, '')
    .trim();
  const usage = (code: string, message: string, suggestions: string[] = [help]) =>
    failure(new UsageError(code, message, { suggestions }));
  switch (err.constructor.name) {
    case 'NonExistentFlagsError': {
      const flags = (err as Error & { flags?: string[] }).flags ?? [];
      const near = flags
        .map((f) => closest(f.split('=')[0]!, known))
        .filter((f): f is string => f !== undefined)
        .map((f) => `did you mean ${f}?`);
      return usage('unknown-flag', `${commandLine} has no flag ${flags.join(', ')}`, [
        ...near,
        `${help} lists its flags`,
      ]);
    }
    case 'RequiredArgsError': {
      const args = ((err as Error & { args?: Array<{ name?: string }> }).args ?? []).map(
        (a) => `<${a.name}>`,
      );
      return usage('missing-argument', `${commandLine} needs ${args.join(' ') || 'more arguments'}`);
    }
    case 'UnexpectedArgsError': {
      const args = (err as Error & { args?: string[] }).args ?? [];
      return usage('unexpected-argument', `${commandLine} takes no argument ${args.join(' ')}`.trim());
    }
    case 'FlagInvalidOptionError':
      return usage('bad-flag-value', text);
    case 'ArgInvalidOptionError':
      return usage('bad-argument-value', text);
    case 'FailedFlagValidationError':
    case 'ViolatedFlagConstraintError': {
      const reasons = text
        .split('\n')
        .slice(1)
        .map((l) => l.trim())
        .filter(Boolean);
      const missing = reasons.length > 0 && reasons.every((r) => r.startsWith('Missing required flag'));
      return usage(missing ? 'missing-flag' : 'bad-flags', reasons.join('; ') || text);
    }
    default:
      // Any other oclif error that carries an exit code (`this.error(msg, {exit})`): a usage error if 2.
      return failure(
        err.oclif.exit === 2
          ? new UsageError('usage', text, { suggestions: [help] })
          : new SirsError('failed', text, { exitCode: err.oclif.exit === 130 ? 130 : 1 }),
      );
  }
}

function failure(err: SirsError): Failure {
  return { code: err.code, message: err.message, suggestions: err.suggestions, exitCode: err.exitCode };
}
