/** Plain-text layout for command output: word wrapping and aligned tables. Pure functions of their input. */

/** Wraps `text` to `width` columns, prefixing continuation lines with `indent` spaces. */
export function wrap(text: string, width: number, indent = 0): string {
  const room = Math.max(20, width - indent);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > room) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines.join(`\n${' '.repeat(indent)}`);
}

/**
 * A table with a header row; the last column wraps to fit `width` (when it can keep a readable width),
 * other columns are as wide as their widest cell.
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  width: number,
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const lead = widths.slice(0, -1).reduce((n, w) => n + w + 2, 0);
  const lastRoom = width - lead;
  const render = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        if (i < cells.length - 1) return c.padEnd(widths[i]!);
        return lastRoom >= 24 ? wrap(c, width, lead) : c;
      })
      .join('  ')
      .trimEnd();
  return [render(headers), ...rows.map(render)].join('\n');
}

/** `1 problem`, `2 problems`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
