import type { Dependencies } from './template/graph.js';

export interface GraphRun {
  succeeded: string[];
  failed: string[];
  /** Never started because something failed first. */
  skipped: string[];
}

/**
 * Run `work` over `ids` as CloudFormation provisions: every item whose dependencies (within `ids`)
 * have succeeded starts at once, in parallel. After a failure nothing new starts (creation), or, with
 * `continueOnFailure` (deletion), everything that does not wait on the failed item goes on.
 */
export function runGraph(
  ids: readonly string[],
  deps: Dependencies,
  work: (id: string) => Promise<boolean>,
  opts: { continueOnFailure?: boolean } = {},
): Promise<GraphRun> {
  const members = new Set(ids);
  const pending = new Set(ids);
  const succeeded: string[] = [];
  const failed: string[] = [];
  let inFlight = 0;
  return new Promise((resolve) => {
    const finishIfIdle = () => {
      if (inFlight > 0) return;
      const stuck = failed.length === 0 && pending.size > 0;
      if (stuck) {
        // Unreachable with an acyclic graph; report rather than hang.
        failed.push(...pending);
        pending.clear();
      }
      resolve({ succeeded, failed, skipped: [...pending] });
    };
    const startReady = () => {
      if (failed.length && !opts.continueOnFailure) return;
      for (const id of [...pending]) {
        const ready = (deps[id] ?? []).every((d) => !members.has(d) || succeeded.includes(d));
        if (!ready) continue;
        pending.delete(id);
        inFlight++;
        work(id)
          .catch(() => false)
          .then((ok) => {
            inFlight--;
            (ok ? succeeded : failed).push(id);
            startReady();
            finishIfIdle();
          });
      }
    };
    startReady();
    finishIfIdle();
  });
}
