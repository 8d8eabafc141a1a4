import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type ParsedNode,
  type Tags,
} from 'yaml';
import { formatPath, type PathSegment, type Problem } from './problem.js';
import { positionOf } from './source.js';

/** Nesting deeper than this is refused: no scenario or template needs it, and it is a classic way to crash parsers. */
export const MAX_DEPTH = 64;
/** Alias expansions allowed when converting to plain data; a "billion laughs" bomb needs far more. */
export const MAX_ALIAS_COUNT = 100;
/** Enough to fix a file by; a generated monster should not produce a million-line report. */
export const MAX_PROBLEMS = 100;

/**
 * A parsed YAML file that can say where any path of its data is (`file:line:col`), so schema and semantic
 * problems point at the node they are about.
 */
export class YamlSource {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  position(offset: number): { line: number; col: number } {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  /** The node at `path`, or the deepest existing ancestor; with `key`, the key of the last map entry. */
  locate(path: readonly PathSegment[], opts: { key?: boolean } = {}): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && scalarKey(p.key) === String(seg));
        if (!pair) break;
        const last = i === path.length - 1;
        if (last && opts.key) {
          offset = rangeStart(pair.key) ?? offset;
          break;
        }
        if (pair.value === null || pair.value === undefined) {
          offset = rangeStart(pair.key) ?? offset;
          break;
        }
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        node = item;
      } else {
        break;
      }
      offset = rangeStart(node) ?? offset;
    }
    return this.position(offset);
  }

  /** The node at `path`, if every step exists. */
  nodeAt(path: readonly PathSegment[]): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) node = node.items.find((p) => isPair(p) && scalarKey(p.key) === String(seg))?.value;
      else if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
      else return undefined;
    }
    return (node ?? undefined) as Node | undefined;
  }

  problem(
    path: readonly PathSegment[],
    code: string,
    message: string,
    hint?: string,
    opts: { key?: boolean } = {},
  ): Problem {
    const { line, col } = this.locate(path, opts);
    return { file: this.file, line, col, path: formatPath(path), code, message, ...(hint ? { hint } : {}) };
  }
}

export type YamlParse = { ok: true; source: YamlSource; data: unknown } | { ok: false; problems: Problem[] };

/**
 * Parses one YAML document, refusing what a scenario or template never needs: several documents, deep
 * nesting, alias bombs. Syntax problems stop here (later checks on a broken tree only add noise).
 */
