import { compileGlob } from './glob.js';
import type { GlobStyle } from './glob.js';
import type { ContextValue } from './types.js';

/**
 * Policy strings with wildcards and policy variables ("IAM policy elements: Variables and tags").
 *
 * A template is parsed once per policy. Resolving it against a request gives an *escaped glob*: `*` and
 * `?` are wildcards, `\x` is the literal character x (from `${*}`, `${?}`, `${$}` or a substituted value).
 * Escaped globs are compiled to regular expressions once and cached, so a policy without variables costs
 * no compilation per request.
 */

type Part = { glob: string } | { literal: string } | { key: string; fallback?: string };

export interface Template {
  /** The escaped glob when the template has no variables (the common case). */
  fixed?: string;
  parts: readonly Part[];
}

/** Looks a context key up (case-insensitively); multivalued keys cannot be policy variables. */
export type ContextLookup = (key: string) => ContextValue | undefined;

const SPECIAL = /[\\*?]/;
const escapeGlob = (text: string): string =>
  SPECIAL.test(text) ? text.replace(/[\\*?]/g, (c) => `\\${c}`) : text;

/** A backslash in policy text is an ordinary character: escape it so only wildcards stay special. */
const escapeBackslash = (text: string): string => text.replace(/\\/g, '\\\\');

/** The text an escaped glob stands for when its wildcards are taken literally (StringEquals). */
export const unescapeGlob = (glob: string): string => glob.replace(/\\([\s\S])/g, '$1');

const VARIABLE = /\$\{([^}]*)\}/g;
const DEFAULTED = /^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$/;

/**
 * Parse `text`; policy variables are recognised only in documents of Version 2012-10-17 (older documents
 * treat `${...}` as literal text, as IAM does).
 */
export function parseTemplate(text: string, variables: boolean): Template {
  if (!variables || !text.includes('${'))
    return { fixed: escapeBackslash(text), parts: [{ glob: escapeBackslash(text) }] };
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE)) {
    if (m.index > last) parts.push({ glob: escapeBackslash(text.slice(last, m.index)) });
    last = m.index + m[0].length;
    const inner = m[1] ?? '';
    if (inner === '*' || inner === '?' || inner === '$') {
      parts.push({ literal: inner });
      continue;
    }
    const defaulted = DEFAULTED.exec(inner);
    if (defaulted)
      parts.push({ key: defaulted[1]!.toLowerCase(), fallback: defaulted[2]!.replace(/''/g, "'") });
    else if (/^\s*[^,\s]+\s*$/.test(inner)) parts.push({ key: inner.trim().toLowerCase() });
    else parts.push({ glob: escapeBackslash(m[0]) });
  }
  if (last < text.length) parts.push({ glob: escapeBackslash(text.slice(last)) });
  if (parts.every((p) => 'glob' in p || 'literal' in p)) {
    return {
      fixed: parts
        .map((p) => ('glob' in p ? p.glob : escapeGlob((p as { literal: string }).literal)))
        .join(''),
      parts,
    };
  }
  return { parts };
}

/** The escaped glob for this request, or undefined when a variable has no (single) value and no default. */
export function resolveTemplate(template: Template, lookup: ContextLookup): string | undefined {
  if (template.fixed !== undefined) return template.fixed;
  let out = '';
  for (const p of template.parts) {
    if ('glob' in p) out += p.glob;
    else if ('literal' in p) out += escapeGlob(p.literal);
    else {
      const value = lookup(p.key);
      if (typeof value === 'string') out += escapeGlob(value);
      else if (p.fallback !== undefined) out += escapeGlob(p.fallback);
      else return undefined;
    }
  }
  return out;
}

/** The literal text of an escaped glob without wildcards, or undefined when it has wildcards. */
export function literalOf(glob: string): string | undefined {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' || c === '?') return undefined;
    if (c === '\\' && i + 1 < glob.length) out += glob[++i];
    else out += c;
  }
  return out;
}

/** Whether `value` matches the escaped glob (exact comparison without wildcards). */
export function globMatches(glob: string, value: string, style: GlobStyle): boolean {
  const literal = literalOf(glob);
  if (literal !== undefined)
    return style === 'ignoreCase' ? literal.toLowerCase() === value.toLowerCase() : literal === value;
  return compileGlob(glob, style).test(value);
}

/**
 * ArnEquals/ArnLike: each of the six colon-delimited components is matched separately, each may hold `*`
 * and `?` ("IAM JSON policy elements: Condition operators", Amazon Resource Name (ARN) condition operators).
 */
export function arnMatches(glob: string, value: string): boolean {
  const pattern = splitArn(glob, true);
  const actual = splitArn(value, false);
  if (!pattern || !actual) return false;
  return pattern.every((component, i) => globMatches(component, actual[i]!, 'plain'));
}

function splitArn(text: string, escaped: boolean): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length && parts.length < 5; i++) {
    if (escaped && text[i] === '\\') i++;
    else if (text[i] === ':') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (parts.length < 5) return undefined;
  parts.push(text.slice(start));
  return escaped || parts[0] === 'arn' ? parts : undefined;
}
