/**
 * The after-action report as data: a pure function of the journal and the recorded responder activity
 * (plus past runs for trends and the facilitator's notes). Every number of the score comes from
 * `scoreJournal` unchanged; this module only explains it (the breakdown lines add up to it) and puts
 * the rest of the journal in order. Renderers (render.ts) turn the model into Markdown, HTML, JSON and
 * JUnit; nothing here knows about formats or escaping.
 */
import type { Evidence } from '../controller/model.js';
import { describeResponder } from '../controller/responder.js';
import {
  BREACH_PENALTY,
  SEVERITY_WEIGHTS,
  WRONG_ACK_PENALTY,
  scoreJournal,
  type ScenarioScore,
} from '../controller/scoring.js';
import type { JournalEntry, ScenarioFacts } from '../exercise/entries.js';
import { SirsError } from '../errors.js';
import type { PhaseName } from '../scenario/schema.js';
import { classifyUserAgent, type ActivityEvent } from './activity.js';
import { formatMs, formatPoints } from './format.js';
import { buildTrends, historyRun, type HistoryRun } from './history.js';
import { sameResource } from '../signals/trail-events.js';
import { exerciseClock, withRedatings } from './redate.js';
import {
  REPORT_SCHEMA_VERSION,
  type ActorClass,
  type ExerciseReport,
  type PhaseReport,
  type PrincipalActivity,
  type ReportEvidence,
  type ScenarioReport,
} from './schema.js';

export interface BuildOptions {
  /** When the report is made (the model stays a pure function of its inputs). */
  generatedAt: string;
  /** Past runs (any order, this one included or not) for the trends section. */
  history?: readonly HistoryRun[];
  notes?: { lessons: string; actions: string };
  /** Calls listed per principal (first touches are always listed). Default 200. */
  maxEventsPerPrincipal?: number;
  /** Bins of the activity histogram. Default 60. */
  bins?: number;
}

const LABEL: Record<PhaseName, PhaseReport['label']> = { detect: 'TTD', contain: 'TTC', recover: 'TTR' };
const ORDER: readonly PhaseName[] = ['detect', 'contain', 'recover'];

type Entry<T extends JournalEntry['type']> = Extract<JournalEntry, { type: T }>;

function first<T extends JournalEntry['type']>(
  entries: readonly JournalEntry[],
  type: T,
): Entry<T> | undefined {
  return entries.find((e): e is Entry<T> => e.type === type);
}

function last<T extends JournalEntry['type']>(
  entries: readonly JournalEntry[],
  type: T,
): Entry<T> | undefined {
  return entries.findLast((e): e is Entry<T> => e.type === type);
}

