import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiSession } from '../../src/aws/api.js';
import type { ControllerEvent } from '../../src/controller/controller.js';
import { controllerLivePhase } from '../../src/controller/live.js';
import { scoreJournal } from '../../src/controller/scoring.js';
import { readJournal } from '../../src/exercise/journal.js';
import { startExercise, type LiveContext } from '../../src/exercise/run.js';
import type { ExerciseEvent } from '../../src/exercise/events.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { leftoversOn } from './helpers.js';

const campaign = fileURLToPath(new URL('./fixtures/scenarios/fast-campaign.yaml', import.meta.url));

describe('e2e: a campaign on the range (stages at offsets, a decoy to leave alone)', function () {
  this.timeout(120_000);
  let range: TestRange;
  let cwd: string;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'sirs-campaign-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  const run = async (exerciseId: string, revertDecoy: boolean) => {
    const events: ExerciseEvent[] = [];
    const controllerEvents: ControllerEvent[] = [];
    const live = controllerLivePhase({ tickMs: 250, onEvent: (e) => controllerEvents.push(e) });
    const session = new ApiSession({ ...range.clientConfig(), maxAttempts: 3 });
    try {
      const result = await startExercise({
        scenarios: [campaign],
        target: range.sirsTarget(),
        exerciseId,
        cwd,
        autopilot: true,
        emit: (e) => events.push(e),
        confirm: async () => true,
        signal: new AbortController().signal,
        pollMs: 50,
        live: async (ctx: LiveContext) => {
          const ending = live(ctx);
          if (revertDecoy) {
            // A responder "fixes" the partner's SFTP rule without reading the change calendar.
            await session.call('ec2:RevokeSecurityGroupIngress', {
              GroupId: ctx.outputs['partner-sftp']!.PartnerSgId,
              IpPermissions: [
                { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '198.51.100.0/24' }] },
              ],
            });
          }
          return ending;
        },
      });
      return { result, events, controllerEvents, entries: readJournal(result.journal) };
    } finally {
      session.destroy();
    }
  };

  it('injects the second stage at its offset, judges it from then, and leaves nothing behind', async () => {
    const { result, events, entries } = await run('campaign-ok', false);
    expect(result.endReason).to.equal('resolved');
    const liveEvent = events.find((e) => e.type === 'live');
    expect(liveEvent).to.deep.include({
      changes: [
        {
          title: 'Partner SFTP access (CHG-4821)',
          ticket:
            "CHG-4821, approved by the CISO; SFTP from the partner's range 198.51.100.0/24 until March.",
        },
      ],
    });
    // Only the first stage is up when the exercise goes live; the second is created at 4 s.
    const created = entries
      .filter((e) => e.type === 'stack.created')
      .map((e) => e.type === 'stack.created' && e.scenario);
    expect(created.slice(0, 2).sort()).to.deep.equal(['fast-ssh', 'partner-sftp']);
    expect(created[2]).to.equal('fast-ssh-keys');
    const injecting = entries.find((e) => e.type === 'stage.injecting');
    expect(injecting).to.include({ scenario: 'fast-ssh-keys' });
    expect((injecting as { atMs: number }).atMs).to.be.at.least(4000);
    expect(entries.find((e) => e.type === 'stage.live')).to.include({ scenario: 'fast-ssh-keys' });
    const stageRunbook = events.find((e) => e.type === 'stage.live');
    expect(
      stageRunbook && stageRunbook.type === 'stage.live' && existsSync(stageRunbook.runbooks[0]!),
    ).to.equal(true);
    const score = scoreJournal(entries)!;
    // Every phase on target; each stage's hint (2 s after it went live, 5 points) is released before
    // the autopilot's fix lands. Both acks name a correct group (one per stage): no wrong identification.
    expect(score.scenarios.map((s) => [s.id, s.points, s.wrongAcks.count])).to.deep.equal([
      ['fast-ssh', 95, 0],
      ['fast-ssh-keys', 95, 0],
    ]);
    expect(score.decoys).to.deep.equal([{ id: 'partner-sftp', breaches: 0, penalty: 0 }]);
    expect(score.total).to.equal(95);
    expect(result.leftovers).to.deep.equal([]);
    expect(await leftoversOn(range)).to.deep.equal([]);
  });

  it('a responder who reverts the approved change costs the whole exercise 10 points', async () => {
    const { result, entries } = await run('campaign-decoy', true);
    expect(result.endReason).to.equal('resolved');
    const breach = entries.find((e) => e.type === 'steady-state.breached');
    expect(breach).to.include({ scenario: 'partner-sftp' });
    const score = scoreJournal(entries)!;
    expect(score.decoys).to.deep.equal([{ id: 'partner-sftp', breaches: 1, penalty: 10 }]);
    // 95 (as above) − 10 for the decoy.
    expect(score.total).to.equal(85);
  });
});
