/**
 * `sirs report`: an exercise's after-action report (or, with `history`, the trends of past exercises),
 * rendered from the journal and the recorded activity, optionally after re-reading CloudTrail
 * (`refresh`). The command is a thin shell around `makeReport`.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ApiSession } from '../aws/api.js';
import { resolveTarget, standaloneRangeKeys, userAgentFor } from '../aws/target.js';
import type { JournalEntry, TargetRecord } from '../exercise/entries.js';
import { JournalWriter, journalPath, readJournal, stateDir } from '../exercise/journal.js';
import { exerciseStatus } from '../exercise/status.js';
import { SirsError, UsageError } from '../errors.js';
import { readActivityFile } from './activity.js';
import { buildHistoryReport, loadHistory } from './history.js';
import { buildReport } from './model.js';
import { MAX_NOTES_BYTES, parseNotes, type Notes } from './notes.js';
import { findRedatings } from './redate.js';
import { renderReport, type ReportFormat } from './render.js';
import type { ReportDocument } from './schema.js';
import { formatMs } from './format.js';
import { ACTIVITY_FILE, recordActivity, recordedActivity, writeExerciseReports } from './write.js';

export interface ReportOptions {
  /** The exercise (default: the most recent); ignored with `history`. */
  exerciseId?: string;
  format: ReportFormat;
  /** Write here instead of returning the text to print. */
  out?: string;
  template?: string;
  notes?: string;
  /** Trends across past exercises, of these scenarios (empty: all). */
  history?: string[];
  refresh?: boolean;
  cwd?: string;
  now?: Date;
  signal?: AbortSignal;
}

export interface RefreshSummary {
  /** Responder and autopilot calls now recorded, and how many of them are new. */
  events: number;
  added: number;
  pages: number;
  note?: string;
  /** Phases dated by a probe for which CloudTrail now has the call. */
  redated: Array<{ scenario: string; phase: string; from: string; to: string; eventName?: string }>;
  /** The exercise folder's reports, rewritten. */
  reports: string[];
}

export interface ReportResult {
  kind: ReportDocument['kind'];
  exerciseId?: string;
  format: ReportFormat;
  /** The file written (--out). */
  file?: string;
  refresh?: RefreshSummary;
  report: ReportDocument;
  /** The rendered report, when it was not written to a file (the CLI prints it). */
  text?: string;
}

export async function makeReport(opts: ReportOptions): Promise<ReportResult> {
  const cwd = opts.cwd ?? process.cwd();
  const root = stateDir(cwd);
  const now = opts.now ?? new Date();
  if (opts.template && (opts.format === 'json' || opts.format === 'junit')) {
    throw new UsageError('template-format', `--template is for --format md or html, not ${opts.format}`);
  }
  const template = opts.template
    ? readText(resolve(cwd, opts.template), 'template', 4 * 1024 * 1024)
    : undefined;
  const notes: Notes | undefined = opts.notes
    ? parseNotes(readText(resolve(cwd, opts.notes), 'notes', MAX_NOTES_BYTES).text)
    : undefined;
  let doc: ReportDocument;
  let refresh: RefreshSummary | undefined;
  let exerciseId: string | undefined;
  if (opts.history) {
    if (opts.refresh) throw new UsageError('history-refresh', '--refresh is for one exercise, not --history');
    doc = buildHistoryReport(loadHistory(root), opts.history, now.toISOString());
  } else {
    exerciseId = exerciseStatus(opts.exerciseId, cwd).id;
    const file = journalPath(exerciseId, root);
    if (opts.refresh) refresh = await refreshExercise(exerciseId, file, root, opts.signal);
    const entries = readJournal(file);
    doc = buildReport(entries, recordedActivity(entries, file), {
      generatedAt: now.toISOString(),
      history: loadHistory(root),
      ...(notes ? { notes } : {}),
    });
  }
  const text = renderReport(doc, opts.format, {
    ...(template ? { template: template.text, templateFile: template.file } : {}),
  });
  const base = {
    kind: doc.kind,
    ...(exerciseId ? { exerciseId } : {}),
    format: opts.format,
    ...(refresh ? { refresh } : {}),
    report: doc,
  };
  if (opts.out) {
    const out = resolve(cwd, opts.out);
    try {
      writeFileSync(out, text);
    } catch (err) {
      throw new SirsError('cannot-write', `cannot write ${out}: ${(err as Error).message}`);
    }
    return { ...base, file: out };
  }
  return { ...base, text };
}

function readText(file: string, what: string, maxBytes: number): { file: string; text: string } {
  try {
    const size = statSync(file).size;
    if (size > maxBytes)
      throw new UsageError(`${what}-too-large`, `${file}: ${what} files are at most ${maxBytes} bytes`);
    return { file, text: readFileSync(file, 'utf8') };
  } catch (err) {
    if (err instanceof SirsError) throw err;
    throw new UsageError(`bad-${what}`, `cannot read the ${what} file ${file}: ${(err as Error).message}`);
  }
}

