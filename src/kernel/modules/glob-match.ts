/**
 * fnmatch(3) with no flags, which is how kmod matches module aliases: `*` and `?` also
 * match '/', `[...]` sets with `!`/`^` negation and ranges, `\` escapes the next character,
 * and a `[` without its `]` is an ordinary character.
 */

type GlobToken =
  | { kind: 'char'; char: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'set'; negate: boolean; ranges: Array<[string, string]> };

/** True when the pattern uses any glob syntax; otherwise it only matches itself. */
export function hasGlobSyntax(pattern: string): boolean {
  return /[*?[\\]/.test(pattern);
}

/** The characters every match must start with (everything before the first glob character). */
export function literalPrefix(pattern: string): string {
  const at = pattern.search(/[*?[\\]/);
  return at < 0 ? pattern : pattern.slice(0, at);
}

/** The set starting at pattern[start] === '[', and the index after its ']'; undefined if unterminated. */
function bracketAt(pattern: string, start: number): { token: GlobToken; next: number } | undefined {
  let i = start + 1;
  const negate = pattern[i] === '!' || pattern[i] === '^';
  if (negate) i++;
  const ranges: Array<[string, string]> = [];
  let first = true;
  while (i < pattern.length && (pattern[i] !== ']' || first)) {
    first = false;
    let lo = pattern.charAt(i);
    if (lo === '\\' && i + 1 < pattern.length) lo = pattern.charAt(++i);
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      let hi = pattern.charAt(i + 2);
      i += 2;
      if (hi === '\\' && i + 1 < pattern.length) hi = pattern.charAt(++i);
      ranges.push([lo, hi]);
    } else {
      ranges.push([lo, lo]);
    }
    i++;
  }
  if (i >= pattern.length) return undefined;
  return { token: { kind: 'set', negate, ranges }, next: i + 1 };
}

function globTokens(pattern: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern.charAt(i);
    if (ch === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
      i++;
    } else if (ch === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (ch === '[') {
      const set = bracketAt(pattern, i);
      if (set === undefined) {
        tokens.push({ kind: 'char', char: '[' });
        i++;
      } else {
        tokens.push(set.token);
        i = set.next;
      }
    } else if (ch === '\\' && i + 1 < pattern.length) {
      tokens.push({ kind: 'char', char: pattern.charAt(i + 1) });
      i += 2;
    } else {
      tokens.push({ kind: 'char', char: ch });
      i++;
    }
  }
  return tokens;
}

function tokenMatches(token: GlobToken, ch: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === ch;
    case 'any':
      return true;
    case 'star':
      return false;
    case 'set':
      return token.ranges.some(([lo, hi]) => ch >= lo && ch <= hi) !== token.negate;
  }
}

/** A matcher for one pattern, compiled once: alias tables hold tens of thousands of patterns. */
export function globMatcher(pattern: string): (text: string) => boolean {
  const tokens = globTokens(pattern);
  return (text) => {
    // Greedy match that backtracks only to the last '*': linear enough for alias strings.
    let p = 0;
    let t = 0;
    let starAt = -1;
    let starText = 0;
    while (t < text.length) {
      const token = tokens[p];
      if (token?.kind === 'star') {
        starAt = p++;
        starText = t;
      } else if (token !== undefined && tokenMatches(token, text.charAt(t))) {
        p++;
        t++;
      } else if (starAt >= 0) {
        p = starAt + 1;
        t = ++starText;
      } else {
        return false;
      }
    }
    while (tokens[p]?.kind === 'star') p++;
    return p === tokens.length;
  };
}

export function globMatches(pattern: string, text: string): boolean {
  return globMatcher(pattern)(text);
}
