import { expect } from 'chai';
import { scoreJournal } from '../../src/controller/scoring.js';
import type { JournalEntry } from '../../src/exercise/entries.js';
import type { ActivityEvent } from '../../src/report/activity.js';
import { buildReport } from '../../src/report/model.js';
import { withRedatings } from '../../src/report/redate.js';
import { ExerciseReport } from '../../src/report/schema.js';
import { FIXTURE_ID, editEntries, fixture } from './helpers.js';

const MIN = 60_000;
const opts = { generatedAt: '2026-11-28T19:00:00.000Z' };

describe('report model', () => {
  const { entries, activity } = fixture();
  const model = buildReport(entries, activity, opts);
  const score = scoreJournal(entries)!;
  const byId = (id: string) => model.scenarios.find((s) => s.id === id)!;

  it('is valid against the report schema', () => {
    expect(() => ExerciseReport.parse(model)).not.to.throw();
  });

  it('shows exactly the numbers of the scoring function: total, grade, every scenario and phase', () => {
    expect(model.exercise.score!.total).to.equal(score.total);
    expect(model.exercise.score!.grade).to.equal(score.grade);
    expect(model.exercise.score!.missedTargets).to.equal(score.missedTargets);
    expect(model.scenarios.map((s) => s.id)).to.deep.equal(score.scenarios.map((s) => s.id));
    for (const sc of score.scenarios) {
      const s = byId(sc.id);
      expect(s.score).to.deep.equal(sc);
      expect(s.phases.map((p) => [p.phase, p.metAtMs, p.targetMs, p.points, p.max, p.verdict])).to.deep.equal(
        sc.phases.map((p) => [p.phase, p.metAtMs, p.targetMs, p.points, p.max, p.verdict]),
      );
    }
    // The story of the fixture, independently of the code: what a facilitator would check.
    expect(byId('ssh-open-to-world').phases.map((p) => p.verdict)).to.deep.equal([
      'on-target',
      'on-target',
      'late',
    ]);
    expect(byId('public-bucket').phases.map((p) => p.verdict)).to.deep.equal(['late', 'late', 'missed']);
    expect(byId('trail-stopped').phases.map((p) => p.verdict)).to.deep.equal(['late', 'late']);
  });

  it('explains every point: the breakdown lines add up to each scenario score', () => {
    for (const s of model.scenarios) {
      const sum = s.breakdown.reduce((n, l) => n + l.points, 0);
      expect(Math.round(sum * 10) / 10, s.id).to.equal(s.score.points);
      // One line per phase, hint released, breach and wrong identification, with the scoring's penalties.
      const lines = s.breakdown.map((l) => l.item);
      expect(lines.filter((l) => /^Hint /.test(l))).to.have.length(s.score.hints.count);
      expect(lines.filter((l) => /^Steady state broken/.test(l))).to.have.length(s.score.breaches.count);
      expect(lines.filter((l) => /^Wrong identification/.test(l))).to.have.length(s.score.wrongAcks.count);
    }
    const bucket = byId('public-bucket');
    expect(bucket.breakdown.find((l) => /^Wrong identification/.test(l.item))).to.deep.include({
      points: -5,
    });
    expect(bucket.breakdown.filter((l) => /^Hint/.test(l.item)).map((l) => l.points)).to.deep.equal([
      -10, -5,
    ]);
    expect(byId('ssh-open-to-world').breakdown.find((l) => /^Steady/.test(l.item))).to.deep.include({
      points: -10,
    });
    const weighted = model.exercise.score!.weights;
    const mean =
      weighted.reduce((n, w) => n + w.points * w.weight, 0) / weighted.reduce((n, w) => n + w.weight, 0);
    expect(model.exercise.score!.mean).to.equal(Math.round(mean * 10) / 10);
  });

  it('says how each phase was dated, and keeps the probe-dated time when CloudTrail re-dated it later', () => {
    const ssh = byId('ssh-open-to-world');
    expect(ssh.phases.map((p) => p.dating)).to.deep.equal(['ack', 'event', 'probe']);
    const recover = ssh.phases[2]!;
    expect(recover.metAtMs).to.equal(26 * MIN + 45_000);
    expect(recover.redated!.atMs).to.equal(26 * MIN + 20_000);
    expect(recover.redated!.evidence).to.deep.include({
      dating: 'event',
      eventName: 'AuthorizeSecurityGroupIngress',
      sourceIp: '203.0.113.7',
      by: 'responder',
    });
    // The score keeps the journaled time; the report also says what the re-dated one would give.
    const rescored = scoreJournal(withRedatings(entries)!)!;
    expect(model.exercise.rescored!.total).to.equal(rescored.total);
    expect(rescored.scenarios[0]!.points).to.be.greaterThan(score.scenarios[0]!.points);
    // The contain evidence names the call, who made it and from where.
    expect(ssh.phases[1]!.evidence[0]).to.deep.include({
      eventName: 'RevokeSecurityGroupIngress',
      actor: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_SecurityResponder_5f1e/alice',
      sourceIp: '203.0.113.7',
      atMs: 13 * MIN + 40_000,
    });
    // The account-wide Block Public Access named no bucket: still dated by a probe after the refresh,
    // and on AWS the report says so and how to refresh.
    const contain = byId('public-bucket').phases[1]!;
    expect([contain.dating, contain.redated]).to.deep.equal(['probe', undefined]);
    expect(byId('trail-stopped').phases.map((p) => p.redated?.evidence.eventName)).to.deep.equal([
      'StartLogging',
      'StartLogging',
    ]);
    expect(model.warnings.join('\n')).to.match(new RegExp(`sirs report ${FIXTURE_ID} --refresh`));
  });

  it('lists hints with their cost, breaches with their restore, and wrong identifications', () => {
    const bucket = byId('public-bucket');
    expect(bucket.hints.map((h) => [h.index, h.releasedAtMs, h.cost, h.by])).to.deep.equal([
      [0, 10 * MIN, 10, 'schedule'],
      [1, 20 * MIN, 5, 'facilitator'],
    ]);
    expect(bucket.acks.map((a) => [a.verdict, a.resource])).to.deep.equal([
      ['wrong', 'acme-marketing-assets'],
      ['matched', 'sirs-gd-20261128-1742-1a2b-public-bucket-data'],
    ]);
    expect(bucket.acks[0]!.expected).to.equal('sirs-gd-20261128-1742-1a2b-public-bucket-data');
    const ssh = byId('ssh-open-to-world');
    expect(ssh.breaches).to.have.length(1);
    expect(ssh.breaches[0]).to.deep.include({ atMs: 13 * MIN, restoredAtMs: 16 * MIN });
    expect(ssh.breaches[0]!.description).to.match(/tcp\/443/);
  });

  it('finds the first call that touched each scenario, grouped by principal', () => {
    // alice's DescribeSecurityGroups at 6m02s; bob looked at the wrong bucket first (not a touch); the
    // trail was first named by bob's denied GetTrailStatus.
    expect(byId('ssh-open-to-world').firstTouch).to.deep.include({
      atMs: 6 * MIN + 2000,
      eventName: 'DescribeSecurityGroups',
    });
    expect(byId('public-bucket').firstTouch).to.deep.include({
      atMs: 16 * MIN + 30_000,
      eventName: 'GetBucketPolicy',
    });
    expect(byId('trail-stopped').firstTouch).to.deep.include({ atMs: 11 * MIN, eventName: 'GetTrailStatus' });
    const principals = model.activity.principals;
    expect(principals.map((p) => p.actor.split('/').at(-1))).to.deep.equal([
      'bob',
      'alice',
      'auto-remediate-trail',
    ]);
    expect(principals.reduce((n, p) => n + p.calls, 0)).to.equal(activity.length);
    expect(model.activity.bins.reduce((n, b) => n + b, 0)).to.equal(activity.length);
    const alice = principals[1]!;
    expect(alice.sourceIps).to.deep.equal(['203.0.113.7']);
    expect(alice.errors).to.equal(1);
    const marked = alice.events.filter((e) => e.firstTouchOf.length);
    expect(marked.map((e) => [e.eventName, e.firstTouchOf])).to.deep.equal([
      ['DescribeSecurityGroups', ['ssh-open-to-world']],
    ]);
  });

  it('lists the signals that never fired and the controls that would have caught the fault', () => {
    const bucket = byId('public-bucket');
    expect(bucket.gaps.signals.map((g) => [g.phase, g.kind, g.reason])).to.deep.equal([
      ['recover', 'objectPublic', 'missed'],
      ['recover', 'cloudtrailEvent', 'missed'],
    ]);
    expect(bucket.gaps.detections.map((d) => d.title)).to.include(
      'CloudWatch metric filter on PutBucketPolicy',
    );
    // trail-stopped was never detected on its own: the team's alarm never fired.
    expect(byId('trail-stopped').gaps.signals.map((g) => [g.phase, g.kind, g.reason])).to.deep.equal([
      ['detect', 'ack', 'implied'],
      ['detect', 'alarmState', 'implied'],
    ]);
    expect(byId('ssh-open-to-world').gaps.signals).to.deep.equal([]);
  });

  it('summarises the exercise: target, facilitator, window, duration and teardown', () => {
    expect(model.exercise).to.deep.include({
      id: FIXTURE_ID,
      facilitator: 'dana',
      timeScale: 1,
      endReason: 'time-limit',
      scored: true,
    });
    expect(model.exercise.target).to.deep.include({ kind: 'aws', accountAlias: 'acme-security-sandbox' });
    expect(model.exercise.durationMs).to.equal(45 * MIN + 2000 + 20);
    expect(model.exercise.teardown).to.deep.equal({ state: 'done', leftovers: [] });
    expect(model.activity).to.deep.include({
      recorded: true,
      refreshed: true,
      truncated: false,
      calls: activity.length,
    });
  });

  it('places wall-clock calls on the exercise clock, which runs timeScale times faster', () => {
    const scaled = editEntries(entries, (e) =>
      e.type === 'controller.started' ? ({ ...e, timeScale: 3 } as JournalEntry) : undefined,
    );
    const m = buildReport(scaled, activity, opts);
    const first = m.scenarios[0]!.firstTouch!;
    expect(first.atMs).to.equal(3 * (6 * MIN + 2000));
  });

  it('counts a campaign stage from when it went live', () => {
    const staged = [
      ...entries,
      { seq: 999, time: entries.at(-1)!.time, type: 'stage.live', scenario: 'trail-stopped', atMs: 5 * MIN },
    ] as JournalEntry[];
    const m = buildReport(staged, activity, opts);
    const trail = m.scenarios.find((s) => s.id === 'trail-stopped')!;
    expect(trail.startMs).to.equal(5 * MIN);
    expect(trail.phases.map((p) => p.metAtMs)).to.deep.equal(
      scoreJournal(staged)!.scenarios[2]!.phases.map((p) => p.metAtMs),
    );
  });

  it('lists a bounded number of calls per principal, always with the first touches, and counts the rest', () => {
    const aliceCall = activity.find((e) => e.actor.endsWith('/alice'))!;
    const many: ActivityEvent[] = Array.from({ length: 500 }, (_, i) => ({
      ...aliceCall,
      eventId: `bulk-${i}`,
      time: new Date(Date.parse('2026-11-28T17:45:30.000Z') + i * 1000).toISOString(),
      eventName: 'DescribeInstances',
      resources: [],
    }));
    const m = buildReport(entries, [...many, ...activity], { ...opts, maxEventsPerPrincipal: 50 });
    const alice = m.activity.principals.find((p) => p.actor.endsWith('/alice'))!;
    expect(alice.calls).to.equal(500 + activity.filter((e) => e.actor.endsWith('/alice')).length);
    expect(alice.events.length + alice.omitted).to.equal(alice.calls);
    expect(alice.events.some((e) => e.firstTouchOf.includes('ssh-open-to-world'))).to.equal(true);
  });

  it('reports an exercise that never went live, without a score', () => {
    const early = entries.slice(
      0,
      entries.findIndex((e) => e.type === 'exercise.live'),
    );
    const m = buildReport(early, [], opts);
    expect(m.exercise.scored).to.equal(false);
    expect(m.scenarios).to.deep.equal([]);
    expect(m.warnings.join(' ')).to.match(/never went live/);
    expect(() => ExerciseReport.parse(m)).not.to.throw();
  });

  it('takes trends from past runs up to this exercise, oldest first', () => {
    const past = {
      exerciseId: 'gd-20261101-0900-aaaa',
      createdAt: '2026-11-01T09:00:00.000Z',
      total: 40,
      grade: 'F' as const,
      scenarios: [
        {
          id: 'ssh-open-to-world',
          title: 'SSH open to the world',
          points: 55,
          met: { detect: 12 * MIN },
          targets: { detect: 10 * MIN },
        },
      ],
    };
    const later = { ...past, exerciseId: 'gd-20261201-0900-bbbb', createdAt: '2026-12-01T09:00:00.000Z' };
    const m = buildReport(entries, activity, { ...opts, history: [later, past] });
    const ssh = m.trends.find((t) => t.scenario === 'ssh-open-to-world')!;
    expect(ssh.runs.map((r) => r.exerciseId)).to.deep.equal(['gd-20261101-0900-aaaa', FIXTURE_ID]);
    expect(ssh.change!.points).to.equal(Math.round((score.scenarios[0]!.points - 55) * 10) / 10);
    expect(ssh.change!.ttdMs).to.equal(byId('ssh-open-to-world').phases[0]!.metAtMs! - 12 * MIN);
  });
});
