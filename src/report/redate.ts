/**
 * Re-dating evidence after the exercise. On AWS, CloudTrail delivers events minutes late, so the
 * controller often dates a fix by the probe that saw the new state (up to a tick late, and it says so).
 * `sirs report --refresh` reads CloudTrail again; for each phase whose time came from a probe, the call
 * that most plausibly caused it is the latest successful, mutating responder (or autopilot) call that
 * named one of the scenario's resources, after the previous phase (or the start) and no later than the
 * probe saw the change. A pure function: the caller journals what it returns as `evidence.redated`.
 *
 * Scoring keeps the journaled time (`scoreJournal` ignores these entries): a score, and a drill's
 * verdict, must not change after the fact depending on when someone refreshed. Reports show the event's
 * time beside the scored one, and what the score would be with it.
 */
import type { Evidence } from '../controller/model.js';
import type { JournalEntry, JournalEntryBody } from '../exercise/entries.js';
import type { PhaseName } from '../scenario/schema.js';
import { sameResource } from '../signals/trail-events.js';
import type { ActivityEvent } from './activity.js';

export type Redating = Extract<JournalEntryBody, { type: 'evidence.redated' }>;

const ORDER: readonly PhaseName[] = ['detect', 'contain', 'recover'];

/** Milliseconds of an ISO instant; an unreadable one sorts first. */
const ms = (iso: string): number => Date.parse(iso) || 0;

/** The exercise clock of a journal: exercise time of a wall-clock instant. */
export function exerciseClock(entries: readonly JournalEntry[]): ((iso: string) => number) | undefined {
  const started = entries.find((e) => e.type === 'controller.started');
  if (!started || started.type !== 'controller.started') return undefined;
  const created = entries.find((e) => e.type === 'exercise.created');
  const scale =
    started.timeScale ?? (created?.type === 'exercise.created' ? created.options.timeScale : undefined) ?? 1;
  const t0 = Date.parse(started.time);
  return (iso) => Math.round((Date.parse(iso) - t0) * scale);
}

export function touches(
  e: Pick<ActivityEvent, 'resources'>,
  resources: readonly string[],
): string | undefined {
  for (const r of resources) if (e.resources.some((v) => sameResource(v, r))) return r;
  return undefined;
}

export function findRedatings(
  entries: readonly JournalEntry[],
  events: readonly ActivityEvent[],
): Redating[] {
  const clock = exerciseClock(entries);
  if (!clock) return [];
  const live = entries.find((e) => e.type === 'exercise.live')?.time ?? entries[0]?.time ?? '';
  const resources = new Map<string, string[]>();
  const done = new Set<string>();
  const met = new Map<string, Extract<JournalEntry, { type: 'phase.met' }>>();
  for (const e of entries) {
    if (e.type === 'scenario.defined') resources.set(e.scenario.id, e.scenario.resources);
    else if (e.type === 'evidence.redated') done.add(`${e.scenario}/${e.phase}`);
    else if (e.type === 'phase.met' && !met.has(`${e.scenario}/${e.phase}`))
      met.set(`${e.scenario}/${e.phase}`, e);
  }
  const out: Redating[] = [];
  for (const m of met.values()) {
    const key = `${m.scenario}/${m.phase}`;
    if (done.has(key) || m.evidence.length === 0) continue;
    const latest = [...m.evidence].sort((a, b) => ms(b.at) - ms(a.at))[0]!;
    if (latest.source !== 'probe') continue;
    const names = resources.get(m.scenario) ?? [];
    // After the phase before it (a fix cannot precede the detection it is credited after), or the start.
    const before = ORDER.slice(0, ORDER.indexOf(m.phase))
      .map((p) => met.get(`${m.scenario}/${p}`))
      .filter((x) => x && !x.implied)
      .map(
        (x) =>
          x!.evidence
            .map((ev) => ev.at)
            .sort((a, b) => ms(a) - ms(b))
            .at(-1) ?? live,
      );
    // Instants are compared as times, not strings: CloudTrail's whole seconds ("…:03Z") sort after the
    // same second with milliseconds ("…:03.500Z") as text.
    const after = Math.max(...[live, ...before].map(ms));
    const until = ms(latest.at);
    const candidates = events.filter(
      (e) =>
        (e.by === 'responder' || e.by === 'automation' || e.by === 'autopilot') &&
        !e.readOnly &&
        !e.errorCode &&
        ms(e.time) >= after &&
        ms(e.time) <= until &&
        touches(e, names) !== undefined,
    );
    const hit = candidates.sort((a, b) => ms(b.time) - ms(a.time))[0];
    if (!hit) continue;
    const others = m.evidence.filter((ev) => ev !== latest).map((ev) => ev.at);
    const at = [hit.time, ...others].sort((a, b) => ms(a) - ms(b)).at(-1)!;
    const atMs = Math.max(0, Math.min(m.atMs, clock(at)));
    if (atMs >= m.atMs) continue;
    const evidence: Evidence = {
      summary: `${hit.eventName} by ${hit.actor}${hit.by === 'autopilot' ? ' (autopilot)' : ''} on ${touches(hit, names)}: the last change to the scenario's resources before the probe saw the new state`,
      source: 'cloudtrail',
      at: hit.time,
      actor: hit.actor,
      eventId: hit.eventId,
      eventName: hit.eventName,
      ...(hit.userAgent ? { userAgent: hit.userAgent } : {}),
      ...(hit.sourceIp ? { sourceIp: hit.sourceIp } : {}),
    };
    out.push({
      type: 'evidence.redated',
      scenario: m.scenario,
      phase: m.phase,
      previousAtMs: m.atMs,
      atMs,
      evidence,
    });
  }
  return out;
}

/** The journal with re-dated phase times in place of the scored ones, for "what the score would be". */
export function withRedatings(entries: readonly JournalEntry[]): JournalEntry[] | undefined {
  const redated = new Map<string, number>();
  for (const e of entries)
    if (e.type === 'evidence.redated' && !redated.has(`${e.scenario}/${e.phase}`))
      redated.set(`${e.scenario}/${e.phase}`, e.atMs);
  if (redated.size === 0) return undefined;
  const seen = new Set<string>();
  return entries.map((e) => {
    if (e.type !== 'phase.met') return e;
    const key = `${e.scenario}/${e.phase}`;
    if (seen.has(key) || !redated.has(key)) return e;
    seen.add(key);
    return { ...e, atMs: redated.get(key)! };
  });
}
