/**
 * Progress on a terminal, with listr2: during injection one task per stack (its latest stack event as
 * output) and one for the inject actions; during teardown one task per stack being deleted. Tasks wait
 * on the library's events: the library does the work, this only shows it.
 */
import { Listr, type ListrTaskWrapper } from 'listr2';
import type { ExerciseEvent, ExerciseListener } from '../../exercise/events.js';
import { describeEvent } from './render.js';

interface Deferred {
  promise: Promise<void>;
  settled: boolean;
  resolve(): void;
  reject(err: Error): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  task?: ListrTaskWrapper<any, any, any>;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  const d: Deferred = {
    promise,
    settled: false,
    resolve: () => {
      d.settled = true;
      resolve();
    },
    reject: (err) => {
      d.settled = true;
      reject(err);
    },
  };
  return d;
}

/** listr2 forgets a task's output buffer once the task ends: only a running task may get output. */
function show(d: Deferred | undefined, text: string): void {
  if (d?.task && !d.settled) d.task.output = text;
}

/** A listener that renders injection and teardown with listr2 and everything else as plain lines. */
export function listrProgress(write: (s: string) => void): ExerciseListener & { done(): Promise<void> } {
  const stacks = new Map<string, Deferred>();
  let actions: Deferred | undefined;
  let running: Promise<unknown> | undefined;
  let phase: 'none' | 'inject' | 'teardown' = 'none';
  let teardown: Deferred | undefined;
  const failedDeletes: string[] = [];

  const start = (entries: Array<[string, Deferred]>) => {
    const list = new Listr(
      entries.map(([title, d]) => ({
        title,
        task: async (_ctx: unknown, task: Deferred['task']) => {
          d.task = task;
          await d.promise;
        },
        rendererOptions: { persistentOutput: false },
      })),
      { concurrent: true, exitOnError: false, rendererOptions: { collapseErrors: false } },
    );
    running = list.run().catch(() => undefined);
  };
  const finish = async () => {
    for (const d of stacks.values()) d.resolve();
    actions?.resolve();
    teardown?.resolve();
    await running;
    running = undefined;
    phase = 'none';
  };

  const listener = (e: ExerciseEvent): void => {
    switch (e.type) {
      case 'stack.creating': {
        const d = deferred();
        stacks.set(e.stackName, d);
        if (phase !== 'inject') {
          phase = 'inject';
          // Every stack is asked for in the same turn: start once they all are.
          queueMicrotask(() => {
            actions = deferred();
            start([
              ...[...stacks].map(([name, x]): [string, Deferred] => [`Create stack ${name}`, x]),
              ['Inject actions', actions],
            ]);
          });
        }
        return;
      }
      case 'stack.event': {
        const text = `${e.logicalId} ${e.status}${e.reason ? `: ${e.reason}` : ''}`;
        show(phase === 'teardown' ? teardown : stacks.get(e.stackName), text);
        return;
      }
      case 'stack.created':
        stacks.get(e.stackName)?.resolve();
        return;
      case 'stack.failed':
        stacks.get(e.stackName)?.reject(new Error(`${e.resource ? `${e.resource}: ` : ''}${e.reason}`));
        actions?.reject(new Error('skipped: a stack failed'));
        return;
      case 'action.start':
        show(actions, `${e.call}${e.as !== 'default' ? ` as ${e.as}` : ''}`);
        return;
      case 'action.failed':
        actions?.reject(new Error(`${e.call}: ${e.error}`));
        return;
      case 'action.done':
        return;
      case 'teardown.start':
        void (async () => {
          await finish();
          stacks.clear();
          phase = 'teardown';
          teardown = deferred();
          start([[`Tear down exercise ${e.exerciseId}`, teardown]]);
        })();
        return;
      case 'stack.deleting':
      case 'stack.deleted':
      case 'bucket.emptied':
        show(teardown, describeEvent(e)?.trim() ?? '');
        return;
      case 'stack.delete-failed':
        failedDeletes.push(`${e.stackName}: ${e.reason}`);
        return;
      case 'teardown.done':
        if (failedDeletes.length) teardown?.reject(new Error(failedDeletes.join('; ')));
        else teardown?.resolve();
        void finish().then(() => {
          const line = describeEvent(e);
          if (line) write(`${line}\n`);
        });
        return;
      case 'live':
        void finish().then(() => {
          const line = describeEvent(e);
          if (line) write(`${line}\n`);
        });
        return;
      default: {
        const line = describeEvent(e);
        if (line) write(`${line}\n`);
      }
    }
  };
  return Object.assign(listener, { done: finish });
}
