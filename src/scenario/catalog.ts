import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { closest } from './did-you-mean.js';

/**
 * Where scenarios live. A catalog is a folder with scenarios/, templates/ and runbooks/; the one shipped in
 * the package is the default. Ids name files in the catalog's scenarios/; paths name files anywhere.
 */
export function scenariosDir(root: string): string {
  return join(root, 'scenarios');
}

export function isScenarioFileName(name: string): boolean {
  return /\.ya?ml$/.test(name);
}

/** Scenario files of a folder, sorted (the JSON Schema and other files are not scenarios). */
export function scenarioFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter(isScenarioFileName)
    .sort()
    .map((n) => join(dir, n))
    .filter((f) => {
      try {
        return statSync(f).isFile();
      } catch {
        return false;
      }
    });
}

export function catalogIds(root: string): string[] {
  return scenarioFilesIn(scenariosDir(root)).map((f) => basename(f, extname(f)));
}

/** The catalog's scenarios and campaigns apart (a campaign file has a top-level `stages:` key). */
export function catalogEntries(root: string): { scenarios: string[]; campaigns: string[] } {
  const out = { scenarios: [] as string[], campaigns: [] as string[] };
  for (const f of scenarioFilesIn(scenariosDir(root))) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      // unreadable: validation says why
    }
    (/^stages\s*:/m.test(text) ? out.campaigns : out.scenarios).push(basename(f, extname(f)));
  }
  return out;
}

/** The catalog a scenario file belongs to: the parent of its scenarios/ folder, else its own folder. */
export function catalogRootOf(file: string): string {
  const dir = dirname(file);
  return basename(dir) === 'scenarios' ? dirname(dir) : dir;
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** An argument is a path if it looks like one (a separator, a .yaml/.yml ending, `.` or `..`); otherwise an id. */
export function looksLikePath(arg: string): boolean {
  return arg.includes('/') || arg.includes('\\') || isScenarioFileName(arg) || arg === '.' || arg === '..';
}

/**
 * Resolves command-line targets to scenario files. No targets means the whole catalog. Unknown ids and
 * missing paths are usage errors (exit 2), reported together with suggestions.
 */
export function resolveTargets(targets: readonly string[], opts: { cwd: string; root: string }): string[] {
  if (targets.length === 0) {
    const all = scenarioFilesIn(scenariosDir(opts.root));
    if (all.length === 0)
      throw new UsageError('no-scenarios', `no scenario files in ${scenariosDir(opts.root)}`);
    return all;
  }
  const files: string[] = [];
  const missing: string[] = [];
  const unknownIds: string[] = [];
  const ids = catalogIds(opts.root);
  for (const target of targets) {
    if (!looksLikePath(target)) {
      if (ids.includes(target)) files.push(join(scenariosDir(opts.root), `${target}.yaml`));
      else unknownIds.push(target);
      continue;
    }
    const abs = resolve(opts.cwd, target);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      missing.push(`no such file: ${target}`);
      continue;
    }
    if (!isDir) files.push(abs);
    else {
      const inDir = scenarioFilesIn(abs);
      if (inDir.length === 0) missing.push(`no scenario files (*.yaml) in ${target}`);
      files.push(...inDir);
    }
  }
  if (missing.length > 0 || unknownIds.length > 0) throw targetError(missing, unknownIds, ids);
  return [...new Set(files)];
}

function targetError(missing: string[], unknownIds: string[], ids: string[]): UsageError {
  const quoted = unknownIds.map((id) => `"${id}"`).join(', ');
  const messages = [...missing];
  if (unknownIds.length > 0)
    messages.push(`unknown scenario id${unknownIds.length > 1 ? 's' : ''} ${quoted}`);
  const suggestions: string[] = [];
  for (const id of unknownIds) {
    const match = closest(id, ids);
    if (match)
      suggestions.push(
        unknownIds.length > 1 ? `"${id}": did you mean "${match}"?` : `did you mean "${match}"?`,
      );
  }
  if (unknownIds.length > 0)
    suggestions.push('`sirs list` shows the ids; a path needs a "/" or a .yaml ending');
  return new UsageError(unknownIds.length > 0 ? 'unknown-scenario' : 'file-not-found', messages.join('; '), {
    suggestions,
  });
}

/** The file of a scenario id in the catalog, or a usage error with a did-you-mean. */
export function resolveId(id: string, opts: { cwd: string; root: string }): string {
  const [file] = resolveTargets([id], opts);
  return file!;
}
