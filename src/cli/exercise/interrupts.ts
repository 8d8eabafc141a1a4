/**
 * Ctrl-C and SIGTERM during an exercise: the first ends it (teardown runs), the second stops waiting for
 * teardown and says how to finish it later.
 */
export interface Interrupts {
  signal: AbortSignal;
  teardownSignal: AbortSignal;
  dispose(): void;
}

export function trapInterrupts(opts: {
  exerciseId: () => string | undefined;
  say: (line: string) => void;
  /** Nothing is running yet (a drill schedule waiting for its next time): what to say instead of tearing down. */
  idle?: () => string | undefined;
}): Interrupts {
  const first = new AbortController();
  const second = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    const idle = first.signal.aborted ? undefined : opts.idle?.();
    if (idle !== undefined) {
      opts.say(`\n${sig}: ${idle}`);
      first.abort(sig);
      return;
    }
    if (!first.signal.aborted) {
      opts.say(`\n${sig}: ending the exercise and tearing down (press Ctrl-C again to stop waiting).`);
      first.abort(sig);
      return;
    }
    const id = opts.exerciseId();
    second.abort(sig);
    opts.say(
      `\nStopped waiting for teardown. Finish it with: sirs cleanup ${id ? `--exercise ${id}` : '--all'}`,
    );
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: first.signal,
    teardownSignal: second.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
