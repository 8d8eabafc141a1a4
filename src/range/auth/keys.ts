/**
 * The range's own credentials: the built-in administrator's and the account root's access keys. The
 * key ids are fixed (they name the principals in CloudTrail); the secrets are random, kept per state
 * directory in a 0600 file so a restarted range takes the same keys, or random per process without
 * one. The well-known demo secrets are used only when asked for (tests and demos).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wellKnownKeys } from '../identity.js';

export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RangeKeys {
  admin: KeyPair;
  root: KeyPair;
}

export interface RangeKeyOptions {
  /** Use the fixed, published demo keys (anyone who reads the README can sign as the administrator). */
  wellKnownKeys?: boolean;
  /** Keep the generated secrets here (range-credentials.json, mode 0600). */
  stateDir?: string;
  /** Secrets the user chose; they win over generated ones and are never written to disk. */
  adminSecretAccessKey?: string;
  rootSecretAccessKey?: string;
}

export const CREDENTIALS_FILE = 'range-credentials.json';

/** 40 characters of base64, the length and alphabet of an AWS secret access key. */
export function randomSecret(): string {
  return randomBytes(30).toString('base64');
}

export function resolveRangeKeys(opts: RangeKeyOptions): RangeKeys {
  for (const [name, secret] of [
    ['admin', opts.adminSecretAccessKey],
    ['root', opts.rootSecretAccessKey],
  ] as const) {
    if (secret !== undefined && (secret.length < 16 || /\s/.test(secret))) {
      throw new Error(`the range's ${name} secret access key must be at least 16 characters without spaces`);
    }
  }
  let secrets: { admin: string; root: string };
  if (opts.wellKnownKeys) {
    secrets = { admin: wellKnownKeys.admin.secretAccessKey, root: wellKnownKeys.root.secretAccessKey };
  } else if (opts.stateDir) {
    secrets = keptSecrets(opts.stateDir);
  } else {
    secrets = { admin: randomSecret(), root: randomSecret() };
  }
  return {
    admin: {
      accessKeyId: wellKnownKeys.admin.accessKeyId,
      secretAccessKey: opts.adminSecretAccessKey ?? secrets.admin,
    },
    root: {
      accessKeyId: wellKnownKeys.root.accessKeyId,
      secretAccessKey: opts.rootSecretAccessKey ?? secrets.root,
    },
  };
}

/** The secrets kept in the state directory, made (and the directory, 0700) on first use. */
function keptSecrets(stateDir: string): { admin: string; root: string } {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, CREDENTIALS_FILE);
  if (existsSync(file)) {
    // Ours: whoever loosened it, the secrets in it are the range's administrator and root.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file} is not valid JSON (${(err as Error).message}); move it aside to get new keys`);
    }
    const admin = secretIn(parsed, 'admin');
    const root = secretIn(parsed, 'root');
    if (!admin || !root) {
      throw new Error(`${file} does not hold the admin and root secrets; move it aside to get new keys`);
    }
    return { admin, root };
  }
  const secrets = { admin: randomSecret(), root: randomSecret() };
  const body = {
    comment: 'The range administrator and root secret access keys. Keep private.',
    admin: { accessKeyId: wellKnownKeys.admin.accessKeyId, secretAccessKey: secrets.admin },
    root: { accessKeyId: wellKnownKeys.root.accessKeyId, secretAccessKey: secrets.root },
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secrets;
}

function secretIn(parsed: unknown, who: 'admin' | 'root'): string | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const entry = (parsed as Record<string, unknown>)[who];
  if (typeof entry !== 'object' || entry === null) return undefined;
  const secret = (entry as Record<string, unknown>)['secretAccessKey'];
  return typeof secret === 'string' && secret.length >= 16 ? secret : undefined;
}
