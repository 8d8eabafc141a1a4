/**
 * Responders' API activity, from CloudTrail. When the live phase ends (before teardown), the exercise's
 * window is read with LookupEvents, every page and read-only events included, and the calls responders
 * and the autopilot made are kept in `activity.jsonl` beside the journal, trimmed to what a report needs:
 * time, event, principal, where from, error, and the ids the call named. Never a request or response
 * body, never a secret.
 *
 * sirs' own calls are told apart by their user agent (src/aws/target.ts): `exercise/<id>` without a
 * marker is sirs' own work (inject, probes, teardown) and is left out; `autopilot/1` is the scripted
 * responder, `ack/1` a responder's `sirs ack`; anything without `exercise/<id>` is a responder (the aws
 * CLI, the console, their automation). A caller can spoof a user agent: this tells honest tools apart,
 * it is not a security boundary.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isThrottle, awsErrorCode } from '../aws/api.js';
import { redactSecrets } from '../exercise/journal.js';

export type CallerClass = 'responder' | 'automation' | 'autopilot' | 'ack';

/** Services that call for a team's automation (the range and AWS give their name as the user agent). */
const AUTOMATION_AGENTS = new Set(['ssm.amazonaws.com', 'config.amazonaws.com', 'events.amazonaws.com']);

/** One responder or autopilot call, as kept in activity.jsonl. */
export interface ActivityEvent {
  eventId: string;
  /** eventTime, ISO. */
  time: string;
  eventName: string;
  eventSource: string;
  readOnly: boolean;
  /** userIdentity.arn, or the service that acted, or the identity type. */
  actor: string;
  actorType?: string;
  /** A service that made the call for the principal (CloudFormation, ...). */
  invokedBy?: string;
  by: CallerClass;
  userAgent?: string;
  sourceIp?: string;
  errorCode?: string;
  /** Resource names and ARNs the event lists, and ids its request named. */
  resources: string[];
}

/** How a call's user agent classes it for exercise `exerciseId`. */
export function classifyUserAgent(
  userAgent: string | undefined,
  exerciseId: string,
): CallerClass | 'sirs' | 'other-exercise' {
  const tokens = (userAgent ?? '').split(/\s+/);
  if (tokens.includes(`exercise/${exerciseId}`)) {
    if (tokens.includes('autopilot/1')) return 'autopilot';
    if (tokens.includes('ack/1')) return 'ack';
    return 'sirs';
  }
  // Another exercise's sirs (or its responders' `sirs ack`) in the same account.
  if (tokens.some((t) => t.startsWith('sirs/')) && tokens.some((t) => t.startsWith('exercise/')))
    return 'other-exercise';
  // A Lambda function's SDK names its runtime (`exec-env/AWS_Lambda_nodejs20.x`); SSM Automation (Config
  // remediation) and other services acting for the team sign with their own name.
  if (tokens.some((t) => t.startsWith('exec-env/AWS_Lambda')) || AUTOMATION_AGENTS.has(userAgent ?? ''))
    return 'automation';
  return 'responder';
}