export function buildReport(
  entries: readonly JournalEntry[],
  activity: readonly ActivityEvent[],
  opts: BuildOptions,
): ExerciseReport {
  const created = first(entries, 'exercise.created');
  if (!created) {
    throw new SirsError(
      'not-an-exercise',
      'the journal has no exercise.created entry: it is not an exercise journal',
    );
  }
  const exerciseId = created.exerciseId;
  const started = first(entries, 'controller.started');
  const clock = exerciseClock(entries) ?? (() => 0);
  const score = scoreJournal(entries);
  const warnings: string[] = [];
  const facts = new Map<string, ScenarioFacts>();
  // A campaign stage goes live later: its phase times count from then.
  const stageStart = new Map<string, number>();
  for (const e of entries) {
    if (e.type === 'scenario.defined') facts.set(e.scenario.id, e.scenario);
    else if (e.type === 'stage.live') stageStart.set(e.scenario, e.atMs);
  }

  // The exercise time axis of the activity and charts: the longest time limit, or the end if later.
  const ended = last(entries, 'controller.ended');
  const limitMs = Math.max(0, ...(started?.scenarios ?? []).map((s) => s.timeLimitMs));
  const binCount = opts.bins ?? 60;
  const calls = activity
    .filter((e) => e.by === 'responder' || e.by === 'automation' || e.by === 'autopilot' || e.by === 'ack')
    .sort((a, b) => byText(a.time, b.time) || byText(a.eventId, b.eventId));
  const spanMs = Math.max(limitMs, ended?.atMs ?? 0, calls.length ? clock(calls.at(-1)!.time) : 0, 1000);
  const binMs = Math.max(1000, Math.ceil(spanMs / binCount / 1000) * 1000);
  const binOf = (ms: number) => Math.min(binCount - 1, Math.max(0, Math.floor(ms / binMs)));

  // One pass over the calls (100,000 in the benchmark): the histogram, and the touches (calls naming a
  // scenario's resources; the first one per scenario is its time to first touch).
  const index = resourceIndex(facts);
  const allBins = new Array<number>(binCount).fill(0);
  const touchedBy = new Map<ActivityEvent, Array<{ scenario: string; resource: string }>>();
  const touching = new Map<string, { count: number; bins: number[] }>();
  const firstTouch = new Map<string, { e: ActivityEvent; resource: string }>();
  let lastTime = '';
  let bin = 0;
  for (const e of calls) {
    // In time order: the calls of one second share one conversion.
    if (e.time !== lastTime) {
      lastTime = e.time;
      bin = binOf(clock(e.time));
    }
    allBins[bin]!++;
    if (e.by === 'ack') continue;
    const hits = index(e.resources);
    if (hits.length === 0) continue;
    touchedBy.set(e, hits);
    for (const { scenario, resource } of hits) {
      let t = touching.get(scenario);
      if (!t) touching.set(scenario, (t = { count: 0, bins: new Array<number>(binCount).fill(0) }));
      t.count++;
      t.bins[bin]!++;
      if (!firstTouch.has(scenario)) firstTouch.set(scenario, { e, resource });
    }
  }

  const scenarios: ScenarioReport[] = (started?.scenarios ?? []).map((s) => {
    const f = facts.get(s.id);
    const sc = score!.scenarios.find((x) => x.id === s.id)!;
    if (!f)
      warnings.push(
        (s.startMs ?? 0) > 0 && !stageStart.has(s.id)
          ? `campaign stage ${s.id} never went live (due at ${formatMs(s.startMs)}): it scores nothing`
          : `the journal does not describe scenario ${s.id} (an older sirs): its report is scores only`,
      );
    return scenarioReport(s.id, sc, f, entries, {
      clock,
      exerciseId,
      firstTouch: firstTouch.get(s.id),
      touchBins: touching.get(s.id)?.bins ?? new Array<number>(binCount).fill(0),
      touchCount: touching.get(s.id)?.count ?? 0,
      timeLimitMs: s.timeLimitMs,
      startMs: stageStart.get(s.id) ?? s.startMs ?? 0,
      title: s.title,
      severity: s.severity,
    });
  });

  if (!started) warnings.push('the exercise never went live under the controller: there is nothing to score');

  // The activity, grouped by principal.
  const recorded = last(entries, 'activity.recorded');
  if (started && !recorded)
    warnings.push('responder activity was not recorded (CloudTrail was not read before teardown)');
  if (recorded?.truncated && recorded.note)
    warnings.push(`responder activity is incomplete: ${recorded.note}`);
  const principals = groupByPrincipal(calls, {
    clock,
    touchedBy,
    firstTouch,
    cap: opts.maxEventsPerPrincipal ?? 200,
  });

  const probeDated = scenarios.some((s) =>
    s.phases.some((p) => !p.redated && p.evidence.some((e) => e.dating === 'probe')),
  );
  if (probeDated && created.target.kind === 'aws')
    warnings.push(
      `some phases are dated by a probe: CloudTrail delivers events minutes late on AWS; sirs report ${exerciseId} --refresh looks for the calls again`,
    );

  const live = first(entries, 'exercise.live');
  const ending = last(entries, 'exercise.ending');
  const endedAt = ending?.time ?? ended?.time;
  const teardownDone = last(entries, 'teardown.done');
  const teardownSkipped = last(entries, 'teardown.skipped');
  const rescoredEntries = withRedatings(entries);
  const rescored = rescoredEntries ? scoreJournal(rescoredEntries) : undefined;
  const thisRun = historyRun(entries);
  const history = [
    ...(opts.history ?? []).filter((r) => r.exerciseId !== exerciseId),
    ...(thisRun ? [thisRun] : []),
  ];

  return {
    schema: 'sirs-report',
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'exercise',
    generatedAt: opts.generatedAt,
    exercise: {
      id: exerciseId,
      scenarios: created.scenarios,
      target: {
        kind: created.target.kind,
        region: created.target.region,
        description: created.target.description,
        ...opt('accountId', created.target.accountId),
        ...opt('accountAlias', created.target.accountAlias),
        ...opt('principalArn', created.target.principalArn),
        ...opt('endpoint', created.target.endpoint),
      },
      ...opt('facilitator', created.facilitator),
      sirsVersion: created.sirsVersion,
      createdAt: created.time,
      ...opt('liveAt', live?.time),
      ...opt('endedAt', endedAt),
      ...(live && endedAt ? { durationMs: Date.parse(endedAt) - Date.parse(live.time) } : {}),
      ...opt('exerciseMs', ended?.atMs),
      timeScale: started?.timeScale ?? created.options.timeScale ?? 1,
      ...opt('tickMs', started?.tickMs),
      ...opt('endReason', ending?.reason ?? ended?.reason),
      autopilot: created.options.autopilot,
      scored: !!score,
      ...(score
        ? {
            score: {
              total: score.total,
              grade: score.grade,
              missedTargets: score.missedTargets,
              weights: score.scenarios.map((s) => ({
                scenario: s.id,
                severity: s.severity,
                weight: SEVERITY_WEIGHTS[s.severity],
                points: s.points,
              })),
              mean: weightedMean(score.scenarios),
              decoys: score.decoys.map((d) => ({
                id: d.id,
                ...opt('title', facts.get(d.id)?.title),
                ...opt('ticket', facts.get(d.id)?.decoy?.ticket),
                breaches: d.breaches,
                penalty: d.penalty,
              })),
            },
          }
        : {}),
      ...(rescored
        ? {
            rescored: {
              total: rescored.total,
              grade: rescored.grade,
              scenarios: rescored.scenarios.map((s) => ({ id: s.id, points: s.points })),
            },
          }
        : {}),
      teardown: teardownDone
        ? { state: 'done', leftovers: teardownDone.leftovers }
        : teardownSkipped
          ? { state: 'skipped', leftovers: [] }
          : { state: 'not-run', leftovers: [] },
      errors: entries.flatMap((e) => (e.type === 'exercise.error' ? [e.message] : [])),
    },
    scenarios,
    activity: {
      recorded: !!recorded,
      refreshed: !!recorded?.refreshed,
      ...(recorded ? { window: recorded.window, pages: recorded.pages } : {}),
      truncated: !!recorded?.truncated,
      ...opt('note', recorded?.note),
      calls: calls.length,
      binMs,
      bins: allBins,
      principals,
    },
    trends: buildTrends(history, created.scenarios, created.time),
    notes: opts.notes ?? { lessons: '', actions: '' },
    warnings,
  };
}

