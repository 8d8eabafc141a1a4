/**
 * `sirs cleanup`: finds what exercises left behind, from their journals and from stacks carrying the
 * `sirs:exercise` tag, and deletes only that. Idempotent: a second run finds nothing to do.
 */
import { existsSync } from 'node:fs';
import { resolveTarget, userAgentFor, type Target, type TargetOptions } from '../aws/target.js';
import type { ApiSession } from '../aws/api.js';
import { UsageError } from '../errors.js';
import type { Leftover, TargetRecord } from './entries.js';
import type { ExerciseListener } from './events.js';
import { deriveExercise, hasLiveResources, type LiveCreated } from './derive.js';
import { JournalWriter, journalPath, listJournals, readJournal, stateDir } from './journal.js';
import { teardown } from './teardown.js';
import { taggedStacks } from './stacks.js';

export interface CleanupOptions {
  exerciseId?: string;
  all?: boolean;
  dryRun?: boolean;
  /** Where to look for tagged stacks; journals name their own target. */
  target?: TargetOptions;
  cwd?: string;
  emit: ExerciseListener;
  pollMs?: number;
}

export interface CleanupItem {
  exerciseId: string;
  target: string;
  stacks: string[];
  keys: string[];
  /** What inject actions created (root keys, snapshots, ...) and is removed with the stacks. */
  created: string[];
  removed: string[];
  leftovers: Leftover[];
  note?: string;
}

export interface CleanupReport {
  dryRun: boolean;
  exercises: CleanupItem[];
}

function targetOptionsOf(record: TargetRecord): TargetOptions {
  return record.kind === 'range'
    ? { target: 'range', endpointUrl: record.endpoint, region: record.region }
    : { target: 'aws', region: record.region, ...(record.profile ? { profile: record.profile } : {}) };
}

export async function cleanup(opts: CleanupOptions): Promise<CleanupReport> {
  if (!opts.exerciseId && !opts.all) {
    throw new UsageError('cleanup-scope', 'say what to clean up: --exercise ID or --all');
  }
  const root = stateDir(opts.cwd);
  const ids = opts.exerciseId ? [opts.exerciseId] : listJournals(root);
  const report: CleanupReport = { dryRun: !!opts.dryRun, exercises: [] };
  const handled = new Set<string>();

  for (const id of ids) {
    const path = journalPath(id, root);
    if (!existsSync(path)) continue;
    const summary = deriveExercise(id, readJournal(path));
    if (!hasLiveResources(summary) || !summary.target) continue;
    handled.add(id);
    const item: CleanupItem = {
      exerciseId: id,
      target: summary.target.description,
      stacks: summary.liveStacks,
      keys: summary.liveKeys.map((k) => k.accessKeyId),
      created: summary.liveCreated.map((c) => c.resource),
      removed: [],
      leftovers: [],
    };
    report.exercises.push(item);
    if (summary.target.ephemeral && !opts.target?.endpointUrl) {
      item.note =
        'it ran on an in-process range, which ended with the process that started it: nothing remains';
      if (!opts.dryRun) {
        const journal = JournalWriter.open(path);
        journal.append({ type: 'teardown.started' });
        for (const name of summary.liveStacks) journal.append({ type: 'stack.deleted', stackName: name });
        for (const k of summary.liveKeys) journal.append({ type: 'temp-key.deleted', ...k });
        for (const logGroup of summary.liveChannels) journal.append({ type: 'channel.deleted', logGroup });
        for (const c of summary.liveCreated)
          journal.append({
            type: 'action.undone',
            scenario: c.scenario,
            index: c.index,
            resource: c.resource,
          });
        journal.append({ type: 'teardown.done', leftovers: [] });
        journal.close();
      }
      continue;
    }
    const target = await resolveTarget(opts.target ?? targetOptionsOf(summary.target));
    try {
      await cleanOne(
        opts,
        target,
        id,
        path,
        item,
        summary.liveStacks,
        summary.liveKeys,
        summary.liveChannels,
        summary.liveCreated,
      );
    } finally {
      await target.close();
    }
  }

  // Stacks tagged by sirs that no journal here knows about (another machine, a lost .sirs folder).
  // (A fresh in-process range holds nothing, so only a named range or AWS is scanned.)
  if (opts.target && (opts.target.target === 'aws' || opts.target.endpointUrl)) {
    const target = await resolveTarget(opts.target);
    try {
      const session = target.session({ userAgent: userAgentFor(opts.exerciseId ?? 'cleanup') });
      const tagged = await taggedStacks(session, opts.exerciseId);
      session.destroy();
      const byExercise = new Map<string, string[]>();
      for (const t of tagged) {
        if (handled.has(t.exerciseId)) continue;
        byExercise.set(t.exerciseId, [...(byExercise.get(t.exerciseId) ?? []), t.stackName]);
      }
      for (const [id, stacks] of byExercise) {
        const item: CleanupItem = {
          exerciseId: id,
          target: target.description,
          stacks,
          keys: [],
          created: [],
          removed: [],
          leftovers: [],
          note: 'found by its sirs:exercise tag',
        };
        report.exercises.push(item);
        await cleanOne(opts, target, id, journalPath(id, root), item, stacks, []);
      }
    } finally {
      await target.close();
    }
  }
  return report;
}

async function cleanOne(
  opts: CleanupOptions,
  target: Target,
  id: string,
  path: string,
  item: CleanupItem,
  stacks: readonly string[],
  keys: ReadonlyArray<{ userName: string; accessKeyId: string }>,
  channels: readonly string[] = [],
  created: readonly LiveCreated[] = [],
): Promise<void> {
  const session = target.session({ userAgent: userAgentFor(id) });
  try {
    // Only stacks that carry this exercise's tag are ever deleted, even when a journal names them.
    const tagged = new Set((await taggedStacks(session, id)).map((t) => t.stackName));
    const mine: string[] = [];
    for (const name of stacks) {
      if (tagged.has(name)) mine.push(name);
      else if (await stackExists(session, name)) {
        item.leftovers.push({
          stackName: name,
          resource: `stack ${name}`,
          reason: `it does not carry the tag sirs:exercise=${id}; sirs will not delete it`,
        });
      }
    }
    for (const name of tagged) if (!mine.includes(name)) mine.push(name);
    if (opts.dryRun) {
      item.stacks = mine;
      return;
    }
    const journal = JournalWriter.open(path);
    try {
      const leftovers = await teardown({
        exerciseId: id,
        stackNames: mine,
        tempKeys: keys,
        channels,
        created,
        ...(target.canActAsRoot
          ? { rootSession: () => target.session({ userAgent: userAgentFor(id), as: 'root' }) }
          : {}),
        journal,
        session,
        emit: opts.emit,
        pollMs: opts.pollMs ?? (target.kind === 'range' ? 100 : 5000),
      });
      item.leftovers.push(...leftovers);
      const failed = new Set(leftovers.map((l) => l.stackName));
      item.removed = [
        ...mine.filter((n) => !failed.has(n)),
        ...keys.map((k) => `access key ${k.accessKeyId}`),
        ...created.map((c) => c.resource).filter((r) => !leftovers.some((l) => l.resource === r)),
      ];
    } finally {
      journal.close();
    }
  } finally {
    session.destroy();
  }
}

async function stackExists(session: ApiSession, name: string): Promise<boolean> {
  try {
    const d = await session.call('cloudformation:DescribeStacks', { StackName: name });
    const status = (d.Stacks as Array<{ StackStatus?: string }> | undefined)?.[0]?.StackStatus;
    return !!status && status !== 'DELETE_COMPLETE';
  } catch {
    return false;
  }
}
