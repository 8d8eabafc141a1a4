import { expect } from 'chai';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalWriter, readJournal, redactSecrets } from '../../src/exercise/journal.js';
import { deriveExercise, hasLiveResources } from '../../src/exercise/derive.js';

describe('exercise journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends numbered, timestamped entries to an owner-only file, continuing after a reopen', () => {
    const path = join(dir, 'x', 'journal.jsonl');
    const j = JournalWriter.open(path, () => new Date('2026-11-28T10:00:00Z'));
    j.append({ type: 'exercise.live' });
    j.close();
    const k = JournalWriter.open(path);
    k.append({ type: 'teardown.started' });
    k.close();
    const entries = readJournal(path);
    expect(entries.map((e) => [e.seq, e.type])).to.deep.equal([
      [0, 'exercise.live'],
      [1, 'teardown.started'],
    ]);
    expect(entries[0]!.time).to.equal('2026-11-28T10:00:00.000Z');
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(statSync(join(dir, 'x')).mode & 0o777).to.equal(0o700);
  });

  it('never writes a secret, whatever an entry carries', () => {
    const path = join(dir, 'journal.jsonl');
    const j = JournalWriter.open(path);
    j.append({
      type: 'stack.outputs',
      scenario: 's',
      stackName: 'n',
      outputs: { BackdoorSecretAccessKey: 'wJalr-very-secret', UserName: 'eve' },
    });
    j.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.to.contain('wJalr-very-secret');
    expect(text).to.contain('eve');
    expect(redactSecrets({ a: { Password: 'p', SessionToken: 't', ok: 1 } })).to.deep.equal({
      a: { Password: '[redacted]', SessionToken: '[redacted]', ok: 1 },
    });
  });

  it('ignores a last line cut short by a crash, but not corruption in the middle', () => {
    const path = join(dir, 'journal.jsonl');
    const j = JournalWriter.open(path);
    j.append({ type: 'exercise.live' });
    j.close();
    appendFileSync(path, '{"seq":1,"type":"tear');
    expect(readJournal(path)).to.have.length(1);
    appendFileSync(path, '\n{"seq":2,"type":"teardown.started","time":"x"}\n');
    expect(() => readJournal(path)).to.throw(/journal.jsonl:2: not a journal entry/);
  });

  it('derives state, live stacks and temporary keys from the entries alone', () => {
    const path = join(dir, 'journal.jsonl');
    const j = JournalWriter.open(path);
    j.append({
      type: 'exercise.created',
      exerciseId: 'e1',
      scenarios: ['a', 'b'],
      target: { kind: 'range', region: 'us-east-1', description: 'the range' },
      sirsVersion: '0',
      options: { keep: false, autopilot: false },
    });
    j.append({ type: 'stack.create-requested', scenario: 'a', stackName: 'sirs-e1-a' });
    j.append({ type: 'stack.create-requested', scenario: 'b', stackName: 'sirs-e1-b' });
    j.append({ type: 'stack.created', scenario: 'a', stackName: 'sirs-e1-a', stackId: 'arn:a' });
    j.append({ type: 'temp-key.created', scenario: 'a', userName: 'eve', accessKeyId: 'AKIA1' });
    let s = deriveExercise('e1', readJournal(path));
    expect(s.state).to.equal('injecting');
    expect(s.liveStacks).to.deep.equal(['sirs-e1-a', 'sirs-e1-b']);
    expect(s.liveKeys).to.deep.equal([{ userName: 'eve', accessKeyId: 'AKIA1' }]);
    expect(hasLiveResources(s)).to.equal(true);
    j.append({ type: 'exercise.live' });
    expect(deriveExercise('e1', readJournal(path)).state).to.equal('live');
    j.append({ type: 'temp-key.deleted', userName: 'eve', accessKeyId: 'AKIA1' });
    j.append({ type: 'teardown.started' });
    j.append({ type: 'stack.deleted', stackName: 'sirs-e1-a' });
    j.append({ type: 'stack.deleted', stackName: 'sirs-e1-b' });
    j.append({ type: 'teardown.done', leftovers: [] });
    j.close();
    s = deriveExercise('e1', readJournal(path));
    expect(s.state).to.equal('ended');
    expect(hasLiveResources(s)).to.equal(false);
    expect(s.scenarios).to.deep.equal(['a', 'b']);
  });

  it('calls an exercise failed when a stack failed or could not be deleted', () => {
    const path = join(dir, 'journal.jsonl');
    const j = JournalWriter.open(path);
    j.append({ type: 'stack.create-requested', scenario: 'a', stackName: 's' });
    j.append({ type: 'stack.failed', scenario: 'a', stackName: 's', reason: 'boom' });
    j.append({ type: 'stack.delete-requested', stackName: 's' });
    j.append({ type: 'stack.delete-failed', stackName: 's', reason: 'DependencyViolation' });
    j.append({ type: 'teardown.done', leftovers: [{ resource: 'stack s', reason: 'x' }] });
    j.close();
    const s = deriveExercise('e', readJournal(path));
    expect(s.state).to.equal('failed');
    expect(s.liveStacks).to.deep.equal(['s']);
  });
});