/**
 * Re-read CloudTrail for the exercise's window, rewrite activity.jsonl, journal the phases CloudTrail now
 * dates better (evidence.redated), and rewrite the exercise folder's reports.
 */
async function refreshExercise(
  exerciseId: string,
  file: string,
  root: string,
  signal?: AbortSignal,
): Promise<RefreshSummary> {
  const entries = readJournal(file);
  const created = entries.find((e) => e.type === 'exercise.created');
  if (created?.type !== 'exercise.created')
    throw new SirsError('not-an-exercise', `${file} is not an exercise journal`);
  if (!entries.some((e) => e.type === 'exercise.live')) {
    throw new UsageError(
      'never-live',
      `exercise ${exerciseId} never went live: there is no activity to read`,
    );
  }
  const before = new Set(recordedActivity(entries, file).map((e) => e.eventId));
  const session = await refreshSession(exerciseId, created.target);
  let read: Awaited<ReturnType<typeof recordActivity>>;
  const journal = JournalWriter.open(file);
  try {
    read = await recordActivity({
      exerciseId,
      journal,
      session,
      targetKind: created.target.kind,
      refreshed: true,
      to: windowEnd(entries),
      ...(signal ? { signal } : {}),
    });
    const events = readActivityFile(join(dirname(file), ACTIVITY_FILE));
    const redatings = findRedatings(readJournal(file), events);
    for (const r of redatings) journal.append(r);
    const reports = writeExerciseReports({ journalFile: file, root });
    journal.append({ type: 'reports.written', files: reports });
    return {
      events: read.events,
      added: events.filter((e) => !before.has(e.eventId)).length,
      pages: read.pages,
      ...(read.note ? { note: read.note } : {}),
      redated: redatings.map((r) => ({
        scenario: r.scenario,
        phase: r.phase,
        from: formatMs(r.previousAtMs),
        to: formatMs(r.atMs),
        ...(r.evidence.eventName ? { eventName: r.evidence.eventName } : {}),
      })),
      reports,
    };
  } finally {
    journal.close();
    session.destroy();
  }
}

/** The live window ends when the exercise did (teardown is sirs' own work, after it). */
function windowEnd(entries: readonly JournalEntry[]): Date {
  const end =
    entries.findLast((e) => e.type === 'exercise.ending') ??
    entries.findLast((e) => e.type === 'controller.ended') ??
    entries.findLast((e) => e.type === 'teardown.started');
  return end ? new Date(end.time) : new Date();
}

/** A session on the exercise's target, as sirs (its user agent keeps these reads out of the activity). */
async function refreshSession(exerciseId: string, target: TargetRecord): Promise<ApiSession> {
  const userAgent = userAgentFor(exerciseId);
  if (target.kind === 'range') {
    if (target.ephemeral || !target.endpoint) {
      throw new UsageError(
        'range-gone',
        `exercise ${exerciseId} ran on an in-process range that ended with it, and its CloudTrail with it: the activity recorded at the end of the exercise is all there is`,
        {
          suggestions: [
            'run exercises on a standalone `sirs range start` (--endpoint-url) to refresh them later',
          ],
        },
      );
    }
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // The range's keys are random: the administrator's come from the environment `sirs range start` printed.
    const keys = standaloneRangeKeys({ region: target.region }, target.endpoint);
    return new ApiSession({
      region: target.region,
      endpoint: target.endpoint,
      ...(keys.admin ? { credentials: keys.admin } : { profile: keys.profile }),
      customUserAgent: userAgent,
      forcePathStyle: true,
    });
  }
  const t = await resolveTarget({
    target: 'aws',
    region: target.region,
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.endpoint ? { endpointUrl: target.endpoint } : {}),
  });
  const session = t.session({ userAgent });
  // Another account's CloudTrail would credit strangers with the exercise.
  const who = await session.call('sts:GetCallerIdentity', {}).catch((err: unknown) => {
    session.destroy();
    throw new SirsError(
      'no-credentials',
      `cannot reach AWS to refresh exercise ${exerciseId}: ${(err as Error).message}`,
      {
        suggestions: [
          target.profile
            ? `sign in to the profile ${target.profile} (aws sso login --profile ${target.profile})`
            : 'set AWS credentials for the exercise account',
        ],
      },
    );
  });
  if (target.accountId && who.Account !== target.accountId) {
    session.destroy();
    throw new UsageError(
      'wrong-account',
      `exercise ${exerciseId} ran in account ${target.accountId}, but these credentials are for ${String(who.Account)}`,
      {
        suggestions: [
          target.profile ? `use --profile ${target.profile}` : 'use credentials for the exercise account',
        ],
      },
    );
  }
  return session;
}
