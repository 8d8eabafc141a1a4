/**
 * The board as terminal text: the few lines redrawn at the bottom of the facilitator's terminal, and the
 * full status block that `s` prints. Both render the same view as the web board; WRONG and BREACHED are
 * written out, and red when the terminal takes colour.
 */
import type { BoardPhase, BoardScenario, BoardView, PhaseStatus } from './view.js';
import { describeAck, hhmm } from './view.js';

export interface TextStyle {
  /** Red for WRONG and BREACHED (a TTY without NO_COLOR). */
  colour: boolean;
}

export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Colour is for terminals that want it: https://no-color.org (set and not empty turns it off). */
export function wantsColour(out: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return out.isTTY === true && !env.NO_COLOR;
}

export function red(text: string, style: TextStyle): string {
  return style.colour ? `\x1b[31m${text}\x1b[39m` : text;
}

const STATE_WORD: Record<BoardScenario['state'], string> = {
  pending: '◌ PENDING',
  injecting: '◌ INJECTING',
  live: '● LIVE',
  detected: '◐ DETECTED',
  contained: '◕ CONTAINED',
  recovered: '✔ RECOVERED',
  'timed-out': '✘ TIMED OUT',
  aborted: '■ ABORTED',
};

const PHASE_MARK: Record<PhaseStatus, string> = {
  'on-target': '✔',
  late: '✔ late',
  running: '…',
  'over-target': '⚠ over',
  missed: '✘ missed',
};

const PHASE_WORDS: Record<PhaseStatus, string> = {
  'on-target': '✔ on target',
  late: '✔ late',
  running: '… running',
  'over-target': '⚠ OVER TARGET',
  missed: '✘ MISSED',
};

function phaseTime(p: BoardPhase, s: BoardScenario, elapsedMs: number): string {
  const t = p.metAtMs ?? Math.max(0, elapsedMs - s.startMs);
  return `${clock(t)}/${clock(p.targetMs)}`;
}

function nextHint(s: BoardScenario): string {
  const n = s.hints.next;
  return n ? `next hint ${clock(n.dueAtMs)} (-${n.cost})` : 'no hint due';
}

/** One line per scenario, under a header with the clock, the score so far and the keys. */
export function boardRows(v: BoardView, style: TextStyle): string[] {
  const score = v.score ? `score so far ${v.score.total} (${v.score.grade})` : 'score so far -';
  const rows = [
    `── ${clock(v.elapsedMs)} elapsed ── ${score} ── keys: [h] release a hint  [e] end  [s] status  [Ctrl-C] stop ──`,
  ];
  if (v.wrapUp)
    rows.push(
      `wrap-up until ${hhmm(v.wrapUp.until)}: every phase is met, the score is final ([e] ends it now)`,
    );
  for (const s of v.scenarios) {
    const phases = s.phases
      .map((p) => `${p.phase} ${PHASE_MARK[p.status]} ${phaseTime(p, s, v.elapsedMs)}`)
      .join('  ');
    const hints = `hints ${s.hints.released.length}, ${nextHint(s)}`;
    const wrong = s.wrongAcks ? `  ${red(`WRONG ${s.wrongAcks}`, style)}` : '';
    const open = s.breaches.filter((b) => b.restoredAtMs === undefined).length;
    const breached = open ? `  ${red(`BREACHED ${open}`, style)}` : '';
    rows.push(
      `${s.id.padEnd(24).slice(0, 24)} ${STATE_WORD[s.state].padEnd(12)} ${phases}  ${hints}${wrong}${breached}  ${s.points} pts  limit ${clock(s.timeLimitMs)}`,
    );
  }
  return rows;
}

/** Everything the web board shows, as the lines `s` prints. */
export function statusBlock(v: BoardView, style: TextStyle): string[] {
  const lines = [
    `Exercise ${v.exerciseId}: ${v.exercise}, ${clock(v.elapsedMs)} elapsed${v.score ? `, score so far ${v.score.total} / 100 (${v.score.grade})` : ''}`,
  ];
  if (v.wrapUp) lines.push(`  wrap-up until ${hhmm(v.wrapUp.until)}: the score is final`);
  for (const s of v.scenarios) {
    lines.push(
      `${s.id} (${s.title}): ${STATE_WORD[s.state]}, ${s.points} pts so far, limit ${clock(s.timeLimitMs)}`,
    );
    for (const p of s.phases) {
      lines.push(
        `  ${p.phase.padEnd(8)} ${PHASE_WORDS[p.status].padEnd(14)} ${phaseTime(p, s, v.elapsedMs)}  ${p.points} / ${p.max}`,
      );
      for (const ev of p.evidence)
        lines.push(`           ${p.impliedBy ? `(implied by ${p.impliedBy}) ` : ''}${ev}`);
    }
    const released = s.hints.released.map((h) => `${clock(h.atMs)} ${h.text} (-${h.cost})`);
    lines.push(
      `  hints: ${released.length} released${s.hints.cost ? ` (-${s.hints.cost})` : ''}; ${nextHint(s)}`,
    );
    for (const h of released) lines.push(`    ${h}`);
    if (s.wrongAcks) lines.push(red(`  WRONG identifications: ${s.wrongAcks} (-5 each)`, style));
    for (const b of s.breaches) {
      const line = `  ${b.restoredAtMs === undefined ? 'BREACHED' : 'restored (was BREACHED)'} at ${clock(b.atMs)}: ${b.check} (${b.summary})`;
      lines.push(b.restoredAtMs === undefined ? red(line, style) : line);
    }
  }
  for (const d of v.decoys)
    for (const b of d.breaches)
      lines.push(red(`decoy ${d.id} BREACHED at ${clock(b.atMs)}: ${b.check} (${b.summary})`, style));
  if (v.acks.length) lines.push('acknowledgements:');
  for (const a of v.acks) {
    const line = `  ${clock(a.atMs)} ${describeAck(a)}`;
    lines.push(a.verdict === 'wrong' ? red(line, style) : line);
  }
  return lines;
}
