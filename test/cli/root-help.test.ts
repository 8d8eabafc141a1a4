import { captureOutput } from '@oclif/test';
import { Config, Help } from '@oclif/core';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import wrapAnsi from 'wrap-ansi';
import {
  isRootHelpRequest,
  renderRootHelp,
  wrapAnsiHard,
  type RootHelpInput,
} from '../../src/cli/root-help.js';
import { loadFromSrc, repoRoot } from './helpers.js';

const run = promisify(execFile);

/** What oclif's own Help class prints as root help for a config, at a given width, without colour. */
async function oclifRootHelp(config: Config, width: number): Promise<string> {
  const { stdout } = await captureOutput(() => new Help(config, { maxWidth: width }).showHelp([]), {
    stripAnsi: true,
  });
  return stdout;
}

function inputFrom(config: Config, width: number, color = false): RootHelpInput {
  // The manifest oclif built in memory for this config (from src/ in development, from the file otherwise).
  const { manifest } = config.plugins.get(config.pjson.name) as unknown as {
    manifest: RootHelpInput['manifest'];
  };
  return {
    pjson: config.pjson as unknown as RootHelpInput['pjson'],
    manifest,
    width,
    color,
    userAgent: config.userAgent,
  };
}

describe('root help fast path', () => {
  it('recognises the root help requests, and only those', () => {
    for (const args of [[], ['--help'], ['-h'], ['help']])
      expect(isRootHelpRequest(args), args.join(' ')).to.equal(true);
    for (const args of [['validate'], ['help', 'validate'], ['--help', 'x'], ['--version']]) {
      expect(isRootHelpRequest(args), args.join(' ')).to.equal(false);
    }
  });

  it('wraps text exactly as wrap-ansi (which oclif uses) does', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'abcdefghij ,.:-;  ';
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(random() * 120);
      let text = '';
      for (let i = 0; i < length; i++)
        text += random() < 0.02 ? '\n' : alphabet[Math.floor(random() * alphabet.length)];
      if (random() < 0.2) text += 'x'.repeat(Math.floor(random() * 60));
      const columns = 3 + Math.floor(random() * 60);
      expect(wrapAnsiHard(text, columns), JSON.stringify({ text, columns })).to.equal(
        wrapAnsi(text, columns, { hard: true }),
      );
    }
  });

  it("prints what oclif's Help prints for sirs, at every width", async () => {
    const config = await Config.load(loadFromSrc);
    for (const width of [40, 57, 80, 120, 200]) {
      expect(renderRootHelp(inputFrom(config, width)), `width ${width}`).to.equal(
        await oclifRootHelp(config, width),
      );
    }
  });

  describe('on a package with topics, aliases, hidden commands and long texts', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'sirs-help-'));
      const long =
        'Does a great many things, each of them explained at such length that it needs several lines.';
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({
          name: 'sirs',
          version: '9.9.9',
          description: 'First line of the description.\nA second line that becomes a DESCRIPTION section.',
          oclif: {
            bin: 'sirs',
            commands: './dist/commands',
            topicSeparator: ' ',
            topics: {
              range: { description: 'Run the range.\nSecond line not shown.' },
              lonely: { description: 'No commands.' },
            },
          },
        }),
      );
      const command = (id: string, extra: object) => ({
        id,
        aliases: [],
        hiddenAliases: [],
        args: {},
        flags: {},
        ...extra,
      });
      writeFileSync(
        join(dir, 'oclif.manifest.json'),
        JSON.stringify({
          version: '9.9.9',
          commands: {
            zeta: command('zeta', { summary: long, aliases: ['z'], hiddenAliases: ['zz'] }),
            alpha: command('alpha', { description: 'Only a description.\nWith a second line.' }),
            hidden: command('hidden', { summary: 'Not listed.', hidden: true }),
            bare: command('bare', {}),
            'range:start': command('range:start', { summary: 'Start it.' }),
            'report:html': command('report:html', { summary: 'HTML report.' }),
            'report:md': command('report:md', { summary: 'Markdown report.' }),
          },
        }),
      );
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('matches oclif at widths where lists wrap and switch to multi-line layout', async () => {
      const config = await Config.load(dir);
      for (const width of [40, 50, 64, 100]) {
        expect(renderRootHelp(inputFrom(config, width)), `width ${width}`).to.equal(
          await oclifRootHelp(config, width),
        );
      }
    });
  });

  it('renders bold section headers where oclif would, on a colour terminal', async function () {
    this.timeout(30_000);
    const config = await Config.load(loadFromSrc);
    const env = { ...process.env, FORCE_COLOR: '1', OCLIF_COLUMNS: '90' };
    const dev = ['--import', 'tsx', join(repoRoot, 'bin', 'dev.js'), '--help'];
    const { stdout } = await run(process.execPath, dev, { env, cwd: repoRoot });
    const mine = renderRootHelp(inputFrom(config, 90, true))!;
    expect(mine).to.contain('\u001B[1mCOMMANDS\u001B[22m');
    expect(mine).to.equal(stdout);
  });

  describe('bin/run.js', () => {
    const built = ['oclif.manifest.json', join('dist', 'cli', 'root-help.js')].every((f) =>
      existsSync(join(repoRoot, f)),
    );
    const sirs = async (args: string[], extraEnv: Record<string, string> = {}) => {
      const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
      for (const k of ['FORCE_COLOR', 'NO_COLOR', 'OCLIF_COLUMNS']) if (!(k in extraEnv)) delete env[k];
      return (await run(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args], { env, cwd: repoRoot }))
        .stdout;
    };

    it('needs a build (npm install runs it)', () => {
      expect(built, 'run `npm run build`: bin/run.js uses dist/ and oclif.manifest.json').to.equal(true);
    });

    it('prints the same root help for sirs, --help, -h and help as oclif does', async function () {
      this.timeout(30_000);
      const [oclif, ...fast] = await Promise.all([
        sirs(['--help'], { SIRS_OCLIF_HELP: '1' }),
        sirs([]),
        sirs(['--help']),
        sirs(['-h']),
        sirs(['help']),
      ]);
      expect(oclif).to.match(/^Security Incident Response Simulations/);
      for (const out of fast) expect(out).to.equal(oclif);
    });

    it("turns `sirs help <command>` into that command's help", async function () {
      this.timeout(30_000);
      const [viaHelp, viaFlag] = await Promise.all([
        sirs(['help', 'validate']),
        sirs(['validate', '--help']),
      ]);
      expect(viaHelp).to.contain('USAGE\n  $ sirs validate');
      expect(viaHelp).to.equal(viaFlag);
    });
  });
});
