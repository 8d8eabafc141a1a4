/**
 * The commands of a rendered runbook: every fenced `sh`/`bash`/`shell` block, split into commands the
 * way a shell would read them (backslash continuations, quotes spanning lines), each with what the
 * runbook says to expect of it. Expectations are shell comments right after the command, so a
 * responder reads them and a test checks them:
 *
 *     # expect output to contain: 10.0.0.0/24
 *     # expect output not to contain: 0.0.0.0/0
 *     # expect no output
 *     # expect error: NoSuchEntity
 */

export type Expectation =
  | { kind: 'contains'; text: string }
  | { kind: 'not-contains'; text: string }
  | { kind: 'empty' }
  | { kind: 'error'; code: string };

export interface RunbookCommand {
  /** The command as a shell reads it (continuations kept). */
  text: string;
  /** 1-based line of the Markdown where it starts. */
  line: number;
  /** The program it runs (`aws`, `sirs`, `export`, or a variable assignment `NAME=`). */
  program: string;
  expect: Expectation[];
}

export interface ShellBlock {
  line: number;
  commands: RunbookCommand[];
}

const SHELL_INFO = /^(sh|bash|shell|zsh)\b/;
const EXPECT =
  /^#\s*expect\s+(?:(output to contain|output not to contain):\s*(.+?)\s*|(no output)\s*|error:\s*(\S+)\s*)$/;

export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(\S*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const indent = open[1]!.length;
    const body: Array<{ text: string; line: number }> = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim().startsWith(fence[0]!.repeat(fence.length)) && l.trim().replace(/[`~]/g, '') === '') break;
      body.push({ text: l.slice(Math.min(indent, l.length - l.trimStart().length)), line: j + 1 });
    }
    if (SHELL_INFO.test(open[3]!)) blocks.push({ line: i + 1, commands: splitCommands(body) });
    i = j;
  }
  return blocks;
}

/** Split shell text into commands: a newline outside quotes and not after a backslash ends one. */
export function splitCommands(body: ReadonlyArray<{ text: string; line: number }>): RunbookCommand[] {
  const out: RunbookCommand[] = [];
  let current = '';
  let start = 0;
  let quote: "'" | '"' | undefined;
  for (const { text, line } of body) {
    if (!quote && current === '') {
      const trimmed = text.trim();
      if (trimmed === '') continue;
      if (trimmed.startsWith('#')) {
        const m = EXPECT.exec(trimmed);
        const last = out.at(-1);
        if (m && last) last.expect.push(expectation(m));
        continue;
      }
      start = line;
    }
    current += (current ? '\n' : '') + text;
    quote = scanQuotes(text, quote);
    if (quote || /(^|[^\\])(\\\\)*\\$/.test(text)) continue;
    const command = current.trim();
    current = '';
    out.push({ text: command, line: start, program: programOf(command), expect: [] });
  }
  if (current.trim()) {
    out.push({ text: current.trim(), line: start, program: programOf(current.trim()), expect: [] });
  }
  return out;
}

function expectation(m: RegExpExecArray): Expectation {
  if (m[1] === 'output to contain') return { kind: 'contains', text: m[2]! };
  if (m[1] === 'output not to contain') return { kind: 'not-contains', text: m[2]! };
  if (m[3]) return { kind: 'empty' };
  return { kind: 'error', code: m[4]! };
}

/** The quote still open at the end of `text`, given the one open at its start. */
function scanQuotes(text: string, open: "'" | '"' | undefined): "'" | '"' | undefined {
  let q = open;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q === "'") {
      if (c === "'") q = undefined;
    } else if (q === '"') {
      if (c === '\\') i++;
      else if (c === '"') q = undefined;
    } else if (c === '\\') i++;
    else if (c === "'" || c === '"') q = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) break;
  }
  return q;
}

function programOf(command: string): string {
  const first = command.split(/\s+/)[0] ?? '';
  const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first);
  return assignment ? `${assignment[1]}=` : first;
}

/** Whether `output` (and the exit status) agrees with what the runbook says to expect; why not if not. */
export function checkExpectations(
  cmd: RunbookCommand,
  result: { code: number; stdout: string; stderr: string },
): string[] {
  const problems: string[] = [];
  const wantsError = cmd.expect.find((e) => e.kind === 'error');
  if (wantsError) {
    if (result.code === 0) problems.push(`expected it to fail with ${wantsError.code}, but it succeeded`);
    else if (!result.stderr.includes(wantsError.code))
      problems.push(`expected error ${wantsError.code}, got: ${result.stderr.trim().slice(0, 400)}`);
    return problems;
  }
  if (result.code !== 0) {
    problems.push(`exit code ${result.code}: ${result.stderr.trim().slice(0, 400)}`);
    return problems;
  }
  for (const e of cmd.expect) {
    if (e.kind === 'contains' && !result.stdout.includes(e.text))
      problems.push(`expected the output to contain "${e.text}", got: ${result.stdout.trim().slice(0, 400)}`);
    if (e.kind === 'not-contains' && result.stdout.includes(e.text))
      problems.push(
        `expected the output not to contain "${e.text}", got: ${result.stdout.trim().slice(0, 400)}`,
      );
    if (e.kind === 'empty' && result.stdout.trim() !== '')
      problems.push(`expected no output, got: ${result.stdout.trim().slice(0, 400)}`);
  }
  return problems;
}
