import { existsSync, readFileSync } from 'node:fs';
import { arch, homedir, platform, release } from 'node:os';
import { join } from 'node:path';

/**
 * Root help (`sirs`, `sirs --help`, `sirs -h`, `sirs help`) without loading @oclif/core, which costs more
 * than starting node itself. It renders from oclif.manifest.json and package.json exactly what oclif's
 * Help class prints (sections, word wrapping, bold headers on colour terminals); a test compares the two.
 * Whenever something is configured that this renderer does not model (themes, plugins, hooks, ejs
 * templates in texts, unusual colour settings, wide characters), it returns undefined and oclif renders.
 */

interface ManifestCommand {
  id: string;
  summary?: string;
  description?: string;
  hidden?: boolean;
  aliases?: string[];
  hiddenAliases?: string[];
}

interface Manifest {
  version: string;
  commands: Record<string, ManifestCommand>;
}

interface TopicConfig {
  description?: string;
  hidden?: boolean;
  subtopics?: Record<string, TopicConfig>;
}

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  oclif: Record<string, unknown> & { topics?: Record<string, TopicConfig> };
}

export interface RootHelpInput {
  pjson: PackageJson;
  manifest: Manifest;
  /** Terminal width oclif would use. */
  width: number;
  /** Whether oclif would print section headers in bold. */
  color: boolean;
  /** `sirs/0.1.0 linux-x64 node-v20.20.2`. */
  userAgent: string;
}

export function isRootHelpRequest(args: readonly string[]): boolean {
  return args.length === 0 || (args.length === 1 && ['--help', '-h', 'help'].includes(args[0]!));
}

/** Root help for the package installed at `root`, or undefined when oclif must render it. */
export function rootHelpFromInstall(root: string): string | undefined {
  if (process.env.SIRS_OCLIF_HELP) return undefined;
  const pjson = readJson<PackageJson>(join(root, 'package.json'));
  const manifest = readJson<Manifest>(join(root, 'oclif.manifest.json'));
  if (!pjson || !manifest || !simpleConfig(pjson)) return undefined;
  if (manifest.version.split('-')[0] !== pjson.version.split('-')[0]) return undefined;
  if (userThemeConfigured(pjson)) return undefined;
  const color = colorDecision();
  if (color === undefined) return undefined;
  const osName = platform();
  if (osName === 'win32' || (osName === 'linux' && release().toLowerCase().includes('microsoft')))
    return undefined;
  const cpu = arch() === 'ia32' ? 'x86' : arch();
  const userAgent = `${pjson.name}/${pjson.version} ${osName}-${cpu} node-${process.version}`;
  return renderRootHelp({ pjson, manifest, width: terminalWidth(), color, userAgent });
}

