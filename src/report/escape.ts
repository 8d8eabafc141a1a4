/**
 * Escaping for where a value lands. Every value in a report comes from outside (scenario text, resource
 * names, tags, ack notes, CloudTrail fields, the facilitator's notes), so renderers escape all of them:
 *
 * - HTML (text, quoted attributes, inline SVG text): `& < > " ' \` =` become entities.
 * - Markdown (text and table cells): HTML is neutralised (`<` → `&lt;`), Markdown punctuation is
 *   backslash-escaped (so `](javascript:...)` is no link and `|` does not end a cell), and line breaks
 *   are folded so a value stays in its cell.
 * - The facilitator's notes keep their Markdown, minus raw HTML and links that are not http(s), mailto
 *   or in-page; in HTML they are rendered by a small Markdown subset that escapes first.
 */
import { markdownText } from '../runbook/render.js';

/** Control characters other than tab and line breaks: never meaningful in a report. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '=': '&#61;',
};

export function escapeHtml(value: string): string {
  return value.replace(CONTROL, '').replace(/[&<>"'`=]/g, (c) => HTML[c]!);
}

/** Text or a table cell in Markdown (GitHub-flavoured). */
export function escapeMarkdown(value: string): string {
  return markdownText(value);
}

/** Longest outside value a Markdown or HTML report shows; the JSON report has every value in full. */
export const MAX_VALUE = 500;

/** At most `max` characters, saying how many were left out (the JSON report has every value in full). */
export function cap(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max)}… (${value.length - max} more characters)`;
}

const SAFE_URL = /^(?:https?:\/\/|mailto:|#)/i;
/** A relative link: no scheme, nothing a browser could decode into one. */
const RELATIVE_URL = /^[\w./-][^\s:&%\\]*$/;

function safeUrl(url: string): boolean {
  const u = url.trim().replace(/^<|>$/g, '');
  return SAFE_URL.test(u) || RELATIVE_URL.test(u);
}

/**
 * The facilitator's Markdown, safe to embed in a Markdown report: raw HTML and autolinks become text,
 * entities cannot smuggle a scheme in, and a link or reference whose destination is not http(s), mailto,
 * in-page or relative stops being a link. Fenced code blocks are kept as they are (nothing in them is
 * interpreted).
 */
export function safeMarkdown(source: string): string {
  let fenced = false;
  return normalise(source)
    .split('\n')
    .map((line) => {
      if (/^\s{0,3}(```|~~~)/.test(line)) {
        fenced = !fenced;
        return line;
      }
      if (fenced) return line;
      let out = line.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      // Reference definitions: [label]: destination
      out = out.replace(
        /^(\s{0,3})\[([^\]]*)\]:\s*(\S+)(.*)$/,
        (m, sp: string, label: string, dest: string, rest: string) =>
          safeUrl(dest) ? m : `${sp}\\[${label}\\]: ${dest}${rest}`,
      );
      // Inline links and images: ](destination ...)
      out = out.replace(/\]\(\s*([^)\s]*)/g, (m, dest: string) => (safeUrl(dest) ? m : `]\\(${dest}`));
      return out;
    })
    .join('\n')
    .concat(fenced ? '\n```' : '');
}

function normalise(source: string): string {
  return source.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
}

/** Inline Markdown on already-escaped text: code, bold, emphasis, safe links. */
function inline(escaped: string): string {
  const codes: string[] = [];
  let s = escaped.replace(/`([^`]+)`/g, (_m, c: string) => {
    codes.push(`<code>${c}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (m, text: string, url: string) => {
    // The URL is escaped text: decode the one entity a safe URL may contain back for the test.
    const raw = url.replace(/&amp;/g, '&');
    return SAFE_URL.test(raw) ? `<a href="${url}" rel="noopener noreferrer">${text}</a>` : m;
  });
  s = s
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/__([^_]+)__/g, '<strong>$1</strong>')
    .replace(/(^|[^\w*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
    .replace(/(^|[^\w_])_([^_\s][^_]*)_(?!\w)/g, '$1<em>$2</em>');
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => codes[Number(i)]!);
}

/**
 * The facilitator's notes as HTML: a small Markdown subset (headings, paragraphs, lists, code, bold,
 * emphasis, http(s)/mailto links) over text that is escaped first, so nothing in the notes becomes markup
 * the renderer did not write.
 */
export function markdownToHtml(source: string): string {
  const lines = normalise(source).split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | undefined;
  const flushPara = () => {
    if (para.length) out.push(`<p>${inline(escapeHtml(para.join(' ')))}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list)
      out.push(
        `<${list.tag}>${list.items.map((i) => `<li>${inline(escapeHtml(i))}</li>`).join('')}</${list.tag}>`,
      );
    list = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s{0,3}(```|~~~)/.exec(line);
    if (fence) {
      flushPara();
      flushList();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) body.push(lines[i]!);
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const bullet = /^\s{0,3}[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s{0,3}\d{1,9}[.)]\s+(.*)$/.exec(line);
    if (heading) {
      flushPara();
      flushList();
      const level = Math.min(6, heading[1]!.length + 3);
      out.push(`<h${level}>${inline(escapeHtml(heading[2]!))}</h${level}>`);
    } else if (bullet || numbered) {
      flushPara();
      const tag = bullet ? 'ul' : 'ol';
      if (list && list.tag !== tag) flushList();
      list ??= { tag, items: [] };
      list.items.push((bullet ?? numbered)![1]!);
    } else if (!line.trim()) {
      flushPara();
      flushList();
    } else if (list && /^\s+\S/.test(line)) {
      list.items[list.items.length - 1] += ` ${line.trim()}`;
    } else {
      flushList();
      para.push(line.trim().replace(/^>\s?/, ''));
    }
  }
  flushPara();
  flushList();
  return out.join('\n');
}
