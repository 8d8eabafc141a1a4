import { expect } from 'chai';
import sinon from 'sinon';
import {
  Controller,
  type ControlledScenario,
  type ControllerEvent,
  type Observation,
} from '../../src/controller/controller.js';
import { scoreJournal, phasePoints } from '../../src/controller/scoring.js';
import type { AckRecord, JournalEntry, JournalEntryBody } from '../../src/exercise/entries.js';
import type { Condition } from '../../src/signals/registry.js';

const MIN = 60_000;
const T0 = Date.parse('2026-11-28T10:00:00.000Z');

/** A scripted world: each condition's truth as a function of elapsed time, and acks at given times. */
interface World {
  truth(c: Condition, elapsedMs: number): boolean | 'unknown';
  /** When each condition became true (the "CloudTrail event" time), for evidence. */
  since?(c: Condition): number | undefined;
  acks: Array<{ atMs: number; ack: Omit<AckRecord, 'at'> }>;
}

function sg(group: string, port: number, cidr: string, expect: 'present' | 'absent'): Condition {
  return { sgIngress: { group, port, cidr, expect, protocol: 'tcp' } } as Condition;
}

function key(c: Condition): string {
  return JSON.stringify(c);
}

function harness(
  scenarios: ControlledScenario[],
  world: World,
  opts: { autopilot?: boolean; injectStage?: (s: ControlledScenario) => Promise<ControlledScenario> } = {},
) {
  const entries: JournalEntry[] = [];
  const events: ControllerEvent[] = [];
  let seq = 0;
  let ackCursor = 0;
  const steps: string[] = [];
  const controller = new Controller({
    scenarios,
    observe: async (c): Promise<Observation> => {
      const elapsed = Date.now() - T0;
      const t = world.truth(c, elapsed);
      if (t === 'unknown') return { status: 'unknown', reason: 'Rate exceeded' };
      const since = world.since?.(c);
      const at = new Date(t && since !== undefined ? T0 + since : Date.now()).toISOString();
      return {
        status: t ? 'met' : 'not-met',
        evidence: { summary: key(c), source: since !== undefined ? 'cloudtrail' : 'probe', at },
      };
    },
    newAcks: async () => {
      const elapsed = Date.now() - T0;
      const due = world.acks.filter((a, i) => i >= ackCursor && a.atMs <= elapsed);
      ackCursor += due.length;
      return due.map((a) => ({ ...a.ack, at: new Date(T0 + a.atMs).toISOString() }));
    },
    runStep: async (s, step) => {
      steps.push(`${s.id}:${step.call ?? 'ack'}`);
    },
    journal: {
      append: (body: JournalEntryBody) =>
        entries.push({ ...body, seq: seq++, time: new Date().toISOString() } as JournalEntry),
    },
    emit: (e) => events.push(e),
    tickMs: 30_000,
    signal: new AbortController().signal,
    autopilot: opts.autopilot ?? false,
    ...(opts.injectStage ? { injectStage: opts.injectStage } : {}),
  });
  return { controller, entries, events, steps };
}

function scenario(
  id: string,
  severity: 'low' | 'medium' | 'high' | 'critical',
  over: Partial<ControlledScenario> = {},
): ControlledScenario {
  return {
    id,
    scoring: {
      id,
      title: id,
      severity,
      timeLimitMs: 45 * MIN,
      phases: {
        detect: { targetMs: 10 * MIN },
        contain: { targetMs: 20 * MIN },
        recover: { targetMs: 30 * MIN },
      },
      hints: [],
    },
    phases: {},
    steadyState: [],
    hints: [],
    autopilot: [],
    ...over,
  };
}