/**
 * Which scenarios' resources a call's names refer to (`sameResource`: equal, or an ARN ending in the
 * other), through an index so that 100,000 calls against 100 scenarios stay cheap.
 */
function resourceIndex(
  facts: ReadonlyMap<string, ScenarioFacts>,
): (names: readonly string[]) => Array<{ scenario: string; resource: string }> {
  const byKey = new Map<string, Array<{ scenario: string; resource: string }>>();
  const add = (key: string, v: { scenario: string; resource: string }) => {
    const list = byKey.get(key);
    if (list) list.push(v);
    else byKey.set(key, [v]);
  };
  const tails = (name: string) =>
    name.startsWith('arn:')
      ? [name.slice(name.lastIndexOf('/') + 1), name.slice(name.lastIndexOf(':') + 1)]
      : [];
  for (const [scenario, f] of facts)
    for (const resource of new Set(f.resources))
      for (const key of new Set([resource, ...tails(resource)])) add(key, { scenario, resource });
  const lookup = (name: string, key: string, out: Array<{ scenario: string; resource: string }>) => {
    for (const hit of byKey.get(key) ?? [])
      if (sameResource(name, hit.resource) && !out.some((o) => o.scenario === hit.scenario)) out.push(hit);
  };
  return (names) => {
    const out: Array<{ scenario: string; resource: string }> = [];
    for (const name of names) {
      lookup(name, name, out);
      if (name.startsWith('arn:')) for (const tail of tails(name)) if (tail !== name) lookup(name, tail, out);
    }
    return out;
  };
}

/** The severity-weighted mean the total starts from (before decoy penalties), rounded like the total. */
function weightedMean(scenarios: readonly ScenarioScore[]): number {
  const weights = scenarios.reduce((n, s) => n + SEVERITY_WEIGHTS[s.severity], 0) || 1;
  return (
    Math.round((scenarios.reduce((n, s) => n + s.points * SEVERITY_WEIGHTS[s.severity], 0) / weights) * 10) /
    10
  );
}

