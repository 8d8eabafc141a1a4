import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JournalEntry } from '../../src/exercise/entries.js';
import { readJournal } from '../../src/exercise/journal.js';
import { readActivityFile, type ActivityEvent } from '../../src/report/activity.js';

export const fixtureDir = fileURLToPath(new URL('./fixtures/gd-20261128-1742-1a2b/', import.meta.url));
export const FIXTURE_ID = 'gd-20261128-1742-1a2b';

/**
 * A recorded three-scenario exercise on AWS (hand-made from real journal shapes): ssh-open-to-world
 * (ack-detected, contained by a CloudTrail-dated revoke, a steady-state breach, recovered late and dated
 * by a probe, re-dated by a refresh), public-bucket (a wrong identification, late detect and contain, a
 * missed recover, a scheduled and a facilitator hint) and trail-stopped (contained by the team's Lambda,
 * dated by a probe; detect only implied). The activity has three principals: the CLI, the console, a
 * Lambda function.
 */
export function fixture(): { entries: JournalEntry[]; activity: ActivityEvent[] } {
  return {
    entries: readJournal(join(fixtureDir, 'journal.jsonl')),
    activity: readActivityFile(join(fixtureDir, 'activity.jsonl')),
  };
}

export function fixtureText(name: string): string {
  return readFileSync(join(fixtureDir, name), 'utf8');
}

/** Replace the body fields of the entries `pick` selects (keeps seq and time). */
export function editEntries(
  entries: readonly JournalEntry[],
  edit: (e: JournalEntry) => JournalEntry | undefined,
): JournalEntry[] {
  return entries.map((e) => edit(structuredClone(e)) ?? e);
}
