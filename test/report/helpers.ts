import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { packageRoot } from '../../src/paths.js';
import { ReportDocument } from '../../src/report/schema.js';
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

/** Every JSON report is checked against the zod schema and against the committed JSON Schema. */
export function expectValidJsonReport(text: string): void {
  const doc = JSON.parse(text) as unknown;
  const zodResult = ReportDocument.safeParse(doc);
  expect(zodResult.success, JSON.stringify(zodResult.error?.issues.slice(0, 3))).to.equal(true);
  const committed = z.fromJSONSchema(JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>);
  const jsonResult = committed.safeParse(doc);
  expect(jsonResult.success, JSON.stringify(jsonResult.error?.issues.slice(0, 3))).to.equal(true);
}

export const schemaFile = join(packageRoot(), 'reports', 'report.schema.json');

/** The cells of a Markdown table row: its unescaped pipes. */
export function markdownCells(row: string): number {
  return row.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 2;
}

/** Every Markdown table keeps its header's number of cells on every row. */
export function expectTablesIntact(md: string): void {
  const lines = md.split('\n');
  lines.forEach((line, i) => {
    if (!/^\| (---|--:)/.test(line)) return;
    const want = markdownCells(line);
    expect(markdownCells(lines[i - 1]!), `header of the table at line ${i + 1}`).to.equal(want);
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('|'); j++)
      expect(markdownCells(lines[j]!), `line ${j + 1}: ${lines[j]!.slice(0, 200)}`).to.equal(want);
  });
}
