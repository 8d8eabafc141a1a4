/**
 * The board's journal reading and event stream, without a browser: an entry written in two parts (a
 * character cut in the middle) is read once and whole, and a stream opened with Last-Event-ID (the
 * browser's own reconnection) or `since` (the page's) says what the page had seen, with the full view.
 */
import { expect } from 'chai';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalFollower } from '../../src/board/follow.js';
import { BoardServer, type BoardMessage } from '../../src/board/server.js';
import { fixture, FIXTURE_ID } from '../report/helpers.js';

/** The first `view` event of a new stream. */
function firstView(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ id: string; message: BoardMessage }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
        const block = /id: (\S+)\nevent: view\ndata: (.*)\n\n/.exec(text);
        if (!block) return;
        req.destroy();
        resolve({ id: block[1]!, message: JSON.parse(block[2]!) as BoardMessage });
      });
    });
    req.on('error', reject);
  });
}

describe('board journal reading and stream', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-board-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an entry appended in two parts once, whole, with a character cut between the parts', () => {
    const path = join(dir, 'journal.jsonl');
    const follower = new JournalFollower(path);
    expect(follower.poll()).to.equal(0); // no journal yet
    const line = Buffer.from(
      `${JSON.stringify({ seq: 0, time: 'x', type: 'exercise.live', note: 'ünïcödé ✔' })}\n`,
    );
    const cut = line.indexOf(Buffer.from('✔')) + 1;
    writeFileSync(path, line.subarray(0, cut));
    expect(follower.poll()).to.equal(0);
    appendFileSync(path, line.subarray(cut));
    expect(follower.poll()).to.equal(1);
    expect(follower.poll()).to.equal(0);
    expect((follower.entries[0] as unknown as { note: string }).note).to.equal('ünïcödé ✔');
  });

  it('a new stream sends the whole view; a reconnection also says which entry the page had seen', async () => {
    const path = join(dir, 'journal.jsonl');
    writeFileSync(
      path,
      fixture()
        .entries.map((e) => `${JSON.stringify(e)}\n`)
        .join(''),
    );
    const board = await BoardServer.start({ exerciseId: FIXTURE_ID, journalPath: path });
    try {
      const url = `${board.url}events`;
      const fresh = await firstView(url);
      expect(fresh.id).to.equal(String(fresh.message.view.seq));
      expect(fresh.message.since).to.equal(undefined);
      expect(fresh.message.actions).to.equal(false);
      expect(fresh.message.view.scenarios).to.have.length(3);
      const resumed = await firstView(url, { 'Last-Event-ID': '30' });
      expect(resumed.message.since).to.equal(30);
      expect(resumed.message.view.seq).to.equal(fresh.message.view.seq);
      expect((await firstView(`${url}?since=12`)).message.since).to.equal(12);
    } finally {
      await board.close();
    }
  });
});
