import { expect } from 'chai';
import sinon from 'sinon';
import {
  Controller,
  type ControlledScenario,
  type ControllerEvent,
} from '../../src/controller/controller.js';
import { scoreJournal } from '../../src/controller/scoring.js';
import type { AckRecord, JournalEntry, JournalEntryBody } from '../../src/exercise/entries.js';
import type { Condition } from '../../src/signals/registry.js';

const SEC = 1000;
const MIN = 60 * SEC;
const T0 = Date.parse('2026-12-06T10:00:00.000Z');

const closed = { sgIngress: { group: 'sg-1', port: 22, cidr: '0.0.0.0/0', expect: 'absent' } } as Condition;
const https = { sgIngress: { group: 'sg-1', port: 443, cidr: '0.0.0.0/0', expect: 'present' } } as Condition;

/**
 * One scenario: acked at 1m, fixed at 2m (resolved then); the responders break its steady state at 3m,
 * during wrap-up (a validation step gone wrong), and probes are counted.
 */
function exercise(opts: { wrapUpMs?: number; timeScale?: number; fixedAtMs?: number }) {
  const entries: JournalEntry[] = [];
  const events: ControllerEvent[] = [];
  const probes: number[] = [];
  const start = Date.now();
  const elapsed = () => (Date.now() - start) * (opts.timeScale ?? 1);
  let acked = false;
  const s: ControlledScenario = {
    id: 'ssh',
    scoring: {
      id: 'ssh',
      title: 'ssh',
      severity: 'high',
      timeLimitMs: 45 * MIN,
      phases: { detect: { targetMs: 10 * MIN }, contain: { targetMs: 20 * MIN } },
      hints: [{ atMs: 30 * MIN, cost: 5 }],
    },
    phases: {
      detect: { mode: 'any', conditions: [{ ack: { finding: 'ssh-exposure' } } as Condition] },
      contain: { mode: 'all', conditions: [closed] },
    },
    steadyState: [https],
    hints: [{ atMs: 30 * MIN, cost: 5, text: 'a hint that would cost 5' }],
    autopilot: [],
  };
  const controller = new Controller({
    scenarios: [s],
    observe: async (c) => {
      probes.push(elapsed());
      const holds = c === closed ? elapsed() >= (opts.fixedAtMs ?? 2 * MIN) : elapsed() < 3 * MIN; // https breached at 3m
      return {
        status: holds ? 'met' : 'not-met',
        evidence: { summary: 'probe', source: 'probe', at: new Date().toISOString() },
      };
    },
    newAcks: async (): Promise<AckRecord[]> => {
      if (acked || elapsed() < MIN) return [];
      acked = true;
      return [{ finding: 'ssh-exposure', by: 'alice', at: new Date().toISOString() }];
    },
    runStep: async () => {},
    journal: {
      append: (body: JournalEntryBody) =>
        entries.push({ ...body, seq: entries.length, time: new Date().toISOString() } as JournalEntry),
    },
    emit: (e) => events.push(e),
    tickMs: (10 * SEC) / (opts.timeScale ?? 1),
    signal: new AbortController().signal,
    autopilot: false,
    ...(opts.timeScale ? { timeScale: opts.timeScale } : {}),
    ...(opts.wrapUpMs !== undefined ? { wrapUpMs: opts.wrapUpMs } : {}),
  });
  return { controller, entries, events, probes };
}

describe('wrap-up after the last phase (fake timers)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  });
  afterEach(() => clock.restore());

  it('keeps the exercise up for the wrap-up time, announced and journaled, then ends it resolved with the same score', async () => {
    const x = exercise({ wrapUpMs: 2 * MIN });
    const done = x.controller.run();
    await clock.tickAsync(2 * MIN + 30 * SEC);
    // The last phase was met at 2m, and the exercise is still up (teardown has not started).
    expect(x.entries.map((e) => e.type))
      .to.include('phase.met')
      .and.not.to.include('controller.ended');
    const wrap = x.entries.find((e) => e.type === 'wrap-up');
    expect(wrap).to.deep.include({
      atMs: 2 * MIN,
      durationMs: 2 * MIN,
      untilMs: 4 * MIN,
      until: new Date(T0 + 4 * MIN).toISOString(),
    });
    expect(x.events.map((e) => e.type)).to.include('wrap-up');
    expect(x.controller.wrapUpUntilMs).to.equal(4 * MIN);
    await clock.tickAsync(2 * MIN);
    expect(await done).to.equal('resolved');
    const ended = x.entries.at(-1)!;
    expect(ended).to.include({ type: 'controller.ended', reason: 'resolved', atMs: 4 * MIN });
    // Wrap-up is not scored: no probe ran after 2m, so the breach at 3m and the 30m hint never count.
    expect(x.probes.filter((t) => t > 2 * MIN)).to.deep.equal([]);
    expect(x.entries.map((e) => e.type)).not.to.include.members(['steady-state.breached', 'hint.released']);

    const without = exercise({});
    const d2 = without.controller.run();
    await clock.tickAsync(3 * MIN);
    expect(await d2).to.equal('resolved');
    expect(without.entries.map((e) => e.type)).not.to.include('wrap-up');
    expect(scoreJournal(x.entries)).to.deep.equal(scoreJournal(without.entries));
  });

  it('the facilitator can end the wrap-up sooner: the exercise stays resolved', async () => {
    const x = exercise({ wrapUpMs: 10 * MIN });
    const done = x.controller.run();
    await clock.tickAsync(2 * MIN + 20 * SEC);
    expect(x.controller.wrapUpUntilMs).to.equal(12 * MIN);
    x.controller.end();
    expect(await done).to.equal('resolved');
    expect(x.entries.at(-1)).to.include({ type: 'controller.ended', reason: 'resolved' });
    expect(
      x.entries.filter((e) => e.type === 'scenario.state').map((e) => e.type === 'scenario.state' && e.state),
    ).to.deep.equal(['detected', 'contained']);
  });

  it('runs on exercise time: at --time-scale 4 a 2-minute wrap-up lasts 30 s on the clock', async () => {
    const x = exercise({ wrapUpMs: 2 * MIN, timeScale: 4 });
    const done = x.controller.run();
    await clock.tickAsync(30 * SEC); // exercise time 2m: resolved
    const wrap = x.entries.find((e) => e.type === 'wrap-up');
    expect(wrap).to.deep.include({
      atMs: 2 * MIN,
      untilMs: 4 * MIN,
      until: new Date(T0 + 60 * SEC).toISOString(),
    });
    await clock.tickAsync(31 * SEC);
    expect(await done).to.equal('resolved');
    expect(x.entries.at(-1)).to.include({ type: 'controller.ended', atMs: 4 * MIN });
  });

  it('no wrap-up after a time limit: the exercise is over', async () => {
    const x = exercise({ wrapUpMs: 2 * MIN, fixedAtMs: Number.POSITIVE_INFINITY });
    const done = x.controller.run();
    await clock.tickAsync(46 * MIN);
    expect(await done).to.equal('time-limit');
    expect(x.entries.map((e) => e.type)).not.to.include('wrap-up');
  });
});
