import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import type { RangeInfo } from '../../context.js';
import type { LambdaFunction } from './store.js';
import { readZip } from './zip.js';

// Where a function's code lives while it runs: one temporary folder per range, a folder per package.

/** Where this range keeps unzipped code and bootstraps: one temporary folder per range, made on first use. */
const roots = new WeakMap<RangeInfo, string>();

function rootOf(range: RangeInfo): string {
  let root = roots.get(range);
  if (!root) {
    root = mkdtempSync(join(tmpdir(), 'sirs-range-lambda-'));
    roots.set(range, root);
  }
  return root;
}

/** The project's node_modules, so a Node handler can import the AWS SDK v3 the way Lambda's runtime provides it. */
export const projectModules = (() => {
  try {
    const sts = createRequire(import.meta.url).resolve('@aws-sdk/client-sts');
    const i = sts.lastIndexOf(`${sep}node_modules${sep}`);
    return i === -1 ? undefined : sts.slice(0, i + '/node_modules'.length);
  } catch {
    return undefined;
  }
})();

/** The function's unzipped code, one folder per package (by its SHA-256), made once. */
export function taskRoot(range: RangeInfo, accountId: string, region: string, fn: LambdaFunction): string {
  const id = Buffer.from(fn.codeSha256, 'base64').toString('hex').slice(0, 16);
  const dir = join(rootOf(range), `${accountId}-${region}-${fn.name}-${id}`);
  if (existsSync(dir)) return dir;
  const partial = `${dir}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(partial, { recursive: true });
  for (const entry of readZip(fn.zip)) {
    const file = join(partial, entry.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, entry.data);
    if (entry.mode) chmodSync(file, entry.mode);
  }
  if (projectModules && !existsSync(join(partial, 'node_modules'))) {
    symlinkSync(projectModules, join(partial, 'node_modules'), 'dir');
  }
  try {
    renameSync(partial, dir);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another run made it first
  }
  return dir;
}

export function bootstrapFile(range: RangeInfo, interpreter: { bootstrap: string; source: string }): string {
  const file = join(rootOf(range), interpreter.bootstrap);
  if (!existsSync(file)) writeFileSync(file, interpreter.source);
  return file;
}

/** Forget a deleted function's unzipped code. */
export function removeCode(range: RangeInfo, accountId: string, region: string, name: string): void {
  const root = roots.get(range);
  if (!root) return;
  const prefix = `${accountId}-${region}-${name}-`;
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(prefix)) rmSync(join(root, entry), { recursive: true, force: true });
  }
}
