import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiSession } from '../../src/aws/api.js';
import { UsageError } from '../../src/errors.js';
import { createdBy } from '../../src/exercise/undo.js';
import { startExercise } from '../../src/exercise/run.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { phasePoints, runScenario } from './harness.js';

const ROOT_MFA = (account: string) => `arn:aws:iam::${account}:mfa/root-account-mfa-device`;

describe('scenario root-account-activity on the range', function () {
  this.timeout(120_000);
  let range: TestRange;
  let rootEnv: Record<string, string>;
  /** The account root, as a responder signed in as root (the range's root keys). */
  let root: ApiSession;
  before(async () => {
    range = await startTestRange();
    rootEnv = {
      AWS_ACCESS_KEY_ID: range.rootCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: range.rootCredentials.secretAccessKey,
    };
    root = new ApiSession({ ...range.clientConfig({ credentials: range.rootCredentials }), maxAttempts: 3 });
  });
  after(async () => {
    root.destroy();
    await range.stop();
  });

  /**
   * The account as every range account starts: root MFA on (the seeded device), and root's only key the
   * range's own (it stands for the console session; IAM counts it, as it would any root key).
   */
  async function expectRootAsSeeded(): Promise<void> {
    const summary = (await range.aws(['iam', 'get-account-summary'])) as {
      SummaryMap: Record<string, number>;
    };
    expect(summary.SummaryMap).to.include({ AccountAccessKeysPresent: 1, AccountMFAEnabled: 1 });
    const keys = (await range.aws(['iam', 'list-access-keys'], { env: rootEnv })) as {
      AccessKeyMetadata: Array<{ AccessKeyId: string }>;
    };
    expect(keys.AccessKeyMetadata.map((k) => k.AccessKeyId)).to.deep.equal([
      range.rootCredentials.accessKeyId,
    ]);
    const devices = (await range.aws(['iam', 'list-mfa-devices'], { env: rootEnv })) as {
      MFADevices: Array<{ SerialNumber: string }>;
    };
    expect(devices.MFADevices.map((d) => d.SerialNumber)).to.deep.equal([ROOT_MFA(range.accountId)]);
  }

  it('autopilot: every phase on target, full score, the key deletion and MFA credited to the autopilot as root', async () => {
    const run = await runScenario(range, 'root-account-activity', { autopilot: true, timeScale: 30 });
    expect(run.result.endReason).to.equal('resolved');
    expect(run.scenario.points).to.equal(100);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['on-target', 'on-target', 'on-target']);
    const met = (phase: string) => run.of('phase.met').find((e) => e.phase === phase)!;
    expect(met('contain').evidence[0]).to.include({
      source: 'cloudtrail',
      eventName: 'DeleteAccessKey',
      actor: `arn:aws:iam::${range.accountId}:root`,
    });
    expect(met('contain').evidence[0]!.userAgent).to.contain('autopilot/1');
    const mfa = met('recover').evidence.find((e) => e.eventName === 'EnableMFADevice');
    expect(mfa?.userAgent).to.contain('autopilot/1');
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.result.leftovers).to.deep.equal([]);
    // The autopilot recreated root's device under its usual name: the undo found it back.
    await expectRootAsSeeded();
  });

  it('nobody responds: timed out, no phase met, no breach; teardown deletes the root key and gives root its MFA back', async () => {
    const run = await runScenario(range, 'root-account-activity', { timeScale: 1800, tickMs: 100 });
    expect(run.result.endReason).to.equal('time-limit');
    expect(run.of('phase.met')).to.deep.equal([]);
    expect(run.of('steady-state.breached')).to.deep.equal([]);
    expect(run.of('hint.released').map((h) => h.cost)).to.deep.equal([5, 15]);
    expect(run.scenario.phases.map((p) => p.verdict)).to.deep.equal(['missed', 'missed', 'missed']);
    // 0 for the phases; the 20 points of hints cannot take a score below 0.
    expect(run.scenario.points).to.equal(0);
    expect(run.of('scenario.state').at(-1)!.state).to.equal('timed-out');
    // Undone newest first: the root key, then the device recreated, then enabled for root again.
    expect(run.of('action.undone').map((e) => e.resource)).to.deep.equal([
      `root access key ${(run.of('action.done').find((e) => e.call === 'iam:CreateAccessKey')!.output as { AccessKey: { AccessKeyId: string } }).AccessKey.AccessKeyId}`,
      `virtual MFA device ${ROOT_MFA(range.accountId)} deleted`,
      `MFA device ${ROOT_MFA(range.accountId)} deactivated for root`,
    ]);
    expect(run.result.leftovers).to.deep.equal([]);
    await expectRootAsSeeded();
  });

  it('a human who names the range root key first, finds the new key through the credential report, deactivates then deletes it and re-registers MFA: 95', async () => {
    const asRoot = (args: string[]) => range.aws(args, { env: rootEnv });
    let rootKey = '';
    const run = await runScenario(range, 'root-account-activity', {
      timeScale: 10,
      respond: async (r) => {
        rootKey = (r.actions['root-key']!.AccessKey as { AccessKeyId: string }).AccessKeyId;
        // The key that signed root's first calls is the range's own root key (the "console session"):
        // a plausible first guess, and the wrong one.
        await r.ack('root-activity', range.rootCredentials.accessKeyId, 'root signed in');
        await r.waitFor((e) => e.type === 'ack' && e.wrong.length === 1);

        // The credential report's root row says root has an active key and no MFA (a fresh report:
        // IAM reuses one for four hours, and this range has none yet).
        expect(await r.call('iam:GenerateCredentialReport')).to.include({ State: 'STARTED' });
        let report: { Content?: Uint8Array } = {};
        for (;;) {
          try {
            report = (await r.call('iam:GetCredentialReport')) as { Content?: Uint8Array };
            break;
          } catch (err) {
            if ((err as { name?: string }).name !== 'CredentialReportNotReadyException') throw err;
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
        const [header, rootRow] = Buffer.from(report.Content!).toString('utf8').split('\n');
        const columns = header!.split(',');
        const row = Object.fromEntries(rootRow!.split(',').map((v, i) => [columns[i], v]));
        expect(row).to.include({ user: '<root_account>', mfa_active: 'false', access_key_1_active: 'true' });

        // Only root can see and change root's keys.
        const keys = (await root.call('iam:ListAccessKeys')) as {
          AccessKeyMetadata: Array<{ AccessKeyId: string; Status: string }>;
        };
        // The range's own root key (the responder's "console session") is listed first, then the new one.
        expect(keys.AccessKeyMetadata.map((k) => [k.AccessKeyId, k.Status])).to.deep.equal([
          [range.rootCredentials.accessKeyId, 'Active'],
          [rootKey, 'Active'],
        ]);
        await r.ack('root-activity', rootKey, 'root access key created and used from the CLI');
        await root.call('iam:UpdateAccessKey', { AccessKeyId: rootKey, Status: 'Inactive' });
        const lastUsed = (await r.call('iam:GetAccessKeyLastUsed', { AccessKeyId: rootKey })) as {
          AccessKeyLastUsed: { ServiceName: string };
        };
        expect(lastUsed.AccessKeyLastUsed.ServiceName).to.not.equal('N/A');
        await asRoot(['iam', 'delete-access-key', '--access-key-id', rootKey]);

        await root.call('iam:CreateVirtualMFADevice', { VirtualMFADeviceName: 'root-account-mfa-device' });
        await asRoot([
          'iam',
          'enable-mfa-device',
          '--user-name',
          'root',
          '--serial-number',
          ROOT_MFA(range.accountId),
          '--authentication-code1',
          '246810',
          '--authentication-code2',
          '135791',
        ]);
      },
    });
    expect(run.result.endReason).to.equal('resolved');
    // Hand-computed: detect 40 + contain 30 + recover 30, all on target (the first hint comes at 5m, 30 s
    // of clock time at this scale, after the fix), minus 5 for naming the range's root key.
    expect(phasePoints(run.scenario)).to.deep.equal({ detect: 40, contain: 30, recover: 30 });
    expect(run.scenario.wrongAcks).to.deep.equal({ count: 1, penalty: 5 });
    expect(run.scenario.hints.count).to.equal(0);
    expect(run.scenario.points).to.equal(95);
    expect(run.of('steady-state.breached')).to.deep.equal([]);

    const met = (phase: string) => run.of('phase.met').find((e) => e.phase === phase)!;
    // Deactivating does not take the key away (root still has one): containment is the deletion.
    expect(met('contain').evidence[0]).to.include({ source: 'cloudtrail', eventName: 'DeleteAccessKey' });
    expect(met('contain').evidence[0]!.userAgent).to.contain('aws-cli/');
    expect(met('recover').evidence.map((e) => e.eventName)).to.include('EnableMFADevice');
    expect(run.result.leftovers).to.deep.equal([]);
    await expectRootAsSeeded();
  });

  it('is refused on AWS before anything is created', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sirs-root-aws-'));
    try {
      const err = await startExercise({
        scenarios: ['root-account-activity'],
        // Nothing listens here: a refusal that came after any call would fail differently.
        target: { target: 'aws', endpointUrl: 'http://127.0.0.1:9', region: 'us-east-1' },
        cwd,
        emit: () => {},
        confirm: async () => true,
        signal: new AbortController().signal,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(UsageError);
      expect(err).to.include({ code: 'unsupported-target' });
      expect((err as Error).message).to.equal(
        'scenario root-account-activity runs only on range, not on AWS',
      );
      // Refused before anything: no journal, no exercise folder.
      expect(existsSync(join(cwd, '.sirs'))).to.equal(false);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('knows how to put root MFA back (undo of the inject actions)', () => {
    const serial = ROOT_MFA('123456789012');
    expect(createdBy('iam:DeleteVirtualMFADevice', { SerialNumber: serial }, {}, 'root')).to.deep.equal([
      {
        resource: `virtual MFA device ${serial} deleted`,
        undo: {
          call: 'iam:CreateVirtualMFADevice',
          input: { Path: '/', VirtualMFADeviceName: 'root-account-mfa-device' },
          as: 'root',
        },
      },
    ]);
    expect(
      createdBy('iam:DeactivateMFADevice', { UserName: 'root', SerialNumber: serial }, {}, 'root')[0]!.undo,
    ).to.deep.include({ call: 'iam:EnableMFADevice', as: 'root' });
    // A device deactivated by an IAM user for itself names no user: it cannot be given back safely.
    expect(createdBy('iam:DeactivateMFADevice', { SerialNumber: serial }, {}, 'default')).to.deep.equal([]);
  });
});
