/**
 * The terminal board's keys and colour, without a terminal: `h` and `e` act only after `y`, `s` prints the
 * full status, and WRONG and BREACHED are red only on a TTY without NO_COLOR.
 */
import { expect } from 'chai';
import { LiveBoard } from '../../src/cli/exercise/controller-render.js';
import type { Controller, ControllerEvent } from '../../src/controller/controller.js';
import { boardView } from '../../src/board/view.js';
import { fixture, FIXTURE_ID } from '../report/helpers.js';

function screen(isTTY: boolean): { out: NodeJS.WriteStream; text: () => string } {
  let written = '';
  const out = {
    isTTY,
    columns: 250,
    write: (s: string) => {
      written += s;
      return true;
    },
  };
  return { out: out as unknown as NodeJS.WriteStream, text: () => written };
}

function facilitator(): { controller: Controller; calls: string[] } {
  const calls: string[] = [];
  const controller = {
    releaseHint: () => {
      calls.push('hint');
      return true;
    },
    end: () => calls.push('end'),
  } as unknown as Controller;
  return { controller, calls };
}

const noInput = { isTTY: false } as unknown as NodeJS.ReadStream;
const { entries } = fixture();
const view = () => boardView(FIXTURE_ID, entries.slice(0, 27), Date.parse('2026-11-28T17:58:30.000Z'));
const wrongAck: ControllerEvent = {
  type: 'ack',
  ack: {
    finding: 'ssh-exposure',
    resource: 'sg-other',
    note: 'the db group?',
    by: 'alice',
    at: '2026-11-28T17:50:00Z',
  },
  matched: [],
  wrong: ['ssh-open-to-world'],
};
const breach: ControllerEvent = {
  type: 'breach',
  scenario: 'ssh-open-to-world',
  index: 0,
  evidence: { summary: 'no longer allows tcp/443', source: 'probe', at: '2026-11-28T17:58:00Z' },
};

describe('terminal board', () => {
  it('asks y/N before releasing a hint or ending, and does nothing on any other key', () => {
    const { out, text } = screen(true);
    const { controller, calls } = facilitator();
    const board = new LiveBoard(view, out, () => calls.push('interrupt'), {});
    board.attach(controller, noInput);
    board.key('h');
    expect(text()).to.contain('Release the next hint now? It costs points. [y/N]');
    expect(calls).to.deep.equal([]);
    board.key('n');
    expect(text()).to.contain('no hint released');
    board.key('h');
    board.key('y');
    expect(calls).to.deep.equal(['hint']);
    expect(text()).to.contain('hint released');
    board.key('e');
    expect(text()).to.contain('End the exercise now?');
    board.key('\r');
    expect(text()).to.contain('the exercise goes on');
    expect(calls).to.deep.equal(['hint']);
    board.key('e');
    board.key('Y');
    expect(calls).to.deep.equal(['hint', 'end']);
    board.key('\u0003');
    expect(calls).to.deep.equal(['hint', 'end', 'interrupt']);
  });

  it('[s] prints every scenario with its phases, timers, hints, acks and breaches', () => {
    const { out, text } = screen(true);
    const board = new LiveBoard(view, out, () => undefined, {});
    board.attach(facilitator().controller, noInput);
    board.key('s');
    const shown = text();
    expect(shown).to.contain(`Exercise ${FIXTURE_ID}: live, 13:30 elapsed, score so far`);
    expect(shown).to.match(/ssh-open-to-world \(SSH open to the world\): ◐ DETECTED, [\d.]+ pts so far/);
    expect(shown).to.match(/ {2}contain\s+… running\s+13:30\/20:00/);
    expect(shown).to.contain('hints: 1 released (-10); next hint 30:00 (-5)');
    expect(shown).to.contain(
      'WRONG identification for public-bucket: public-bucket on acme-marketing-assets',
    );
  });

  it('colours WRONG and BREACHED red on a terminal, and not with NO_COLOR or without a terminal', () => {
    const red = '\x1b[31m';
    for (const [isTTY, env, coloured] of [
      [true, {}, true],
      [true, { NO_COLOR: '1' }, false],
      [false, {}, false],
    ] as const) {
      const { out, text } = screen(isTTY);
      const board = new LiveBoard(view, out, () => undefined, env);
      board.handle(wrongAck);
      board.handle(breach);
      const shown = text();
      expect(shown).to.contain(
        'WRONG identification for ssh-open-to-world: ack "ssh-exposure" on sg-other by alice (note: the db group?)',
      );
      expect(shown).to.contain('STEADY STATE BREACHED in ssh-open-to-world');
      expect(shown.includes(`${red}WRONG identification`), JSON.stringify(env)).to.equal(coloured);
      expect(shown.includes(`${red}STEADY STATE BREACHED`)).to.equal(coloured);
    }
  });
});
