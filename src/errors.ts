/**
 * Errors a user can act on carry a stable code, a message and suggestions; the CLI maps them to exit
 * codes in one place (src/cli/base.ts). Anything else that escapes is a bug and is reported as one.
 */
export type ExitCode = 0 | 1 | 2 | 130;

export class SirsError extends Error {
  readonly code: string;
  readonly suggestions: readonly string[];
  readonly exitCode: ExitCode;

  constructor(
    code: string,
    message: string,
    opts: { suggestions?: readonly string[]; exitCode?: ExitCode; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SirsError';
    this.code = code;
    this.suggestions = opts.suggestions ?? [];
    this.exitCode = opts.exitCode ?? 1;
  }
}

/** The command line itself is wrong (unknown scenario id, conflicting flags): exit code 2. */
export class UsageError extends SirsError {
  constructor(
    code: string,
    message: string,
    opts: { suggestions?: readonly string[]; cause?: unknown } = {},
  ) {
    super(code, message, { ...opts, exitCode: 2 });
    this.name = 'UsageError';
  }
}

export function isSirsError(err: unknown): err is SirsError {
  return err instanceof SirsError;
}
