/**
 * Peers the benchmarks measure against in the same run: the range as a separate process (the built
 * `sirs range start`), and moto_server when it is installed. Both on loopback, free ports.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

export interface Peer {
  name: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
}

/** The built range in its own process, CloudTrail's LookupEvents limit off (the bench is the only client). */
export async function startRangePeer(extraArgs: string[] = []): Promise<Peer> {
  const bin = join(packageRoot(), 'bin', 'run.js');
  const child = spawn(
    process.execPath,
    [bin, 'range', 'start', '--port', '0', '--json', '--lookup-events-rate', '0', ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl !== -1) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`sirs range start exited ${code}`)));
  });
  const info = JSON.parse(line) as { endpoint: string; env: Record<string, string> };
  return {
    name: 'range',
    endpoint: info.endpoint,
    credentials: {
      accessKeyId: info.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: info.env.AWS_SECRET_ACCESS_KEY!,
    },
    stop: stopper(child),
  };
}

export function motoAvailable(): boolean {
  return !spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).error;
}

export async function startMotoPeer(): Promise<Peer> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok || res.status < 500) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    name: 'moto',
    endpoint,
    credentials: { accessKeyId: 'AKIAMOTOBENCH0000000', secretAccessKey: 'x' },
    stop: stopper(child),
  };
}

/**
 * The practical limit of this machine: a bare Node.js HTTP server in its own process that reads each
 * request and answers a fixed XML body, nothing else (no parsing, no signature check, no state).
 */
export async function startBarePeer(): Promise<Peer> {
  const port = await freePort();
  const source = `
    const body = Buffer.from('<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/bench</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>');
    require('node:http').createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml', 'content-length': body.length }).end(body));
    }).listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n'));`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the bare server exited ${code}`)));
  });
  return {
    name: 'bare Node.js',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: {
      accessKeyId: 'AKIABARESERVER000000',
      secretAccessKey: 'bare-server-signs-nothing-0000000000000',
    },
    stop: stopper(child),
  };
}