const MAX_STRING = 512;
const MAX_UA = 300;
const MAX_RESOURCES = 24;
/** Request members that name things (groupId, bucketName, userName, policyArn, key, ...). */
const ID_KEY = /(?:id|ids|name|names|arn|arns)$|^(?:key|bucket|resource|resources|group|trail)$/i;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}…`;
}

/** Id-like string leaves of a request, secrets redacted first. */
function namedIds(params: unknown, known: readonly string[]): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, key: string, depth: number) => {
    if (depth > 8 || out.size >= MAX_RESOURCES * 2) return;
    if (typeof v === 'string') {
      if (known.includes(v) || (ID_KEY.test(key) && v.length <= MAX_STRING)) out.add(v);
      return;
    }
    if (Array.isArray(v)) v.forEach((x) => walk(x, key, depth + 1));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v as Record<string, unknown>))
        walk(x, k === 'items' ? key : k, depth + 1);
  };
  walk(redactSecrets(params), '', 0);
  out.delete('[redacted]');
  return [...out];
}

/**
 * A LookupEvents item trimmed for the report, or what it is when it is not kept: sirs' own call, another
 * exercise's, or an item that cannot be read.
 */
export function trimEvent(
  item: Record<string, unknown>,
  exerciseId: string,
  knownResources: readonly string[] = [],
  injecting: ReadonlyArray<readonly [number, number]> = [],
): ActivityEvent | 'sirs' | 'other-exercise' | undefined {
  let record: Record<string, unknown> = {};
  try {
    record = JSON.parse(String(item.CloudTrailEvent ?? '{}')) as Record<string, unknown>;
  } catch {
    // The summary fields still say what happened.
  }
  const eventId = str(item.EventId) ?? str(record.eventID);
  const when =
    item.EventTime instanceof Date
      ? item.EventTime.getTime()
      : Date.parse(String(item.EventTime ?? record.eventTime));
  if (!eventId || Number.isNaN(when)) return undefined;
  const userAgent = str(record.userAgent);
  const by = classifyUserAgent(userAgent, exerciseId);
  if (by === 'sirs' || by === 'other-exercise') return by;
  const identity = (record.userIdentity ?? {}) as Record<string, unknown>;
  const invokedBy = str(identity.invokedBy);
  // CloudFormation's calls carry its own user agent, not sirs': those made while one of sirs' stacks
  // was being created (a campaign stage's too) are the inject.
  if (invokedBy === 'cloudformation.amazonaws.com' && injecting.some(([a, b]) => when >= a && when <= b))
    return 'sirs';
  const listed = [
    ...((item.Resources as Array<{ ResourceName?: unknown }> | undefined) ?? []).map((r) => r.ResourceName),
    ...((record.resources as Array<{ ARN?: unknown }> | undefined) ?? []).map((r) => r.ARN),
  ].filter((r): r is string => typeof r === 'string' && r !== '' && r.length <= MAX_STRING);
  const resources = [...new Set([...listed, ...namedIds(record.requestParameters, knownResources)])];
  // Ids of the scenario first, so the cap never drops what "touched" is matched on.
  resources.sort((a, b) => Number(knownResources.includes(b)) - Number(knownResources.includes(a)));
  const errorCode = str(record.errorCode);
  const sourceIp = str(record.sourceIPAddress);
  const actorType = str(identity.type);
  return {
    eventId,
    time: new Date(when).toISOString(),
    eventName: clip(str(item.EventName) ?? str(record.eventName) ?? 'unknown', 128),
    eventSource: clip(str(item.EventSource) ?? str(record.eventSource) ?? 'unknown', 128),
    readOnly: String(item.ReadOnly ?? record.readOnly) === 'true',
    actor: clip(str(identity.arn) ?? invokedBy ?? actorType ?? 'unknown', MAX_STRING),
    ...(actorType ? { actorType } : {}),
    ...(invokedBy ? { invokedBy: clip(invokedBy, 128) } : {}),
    by,
    ...(userAgent ? { userAgent: clip(userAgent, MAX_UA) } : {}),
    ...(sourceIp ? { sourceIp: clip(sourceIp, 128) } : {}),
    ...(errorCode ? { errorCode: clip(errorCode, 128) } : {}),
    resources: resources.slice(0, MAX_RESOURCES),
  };
}

/** What reading needs of an ApiSession. */
export interface LookupSession {
  call(api: string, input?: object, opts?: { abortSignal?: AbortSignal }): Promise<Record<string, unknown>>;
}

export interface ReadActivityOptions {
  session: LookupSession;
  exerciseId: string;
  from: Date;
  to: Date;
  /** Ids the scenarios involve: request members naming them are kept whatever their name. */
  knownResources?: readonly string[];
  /** When sirs' stacks were being created (epoch ms): CloudFormation's calls then are the inject. */
  injecting?: ReadonlyArray<readonly [number, number]>;
  /** LookupEvents requests per second (AWS allows 2 per account and region). */
  perSecond: number;
  /** Stop (with a note) after this many pages of 50 events. */
  maxPages?: number;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

export interface ActivityRead {
  /** Oldest first. */
  events: ActivityEvent[];
  pages: number;
  /** The read stopped before the start of the window. */
  truncated: boolean;
  note?: string;
  /** Calls left out: sirs' own and other exercises'. */
  skipped: { sirs: number; otherExercise: number };
}

/** 400 pages of 50 events: 20,000 events, 200 s at AWS's 2 requests/s. */
export const DEFAULT_MAX_PAGES = 400;
/** Extra tries of a page the SDK's own retries could not get past throttling. */
const THROTTLE_RETRIES = 4;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Read the window newest first (as LookupEvents pages), paced at `perSecond` with patience for
 * throttling, and bounded: after `maxPages`, or an error, what was read is kept and `note` says what is
 * missing. Never throws for CloudTrail's sake; an abort ends the read as truncated.
 */
export async function readActivity(opts: ReadActivityOptions): Promise<ActivityRead> {
  const sleep = opts.sleep ?? defaultSleep;
  const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
  let spacing = opts.perSecond > 0 ? 1000 / opts.perSecond : 0;
  // CloudTrail times have whole seconds.
  const from = new Date(Math.floor(opts.from.getTime() / 1000) * 1000);
  const to = new Date(Math.ceil(opts.to.getTime() / 1000) * 1000);
  // CloudTrail times have whole seconds: a call in the second a stack started or completed is the inject's.
  const injecting = (opts.injecting ?? []).map(
    ([a, b]) => [Math.floor(a / 1000) * 1000, Math.ceil(b / 1000) * 1000] as const,
  );
  const byId = new Map<string, ActivityEvent>();
  const skipped = { sirs: 0, otherExercise: 0 };
  let pages = 0;
  let token: string | undefined;
  let next = 0;
  let oldest = to.getTime();
  let note: string | undefined;
  do {
    if (pages >= maxPages) {
      note = `stopped after ${maxPages} pages of CloudTrail events: calls before ${new Date(oldest).toISOString()} were not read`;
      break;
    }
    if (opts.signal?.aborted) {
      note = 'reading CloudTrail was interrupted';
      break;
    }
    let page: Record<string, unknown> | undefined;
    for (let attempt = 0; page === undefined; attempt++) {
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      next = Date.now() + spacing;
      try {
        page = await opts.session.call(
          'cloudtrail:LookupEvents',
          { StartTime: from, EndTime: to, MaxResults: 50, ...(token ? { NextToken: token } : {}) },
          opts.signal ? { abortSignal: opts.signal } : {},
        );
      } catch (err) {
        if (isThrottle(err) && attempt < THROTTLE_RETRIES && !opts.signal?.aborted) {
          // Past the SDK's own retries: wait longer, as AWS asks, try the same page again, and go on
          // at half the pace (the endpoint's limit is lower than we thought).
          spacing = Math.max(500, spacing * 2);
          await sleep(Math.min(30_000, 2000 * 2 ** attempt));
          continue;
        }
        const code = awsErrorCode(err) ?? (err as Error).name;
        note = `CloudTrail could not be read${pages ? ` past page ${pages}` : ''}: ${code}: ${clip((err as Error).message, 200)}`;
        break;
      }
    }
    if (!page) break;
    pages++;
    for (const item of (page.Events as Array<Record<string, unknown>> | undefined) ?? []) {
      const e = trimEvent(item, opts.exerciseId, opts.knownResources, injecting);
      if (e === 'sirs') skipped.sirs++;
      else if (e === 'other-exercise') skipped.otherExercise++;
      else if (e) {
        oldest = Math.min(oldest, Date.parse(e.time));
        byId.set(e.eventId, e);
      }
    }
    token = typeof page.NextToken === 'string' && page.NextToken ? page.NextToken : undefined;
  } while (token);
  const events = [...byId.values()].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return { events, pages, truncated: note !== undefined, ...(note ? { note } : {}), skipped };
}

/** Write activity.jsonl (owner-only), one event a line; secrets redacted whatever a caller passed. */
export function writeActivity(file: string, events: readonly ActivityEvent[]): void {
  const text = events.map((e) => JSON.stringify(redactSecrets(e))).join('\n');
  writeFileSync(file, text ? `${text}\n` : '', { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Read activity.jsonl; lines that are not events (a torn last line after a crash) are skipped. */
export function readActivityFile(file: string): ActivityEvent[] {
  if (!existsSync(file)) return [];
  // Line by line from the bytes: faster than one 40 MB string split in 100,000 pieces.
  const buf = readFileSync(file);
  const out: ActivityEvent[] = [];
  for (let start = 0; start < buf.length;) {
    const nl = buf.indexOf(10, start);
    const end = nl < 0 ? buf.length : nl;
    if (end > start) {
      let e: Partial<ActivityEvent> | null = null;
      try {
        e = JSON.parse(buf.toString('utf8', start, end)) as Partial<ActivityEvent> | null;
      } catch {
        // A torn line.
      }
      if (
        e &&
        typeof e.eventId === 'string' &&
        typeof e.time === 'string' &&
        typeof e.eventName === 'string'
      ) {
        if (!Array.isArray(e.resources)) e.resources = [];
        out.push(e as ActivityEvent);
      }
    }
    start = end + 1;
  }
  return out;
}
