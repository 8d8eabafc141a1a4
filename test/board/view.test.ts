/**
 * The board's view of a journal, at several moments of a recorded three-scenario exercise (the report
 * fixture): what the room sees must agree with `sirs score`, show wrong identifications with their
 * resource and note, and never show a hint before it is released.
 */
import { expect } from 'chai';
import { scoreJournal } from '../../src/controller/scoring.js';
import type { JournalEntry } from '../../src/exercise/entries.js';
import { boardView } from '../../src/board/view.js';
import { boardRows, statusBlock } from '../../src/board/text.js';
import { fixture, FIXTURE_ID } from '../report/helpers.js';

const at = (iso: string) => Date.parse(iso);
/** The journal as it stood just after entry `seq`. */
const upTo = (entries: JournalEntry[], seq: number) => entries.filter((e) => e.seq <= seq);

describe('board view', () => {
  const { entries } = fixture();

  it('mid-exercise: states, timers, phases with evidence, hints, the wrong ack and the breach', () => {
    // 17:58:30: ssh detected and breached, public-bucket has a wrong identification and one hint.
    const v = boardView(FIXTURE_ID, upTo(entries, 26), at('2026-11-28T17:58:30.000Z'));
    expect(v).to.include({ exercise: 'live', running: true, elapsedMs: 810_000, seq: 26 });
    const [ssh, bucket, trail] = v.scenarios;
    expect([ssh!.state, bucket!.state, trail!.state]).to.deep.equal(['detected', 'live', 'live']);
    expect(ssh!.phases.map((p) => [p.phase, p.status, p.metAtMs])).to.deep.equal([
      ['detect', 'on-target', 416_120],
      ['contain', 'running', undefined],
      ['recover', 'running', undefined],
    ]);
    expect(ssh!.phases[0]!.evidence[0]).to.contain('acknowledged ssh-exposure on sg-0a1b2c3d4e5f67890');
    // 13m30s in, a 10-minute detect target is passed.
    expect(trail!.phases[0]!.status).to.equal('over-target');
    expect(ssh!.breaches).to.have.length(1);
    expect(ssh!.breaches[0]!.check).to.contain('443');
    expect(bucket!.wrongAcks).to.equal(1);
    const wrong = v.acks.find((a) => a.verdict === 'wrong')!;
    expect(wrong).to.deep.include({
      finding: 'public-bucket',
      resource: 'acme-marketing-assets',
      note: 'marketing bucket is public?',
      scenarios: ['public-bucket'],
    });
    // The scenario file's second hint is due at 30m; its text is not on the board until it is released.
    expect(bucket!.hints.released.map((h) => h.index)).to.deep.equal([0]);
    expect(bucket!.hints.next).to.deep.equal({ index: 1, dueAtMs: 1_800_000, cost: 5 });
    expect(JSON.stringify(v)).not.to.contain('Object ACLs can keep objects public');
    // Points are the scoring function's, on the same entries.
    const score = scoreJournal(upTo(entries, 26))!;
    expect(v.score).to.deep.equal({ total: score.total, grade: score.grade });
    expect(v.scenarios.map((s) => s.points)).to.deep.equal(score.scenarios.map((s) => s.points));
  });

  it('at the end: the final score, timed-out phases missed, no next hint, the end in the feed', () => {
    const v = boardView(FIXTURE_ID, entries, at('2026-11-28T19:00:00.000Z'));
    expect(v).to.include({ running: false, elapsedMs: 2_700_000 });
    expect(v.ended).to.deep.equal({ reason: 'time-limit', atMs: 2_700_000 });
    expect(v.score).to.deep.equal({
      total: scoreJournal(entries)!.total,
      grade: scoreJournal(entries)!.grade,
    });
    const bucket = v.scenarios.find((s) => s.id === 'public-bucket')!;
    expect(bucket.state).to.equal('timed-out');
    expect(bucket.phases.find((p) => p.phase === 'recover')!.status).to.equal('missed');
    expect(bucket.hints.next).to.equal(undefined);
    expect(v.scenarios.find((s) => s.id === 'ssh-open-to-world')!.breaches[0]!.restoredAtMs).to.equal(
      960_000,
    );
    expect(v.feed.at(-1)).to.deep.include({ kind: 'ended', text: 'the exercise ended (time-limit)' });
  });

  it('shows the wrap-up until the controller ends', () => {
    const base = upTo(entries, 41);
    const wrap: JournalEntry = {
      seq: 42,
      time: '2026-11-28T18:15:16.000Z',
      type: 'wrap-up',
      atMs: 1_816_000,
      durationMs: 120_000,
      untilMs: 1_936_000,
      until: '2026-11-28T18:17:16.000Z',
    };
    const during = boardView(FIXTURE_ID, [...base, wrap], at('2026-11-28T18:16:00.000Z'));
    expect(during.wrapUp).to.deep.equal({ untilMs: 1_936_000, until: '2026-11-28T18:17:16.000Z' });
    expect(during.feed.at(-1)!.kind).to.equal('wrap-up');
    expect(boardRows(during, { colour: false })[1]).to.match(/^wrap-up until \d\d:\d\d: every phase is met/);
    const ended: JournalEntry = {
      seq: 43,
      time: wrap.until,
      type: 'controller.ended',
      reason: 'resolved',
      atMs: 1_936_000,
    };
    expect(boardView(FIXTURE_ID, [...base, wrap, ended], at(wrap.until)).wrapUp).to.equal(undefined);
  });

  it('before the controller starts: the exercise state, no scenarios yet', () => {
    const v = boardView(FIXTURE_ID, upTo(entries, 10), at('2026-11-28T17:44:00.000Z'));
    expect(v).to.include({ running: false, elapsedMs: 0 });
    expect(v.scenarios).to.deep.equal([]);
    expect(v.score).to.equal(undefined);
  });

  it('as terminal text: a line per scenario with timers, next hint and points; the status block in full', () => {
    const v = boardView(FIXTURE_ID, upTo(entries, 26), at('2026-11-28T17:58:30.000Z'));
    const rows = boardRows(v, { colour: false });
    expect(rows[0]).to.match(/^── 13:30 elapsed ── score so far [\d.]+ \([A-F]\) ── keys:/);
    expect(rows[1]).to.match(
      /^ssh-open-to-world\s+◐ DETECTED\s+detect ✔ 06:56\/10:00\s+contain … 13:30\/20:00\s+recover … 13:30\/25:00\s+hints 1, no hint due\s+BREACHED 1\s+[\d.]+ pts/,
    );
    expect(rows[2]).to.match(/public-bucket.*● LIVE.*hints 1, next hint 30:00 \(-5\)\s+WRONG 1/);
    expect(rows[3]).to.match(/trail-stopped.*detect ⚠ over 13:30\/10:00/);
    const status = statusBlock(v, { colour: true }).join('\n');
    expect(status).to.contain('\x1b[31m  WRONG identifications: 1 (-5 each)\x1b[39m');
    expect(status).to.contain(
      '\x1b[31m  08:50 WRONG identification for public-bucket: public-bucket on acme-marketing-assets by arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_SecurityResponder_5f1e/bob (note: marketing bucket is public?)\x1b[39m',
    );
    expect(status).to.match(
      // eslint-disable-next-line no-control-regex
      /\x1b\[31m {2}BREACHED at 13:00: security group sg-0a1b2c3d4e5f67890 allows tcp\/443/,
    );
    expect(statusBlock(v, { colour: false }).join('\n')).not.to.contain('\x1b[');
  });
});
