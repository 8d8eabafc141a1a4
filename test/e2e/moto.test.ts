import { expect } from 'chai';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { motoAvailable, startMotoPeer, type Peer } from '../../scripts/bench/peers.js';
import { ApiSession } from '../../src/aws/api.js';
import { controllerLivePhase } from '../../src/controller/live.js';
import type { ControllerEvent } from '../../src/controller/controller.js';
import { startExercise } from '../../src/exercise/run.js';
import { scratch } from './helpers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const fast = fileURLToPath(new URL('./fixtures/scenarios/fast-ssh.yaml', import.meta.url));

// Any AWS-compatible endpoint through --endpoint-url, shown with moto_server for the types moto creates
// (VPC, subnet, security groups and rules). moto has no CloudTrail: fixes are dated by the probes.
describe('e2e: sirs start against moto_server (--target aws --endpoint-url)', function () {
  this.timeout(120_000);
  let moto: Peer | undefined;
  let dirs: { cwd: string; catalog: string };
  const saved = { ...process.env };

  before(async function () {
    if (!motoAvailable()) {
      console.log('    (moto_server is not installed here: this comparison is skipped)');
      this.skip();
    }
    moto = await startMotoPeer();
  });
  after(async () => {
    await moto?.stop();
  });
  beforeEach(() => {
    dirs = scratch();
    // The standard credential chain, as on AWS; moto accepts any key and answers account 123456789012.
    process.env.AWS_ACCESS_KEY_ID = 'AKIAMOTOEXAMPLE00000';
    process.env.AWS_SECRET_ACCESS_KEY = 'moto';
    writeFileSync(join(dirs.cwd, 'sirs.config.yaml'), 'aws:\n  allowedAccounts: ["123456789012"]\n');
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dirs.cwd, { recursive: true, force: true });
  });

  it('injects, plays the scenario with autopilot, scores it and tears down to zero stacks', async () => {
    const events: ControllerEvent[] = [];
    const result = await startExercise({
      scenarios: [fast],
      target: { target: 'aws', endpointUrl: moto!.endpoint, region: 'us-east-1' },
      cwd: dirs.cwd,
      exerciseId: 'moto-1',
      autopilot: true,
      emit: () => {},
      confirm: async () => true,
      signal: new AbortController().signal,
      pollMs: 200,
      live: controllerLivePhase({ tickMs: 500, onEvent: (e) => events.push(e) }),
    });
    expect(result.error).to.equal(undefined);
    expect(result.outputs['fast-ssh']?.WebSgId).to.match(/^sg-/);
    expect(
      events.filter((e) => e.type === 'phase.met').map((e) => e.type === 'phase.met' && e.phase),
    ).to.deep.equal(['detect', 'contain', 'recover']);
    const contain = events.find((e) => e.type === 'phase.met' && e.phase === 'contain');
    expect(contain?.type === 'phase.met' && contain.evidence[0]?.source).to.equal('probe');
    expect(result.score?.scenarios[0]?.phases.every((p) => p.verdict === 'on-target')).to.equal(true);
    expect(result.leftovers).to.deep.equal([]);
    const session = new ApiSession({
      region: 'us-east-1',
      endpoint: moto!.endpoint,
      credentials: moto!.credentials,
    });
    const stacks = (await session.call('cloudformation:DescribeStacks', {})).Stacks as Array<{
      StackStatus: string;
    }>;
    expect(stacks.filter((s) => s.StackStatus !== 'DELETE_COMPLETE')).to.deep.equal([]);
    session.destroy();
  });
});
