import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiSession } from '../../src/aws/api.js';
import { writeAck } from '../../src/controller/channel.js';
import { journalPath, readJournal } from '../../src/exercise/journal.js';
import { startTestRange, type TestRange } from '../range/harness.js';
import { leftoversOn, scratch } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');
const fast = join(root, 'test', 'e2e', 'fixtures', 'scenarios', 'fast-ssh.yaml');

/** Terminal output as a person reads it: escape sequences removed, redraws collapsed. */
function readable(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '\n');
}

// The facilitator's terminal, through a pseudo-terminal (util-linux `script`): the confirmation prompt,
// listr2 progress, the live board and its keys.
describe('e2e: sirs start on a terminal', function () {
  this.timeout(120_000);
  let range: TestRange;
  let dirs: { cwd: string; catalog: string };
  before(async function () {
    if (spawnSync('script', ['--version']).error) {
      console.log('    (util-linux `script` is not installed: no pseudo-terminal for this test)');
      this.skip();
    }
    range = await startTestRange();
  });
  after(async () => {
    await range?.stop();
  });
  beforeEach(() => {
    dirs = scratch();
  });
  afterEach(() => rmSync(dirs.cwd, { recursive: true, force: true }));

  it('asks to confirm, shows progress and the board; [h] and [e] ask y/N first, [s] shows everything, WRONG and BREACHED in red', async () => {
    // fast-ssh with its hint at 10m and a 20-minute limit: only the facilitator releases a hint here.
    const scenario = join(dirs.catalog, 'scenarios', 'fast-ssh.yaml');
    for (const [from, to] of [
      ['templates/fast-ssh.cfn.yaml', 'templates/fast-ssh.cfn.yaml'],
      ['runbooks/network-exposure.md.hbs', 'runbooks/network-exposure.md.hbs'],
    ])
      copyFileSync(join(root, 'test', 'e2e', 'fixtures', from!), join(dirs.catalog, to!));
    writeFileSync(
      scenario,
      readFileSync(fast, 'utf8')
        .replace('at: 2s, cost: 5', 'at: 10m, cost: 5')
        .replace('timeLimit: 30s', 'timeLimit: 20m'),
    );
    const exercise = `term-${Math.random().toString(16).slice(2, 6)}`;
    const cmd = [
      process.execPath,
      '--import',
      tsxLoader,
      join(root, 'bin', 'dev.js'),
      'start',
      scenario,
      '--tick',
      '300ms',
      '--exercise-id',
      exercise,
      '--endpoint-url',
      range.endpoint,
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...range.env(),
      SIRS_STATE_DIR: join(dirs.cwd, '.sirs'),
    };
    delete env.NO_COLOR;
    const child = spawn('script', ['-qfc', `stty cols 200 rows 40; ${cmd}`, '/dev/null'], {
      cwd: dirs.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const session = new ApiSession({ ...range.clientConfig(), maxAttempts: 3 });
    let out = '';
    let sg = '';
    const steps: Array<{ when: (text: string) => boolean; then: () => unknown }> = [
      { when: (t) => t.includes('start the exercise? (y/N)'), then: () => child.stdin.write('y\r') },
      { when: (t) => t.includes('elapsed ── score so far'), then: () => child.stdin.write('h') },
      {
        when: (t) => t.includes('Release the next hint now? It costs points. [y/N]'),
        then: () => child.stdin.write('n'),
      },
      { when: (t) => t.includes('no hint released'), then: () => child.stdin.write('h') },
      { when: (t) => count(t, 'Release the next hint now?') >= 2, then: () => child.stdin.write('y') },
      {
        when: (t) => t.includes('HINT for fast-ssh (costs 5)'),
        then: async () => {
          sg = String(
            readJournal(journalPath(exercise, join(dirs.cwd, '.sirs'))).find(
              (e) => e.type === 'stack.outputs',
            )?.outputs.WebSgId,
          );
          await writeAck(session, exercise, {
            finding: 'ssh-exposure',
            resource: 'sg-not-this-one',
            note: 'the db group?',
          });
        },
      },
      {
        when: (t) => t.includes('WRONG identification for fast-ssh'),
        then: () =>
          session.call('ec2:RevokeSecurityGroupIngress', {
            GroupId: sg,
            IpPermissions: [
              { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
            ],
          }),
      },
      { when: (t) => t.includes('STEADY STATE BREACHED in fast-ssh'), then: () => child.stdin.write('s') },
      { when: (t) => t.includes(`Exercise ${exercise}: live`), then: () => child.stdin.write('e') },
      { when: (t) => t.includes('End the exercise now?'), then: () => child.stdin.write('y') },
    ];
    let next = 0;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const text = readable(out);
      while (next < steps.length && steps[next]!.when(text)) void steps[next++]!.then();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    session.destroy();
    const text = readable(out);
    expect(next, text.slice(-3000)).to.equal(steps.length);
    expect(code, text.slice(-2000)).to.equal(0);
    expect(text).to.contain('It will create:').and.to.contain('stack sirs-');
    expect(text).to.contain('✔ Create stack sirs-');
    // The board: state, each phase's timer against its target, the next hint and when, the score so far.
    expect(text).to.match(/fast-ssh\s+● LIVE\s+detect … \d\d:\d\d\/00:06\s+contain … \d\d:\d\d\/00:10/);
    expect(text).to.match(/hints 0, next hint 10:00 \(-5\)/);
    expect(text).to.match(/score so far 0 \(F\)/);
    expect(text).to.contain('hint released');
    // [s]: everything the web board shows, hint text, the wrong ack with its resource and note, the breach.
    const status = text.slice(text.indexOf(`Exercise ${exercise}: live`));
    expect(status).to.match(
      /fast-ssh \(SSH open to the world \(fast, for tests\)\): ● LIVE, \d+ pts so far, limit 20:00/,
    );
    expect(status).to.match(/detect\s+(… running|⚠ OVER TARGET)\s+\d\d:\d\d\/00:06\s+0 \/ 40/);
    expect(status).to.contain('CloudTrail records every AuthorizeSecurityGroupIngress call. (-5)');
    expect(status).to.contain('WRONG identifications: 1 (-5 each)');
    expect(status).to.contain('BREACHED at').and.to.contain('443');
    expect(status)
      .to.contain('WRONG identification for fast-ssh: ssh-exposure on sg-not-this-one by')
      .and.to.contain('(note: the db group?)');
    // Red on a terminal: the wrong identification and the breach as they happen, and in the status.
    expect(out).to.match(
      // eslint-disable-next-line no-control-regex
      /\x1b\[31mWRONG identification for fast-ssh: ack "ssh-exposure" on sg-not-this-one by [^\n]* \(note: the db group\?\)\x1b\[39m/,
    );
    expect(out).to.contain('\x1b[31mSTEADY STATE BREACHED in fast-ssh');
    expect(text).to.contain('ending the exercise');
    expect(text).to.contain('The exercise ended (facilitator)');
    expect(text).to.contain('✔ Tear down exercise');
    expect(text).to.contain('Score:');
    expect(await leftoversOn(range)).to.deep.equal([]);
  });
});

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
