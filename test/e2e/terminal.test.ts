import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

  it('asks to confirm, shows progress and the board, releases a hint on [h] and ends on [e]', async () => {
    const cmd = [
      process.execPath,
      '--import',
      tsxLoader,
      join(root, 'bin', 'dev.js'),
      'start',
      fast,
      '--tick',
      '500ms',
      '--endpoint-url',
      range.endpoint,
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const child = spawn('script', ['-qfc', `stty cols 160 rows 40; ${cmd}`, '/dev/null'], {
      cwd: dirs.cwd,
      env: { ...process.env, SIRS_STATE_DIR: join(dirs.cwd, '.sirs') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    const sent = new Set<string>();
    const once = (key: string, data: string) => {
      if (sent.has(key)) return;
      sent.add(key);
      child.stdin.write(data);
    };
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const text = readable(out);
      if (text.includes('start the exercise? (y/N)')) once('confirm', 'y\r');
      if (text.includes('elapsed ── keys')) once('hint', 'h');
      if (text.includes('HINT for fast-ssh')) once('end', 'e');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const text = readable(out);
    expect(code, text.slice(-2000)).to.equal(0);
    expect(text).to.contain('It will create:').and.to.contain('stack sirs-');
    expect(text).to.contain('✔ Create stack sirs-');
    expect(text).to.match(/fast-ssh\s+live\s+detect/);
    expect(text).to.contain('HINT for fast-ssh (costs 5)');
    expect(text).to.contain('The exercise ended (facilitator)');
    expect(text).to.contain('✔ Tear down exercise');
    expect(text).to.contain('Score:');
    expect(await leftoversOn(range)).to.deep.equal([]);
  });
});
