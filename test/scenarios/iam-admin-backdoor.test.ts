import { expect } from 'chai';
import { startTestRange, type TestRange } from '../range/harness.js';
import { phasePoints, runScenario } from './harness.js';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const DENY_ALL = 'arn:aws:iam::aws:policy/AWSDenyAll';

describe('scenario iam-admin-backdoor on the range', function () {
  this.timeout(120_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  /** Whether an IAM user exists (after teardown, nothing the injection made may be left). */
  async function userExists(name: string): Promise<boolean> {
    const users = (await range.aws(['iam', 'list-users', '--query', 'Users[].UserName'])) as string[];
    return users.includes(name);
  }

  it('autopilot: every phase on target, full score, deactivation and deletion credited to the autopilot', async () => {
    const run = await runScenario(range, 'iam-admin-backdoor', { autopilot: true, timeScale: 30 });
    expect(run.result.endReason).to.equal('resolved');
    expect(run.scenario.points).to.equal(100);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['on-target', 'on-target', 'on-target']);
    const met = (phase: string) => run.of('phase.met').find((e) => e.phase === phase)!;
    expect(met('contain').evidence[0]).to.include({ source: 'cloudtrail', eventName: 'UpdateAccessKey' });
    expect(met('contain').evidence[0]!.userAgent).to.contain('autopilot/1');
    expect(met('recover').evidence[0]).to.include({ source: 'cloudtrail', eventName: 'DeleteUser' });
    expect(met('recover').evidence[0]!.userAgent).to.contain('autopilot/1');
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.result.leftovers).to.deep.equal([]);
  });

  it('nobody responds: timed out, no phase met, no breach; teardown removes the backdoor and the leaked key', async () => {
    const run = await runScenario(range, 'iam-admin-backdoor', { timeScale: 1800, tickMs: 100 });
    expect(run.result.endReason).to.equal('time-limit');
    expect(run.of('phase.met')).to.deep.equal([]);
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.of('hint.released').map((h) => h.cost)).to.deep.equal([5, 15]);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['missed', 'missed', 'missed']);
    // 0 for the phases; the 20 points of hints cannot take a score below 0.
    expect(run.scenario.points).to.equal(0);
    expect(run.of('scenario.state').at(-1)!.state).to.equal('timed-out');
    // Undone newest first, in the order IAM needs: key, password, policy, then the user; the leaked key last.
    expect(run.of('action.undone').map((e) => e.resource.split(' ').slice(0, 2).join(' '))).to.deep.equal([
      'access key',
      'console password',
      `policy ${ADMIN}`,
      'IAM user',
      'access key',
    ]);
    expect(run.result.leftovers).to.deep.equal([]);
    expect(await userExists(`svc-backup-${run.result.exerciseId}`)).to.equal(false);
  });

  it('a human who disables the pipeline key by mistake, then denies the backdoor everything and deletes it with the CLI: 90', async () => {
    let backdoor = '';
    const run = await runScenario(range, 'iam-admin-backdoor', {
      timeScale: 10,
      respond: async (r) => {
        const [ci, ciKey] = [r.outputs.CiDeployUserName!, r.outputs.CiDeployKeyId!];
        // Two administrators with keys: the responder suspects the wrong one first and disables its key.
        const admins = (await r.call('iam:ListEntitiesForPolicy', { PolicyArn: ADMIN })) as {
          PolicyUsers: Array<{ UserName: string }>;
        };
        backdoor = admins.PolicyUsers.map((u) => u.UserName).find((u) => u.startsWith('svc-backup-'))!;
        expect(admins.PolicyUsers.map((u) => u.UserName)).to.include.members([ci, backdoor]);
        await r.call('iam:UpdateAccessKey', { UserName: ci, AccessKeyId: ciKey, Status: 'Inactive' });
        await r.waitFor((e) => e.type === 'breach');
        await r.call('iam:UpdateAccessKey', { UserName: ci, AccessKeyId: ciKey, Status: 'Active' });

        // CloudTrail says who created the other one: the operator's key, not the pipeline.
        const created = (await r.call('cloudtrail:LookupEvents', {
          LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: backdoor }],
        })) as { Events: Array<{ EventName: string; Username: string; AccessKeyId: string }> };
        const createUser = created.Events.find((e) => e.EventName === 'CreateUser')!;
        expect(createUser.Username).to.equal(r.outputs.IamOperatorName);
        const leaked = (r.actions['leaked-key']!.AccessKey as { AccessKeyId: string }).AccessKeyId;
        expect(createUser.AccessKeyId).to.equal(leaked);
        await r.ack('iam-backdoor-user', backdoor, 'admin user created with the operator key');

        // Deny first (contains it at once), then delete in the order IAM requires.
        await r.call('iam:AttachUserPolicy', { UserName: backdoor, PolicyArn: DENY_ALL });
        await r.aws(['iam', 'delete-login-profile', '--user-name', backdoor]);
        const keys = (await r.aws(['iam', 'list-access-keys', '--user-name', backdoor])) as {
          AccessKeyMetadata: Array<{ AccessKeyId: string }>;
        };
        for (const k of keys.AccessKeyMetadata)
          await r.aws([
            'iam',
            'delete-access-key',
            '--user-name',
            backdoor,
            '--access-key-id',
            k.AccessKeyId,
          ]);
        for (const arn of [ADMIN, DENY_ALL])
          await r.aws(['iam', 'detach-user-policy', '--user-name', backdoor, '--policy-arn', arn]);
        await r.aws(['iam', 'delete-user', '--user-name', backdoor]);
      },
    });
    expect(run.result.endReason).to.equal('resolved');
    // Hand-computed: detect 40 + contain 30 + recover 30, all on target (the first hint comes at 5m, 30 s of
    // clock time at this scale, after the fix), minus 10 for the pipeline key disabled for a while.
    expect(phasePoints(run.scenario)).to.deep.equal({ detect: 40, contain: 30, recover: 30 });
    expect(run.scenario.breaches).to.deep.equal({ count: 1, penalty: 10 });
    expect(run.scenario.wrongAcks).to.deep.equal({ count: 0, penalty: 0 });
    expect(run.scenario.hints.count).to.equal(0);
    expect(run.scenario.points).to.equal(90);

    const [breach] = run.of('steady-state.breached');
    // A breach is what the probe saw (the pipeline's key inactive).
    expect(breach!.evidence.summary).to.contain('Inactive');
    const met = (phase: string) => run.of('phase.met').find((e) => e.phase === phase)!;
    // Containment is the deny (the key was still active then), recovery the CLI's DeleteUser.
    expect(met('contain').evidence[0]).to.include({ source: 'cloudtrail', eventName: 'AttachUserPolicy' });
    expect(met('recover').evidence[0]).to.include({ source: 'cloudtrail', eventName: 'DeleteUser' });
    expect(met('recover').evidence[0]!.userAgent).to.contain('aws-cli/');
    expect(run.result.leftovers).to.deep.equal([]);
    expect(await userExists(backdoor)).to.equal(false);
  });
});
