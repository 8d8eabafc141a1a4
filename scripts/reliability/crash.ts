/**
 * The crash test: `sirs start` is killed with SIGKILL at a random point during injection or during the
 * live phase, then `sirs cleanup` runs; nothing sirs created may be left on the range. Shared by the
 * test suite (a few runs) and `npm run bench` (20 runs, the reported figure).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup } from '../../src/exercise/cleanup.js';
import { ApiSession } from '../../src/aws/api.js';
import { DEFAULT_ADMIN_USER } from '../../src/range/identity.js';
import type { Credentials } from '../../src/aws/target.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Resolved here: `--import tsx` would be looked up from the child's working directory.
const tsxLoader = import.meta.resolve('tsx');

export interface CrashRun {
  id: string;
  phase: 'injecting' | 'live';
  delayMs: number;
  killedAfter: string;
  leftovers: string[];
}

/** Everything on the range that an exercise could have created. */
export async function rangeLeftovers(
  session: ApiSession,
  rootSession?: ApiSession,
  /** The root's built-in key (the range's own, not a leftover). */
  rootKeyId?: string,
): Promise<string[]> {
  const out: string[] = [];
  const stacks = await session.call('cloudformation:DescribeStacks', {});
  for (const s of (stacks.Stacks as Array<{ StackName: string; StackStatus: string }>) ?? []) {
    if (s.StackStatus !== 'DELETE_COMPLETE') out.push(`stack ${s.StackName} (${s.StackStatus})`);
  }
  for (const v of ((await session.call('ec2:DescribeVpcs', {})).Vpcs as Array<{ VpcId: string }>) ?? [])
    out.push(`vpc ${v.VpcId}`);
  const groups = (await session.call('ec2:DescribeSecurityGroups', {})).SecurityGroups as Array<{
    GroupId: string;
  }>;
  for (const g of groups ?? []) out.push(`security group ${g.GroupId}`);
  const logs = (await session.call('logs:DescribeLogGroups', { logGroupNamePrefix: '/sirs/' }))
    .logGroups as Array<{ logGroupName: string }>;
  for (const l of logs ?? []) out.push(`log group ${l.logGroupName}`);
  const buckets = (await session.call('s3:ListBuckets', {})).Buckets as Array<{ Name: string }>;
  for (const b of buckets ?? []) out.push(`bucket ${b.Name}`);
  // What inject actions create outside the stacks: IAM users (with their keys) and the root's own keys.
  const users = (await session.call('iam:ListUsers', {})).Users as Array<{ UserName: string }>;
  for (const u of users ?? []) if (u.UserName !== DEFAULT_ADMIN_USER) out.push(`IAM user ${u.UserName}`);
  if (rootSession && rootKeyId) {
    const keys = (await rootSession.call('iam:ListAccessKeys', {})).AccessKeyMetadata as Array<{
      AccessKeyId: string;
    }>;
    for (const k of keys ?? []) if (k.AccessKeyId !== rootKeyId) out.push(`root key ${k.AccessKeyId}`);
  }
  return out;
}

/**
 * One run: start the CLI from src (through tsx) against `endpoint`, wait for the phase, wait a random
 * delay, SIGKILL it, clean up in-process, and list what is left.
 */
export async function crashOnce(opts: {
  endpoint: string;
  session: ApiSession;
  /** The range's own keys (`range.credentials`, `range.rootCredentials`). */
  rangeKeys: { admin: Credentials; root: Credentials };
  id: string;
  phase: 'injecting' | 'live';
  delayMs: number;
  scenario?: string;
}): Promise<CrashRun> {
  const cwd = mkdtempSync(join(tmpdir(), 'sirs-crash-'));
  const env = {
    ...process.env,
    SIRS_STATE_DIR: join(cwd, '.sirs'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // What `sirs range start` prints for the facilitator's shell.
    AWS_ACCESS_KEY_ID: opts.rangeKeys.admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: opts.rangeKeys.admin.secretAccessKey,
    SIRS_RANGE_ROOT_ACCESS_KEY_ID: opts.rangeKeys.root.accessKeyId,
    SIRS_RANGE_ROOT_SECRET_ACCESS_KEY: opts.rangeKeys.root.secretAccessKey,
  };
  const child = spawn(
    process.execPath,
    [
      '--import',
      tsxLoader,
      join(root, 'bin', 'dev.js'),
      'start',
      opts.scenario ?? 'ssh-open-to-world',
      '--yes',
      '--json',
      '--endpoint-url',
      opts.endpoint,
      '--exercise-id',
      opts.id,
    ],
    { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let last = 'nothing';
  let lineBuf = '';
  const reached = new Promise<void>((resolve) => {
    child.stdout.on('data', (c: Buffer) => {
      lineBuf += c.toString();
      let nl;
      while ((nl = lineBuf.indexOf('\n')) !== -1) {
        const line = lineBuf.slice(0, nl);
        lineBuf = lineBuf.slice(nl + 1);
        try {
          const e = JSON.parse(line) as { type: string };
          last = e.type;
          if (opts.phase === 'injecting' && e.type === 'stack.creating') resolve();
          if (opts.phase === 'live' && e.type === 'live') resolve();
        } catch {
          // not an event line
        }
      }
    });
    child.once('exit', () => resolve());
  });
  await reached;
  await new Promise((r) => setTimeout(r, opts.delayMs));
  const killedAfter = child.exitCode === null ? last : `exited by itself after ${last}`;
  child.kill('SIGKILL');
  await new Promise((r) =>
    child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r),
  );
  await cleanup({
    exerciseId: opts.id,
    cwd,
    emit: () => {},
    target: { target: 'range', endpointUrl: opts.endpoint, rangeKeys: opts.rangeKeys },
    pollMs: 50,
  });
  // Anything of this exercise left is a leak; so is anything at all, since the range starts empty.
  const asRoot = new ApiSession({ ...opts.session.config, credentials: { ...opts.rangeKeys.root } });
  const leftovers = await rangeLeftovers(opts.session, asRoot, opts.rangeKeys.root.accessKeyId).finally(() =>
    asRoot.destroy(),
  );
  rmSync(cwd, { recursive: true, force: true });
  return { id: opts.id, phase: opts.phase, delayMs: opts.delayMs, killedAfter, leftovers };
}
