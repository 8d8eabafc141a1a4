import { expect } from 'chai';
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const devBin = fileURLToPath(new URL('../../bin/dev.js', import.meta.url));

function firstLine(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl !== -1) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing`)));
  });
}

describe('sirs range start', function () {
  this.timeout(30_000);

  it('serves on a loopback port, prints the environment, and stops cleanly on SIGINT', async () => {
    const child = spawn(devBin, ['range', 'start', '--port', '0', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const info = JSON.parse(await firstLine(child)) as { endpoint: string; env: Record<string, string> };
    expect(info.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.env).to.include.keys(
      'AWS_ENDPOINT_URL',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_REGION',
    );
    const { stdout } = await promisify(execFile)('aws', ['sts', 'get-caller-identity', '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: '/tmp',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        ...info.env,
      },
    });
    expect(JSON.parse(stdout)).to.include({ Account: '123456789012' });
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).to.equal(0);
  });

  it('refuses a bad --faults spec with a usage error (exit 2) that shows an example', async () => {
    const child = spawn(devBin, ['range', 'start', '--port', '0', '--faults', 'throttle=2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = await once(child, 'exit');
    expect(code).to.equal(2);
    expect(stderr).to.contain('between 0 and 1').and.to.contain('throttle=0.1');
  });
});
