/**
 * Wildcard patterns (`*`, `?`) of escaped globs (see patterns.ts), compiled once. A pattern with few
 * stars becomes a regular expression; one with more is matched by a state-set simulation, so a policy
 * full of stars cannot make a request value cost more than (value length × pattern length) steps
 * (backtracking regular expressions are polynomial in the number of stars).
 */

export type GlobStyle = 'plain' | 'ignoreCase' | 'resource';

export interface GlobMatcher {
  test(value: string): boolean;
}

type Token =
  { kind: 'char'; char: string } | { kind: 'one'; colon: boolean } | { kind: 'star'; colon: boolean };

/**
 * `plain`: `*` is any run of characters, `?` one character (StringLike, ARN components). `ignoreCase`: the
 * same without regard to case (actions). `resource`: IAM's Resource element, where a `*` inside one of the
 * first five colon-separated ARN segments stays in its segment unless it ends the segment, and anything
 * in the resource part (after the fifth colon) may span `:` and `/`.
 */
function tokenize(glob: string, style: GlobStyle): Token[] {
  const tokens: Token[] = [];
  let colons = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    const inSegment = style === 'resource' && colons < 5;
    if (c === '\\' && i + 1 < glob.length) tokens.push({ kind: 'char', char: glob[++i]! });
    else if (c === '*')
      tokens.push({ kind: 'star', colon: !(inSegment && i + 1 < glob.length && glob[i + 1] !== ':') });
    else if (c === '?') tokens.push({ kind: 'one', colon: !inSegment });
    else {
      if (c === ':') colons++;
      tokens.push({ kind: 'char', char: c });
    }
  }
  return style === 'ignoreCase'
    ? tokens.map((t) => (t.kind === 'char' ? { kind: 'char', char: t.char.toLowerCase() } : t))
    : tokens;
}

const escapeRegex = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function toRegex(tokens: Token[], ignoreCase: boolean): RegExp {
  let source = '';
  for (const t of tokens) {
    if (t.kind === 'char') source += escapeRegex(t.char);
    else if (t.kind === 'one') source += t.colon ? '.' : '[^:]';
    else source += t.colon ? '.*' : '[^:]*';
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
}

/** Simulates the pattern on the set of positions it can be at: linear in the value, per token. */
function toStateSet(tokens: Token[], ignoreCase: boolean): GlobMatcher {
  const size = tokens.length + 1;
  // A star may match nothing: being before it means being after it too.
  const close = (states: Uint8Array): void => {
    for (let i = 0; i < tokens.length; i++) if (states[i] && tokens[i]!.kind === 'star') states[i + 1] = 1;
  };
  return {
    test(raw) {
      const value = ignoreCase ? raw.toLowerCase() : raw;
      let current = new Uint8Array(size);
      let next = new Uint8Array(size);
      current[0] = 1;
      close(current);
      // UTF-16 units, as the regular expressions count them.
      for (let k = 0; k < value.length; k++) {
        const c = value[k]!;
        next.fill(0);
        let any = false;
        for (let i = 0; i < tokens.length; i++) {
          if (!current[i]) continue;
          const t = tokens[i]!;
          const fits = t.kind === 'char' ? t.char === c : t.colon || c !== ':';
          if (!fits) continue;
          if (t.kind === 'star') next[i] = 1;
          else next[i + 1] = 1;
          any = true;
        }
        if (!any) return false;
        close(next);
        [current, next] = [next, current];
      }
      return current[tokens.length] === 1;
    },
  };
}

const MAX_REGEX_STARS = 2;
const CACHE_LIMIT = 5000;
const cache = new Map<string, GlobMatcher>();

/** The matcher of an escaped glob in a style (cached). */
export function compileGlob(glob: string, style: GlobStyle): GlobMatcher {
  const key = `${style}\u0000${glob}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const tokens = tokenize(glob, style);
  const ignoreCase = style === 'ignoreCase';
  const stars = tokens.filter((t) => t.kind === 'star').length;
  const matcher = stars <= MAX_REGEX_STARS ? toRegex(tokens, ignoreCase) : toStateSet(tokens, ignoreCase);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, matcher);
  return matcher;
}
