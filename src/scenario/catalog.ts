import { readdirSync, statSync } from 'node:fs';
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
  const errors: string[] = [];
  const suggestions: string[] = [];
  const ids = catalogIds(opts.root);
  for (const target of targets) {
    if (looksLikePath(target)) {
      const abs = resolve(opts.cwd, target);
      let isDir = false;
      try {
        isDir = statSync(abs).isDirectory();
      } catch {
        errors.push(`no such file: ${target}`);
        continue;
      }
      if (isDir) {
        const inDir = scenarioFilesIn(abs);
        if (inDir.length === 0) errors.push(`no scenario files (*.yaml) in ${target}`);
        files.push(...inDir);
      } else files.push(abs);
    } else if (ids.includes(target)) {
      files.push(join(scenariosDir(opts.root), `${target}.yaml`));
    } else {
      errors.push(`unknown scenario id "${target}"`);
      const match = closest(target, ids);
      if (match) suggestions.push(`did you mean "${match}"?`);
    }
  }
  if (errors.length > 0) {
    suggestions.push(
      '`sirs list` shows the scenario ids; give a path (with a / or .yaml) for a file elsewhere',
    );
    throw new UsageError(errors.length === 1 ? 'unknown-target' : 'unknown-targets', errors.join('; '), {
      suggestions,
    });
  }
  return [...new Set(files)];
}

/** The file of a scenario id in the catalog, or a usage error with a did-you-mean. */
export function resolveId(id: string, opts: { cwd: string; root: string }): string {
  const [file] = resolveTargets([id], opts);
  return file!;
}