describe('controller (fake timers)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({
      now: T0,
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    });
  });
  afterEach(() => clock.restore());

  it('runs a 45-minute exercise with three scenarios in well under a second, with every transition, hint, breach and score as computed by hand', async () => {
    const wall = process.hrtime.bigint();
    // Scenario A (high): ack at 6m (on target), rule revoked at 14m30s per CloudTrail (contain target 20m),
    // bastion rule added at 35m (recover target 30m, limit 45m: late). One hint at 5m costing 5.
    const aOpen = sg('sg-a', 22, '0.0.0.0/0', 'absent');
    const aBastion = sg('sg-a', 22, '10.0.0.0/24', 'present');
    const aHttps = sg('sg-a', 443, '0.0.0.0/0', 'present');
    // Scenario B (medium): nobody acks; the responders fix the state at 25m (contain implies detect),
    // which is late for detect (10m) and contain (20m); recover needs another condition that never holds.
    // They also break B's steady state between 26m and 28m (collateral damage).
    const bFixed = sg('sg-b', 3389, '0.0.0.0/0', 'absent');
    const bNever = sg('sg-b', 3389, '10.0.0.0/24', 'present');
    const bSteady = sg('sg-b', 443, '0.0.0.0/0', 'present');
    // Scenario C (critical): acked at 2m on the WRONG resource (-5), then correctly at 4m; contain met at
    // 8m; the probe is throttled (unknown) from 15m until just before 18m while the state is fixed at 16m:
    // the fix counts only once a probe sees it (the 18m tick), since no CloudTrail time is known. Hints at
    // 3m (cost 10) and 12m (cost 20): C is not resolved by 12m, so both are released.
    const cContained = sg('sg-c', 22, '0.0.0.0/0', 'absent');
    const cRecovered = sg('sg-c', 22, '10.9.0.0/24', 'present');
    const truth = new Map<string, (t: number) => boolean | 'unknown'>([
      [key(aOpen), (t) => t >= 14.5 * MIN],
      [key(aBastion), (t) => t >= 35 * MIN],
      [key(aHttps), () => true],
      [key(bFixed), (t) => t >= 25 * MIN],
      [key(bNever), () => false],
      [key(bSteady), (t) => !(t >= 26 * MIN && t < 28 * MIN)],
      [key(cContained), (t) => t >= 8 * MIN],
      [key(cRecovered), (t) => (t >= 15 * MIN && t < 18 * MIN ? 'unknown' : t >= 16 * MIN)],
    ]);
    const since = new Map<string, number>([
      [key(aOpen), 14.5 * MIN],
      [key(aBastion), 35 * MIN],
    ]);
    const world: World = {
      truth: (c, t) => truth.get(key(c))!(t),
      since: (c) => since.get(key(c)),
      acks: [
        {
          atMs: 2 * MIN,
          ack: { finding: 'ssh-exposure', resource: 'sg-WRONG', by: 'arn:aws:iam::1:user/carol' },
        },
        {
          atMs: 4 * MIN,
          ack: { finding: 'ssh-exposure', resource: 'sg-c', by: 'arn:aws:iam::1:user/carol' },
        },
        { atMs: 6 * MIN, ack: { finding: 'ssh-open', resource: 'sg-a', by: 'arn:aws:iam::1:user/alice' } },
      ],
    };
    const scenarios = [
      scenario('a', 'high', {
        phases: {
          detect: {
            mode: 'any',
            conditions: [{ ack: { finding: 'ssh-open', resource: 'sg-a' } } as Condition],
          },
          contain: { mode: 'all', conditions: [aOpen] },
          recover: { mode: 'all', conditions: [aOpen, aBastion] },
        },
        steadyState: [aHttps],
        hints: [{ atMs: 5 * MIN, cost: 5, text: 'look at CloudTrail' }],
        scoring: { ...scenario('a', 'high').scoring, hints: [{ atMs: 5 * MIN, cost: 5 }] },
      }),
      scenario('b', 'medium', {
        phases: {
          detect: { mode: 'any', conditions: [{ ack: { finding: 'rdp-open' } } as Condition] },
          contain: { mode: 'all', conditions: [bFixed] },
          recover: { mode: 'all', conditions: [bNever] },
        },
        steadyState: [bSteady],
      }),
      scenario('c', 'critical', {
        phases: {
          detect: {
            mode: 'any',
            conditions: [{ ack: { finding: 'ssh-exposure', resource: 'sg-c' } } as Condition],
          },
          contain: { mode: 'all', conditions: [cContained] },
          recover: { mode: 'all', conditions: [cRecovered] },
        },
        hints: [
          { atMs: 3 * MIN, cost: 10, text: 'h1' },
          { atMs: 12 * MIN, cost: 20, text: 'h2' },
        ],
      }),
    ];
    const { controller, entries } = harness(scenarios, world);
    const done = controller.run();
    await clock.tickAsync(46 * MIN);
    expect(await done).to.equal('time-limit');
    expect(Number(process.hrtime.bigint() - wall) / 1e9).to.be.below(1);

    const met = entries
      .filter((e) => e.type === 'phase.met')
      .map((e) => e.type === 'phase.met' && [e.scenario, e.phase, e.atMs / 1000, e.implied ?? null]);
    expect(met).to.deep.equal([
      ['c', 'detect', 240, null], // the correct ack at 4m (seen at the 4m tick)
      ['a', 'detect', 360, null],
      ['c', 'contain', 480, null],
      ['a', 'contain', 870, null], // CloudTrail time of the revoke, 14m30s, seen at the 15m tick
      ['c', 'recover', 1080, null], // no CloudTrail time: the first tick that saw it, 18m
      ['b', 'detect', 1500, 'contain'], // implied by containment at 25m
      ['b', 'contain', 1500, null],
      ['a', 'recover', 2100, null],
    ]);
    const states = entries
      .filter((e) => e.type === 'scenario.state')
      .map((e) => e.type === 'scenario.state' && `${e.scenario}:${e.state}`);
    expect(states).to.deep.equal([
      'c:detected',
      'a:detected',
      'c:contained',
      'a:contained',
      'c:recovered',
      'b:detected',
      'b:contained',
      'a:recovered',
      'b:timed-out',
    ]);
    const hints = entries
      .filter((e) => e.type === 'hint.released')
      .map((e) => e.type === 'hint.released' && [e.scenario, e.index, e.atMs / 1000]);
    expect(hints).to.deep.equal([
      ['c', 0, 180],
      ['a', 0, 300],
      ['c', 1, 720],
    ]);
    const acks = entries
      .filter((e) => e.type === 'ack.received')
      .map(
        (e) =>
          e.type === 'ack.received' && [
            e.ack.resource,
            e.matched.map((m) => m.scenario),
            e.wrong.map((w) => w.scenario),
          ],
      );
    expect(acks).to.deep.equal([
      ['sg-WRONG', [], ['c']],
      ['sg-c', ['c'], []],
      ['sg-a', ['a'], []],
    ]);
    const breaches = entries
      .filter((e) => e.type === 'steady-state.breached' || e.type === 'steady-state.restored')
      .map((e) => [e.type, 'atMs' in e ? e.atMs / 1000 : 0]);
    expect(breaches).to.deep.equal([
      ['steady-state.breached', 1560],
      ['steady-state.restored', 1680],
    ]);

    // Scores by hand. Phase shares: detect 40, contain 30, recover 30; late points decay linearly from
    // the target to 25% at the 45m limit.
    // A: detect 40 (6m ≤ 10m), contain 30 (14.5m ≤ 20m), recover late at 35m: 30 × (1 − 0.75 × 5/15) = 22.5;
    //    minus hint 5 → 87.5.
    // B: detect late at 25m: 40 × (1 − 0.75 × 15/35) = 27.1 (27.142…); contain late at 25m: 30 × (1 − 0.75 × 5/25) = 25.5;
    //    recover missed 0; minus one breach 10 → 42.6.
    // C: 40 + 30 + 30 (18m ≤ 30m) = 100, minus hints 10 + 20, minus one wrong ack 5 → 65.
    // Total, severity weighted (high 3, medium 2, critical 4): (262.5 + 85.2 + 260) / 9 = 67.52 → 67.5, D.
    const score = scoreJournal(entries)!;
    expect(score.scenarios.map((s) => [s.id, s.points])).to.deep.equal([
      ['a', 87.5],
      ['b', 42.6],
      ['c', 65],
    ]);
    expect(score.scenarios[1]!.phases.map((p) => [p.phase, p.points, p.verdict])).to.deep.equal(
      [
        ['detect', 27.1],
        ['contain', 25.5],
        ['recover', 0],
      ].map(([p, n], i) => [p, n, i === 2 ? 'missed' : 'late']),
    );
    expect(score.total).to.equal(67.5);
    expect(score.grade).to.equal('D');
    expect(score.missedTargets).to.equal(true);
  });

  it('never counts an unknown (throttled) observation as a fix', async () => {
    const fixed = sg('sg-x', 22, '0.0.0.0/0', 'absent');
    const world: World = { truth: () => 'unknown', acks: [] };
    const s = scenario('x', 'high', { phases: { detect: { mode: 'all', conditions: [fixed] } } });
    s.scoring.timeLimitMs = 5 * MIN;
    const { controller, entries } = harness([s], world);
    const done = controller.run();
    await clock.tickAsync(6 * MIN);
    expect(await done).to.equal('time-limit');
    expect(entries.filter((e) => e.type === 'phase.met')).to.deep.equal([]);
    expect(scoreJournal(entries)!.scenarios[0]!.points).to.equal(0);
  });

  it('ends when every scenario is resolved, runs autopilot steps on time, and lets the facilitator release hints and end', async () => {
    const open = sg('sg-y', 22, '0.0.0.0/0', 'absent');
    let fixedAt = Infinity;
    const world: World = { truth: (_c, t) => t >= fixedAt, acks: [] };
    const s = scenario('y', 'low', {
      phases: { detect: { mode: 'all', conditions: [open] } },
      hints: [{ atMs: 40 * MIN, cost: 3, text: 'late hint' }],
      autopilot: [{ atMs: 45_000, step: { at: '45s', call: 'ec2:RevokeSecurityGroupIngress' } }],
    });
    const { controller, entries, steps } = harness([s], world, { autopilot: true });
    const done = controller.run();
    expect(controller.releaseHint()).to.equal(true);
    await clock.tickAsync(40_000);
    expect(steps).to.deep.equal([]);
    fixedAt = 60_000;
    await clock.tickAsync(40_000);
    expect(steps).to.deep.equal(['y:ec2:RevokeSecurityGroupIngress']);
    expect(await done).to.equal('resolved');
    expect(entries.find((e) => e.type === 'hint.released')).to.include({ by: 'facilitator', cost: 3 });
    expect(entries.at(-1)).to.include({ type: 'controller.ended', reason: 'resolved' });

    const other = harness(
      [scenario('z', 'low', { phases: { detect: { mode: 'all', conditions: [open] } } })],
      { truth: () => false, acks: [] },
    );
    const running = other.controller.run();
    await clock.tickAsync(65_000);
    other.controller.end();
    expect(await running).to.equal('facilitator');
    expect(
      other.entries
        .filter((e) => e.type === 'scenario.state')
        .map((e) => e.type === 'scenario.state' && e.state),
    ).to.deep.equal(['aborted']);
  });

  it('scores a phase by the linear decay rule between target and limit', () => {
    expect(phasePoints(40, 10 * MIN, 45 * MIN, 10 * MIN)).to.deep.include({
      points: 40,
      verdict: 'on-target',
    });
    expect(phasePoints(40, 10 * MIN, 45 * MIN, 45 * MIN)).to.deep.include({ points: 10, verdict: 'late' });
    expect(phasePoints(40, 10 * MIN, 45 * MIN, 27.5 * MIN)).to.deep.include({ points: 25, verdict: 'late' });
    expect(phasePoints(40, 10 * MIN, 45 * MIN, undefined)).to.deep.include({ points: 0, verdict: 'missed' });
  });

  it('runs a campaign: a stage is injected at its offset and judged from when it went live; a decoy touched costs the total', async () => {
    // Stage 1 (high) from the start; stage 2 (high) due at 10m, live at 11m (its injection took a
    // minute); a decoy (a planned change) that responders revert at 12m.
    const s1Fixed = sg('sg-1', 22, '0.0.0.0/0', 'absent');
    const s2Fixed = sg('sg-2', 22, '0.0.0.0/0', 'absent');
    const decoyKept = sg('sg-decoy', 22, '198.51.100.0/24', 'present');
    const world: World = {
      truth: (c, t) =>
        key(c) === key(s1Fixed) ? t >= 4 * MIN : key(c) === key(s2Fixed) ? t >= 25 * MIN : t < 12 * MIN,
      acks: [],
    };
    const one = (id: string, fixed: Condition, over: Partial<ControlledScenario> = {}) =>
      scenario(id, 'high', { phases: { detect: { mode: 'all', conditions: [fixed] } }, ...over });
    const s1 = one('s1', s1Fixed);
    s1.scoring.phases = { detect: { targetMs: 10 * MIN } };
    // Pending until injected: no conditions yet.
    const s2: ControlledScenario = { ...scenario('s2', 'high'), startMs: 10 * MIN };
    s2.scoring.phases = { detect: { targetMs: 10 * MIN } };
    const decoy: ControlledScenario = { ...scenario('decoy', 'low'), decoy: true, steadyState: [decoyKept] };
    let injectedAt = -1;
    const { controller, entries } = harness([s1, s2, decoy], world, {
      injectStage: async () => {
        injectedAt = Date.now() - T0;
        await new Promise((r) => setTimeout(r, MIN));
        const live = one('s2', s2Fixed);
        live.scoring.phases = { detect: { targetMs: 10 * MIN } };
        return live;
      },
    });
    const done = controller.run();
    await clock.tickAsync(30 * MIN);
    expect(await done).to.equal('resolved');
    expect(injectedAt).to.equal(10 * MIN);
    const live = entries.find((e) => e.type === 'stage.live');
    expect(live).to.include({ scenario: 's2', atMs: 11 * MIN });
    // s2 was fixed at 25m: 14 minutes after it went live, so late against its 10-minute target.
    const score = scoreJournal(entries)!;
    const s2Score = score.scenarios.find((x) => x.id === 's2')!;
    expect(s2Score.phases[0]).to.deep.include({ verdict: 'late', metAtMs: 14 * MIN });
    // Hand-computed: 100 − 75% × (14−10)/(45−10) × 100 = 91.4 for s2; s1 on target: 100.
    expect(s2Score.points).to.equal(91.4);
    expect(score.scenarios.find((x) => x.id === 's1')!.points).to.equal(100);
    expect(score.scenarios.map((x) => x.id)).to.deep.equal(['s1', 's2']);
    // The decoy was reverted at 12m: one breach, 10 points off the severity-weighted mean (95.7).
    expect(score.decoys).to.deep.equal([{ id: 'decoy', breaches: 1, penalty: 10 }]);
    expect(score.total).to.equal(85.7);
  });
});
