/**
 * How the controller's events reach the facilitator: plain log lines (no TTY), JSON lines (--json), or
 * a live board at the bottom of a terminal with keys to release a hint, end the exercise, or show
 * status. Log lines scroll above the board.
 */
import type { Controller, ControllerEvent } from '../../controller/controller.js';
import type { ScenarioState } from '../../controller/model.js';
import { formatDuration } from '../../scenario/duration.js';
import { wrapUpLine } from './render.js';

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function describeControllerEvent(e: ControllerEvent): string | undefined {
  switch (e.type) {
    case 'controller.tick':
      return undefined;
    case 'phase.met': {
      const ev = e.evidence[0];
      const how = ev
        ? ` (${ev.summary}${ev.source === 'cloudtrail' && ev.actor ? `, by ${ev.actor}` : ''}${ev.source === 'probe' ? ', time from the probe' : ''})`
        : '';
      return `[${clock(e.atMs)}] ${e.scenario}: ${e.phase} met${e.implied ? ` (implied by ${e.implied})` : ''}${how}`;
    }
    case 'scenario.state':
      return e.state === 'timed-out' || e.state === 'aborted' ? `${e.scenario}: ${e.state}` : undefined;
    case 'hint':
      return `HINT for ${e.scenario} (costs ${e.cost}): ${e.text}`;
    case 'ack':
      return `ack "${e.ack.finding}"${e.ack.resource ? ` on ${e.ack.resource}` : ''} by ${e.ack.by}: ${
        e.matched.length
          ? `matches ${e.matched.join(', ')}`
          : e.wrong.length
            ? `WRONG resource for ${e.wrong.join(', ')}`
            : 'matches no scenario'
      }`;
    case 'breach':
      return `STEADY STATE BREACHED in ${e.scenario}: ${e.evidence.summary}`;
    case 'restored':
      return `steady state restored in ${e.scenario}`;
    case 'autopilot':
      return `autopilot ${e.scenario}: ${e.step}${e.ok ? '' : ` FAILED: ${e.error}`}`;
    case 'stage':
      return e.state === 'injecting'
        ? `campaign stage ${e.scenario}: injecting`
        : e.state === 'live'
          ? `campaign stage ${e.scenario} is live`
          : `campaign stage ${e.scenario} FAILED to inject: ${e.error}`;
    case 'wrap-up':
      return wrapUpLine(e);
    case 'controller.ended':
      return `The exercise ended (${e.reason}) after ${formatDuration(Math.round(e.elapsedMs / 1000) * 1000 || 1000)}.`;
  }
}

export interface BoardScenario {
  id: string;
  targets: Partial<Record<'detect' | 'contain' | 'recover', number>>;
  timeLimitMs: number;
}

const PHASE_OF_STATE: Record<ScenarioState, number> = {
  pending: 0,
  injecting: 0,
  live: 0,
  detected: 1,
  contained: 2,
  recovered: 3,
  'timed-out': -1,
  aborted: -1,
};

/** A redrawn block at the bottom of the terminal. */
export class LiveBoard {
  private lines = 0;
  private elapsed = 0;
  private readonly states = new Map<string, ScenarioState>();
  private readonly met = new Map<string, Partial<Record<string, number>>>();
  private readonly hints = new Map<string, number>();
  private readonly acks = new Map<string, number>();
  private controller?: Controller;
  private onKey?: (data: Buffer) => void;

  constructor(
    private readonly scenarios: BoardScenario[],
    private readonly out: NodeJS.WriteStream,
    private readonly interrupt: () => void,
  ) {
    for (const s of scenarios) this.states.set(s.id, 'live');
  }

  attach(controller: Controller): void {
    this.controller = controller;
    const stdin = process.stdin;
    if (!stdin.isTTY) return;
    stdin.setRawMode(true);
    stdin.resume();
    this.onKey = (data) => {
      const k = data.toString();
      if (k === '\u0003') this.interrupt();
      else if (k === 'h')
        this.log(this.controller?.releaseHint() ? 'hint released' : 'no hint left to release');
      else if (k === 'e') {
        this.log('ending the exercise');
        this.controller?.end();
      } else if (k === 's') this.log(this.statusText());
    };
    stdin.on('data', this.onKey);
    this.draw();
  }

  detach(): void {
    if (this.onKey) {
      process.stdin.off('data', this.onKey);
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      process.stdin.pause();
    }
    this.clear();
  }

  handle(e: ControllerEvent): void {
    if (e.type === 'controller.tick') this.elapsed = e.elapsedMs;
    if (e.type === 'scenario.state') this.states.set(e.scenario, e.state);
    if (e.type === 'phase.met') this.met.set(e.scenario, { ...this.met.get(e.scenario), [e.phase]: e.atMs });
    if (e.type === 'hint') this.hints.set(e.scenario, (this.hints.get(e.scenario) ?? 0) + 1);
    if (e.type === 'ack')
      for (const s of [...e.matched, ...e.wrong]) this.acks.set(s, (this.acks.get(s) ?? 0) + 1);
    const line = describeControllerEvent(e);
    if (line) this.log(line);
    else this.draw();
  }

  log(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
    this.draw();
  }

  private statusText(): string {
    return this.scenarios.map((s) => `${s.id}: ${this.states.get(s.id)}`).join('\n');
  }

  private clear(): void {
    if (this.lines > 0) this.out.write(`\x1b[${this.lines}A\x1b[0J`);
    this.lines = 0;
  }

  private draw(): void {
    this.clear();
    const rows = [
      `── ${clock(this.elapsed)} elapsed ── keys: [h] release a hint  [e] end  [s] status  [Ctrl-C] stop ──`,
    ];
    for (const s of this.scenarios) {
      const state = this.states.get(s.id) ?? 'live';
      const met = this.met.get(s.id) ?? {};
      const phases = (['detect', 'contain', 'recover'] as const)
        .filter((p) => s.targets[p] !== undefined)
        .map((p) => {
          const at = met[p];
          const target = s.targets[p]!;
          const mark =
            at !== undefined ? (at <= target ? '✔' : '✔ late') : this.elapsed > target ? '✘ over' : '…';
          return `${p} ${mark} ${at !== undefined ? clock(at) : clock(this.elapsed)}/${clock(target)}`;
        })
        .join('  ');
      const extra = `hints ${this.hints.get(s.id) ?? 0}  acks ${this.acks.get(s.id) ?? 0}`;
      const progress = PHASE_OF_STATE[state] < 0 ? state : `${state}`;
      rows.push(
        `${s.id.padEnd(28).slice(0, 28)} ${progress.padEnd(10)} ${phases}  ${extra}  limit ${clock(s.timeLimitMs)}`,
      );
    }
    const width = this.out.columns || 120;
    const text = rows.map((r) => r.slice(0, width - 1)).join('\n');
    this.out.write(`${text}\n`);
    this.lines = rows.length;
  }
}
