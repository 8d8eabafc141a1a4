/**
 * The observer the controller is wired to: evaluates resource-state and audit conditions through the
 * shared reader, and dates what it sees. When a state shows the expected change, the newest CloudTrail
 * event that brings it about (since the state was last seen otherwise) supplies the exact time and the
 * actor; without one, the probe's own time stands and the evidence says `source: 'probe'`.
 */
import type { ClientConfig } from '../aws/api.js';
import type { Evidence } from '../controller/model.js';
import { scanPlaceholders } from '../scenario/placeholders.js';
import { conditionParts, type Condition } from './registry.js';
import { LogWindows } from './log-events.js';
import { ReadError, Reader, type ReaderClock, type ReaderStats, type ReadSession } from './reader.js';
import {
  describeEvent,
  eventEvidence,
  newestFirst,
  refersTo,
  TrailWindow,
  type TrailEvent,
} from './trail-events.js';
import type { Attribution, ExerciseInfo, Observation, ProbeContext } from './types.js';

export interface ObserverOptions {
  /** An ApiSession (or anything with `call`) for the exercise's account and region. */
  session: ReadSession & { readonly config?: ClientConfig };
  exercise: ExerciseInfo;
  /** CloudTrail LookupEvents requests per second (AWS allows 2 per account and region). */
  lookupEventsPerSecond?: number;
  /** Jitter source for backoff, [0, 1). */
  random?: () => number;
  clock?: ReaderClock;
  backoff?: { baseMs?: number; maxMs?: number };
  /** How far back each CloudTrail read reaches behind the newest event seen (AWS delivers late). */
  cloudTrailOverlapMs?: number;
  logsOverlapMs?: number;
  /**
   * How long after a change a describe may still show the old state (AWS is eventually consistent;
   * the range is not): an event that much older than the last contrary observation may be the cause.
   */
  attributionSlackMs?: number;
}

export interface ObserverStats extends ReaderStats {
  observations: { met: number; notMet: number; unknown: number };
}

export interface Observer {
  beginTick(): void;
  observe(condition: Condition, scenarioId: string): Promise<Observation>;
  stats(): ObserverStats;
  /** Releases the clients the observer made itself. */
  close(): void;
}

