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
}): Interrupts {
  const first = new AbortController();
  const second = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
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