/** Code-unit order: ISO times and ids sort right, and far faster than localeCompare on 100,000 calls. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Who made a call, for evidence: from its user agent, or for an acknowledgement from who wrote it. */
function actorClass(ev: Evidence, exerciseId: string): ActorClass | undefined {
  if (ev.userAgent) {
    const c = classifyUserAgent(ev.userAgent, exerciseId);
    return c === 'other-exercise' ? 'unknown' : c;
  }
  if (ev.source === 'ack') return ev.actor?.endsWith('(sirs autopilot)') ? 'autopilot' : 'responder';
  return undefined;
}

/** Who met a phase, from its evidence: each distinct responder once. */
function closedBy(evidence: readonly Evidence[]): string {
  return [...new Set(evidence.map((e) => describeResponder(e.responder)))].join('; ');
}

const DATING: Record<Evidence['source'], ReportEvidence['dating']> = {
  cloudtrail: 'event',
  probe: 'probe',
  ack: 'ack',
  logs: 'log',
};

function evidenceOf(ev: Evidence, clock: (iso: string) => number, exerciseId: string): ReportEvidence {
  const by = actorClass(ev, exerciseId);
  return {
    summary: ev.summary,
    source: ev.source,
    dating: DATING[ev.source] ?? 'probe',
    at: ev.at,
    atMs: clock(ev.at),
    ...opt('actor', ev.actor),
    ...opt('by', by),
    ...opt('eventId', ev.eventId),
    ...opt('eventName', ev.eventName),
    ...opt('userAgent', ev.userAgent),
    ...opt('sourceIp', ev.sourceIp),
    ...opt('responder', ev.responder),
  };
}

interface ScenarioContext {
  clock: (iso: string) => number;
  exerciseId: string;
  firstTouch?: { e: ActivityEvent; resource: string };
  touchBins: number[];
  touchCount: number;
  timeLimitMs: number;
  startMs: number;
  title: string;
  severity: ScenarioScore['severity'];
}