/** What the observer remembers of one condition between ticks. */
interface Memory {
  /** When the condition was last seen not met (epoch ms). */
  lastNotMetAt?: number;
  /**
   * When the current run of `not-met` observations began: the first one since the condition was last
   * met (or since the exercise started). Unknown observations do not end a run.
   */
  notMetSince?: number;
  /** How the current run of `met` observations is dated: the first one's evidence and what dated it. */
  metSince?: { evidence: Evidence; note: string };
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
/** Answers of endpoints that have no CloudTrail at all (other AWS-compatible emulators). */
const NO_CLOUDTRAIL = new Set([
  'NotImplemented',
  'UnknownOperationException',
  'InvalidAction',
  'UnsupportedOperation',
]);
/** A CloudTrail that failed this many times in a row (not throttled) is taken as not there. */
const CLOUDTRAIL_GIVE_UP_AFTER = 3;

export function createObserver(opts: ObserverOptions): Observer {
  const { exercise } = opts;
  const onRange = exercise.endpoint !== undefined;
  const session = withS3Control(opts.session, exercise.endpoint);
  const reader = new Reader({
    session,
    rates: { 'cloudtrail:LookupEvents': opts.lookupEventsPerSecond ?? 2 },
    random: opts.random,
    clock: opts.clock,
    // Backing off protects AWS's quotas; the range is local and ticks fast, so it is retried sooner.
    backoff: opts.backoff ?? (onRange ? { baseMs: 250, maxMs: 2_000 } : undefined),
  });
  // AWS delivers events to CloudTrail and Logs minutes late and out of order; the range records them as
  // the call returns, so one second (CloudTrail's time resolution) is overlap enough there.
  const trail = new TrailWindow(reader, {
    startedAt: exercise.startedAt,
    overlapMs: opts.cloudTrailOverlapMs ?? (onRange ? 1_000 : 5 * 60_000),
    ownUserAgent: `exercise/${exercise.id}`,
  });
  const logs = new LogWindows(
    reader,
    exercise.startedAt,
    opts.logsOverlapMs ?? (onRange ? 5_000 : 2 * 60_000),
  );
  const slack = opts.attributionSlackMs ?? (onRange ? 0 : 5_000);
  const aliases = new Map<string, Set<string>>();
  const memory = new Map<string, Memory>();
  const tally = { met: 0, notMet: 0, unknown: 0 };

  const context = (at: Date): ProbeContext => ({
    reader,
    exercise,
    at,
    trailEvents: (o) => trail.events('tick', o?.includeReadOnly),
    logEvents: (group, pattern) => logs.events(group, pattern),
    knownAs: (resource, ...names) => {
      const known = aliases.get(resource) ?? new Set<string>();
      for (const n of names) if (n && n !== resource) known.add(n);
      aliases.set(resource, known);
    },
  });

  /**
   * The newest successful event that brings the state about, after it was last seen otherwise; for a
   * slow change, after the first contrary observation of the current run (a patch run started before
   * the last "not met" reading is still what fixed it, one started before the run began is not).
   */
  async function cause(spec: Attribution, mem: Memory): Promise<TrailEvent | undefined> {
    const events = await trail.events('now');
    const names = spec.resource === undefined ? [] : [spec.resource, ...(aliases.get(spec.resource) ?? [])];
    const contrary = spec.slow ? (mem.notMetSince ?? mem.lastNotMetAt) : mem.lastNotMetAt;
    // Event times have whole seconds: one stamped in the second of the contrary observation may follow it.
    const since = contrary === undefined ? -Infinity : contrary - 1000 - slack;
    return events
      .filter(
        (e) =>
          spec.eventNames.includes(e.eventName) &&
          !e.errorCode &&
          e.time > since &&
          (spec.resource === undefined || refersTo(e, names)) &&
          (!spec.accept || spec.accept(e)),
      )
      .sort(newestFirst)[0];
  }

  async function evaluate(condition: Condition): Promise<Observation> {
    const { kind, params } = conditionParts(condition);
    if (!kind.probe) return unknown(`${kind.name} is not probed: the controller answers it`);
    const parsed = kind.params.safeParse(params);
    if (!parsed.success) {
      return unknown(
        `invalid ${kind.name} parameters: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
    }
    // An unresolved {{outputs.X}} names no resource: reading it would find "nothing there", a false fix.
    const placeholder = stringsOf(parsed.data).find((v) => scanPlaceholders(v).tokens.length > 0);
    if (placeholder !== undefined) return unknown(`unresolved placeholder in ${kind.name}: ${placeholder}`);
    const key = `${kind.name} ${stableJson(parsed.data)}`;
    const mem = memory.get(key) ?? {};
    memory.set(key, mem);
    const at = new Date(reader.clock.now());
    let obs: Observation;
    try {
      obs = await kind.probe(context(at), parsed.data);
    } catch (err) {
      // A state not seen this tick may have changed meanwhile: date the next `met` afresh.
      mem.metSince = undefined;
      return unknown(reasonOf(err));
    }
    if (obs.status === 'not-met') {
      mem.lastNotMetAt = at.getTime();
      mem.notMetSince ??= at.getTime();
      mem.metSince = undefined;
    }
    if (obs.status !== 'met' || !kind.attribution) return obs;
    const dated = (evidence: Evidence, note: string): Observation => {
      mem.metSince = { evidence, note };
      mem.notMetSince = undefined;
      return { status: 'met', evidence: { ...evidence, summary: `${obs.evidence.summary}${note}` } };
    };
    // Still met since it was dated: the same change explains it.
    if (mem.metSince) return dated(mem.metSince.evidence, mem.metSince.note);
    const spec = kind.attribution(parsed.data);
    if (!spec) return dated(obs.evidence, '');
    try {
      const event = await cause(spec, mem);
      return event ? dated(eventEvidence(event, ''), ` (${describeEvent(event)})`) : dated(obs.evidence, '');
    } catch (err) {
      if (
        err instanceof ReadError &&
        err.code !== undefined &&
        (ACCESS_DENIED.has(err.code) || NO_CLOUDTRAIL.has(err.code))
      ) {
        return dated(obs.evidence, ` (CloudTrail not readable: ${err.code})`);
      }
      // An endpoint without CloudTrail (moto answers LookupEvents with a 500): date by the probe.
      if (reader.errorStreak('cloudtrail:LookupEvents') >= CLOUDTRAIL_GIVE_UP_AFTER) {
        return dated(obs.evidence, ' (CloudTrail keeps failing: the time is the probe’s)');
      }
      // The change is seen but cannot be dated yet; next tick may read CloudTrail.
      return unknown(`the state is met but CloudTrail could not be read to date it: ${reasonOf(err)}`);
    }
  }

  return {
    beginTick() {
      reader.beginTick();
      trail.beginTick();
    },
    async observe(condition, _scenarioId) {
      let obs: Observation;
      try {
        obs = await evaluate(condition);
      } catch (err) {
        obs = unknown(reasonOf(err));
      }
      if (obs.status === 'met') tally.met++;
      else if (obs.status === 'not-met') tally.notMet++;
      else tally.unknown++;
      return obs;
    },
    stats: () => ({ ...reader.stats(), observations: { ...tally } }),
    close: () => session.close(),
  };
}

function unknown(reason: string): Observation {
  return { status: 'unknown', reason };
}

function reasonOf(err: unknown): string {
  if (err instanceof ReadError) return err.message;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(stringsOf);
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

interface SendingClient {
  send(command: unknown): Promise<Record<string, unknown>>;
  destroy(): void;
}

/**
 * S3 Control puts the account id in front of the host name (123456789012.127.0.0.1), which does not
 * resolve for a custom endpoint whatever `disableHostPrefix` says: against an endpoint, S3 Control
 * calls go through a client whose endpoint is fixed.
 */
function withS3Control(
  session: ReadSession & { readonly config?: ClientConfig },
  endpoint: string | undefined,
): ReadSession & { close(): void } {
  if (!endpoint) return { call: (api, input) => session.call(api, input), close: () => {} };
  let client: Promise<{ client: SendingClient; mod: Record<string, unknown> }> | undefined;
  return {
    async call(api, input = {}) {
      if (!api.startsWith('s3control:')) return session.call(api, input);
      client ??= import('@aws-sdk/client-s3-control').then((mod) => ({
        mod: mod as unknown as Record<string, unknown>,
        client: new mod.S3ControlClient({
          ...(session.config as object),
          endpointProvider: () => ({ url: new URL(endpoint) }),
        }) as unknown as SendingClient,
      }));
      const { client: c, mod } = await client;
      const Command = mod[`${api.slice('s3control:'.length)}Command`] as new (input: object) => unknown;
      const { $metadata: _m, ...rest } = await c.send(new Command(input));
      return rest;
    },
    close() {
      void client?.then(({ client: c }) => c.destroy());
    },
  };
}