/** The text oclif's `Help.showRootHelp()` writes, or undefined when a text needs what this does not model. */
export function renderRootHelp(input: RootHelpInput): string | undefined {
  const { pjson, manifest, width, color } = input;
  const texts: string[] = [];
  const commands = rootCommands(manifest, pjson);
  const topics = rootTopics(manifest, pjson);
  const description = (pjson.oclif.description as string | undefined) || pjson.description || '';
  texts.push(description, ...commands.map((c) => c.summary ?? ''), ...topics.map((t) => t.description ?? ''));
  if (texts.some((t) => !plainText(t))) return undefined;

  const wrap = (body: string, spacing = 2) => wrapAnsiHard(body, width - spacing);
  const section = (header: string, body: string) =>
    `${color ? `\u001B[1m${header}\u001B[22m` : header}\n${indent(body, 2)}`;

  const [summary, ...rest] = description.split('\n');
  const root = [
    summary,
    section('VERSION', wrap(input.userAgent)),
    section('USAGE', wrap(`$ ${binName(pjson)} [COMMAND]`)),
    rest.join('\n') ? section('DESCRIPTION', wrap(rest.join('\n'))) : '',
  ]
    .filter(Boolean)
    .join('\n\n');

  let out = `${root}\n\n`;
  if (topics.length > 0) {
    const rows = topics.map((t): [string, string | undefined] => [t.name, t.description?.split('\n')[0]]);
    out += `${section('TOPICS', renderList(rows, wrap))}\n\n`;
  }
  if (commands.length > 0) {
    out += `${section(
      'COMMANDS',
      renderList(
        commands.map((c) => [c.id, c.summary]),
        wrap,
      ),
    )}\n\n`;
  }
  return out;
}

function binName(pjson: PackageJson): string {
  return (pjson.oclif.bin as string | undefined) ?? pjson.name;
}

/** Settings that change what or how oclif renders, which this renderer leaves to oclif. */
function simpleConfig(pjson: PackageJson): boolean {
  const o = pjson.oclif;
  const unmodelled = [
    'state',
    'helpClass',
    'helpOptions',
    'theme',
    'plugins',
    'devPlugins',
    'jitPlugins',
    'hooks',
    'flexibleTaxonomy',
  ];
  if (
    unmodelled.some((k) => o[k] !== undefined) ||
    (pjson as { helpOptions?: unknown }).helpOptions !== undefined
  )
    return false;
  if (o.topics !== undefined && (typeof o.topics !== 'object' || Array.isArray(o.topics))) return false;
  if (o.commands !== undefined && typeof o.commands !== 'string') return false;
  return o.topicSeparator === undefined || o.topicSeparator === ' ' || o.topicSeparator === ':';
}

function userThemeConfigured(pjson: PackageJson): boolean {
  const scope = pjson.name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  if (['1', 'true'].includes(process.env[`${scope}_DISABLE_THEME`] ?? '')) return false;
  const dirname = (pjson.oclif.dirname as string | undefined) ?? pjson.name;
  const base =
    process.env[`${scope}_CONFIG_DIR`] ??
    join(process.env.XDG_CONFIG_HOME ?? join(process.env.HOME ?? homedir(), '.config'), dirname);
  return existsSync(join(base, 'theme.json'));
}

/** Texts this renderer can lay out exactly like oclif: no ejs tags, escapes, or characters of width ≠ 1. */
function plainText(s: string): boolean {
  if (s.includes('<%') || s !== s.normalize()) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const control = (c < 0x20 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f);
    const combining = c >= 0x300 && c <= 0x36f;
    if (control || combining || c >= 0x1100) return false;
  }
  return true;
}

interface Entry {
  id: string;
  summary: string | undefined;
}

/** Root-level commands (and their visible aliases) as oclif lists them. */
function rootCommands(manifest: Manifest, pjson: PackageJson): Entry[] {
  const bySeparator = (id: string) => (pjson.oclif.topicSeparator === ' ' ? id.replaceAll(' ', ':') : id);
  const entries = new Map<string, ManifestCommand>();
  for (const c of pluginCommands(manifest)) {
    entries.set(c.id, c);
    for (const a of c.aliases ?? []) entries.set(bySeparator(a), { ...c, hidden: false, id: bySeparator(a) });
    for (const a of c.hiddenAliases ?? [])
      entries.set(bySeparator(a), { ...c, hidden: true, id: bySeparator(a) });
  }
  return [...entries.values()]
    .filter((c) => !c.hidden && c.id && !c.id.includes(':'))
    .sort((a, b) => compare(a.id, b.id))
    .map((c) => ({ id: c.id, summary: commandSummary(c) }));
}

function commandSummary(c: ManifestCommand): string | undefined {
  if (c.summary) return c.summary.split('\n')[0];
  return c.description ? c.description.split('\n')[0] : undefined;
}

function pluginCommands(manifest: Manifest): ManifestCommand[] {
  return Object.entries(manifest.commands).map(([id, c]) => ({ ...c, id: c.id ?? id }));
}

/** Root-level topics that have sub-commands, with the description oclif would pick. */
function rootTopics(manifest: Manifest, pjson: PackageJson): Array<{ name: string; description?: string }> {
  const topics = new Map<string, { name: string; description?: string; hidden?: boolean }>();
  const addConfigured = (input: Record<string, TopicConfig> | undefined, base: string) => {
    for (const [k, t] of Object.entries(input ?? {})) {
      const name = `${base}${k}`;
      topics.set(name, {
        name,
        ...(t.description ? { description: t.description } : {}),
        ...(t.hidden ? { hidden: true } : {}),
      });
      addConfigured(t.subtopics, `${name}:`);
    }
  };
  addConfigured(pjson.oclif.topics, '');
  // oclif names an unconfigured topic after the first command (in localeCompare order) under it. Sorting
  // with localeCompare costs ~10 ms of ICU start-up, so only topics with several candidates pay for it.
  const candidates = new Map<string, ManifestCommand[]>();
  for (const c of pluginCommands(manifest).filter((c) => !c.hidden)) {
    const parts = c.id.split(':');
    for (; parts.length > 0; parts.pop()) {
      const name = parts.join(':');
      if (name && !topics.has(name)) candidates.set(name, [...(candidates.get(name) ?? []), c]);
    }
  }
  for (const [name, cs] of candidates) {
    const first = cs.length === 1 ? cs[0]! : [...cs].sort((a, b) => a.id.localeCompare(b.id))[0]!;
    const description = first.summary || first.description;
    topics.set(name, { name, ...(description ? { description } : {}) });
  }
  const all = [...topics.values()];
  return all
    .filter((t) => all.some((sub) => sub.name.includes(`${t.name}:`)))
    .filter((t) => !t.hidden && !t.name.includes(':'))
    .sort((a, b) => compare(a.name, b.name));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** oclif's HelpFormatter.renderList for a two-column list (indentation 2, newline spacer). */
function renderList(
  rows: Array<[string, string | undefined]>,
  wrap: (body: string, spacing: number) => string,
): string {
  if (rows.length === 0) return '';
  const indentation = 2;
  const maxLength = Math.max(...rows.map(([left]) => left.length));
  const multiline = () => {
    let output = '';
    for (const [left, right] of rows) {
      if (!left && !right) continue;
      if (left) output += wrap(left.trim(), indentation);
      if (right) output += `\n${indent(wrap(right.trim(), indentation + 2), 4)}`;
      output += '\n\n';
    }
    return output.trim();
  };
  let output = '';
  let cur = '';
  for (const [left, right] of rows) {
    if (cur) output += `\n${cur}`;
    cur = left || '';
    if (!right) {
      cur = cur.trim();
      continue;
    }
    const [first, ...lines] = wrap(right.trim(), indentation + maxLength + 2)
      .split('\n')
      .map((s) => s.trim());
    cur += ' '.repeat(maxLength - cur.length + 2) + first;
    if (lines.length === 0) continue;
    if (lines.length > 4) return multiline();
    cur += `\n${indent(lines.join('\n'), maxLength + 2)}`;
  }
  if (cur) output += `\n${cur}`;
  return output.trim();
}

function indent(s: string, n: number): string {
  return s.replace(/^(?!\s*$)/gm, ' '.repeat(n));
}

/** wrap-ansi's hard wrap (as oclif calls it) for text of single-width characters without escapes. */
export function wrapAnsiHard(text: string, columns: number): string {
  return text
    .normalize()
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => wrapLine(line, columns))
    .join('\n');
}

function wrapLine(line: string, columns: number): string {
  if (line.trim() === '') return '';
  const rows = [''];
  const last = () => rows.length - 1;
  line.split(' ').forEach((word, index) => {
    rows[last()] = rows[last()]!.trimStart();
    let rowLength = rows[last()]!.length;
    if (index !== 0 && rowLength > 0) {
      rows[last()] += ' ';
      rowLength++;
    }
    if (word.length > columns) {
      const remaining = columns - rowLength;
      const breaksThisLine = 1 + Math.floor((word.length - remaining - 1) / columns);
      const breaksNextLine = Math.floor((word.length - 1) / columns);
      if (breaksNextLine < breaksThisLine) rows.push('');
      wrapWord(rows, word, columns);
      return;
    }
    if (rowLength + word.length > columns && rowLength > 0 && word.length > 0) rows.push('');
    rows[last()] += word;
  });
  return rows.map((r) => r.replace(/ +$/, '')).join('\n');
}

function wrapWord(rows: string[], word: string, columns: number): void {
  const chars = [...word];
  let visible = rows[rows.length - 1]!.length;
  chars.forEach((ch, index) => {
    if (visible + 1 <= columns) rows[rows.length - 1] += ch;
    else {
      rows.push(ch);
      visible = 0;
    }
    visible += 1;
    if (visible === columns && index < chars.length - 1) {
      rows.push('');
      visible = 0;
    }
  });
  if (!visible && rows[rows.length - 1]!.length > 0 && rows.length > 1) rows[rows.length - 2] += rows.pop()!;
}

/** The width oclif's screen module computes: OCLIF_COLUMNS, else the terminal (40 at least), else 80. */
function terminalWidth(): number {
  const configured = Number.parseInt(process.env.OCLIF_COLUMNS ?? '', 10);
  if (configured) return configured;
  if (!process.stdout.isTTY) return 80;
  const w = process.stdout.getWindowSize()[0];
  return w < 1 ? 80 : w < 40 ? 40 : w;
}

/**
 * Whether oclif would print bold headers: it needs both supports-color (stdout and stderr) and ansis to
 * agree. Environments where they are subtle (forced or disabled colour, CI, Windows) return undefined.
 */
function colorDecision(): boolean | undefined {
  const env = process.env;
  const subtle = [
    'FORCE_COLOR',
    'NO_COLOR',
    'CI',
    'TF_BUILD',
    'TEAMCITY_VERSION',
    'PM2_HOME',
    'NEXT_RUNTIME',
  ];
  if (subtle.some((k) => k in env)) return undefined;
  if (process.argv.some((a) => /^--?(no-)?colou?rs?(=|$)/.test(a))) return undefined;
  if (!process.stdout.isTTY || !process.stderr.isTTY) return false;
  const term = env.TERM ?? '';
  if (term === 'dumb') return false;
  if (/mono|dumb/i.test(term)) return undefined;
  return (
    'COLORTERM' in env ||
    ['iTerm.app', 'Apple_Terminal'].includes(env.TERM_PROGRAM ?? '') ||
    /-256(color)?$/i.test(term) ||
    /^screen|^xterm|^vt100|^vt220|^rxvt|color|ansi|cygwin|linux/i.test(term)
  );
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