function scenarioReport(
  id: string,
  sc: ScenarioScore,
  f: ScenarioFacts | undefined,
  entries: readonly JournalEntry[],
  ctx: ScenarioContext,
): ScenarioReport {
  const met = new Map<PhaseName, Entry<'phase.met'>>();
  const redated = new Map<PhaseName, Entry<'evidence.redated'>>();
  const hints: Array<Entry<'hint.released'>> = [];
  const breaches: ScenarioReport['breaches'] = [];
  const acks: ScenarioReport['acks'] = [];
  const autopilot: ScenarioReport['autopilot'] = [];
  let finalState: string | undefined;
  for (const e of entries) {
    switch (e.type) {
      case 'phase.met':
        if (e.scenario === id && !met.has(e.phase)) met.set(e.phase, e);
        break;
      case 'evidence.redated':
        if (e.scenario === id && !redated.has(e.phase)) redated.set(e.phase, e);
        break;
      case 'hint.released':
        if (e.scenario === id) hints.push(e);
        break;
      case 'steady-state.breached':
        if (e.scenario === id)
          breaches.push({
            index: e.index,
            ...opt('description', f?.steadyState[e.index]?.description),
            atMs: e.atMs,
            evidence: evidenceOf(e.evidence, ctx.clock, ctx.exerciseId),
          });
        break;
      case 'steady-state.restored':
        if (e.scenario === id) {
          const open = breaches.findLast((b) => b.index === e.index && b.restoredAtMs === undefined);
          if (open) open.restoredAtMs = e.atMs;
        }
        break;
      case 'ack.received': {
        const wrong = e.wrong.find((w) => w.scenario === id);
        if (wrong || e.matched.some((m) => m.scenario === id))
          acks.push({
            finding: e.ack.finding,
            ...opt('resource', e.ack.resource),
            ...opt('note', e.ack.note),
            by: e.ack.by,
            at: e.ack.at,
            atMs: ctx.clock(e.ack.at),
            verdict: wrong ? 'wrong' : 'matched',
            ...opt('expected', wrong?.expected),
          });
        break;
      }
      case 'autopilot.step':
        if (e.scenario === id)
          autopilot.push({ index: e.index, step: e.step, atMs: e.atMs, ok: e.ok, ...opt('error', e.error) });
        break;
      case 'scenario.state':
        if (e.scenario === id) finalState = e.state;
        break;
      default:
        break;
    }
  }

  const phases: PhaseReport[] = sc.phases.map((p) => {
    const m = met.get(p.phase);
    const r = redated.get(p.phase);
    const def = f?.phases[p.phase];
    return {
      phase: p.phase,
      label: LABEL[p.phase],
      targetMs: p.targetMs,
      ...opt('mode', def?.mode),
      conditions: def?.conditions ?? [],
      ...opt('metAtMs', p.metAtMs),
      verdict: p.verdict,
      points: p.points,
      max: p.max,
      ...opt('implied', m?.implied),
      ...opt('by', def?.by),
      ...(m && m.evidence.length ? { closedBy: closedBy(m.evidence) } : {}),
      ...(m && m.evidence.length
        ? { dating: DATING[[...m.evidence].sort((a, b) => b.at.localeCompare(a.at))[0]!.source] ?? 'probe' }
        : {}),
      evidence: (m?.evidence ?? []).map((ev) => evidenceOf(ev, ctx.clock, ctx.exerciseId)),
      // Like metAtMs, from when the scenario went live.
      ...(r
        ? {
            redated: {
              atMs: Math.max(0, r.atMs - ctx.startMs),
              evidence: evidenceOf(r.evidence, ctx.clock, ctx.exerciseId),
            },
          }
        : {}),
    };
  });

  const planned = f?.hints ?? [];
  const hintRows: ScenarioReport['hints'] = planned.map((h, index) => {
    const released = hints.find((x) => x.index === index);
    return {
      index,
      text: h.text,
      cost: h.cost,
      plannedAtMs: h.atMs,
      ...opt('releasedAtMs', released?.atMs),
      ...opt('by', released?.by),
    };
  });
  // Hints released that the facts do not list (an older journal).
  for (const h of hints)
    if (!hintRows.some((x) => x.index === h.index))
      hintRows.push({ index: h.index, text: h.text, cost: h.cost, releasedAtMs: h.atMs, by: h.by });

  const gaps: ScenarioReport['gaps'] = { signals: [], detections: f?.detections ?? [] };
  for (const p of phases) {
    if (p.verdict !== 'missed' && !p.implied) continue;
    for (const c of p.conditions)
      gaps.signals.push({ ...c, phase: p.phase, reason: p.verdict === 'missed' ? 'missed' : 'implied' });
  }

  const ft = ctx.firstTouch;
  return {
    id,
    title: f?.title ?? ctx.title,
    summary: f?.summary ?? '',
    severity: f?.severity ?? ctx.severity,
    layer: f?.layer ?? '',
    control: f?.control ?? '',
    monitor: f?.monitor ?? '',
    fix: f?.fix ?? '',
    mitre: f?.mitre ?? [],
    ...opt('runbook', f?.runbook),
    timeLimitMs: ctx.timeLimitMs,
    startMs: ctx.startMs,
    described: !!f,
    ...opt('finalState', finalState),
    phases,
    hints: hintRows,
    breaches,
    acks,
    autopilot,
    resources: f?.resources ?? [],
    ...(ft
      ? {
          firstTouch: {
            at: ft.e.time,
            // Like the phase times: from when the scenario went live.
            atMs: ctx.clock(ft.e.time) - ctx.startMs,
            actor: ft.e.actor,
            by: ft.e.by,
            eventId: ft.e.eventId,
            eventName: ft.e.eventName,
            resource: ft.resource,
            ...opt('sourceIp', ft.e.sourceIp),
          },
        }
      : {}),
    touches: ctx.touchCount,
    touchBins: ctx.touchBins,
    gaps,
    score: sc,
    breakdown: breakdown(sc, phases, hints, breaches, acks),
  };
}

