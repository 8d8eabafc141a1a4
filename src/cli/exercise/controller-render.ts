/**
 * How the controller's events reach the facilitator: plain log lines (no TTY), JSON lines (--json), or
 * a live board at the bottom of a terminal with keys to release a hint, end the exercise, or show
 * status. Log lines scroll above the board.
 */
import type { Controller, ControllerEvent } from '../../controller/controller.js';
import { boardRows, red, statusBlock, wantsColour, type TextStyle } from '../../board/text.js';
import type { BoardView } from '../../board/view.js';
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
    case 'ack': {
      const what = `"${e.ack.finding}"${e.ack.resource ? ` on ${e.ack.resource}` : ''} by ${e.ack.by}`;
      const note = e.ack.note ? ` (note: ${e.ack.note})` : '';
      if (e.matched.length) return `ack ${what}: matches ${e.matched.join(', ')}${note}`;
      // The facilitator's view of a wrong identification: which scenario, the resource named, the note.
      if (e.wrong.length) return `WRONG identification for ${e.wrong.join(', ')}: ack ${what}${note}`;
      return `ack ${what}: matches no scenario${note}`;
    }
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

/** What the terminal board asks before it acts: the key pressed, waiting for y/N. */
type Question = 'hint' | 'end';

const QUESTIONS: Record<Question, string> = {
  hint: 'Release the next hint now? It costs points. [y/N]',
  end: 'End the exercise now? Scenarios not resolved are aborted, then teardown. [y/N]',
};

/**
 * A redrawn block at the bottom of the terminal, rendered from the journal (the same view as the web
 * board): per scenario its state, timers against targets, next hint and score so far. `h` and `e` ask
 * y/N first; `s` prints everything the web board shows.
 */
export class LiveBoard {
  private lines = 0;
  private question?: Question;
  private controller?: Controller;
  private onKey?: (data: Buffer) => void;
  private readonly style: TextStyle;

  constructor(
    private readonly view: () => BoardView,
    private readonly out: NodeJS.WriteStream,
    private readonly interrupt: () => void,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.style = { colour: wantsColour(out, env) };
  }

  attach(controller: Controller, input: NodeJS.ReadStream = process.stdin): void {
    this.controller = controller;
    if (!input.isTTY) return;
    input.setRawMode(true);
    input.resume();
    this.onKey = (data) => this.key(data.toString());
    input.on('data', this.onKey);
    this.draw();
  }

  detach(input: NodeJS.ReadStream = process.stdin): void {
    if (this.onKey) {
      input.off('data', this.onKey);
      if (input.isTTY) input.setRawMode(false);
      input.pause();
      this.onKey = undefined;
    }
    this.clear();
  }

  /** A key from the facilitator (raw mode: one keystroke at a time). */
  key(k: string): void {
    if (k === '\u0003') return this.interrupt();
    if (this.question) {
      const asked = this.question;
      this.question = undefined;
      if (k !== 'y' && k !== 'Y') {
        this.log(asked === 'hint' ? 'no hint released' : 'the exercise goes on');
        return;
      }
      if (asked === 'hint')
        this.log(this.controller?.releaseHint() ? 'hint released' : 'no hint left to release');
      else {
        this.log('ending the exercise');
        this.controller?.end();
      }
      return;
    }
    if (k === 'h' || k === 'e') {
      this.question = k === 'h' ? 'hint' : 'end';
      this.draw();
    } else if (k === 's') this.log(statusBlock(this.view(), this.style).join('\n'));
  }

  handle(e: ControllerEvent): void {
    const line = describeControllerEvent(e);
    const alarming =
      (e.type === 'ack' && e.matched.length === 0 && e.wrong.length > 0) || e.type === 'breach';
    if (line) this.log(alarming ? red(line, this.style) : line);
    else this.draw();
  }

  log(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
    this.draw();
  }

  private clear(): void {
    if (this.lines > 0) this.out.write(`\x1b[${this.lines}A\x1b[0J`);
    this.lines = 0;
  }

  private draw(): void {
    this.clear();
    const rows = boardRows(this.view(), this.style);
    if (this.question) rows.push(QUESTIONS[this.question]);
    const width = this.out.columns || 120;
    // Cut to the width by visible characters: a colour code must not be cut in half.
    const text = rows.map((r) => fit(r, width - 1)).join('\n');
    this.out.write(`${text}\n`);
    this.lines = rows.length;
  }
}

/** Cut a line to `width` visible characters, keeping colour codes whole and closing any left open. */
function fit(row: string, width: number): string {
  let out = '';
  let visible = 0;
  // eslint-disable-next-line no-control-regex
  for (const part of row.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) out += part;
    else {
      const take = [...part].slice(0, Math.max(0, width - visible));
      out += take.join('');
      visible += take.length;
    }
  }
  return out.includes('\x1b[31m') && !out.endsWith('\x1b[39m') ? `${out}\x1b[39m` : out;
}