export function parseYaml(
  text: string,
  file: string,
  opts: { customTags?: Tags; tagHint?: string } = {},
): YamlParse {
  const at = (offset: number, code: string, message: string, hint?: string): Problem => {
    const { line, col } = positionOf(text, offset);
    return { file, line, col, path: '', code, message, ...(hint ? { hint } : {}) };
  };

  const deep = deepNestingOffset(text, MAX_DEPTH * 2);
  if (deep >= 0)
    return { ok: false, problems: [at(deep, 'too-deep', `nesting is deeper than ${MAX_DEPTH} levels`)] };

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    // Duplicate keys are found in treeProblems: the parser's own check is quadratic in the size of a mapping.
    uniqueKeys: false,
    logLevel: 'error', // the parser must not print warnings itself; they come back as problems
    strict: true,
    customTags: opts.customTags ?? [],
  });
  const source = new YamlSource(file, text, doc, lineCounter);
  const atNode = (offset: number, code: string, message: string, hint?: string): Problem => ({
    file,
    ...source.position(offset),
    path: '',
    code,
    message,
    ...(hint ? { hint } : {}),
  });
  const problems = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = source.position(e.pos[0]);
    const base = { file, line, col, path: '' };
    switch (e.code) {
      case 'MULTIPLE_DOCS':
        return {
          ...base,
          code: 'multiple-documents',
          message: 'the file holds more than one YAML document (a "---" separator)',
          hint: 'put one scenario per file',
        };
      case 'TAG_RESOLVE_FAILED':
        return {
          ...base,
          code: 'unknown-tag',
          message: `unknown tag ${text.slice(e.pos[0], e.pos[1]).trim()}`,
          ...(opts.tagHint ? { hint: opts.tagHint } : {}),
        };
      default:
        return { ...base, code: 'yaml-syntax', message: `YAML syntax: ${firstLine(e.message)}` };
    }
  });
  // One error per line: after the first, the parser's further complaints on a line are usually echoes.
  const lines = new Set<number>();
  const firstPerLine = problems.filter((p) => !lines.has(p.line) && lines.add(p.line)).slice(0, MAX_PROBLEMS);
  if (firstPerLine.length > 0) return { ok: false, problems: firstPerLine };

  const structural = treeProblems(doc.contents, atNode);
  if (structural.length > 0) return { ok: false, problems: structural };

  try {
    return { ok: true, source, data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    if (err instanceof ReferenceError || err instanceof RangeError) {
      const alias = firstAliasOffset(doc.contents);
      return {
        ok: false,
        problems: [
          {
            ...at(
              0,
              'alias-limit',
              `too many alias expansions (over ${MAX_ALIAS_COUNT}): a YAML "billion laughs" bomb?`,
            ),
            ...(alias === undefined ? {} : source.position(alias)),
            hint: 'scenario files do not need aliases; write the values out',
          },
        ],
      };
    }
    throw err;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function scalarKey(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function rangeStart(node: unknown): number | undefined {
  return (node as ParsedNode | null)?.range?.[0];
}

/**
 * A cheap bound on nesting, checked before parsing: deeply nested input makes YAML parsers recurse until
 * they are slow, overflow the stack or exhaust memory. Counts flow brackets (also inside strings), and for
 * block structure the chain of increasing indentation plus compact indicators (`- - -`, `? ? ?`) on a line.
 * Returns the offset where `limit` is passed, or -1.
 */
export function deepNestingOffset(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  const indents: number[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let end = text.indexOf('\n', lineStart);
    if (end < 0) end = text.length;
    let i = lineStart;
    while (i < end && text.charCodeAt(i) === 0x20) i++;
    const indent = i - lineStart;
    if (i < end && text[i] !== '#' && text[i] !== '\r') {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      let indicators = 0;
      // Compact nested collections: an indicator followed by a space (or the end of the line).
      while (i < end && '-?:'.includes(text[i]!) && (i + 1 === end || text[i + 1] === ' ')) {
        indicators++;
        i++;
        while (i < end && text.charCodeAt(i) === 0x20) i++;
        if (indents.length + indicators > limit) return i;
      }
      if (indents.length > limit) return lineStart + indent;
    }
    lineStart = end + 1;
  }
  return -1;
}

/**
 * Walks the tree once, iteratively (so it cannot overflow the stack itself): nesting deeper than
 * MAX_DEPTH stops the walk; duplicate keys and keys that are not plain scalars are collected.
 */
function treeProblems(
  root: unknown,
  at: (offset: number, code: string, message: string, hint?: string) => Problem,
): Problem[] {
  const problems: Problem[] = [];
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_DEPTH)
      return [at(rangeStart(node) ?? 0, 'too-deep', `nesting is deeper than ${MAX_DEPTH} levels`)];
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (problems.length >= MAX_PROBLEMS) break;
        const offset = rangeStart(pair.key) ?? rangeStart(pair.value) ?? 0;
        if (!isScalar(pair.key)) {
          problems.push(at(offset, 'complex-key', 'keys must be plain values, not lists or mappings'));
        } else {
          const key = String(pair.key.value);
          if (seen.has(key)) {
            problems.push(
              at(
                offset,
                'duplicate-key',
                `duplicate key ${JSON.stringify(key)}`,
                'each key may appear once per mapping; remove or merge the repeated one',
              ),
            );
          }
          seen.add(key);
        }
        stack.push([pair.value, depth + 1], [pair.key, depth + 1]);
      }
    } else if (isSeq(node)) for (const item of node.items) stack.push([item, depth + 1]);
  }
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

function firstAliasOffset(root: unknown): number | undefined {
  const stack: unknown[] = [root];
  let first: number | undefined;
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      const off = rangeStart(node);
      if (off !== undefined && (first === undefined || off < first)) first = off;
    } else if (isMap(node)) for (const p of node.items) stack.push(p.key, p.value);
    else if (isSeq(node)) stack.push(...node.items);
  }
  return first;
}

/** Every string scalar in the document with its offset, for checks that look inside strings (placeholders). */
export function stringScalars(
  source: YamlSource,
): Array<{ value: string; offset: number; path: PathSegment[] }> {
  const out: Array<{ value: string; offset: number; path: PathSegment[] }> = [];
  const stack: Array<[unknown, PathSegment[]]> = [[source.doc.contents, []]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (isScalar(node) && typeof node.value === 'string') {
      out.push({ value: node.value, offset: rangeStart(node) ?? 0, path });
    } else if (isMap(node)) {
      for (const p of node.items) {
        const key = scalarKey(p.key);
        if (key !== undefined) stack.push([p.value, [...path, key]]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push([item, [...path, i]]));
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}