/** How every point was earned or lost, in lines that add up to the scenario's score. */
function breakdown(
  sc: ScenarioScore,
  phases: readonly PhaseReport[],
  hints: ReadonlyArray<Entry<'hint.released'>>,
  breaches: ScenarioReport['breaches'],
  acks: ScenarioReport['acks'],
): ScenarioReport['breakdown'] {
  const lines: ScenarioReport['breakdown'] = phases.map((p) => {
    const implied = p.implied ? ` (implied: ${p.implied} was met first)` : '';
    const item =
      p.verdict === 'on-target'
        ? `${p.label}: ${p.phase} met at ${formatMs(p.metAtMs)}, within its target of ${formatMs(p.targetMs)}${implied}`
        : p.verdict === 'late'
          ? `${p.label}: ${p.phase} met at ${formatMs(p.metAtMs)}, ${formatMs(p.metAtMs! - p.targetMs)} after its target of ${formatMs(p.targetMs)}: the share decays to 25% at the time limit${implied}`
          : `${p.label}: ${p.phase} never met (target ${formatMs(p.targetMs)})`;
    return { item, points: p.points, max: p.max };
  });
  for (const h of hints)
    lines.push({
      item: `Hint ${h.index + 1} released at ${formatMs(h.atMs)} (${h.by === 'facilitator' ? 'by the facilitator' : 'on schedule'})`,
      points: -h.cost,
    });
  for (const b of breaches)
    lines.push({
      item: `Steady state broken at ${formatMs(b.atMs)}${b.description ? `: ${b.description}` : ''} (collateral damage)`,
      points: -BREACH_PENALTY,
    });
  for (const a of acks.filter((x) => x.verdict === 'wrong'))
    lines.push({
      item: `Wrong identification at ${formatMs(a.atMs)}: ${a.finding} on ${a.resource ?? 'no resource'}${a.expected ? ` (expected ${a.expected})` : ''}`,
      points: -WRONG_ACK_PENALTY,
    });
  const sum = lines.reduce((n, l) => n + l.points, 0);
  const diff = Math.round((sc.points - sum) * 10) / 10;
  if (Math.abs(diff) >= 0.1)
    lines.push({
      item:
        sc.points === 0 || sc.points === 100
          ? `A scenario scores between 0 and 100 (${formatPoints(sum)} → ${formatPoints(sc.points)})`
          : 'Rounding',
      points: diff,
    });
  return lines;
}

function groupByPrincipal(
  calls: readonly ActivityEvent[],
  ctx: {
    clock: (iso: string) => number;
    touchedBy: ReadonlyMap<ActivityEvent, Array<{ scenario: string; resource: string }>>;
    firstTouch: ReadonlyMap<string, { e: ActivityEvent; resource: string }>;
    cap: number;
  },
): PrincipalActivity[] {
  const firstOf = new Map<ActivityEvent, string[]>();
  for (const [scenario, { e }] of ctx.firstTouch) firstOf.set(e, [...(firstOf.get(e) ?? []), scenario]);
  const groups = new Map<string, ActivityEvent[]>();
  for (const e of calls) {
    const g = groups.get(e.actor);
    if (g) g.push(e);
    else groups.set(e.actor, [e]);
  }
  const out: PrincipalActivity[] = [];
  for (const [actor, events] of groups) {
    const names = new Map<string, number>();
    const ips = new Set<string>();
    const agents = new Set<string>();
    const by = new Set<ActorClass>();
    let mutating = 0;
    let errors = 0;
    for (const e of events) {
      names.set(e.eventName, (names.get(e.eventName) ?? 0) + 1);
      if (e.sourceIp) ips.add(e.sourceIp);
      if (e.userAgent && agents.size < 5) agents.add(e.userAgent);
      by.add(e.by);
      if (!e.readOnly) mutating++;
      if (e.errorCode) errors++;
    }
    const listed = events.filter((e, i) => i < ctx.cap || firstOf.has(e));
    out.push({
      actor,
      by: [...by].sort(),
      calls: events.length,
      mutating,
      errors,
      firstAt: events[0]!.time,
      lastAt: events.at(-1)!.time,
      firstAtMs: ctx.clock(events[0]!.time),
      lastAtMs: ctx.clock(events.at(-1)!.time),
      sourceIps: [...ips].sort().slice(0, 20),
      userAgents: [...agents],
      topCalls: [...names]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 10)
        .map(([eventName, count]) => ({ eventName, count })),
      events: listed.map((e) => ({
        at: e.time,
        atMs: ctx.clock(e.time),
        eventId: e.eventId,
        eventName: e.eventName,
        eventSource: e.eventSource,
        readOnly: e.readOnly,
        ...opt('errorCode', e.errorCode),
        ...opt('sourceIp', e.sourceIp),
        touches: [...new Set((ctx.touchedBy.get(e) ?? []).map((t) => t.scenario))],
        firstTouchOf: firstOf.get(e) ?? [],
      })),
      omitted: events.length - listed.length,
    });
  }
  // The principal who touched first comes first; then by first call.
  return out.sort((a, b) => a.firstAt.localeCompare(b.firstAt) || a.actor.localeCompare(b.actor));
}

export { ORDER as PHASE_ORDER };
