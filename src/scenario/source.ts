import { closeSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { didYouMean } from './did-you-mean.js';

/**
 * Reading files named by scenario authors, defensively: a size limit checked before reading, no devices or
 * FIFOs (which could block forever), UTF-8 only, no control characters, and paths that stay inside the
 * folder they are resolved against (no `..`, no absolute paths, no symlinks out).
 */
export const MAX_FILE_BYTES = 1024 * 1024;

export interface SourceIssue {
  code: string;
  message: string;
  hint?: string;
  /** 1-based position in the file when the issue is at a particular place in it. */
  line?: number;
  col?: number;
}

export type ReadResult = { ok: true; text: string } | { ok: false; issue: SourceIssue };

/** `what` names the file in messages ("the scenario file"); problems carry the path separately. */
export function readTextFile(abs: string, what: string): ReadResult {
  let size: number;
  try {
    const st = statSync(abs);
    if (st.isDirectory()) return fail('not-a-file', `${what} is a directory, not a file`);
    if (!st.isFile()) {
      return fail('not-a-file', `${what} is not a regular file (a device, FIFO or socket?)`, {
        hint: 'give the path of a YAML file',
      });
    }
    size = st.size;
  } catch (err) {
    return fail('file-not-found', `${what} cannot be read: ${describeFsError(err)}`);
  }
  if (size > MAX_FILE_BYTES) return tooLarge(what, size);

  // Read at most one byte past the limit, in case the file grows between stat and read.
  const buf = Buffer.alloc(Math.min(size, MAX_FILE_BYTES) + 1);
  let length = 0;
  try {
    const fd = openSync(abs, 'r');
    try {
      for (;;) {
        const n = readSync(fd, buf, length, buf.length - length, null);
        if (n === 0) break;
        length += n;
        if (length === buf.length) break;
      }
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    return fail('file-unreadable', `${what} cannot be read: ${describeFsError(err)}`);
  }
  if (length > MAX_FILE_BYTES) return tooLarge(what, length);
  return decode(buf.subarray(0, length), what);
}

function tooLarge(what: string, size: number): ReadResult {
  return fail(
    'file-too-large',
    `${what} is ${formatBytes(size)}; the limit is ${formatBytes(MAX_FILE_BYTES)}`,
    {
      hint: 'scenario files and templates are small text files; is this the right file?',
    },
  );
}

function decode(bytes: Uint8Array, what: string): ReadResult {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const { line, col } = positionOf(new TextDecoder().decode(bytes.subarray(0, bad)), bad);
    return fail(
      'invalid-utf8',
      `${what} is not valid UTF-8 text (byte 0x${bytes[bad]!.toString(16).padStart(2, '0')})`,
      { hint: 'is it a binary file? scenario files are UTF-8 YAML', line, col },
    );
  }
  let text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // YAML forbids C0 control characters other than tab, LF and CR (and DEL); a NUL usually means binary data.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const ctrl = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.exec(text);
  if (ctrl) {
    const { line, col } = positionOf(text, ctrl.index);
    const code = ctrl[0].charCodeAt(0);
    const name =
      code === 0
        ? 'a NUL byte'
        : `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return fail('control-character', `${what} contains ${name}`, {
      hint:
        code === 0
          ? 'is it a binary file? scenario files are UTF-8 YAML'
          : 'remove it; YAML does not allow control characters',
      line,
      col,
    });
  }
  return { ok: true, text };
}

/** Byte offset of the first invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** 1-based line and column of a string offset. */
export function positionOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}

function fail(code: string, message: string, extra: Omit<SourceIssue, 'code' | 'message'> = {}): ReadResult {
  return { ok: false, issue: { code, message, ...extra } };
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return (err as Error).message;
}

export type ContainedPath = { ok: true; abs: string } | { ok: false; issue: SourceIssue };

/**
 * Resolves `rel` inside `baseDir` (e.g. a template name inside templates/). Rejects absolute paths, paths
 * that climb out with `..`, and symlinks whose target is outside the folder; a missing file gets a
 * did-you-mean from the folder's contents.
 */
export function resolveInside(baseDir: string, rel: string, folderName: string): ContainedPath {
  if (rel.includes('\0'))
    return escape(`"${rel.replace(/\0/g, '\\0')}" contains a NUL character`, folderName);
  if (isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel) || rel.startsWith('\\') || rel.startsWith('~')) {
    return escape(`"${rel}" is an absolute path`, folderName);
  }
  const abs = resolve(baseDir, rel);
  if (!isWithin(baseDir, abs)) return escape(`"${rel}" points outside ${folderName}/`, folderName);
  let exists = true;
  try {
    lstatSync(abs);
  } catch {
    exists = false;
  }
  if (!exists) {
    let hint: string;
    try {
      const entries = readdirSync(baseDir);
      const listed = `${folderName}/ holds: ${entries.slice(0, 8).join(', ')}${entries.length > 8 ? ', ...' : ''}`;
      hint = didYouMean(rel, entries) ?? (entries.length === 0 ? `${folderName}/ is empty` : listed);
    } catch {
      hint = `there is no ${folderName}/ folder next to the scenarios/ folder`;
    }
    return {
      ok: false,
      issue: { code: 'file-not-found', message: `"${rel}" not found in ${folderName}/`, hint },
    };
  }
  try {
    const real = realpathSync(abs);
    if (!isWithin(realpathSync(baseDir), real)) {
      return escape(`"${rel}" is a symbolic link to a file outside ${folderName}/`, folderName);
    }
    return { ok: true, abs: real };
  } catch (err) {
    return {
      ok: false,
      issue: { code: 'file-unreadable', message: `"${rel}" cannot be read: ${describeFsError(err)}` },
    };
  }
}

function escape(message: string, folderName: string): ContainedPath {
  return {
    ok: false,
    issue: {
      code: 'path-escape',
      message,
      hint: `give a path relative to ${folderName}/ that stays inside it`,
    },
  };
}

function isWithin(base: string, target: string): boolean {
  const rel = relative(base, target);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}
