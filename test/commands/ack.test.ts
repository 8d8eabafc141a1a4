import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalWriter, journalPath } from '../../src/exercise/journal.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { sirs } from '../cli/helpers.js';

type JsonError = { error: { code: string; message: string; suggestions: string[] } };

/**
 * A responder's `sirs ack` beside the facilitator's state directory: the exercise comes from --exercise,
 * $SIRS_EXERCISE, or the only live exercise in the journals; the ack is recorded, not judged.
 */
describe('sirs ack: which exercise, and what it says', () => {
  let range: TestRange;
  let logs: CloudWatchLogsClient;
  let root: string;
  const saved: Record<string, string | undefined> = {};
  const setEnv = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (!(k in saved)) saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };

  /** An exercise journal in the state directory: live, or ended. */
  function journal(id: string, state: 'live' | 'ended'): void {
    const j = JournalWriter.open(journalPath(id, root));
    j.append({
      type: 'exercise.created',
      exerciseId: id,
      scenarios: ['ssh-open-to-world'],
      target: { kind: 'range', region: range.region, endpoint: range.endpoint, description: 'the range' },
      sirsVersion: '0',
      options: { keep: false, autopilot: false },
    });
    j.append({ type: 'exercise.live' });
    if (state === 'ended') {
      j.append({ type: 'teardown.started' });
      j.append({ type: 'teardown.done', leftovers: [] });
    }
    j.close();
  }

  async function channelMessages(id: string): Promise<string[]> {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/sirs/exercises/${id}` }));
    return (out.events ?? []).map((e) => e.message ?? '');
  }

  before(async () => {
    range = await startTestRange();
    logs = new CloudWatchLogsClient(range.clientConfig());
    for (const id of ['gd-live-1', 'gd-live-2']) {
      await logs.send(new CreateLogGroupCommand({ logGroupName: `/sirs/exercises/${id}` }));
    }
    root = mkdtempSync(join(tmpdir(), 'sirs-ack-'));
    setEnv({ ...range.env(), SIRS_STATE_DIR: root, SIRS_EXERCISE: undefined, AWS_PROFILE: undefined });
  });

  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    logs.destroy();
    await range.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('no exercise named and none live: a usage error saying to pass --exercise or export SIRS_EXERCISE', async () => {
    journal('gd-old', 'ended');
    const run = await sirs(['ack', 'ssh-exposure', '--resource', 'sg-1', '--json']);
    expect(run.exitCode).to.equal(2);
    const { error } = run.json as JsonError;
    expect(error.code).to.equal('exercise-required');
    expect(error.suggestions.join('\n')).to.contain('--exercise').and.to.contain('SIRS_EXERCISE');
  });

  it('the only live exercise is used, and the ack is recorded (not "acknowledged") in its channel', async () => {
    journal('gd-live-1', 'live');
    const json = await sirs(['ack', 'ssh-exposure', '--resource', 'sg-1', '--json']);
    expect(json.exitCode, json.stderr).to.equal(0);
    expect(json.json).to.deep.include({
      finding: 'ssh-exposure',
      resource: 'sg-1',
      exerciseId: 'gd-live-1',
      channel: '/sirs/exercises/gd-live-1',
      status: 'recorded',
    });
    const text = await sirs(['ack', 'trail-stopped', '--resource', 'main']);
    expect(text.exitCode, text.stderr).to.equal(0);
    expect(text.stdout).not.to.match(/acknowledged/i);
    expect(text.stdout).to.match(
      /^Recorded "trail-stopped" on main for exercise gd-live-1 \(the only live exercise here\)/,
    );
    expect(text.stdout).to.contain("the facilitator's controller judges it, right or wrong");
    const messages = (await channelMessages('gd-live-1')).map((m) => JSON.parse(m) as { finding: string });
    expect(messages.map((m) => m.finding).sort()).to.deep.equal(['ssh-exposure', 'trail-stopped']);
  });

  it('several live exercises: a usage error listing them; SIRS_EXERCISE picks one', async () => {
    journal('gd-live-2', 'live');
    const run = await sirs(['ack', 'ssh-exposure', '--json']);
    expect(run.exitCode).to.equal(2);
    const { error } = run.json as JsonError;
    expect(error.code).to.equal('several-live-exercises');
    expect(error.message).to.contain('gd-live-1').and.to.contain('gd-live-2');
    setEnv({ SIRS_EXERCISE: 'gd-live-2' });
    try {
      const picked = await sirs(['ack', 'ssh-exposure', '--resource', 'sg-2', '--json']);
      expect(picked.exitCode, picked.stderr).to.equal(0);
      expect(picked.json).to.deep.include({ exerciseId: 'gd-live-2', status: 'recorded' });
      expect(await channelMessages('gd-live-2')).to.have.length(1);
    } finally {
      setEnv({ SIRS_EXERCISE: undefined });
    }
  });
});
