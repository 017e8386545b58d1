/**
 * Redis-compatible glob matching (the semantics of Redis' `stringmatchlen`, used by KEYS,
 * SCAN MATCH, CONFIG GET and CLIENT KILL patterns) over binary strings: latin1 strings holding one
 * byte per char, so keys containing any byte match exactly as in Redis.
 *
 * Supported: `*` (any run, including empty), `?` (one byte), `[abc]`, `[^abc]`, `[a-z]` (reversed
 * ranges are swapped, as Redis does), `\x` (literal x, also inside classes). An unterminated
 * class `[abc` extends to the end of the pattern, like Redis.
 *
 * Unlike Redis' recursive matcher, this one remembers only the last `*` and backtracks to it. That
 * is equivalent because every other token consumes exactly one byte, and it keeps the worst case at
 * O(pattern × subject) instead of exponential (Redis caps its recursion for the same reason).
 */

const STAR = 0x2a; // *
const QUESTION = 0x3f; // ?
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const BACKSLASH = 0x5c; // \
const CARET = 0x5e; // ^
const DASH = 0x2d; // -

/** ASCII-only lower-casing, as C's tolower in the "C" locale. */
function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/**
 * Matches the single-byte token starting at `p` against byte `c`.
 * Returns the pattern index just past the token when it matches, or the bitwise complement of that
 * index (a negative number) when it does not, so the caller learns the token's extent either way.
 */
function matchToken(pattern: string, p: number, c: number, nocase: boolean): number {
  const end = pattern.length;
  const t = pattern.charCodeAt(p);
  if (t === QUESTION) return p + 1;
  if (t === OPEN) {
    let i = p + 1;
    const negate = i < end && pattern.charCodeAt(i) === CARET;
    if (negate) i++;
    let matched = false;
    const cl = nocase ? lower(c) : c;
    for (;;) {
      if (i >= end) break; // unterminated class: it ends with the pattern
      const k = pattern.charCodeAt(i);
      if (k === BACKSLASH && i + 1 < end) {
        if (pattern.charCodeAt(i + 1) === c) matched = true;
        i += 2;
      } else if (k === CLOSE) {
        i++;
        break;
      } else if (i + 2 < end && pattern.charCodeAt(i + 1) === DASH) {
        let from = k;
        let to = pattern.charCodeAt(i + 2);
        if (from > to) {
          const swap = from;
          from = to;
          to = swap;
        }
        if (nocase) {
          from = lower(from);
          to = lower(to);
        }
        if (cl >= from && cl <= to) matched = true;
        i += 3;
      } else {
        if (nocase ? lower(k) === cl : k === c) matched = true;
        i++;
      }
    }
    if (negate) matched = !matched;
    return matched ? i : ~i;
  }
  let literal = t;
  let next = p + 1;
  if (t === BACKSLASH && p + 1 < end) {
    literal = pattern.charCodeAt(p + 1);
    next = p + 2;
  }
  const ok = nocase ? lower(literal) === lower(c) : literal === c;
  return ok ? next : ~next;
}

/**
 * Whether `subject` matches the glob `pattern`. Both are binary strings (latin1, one byte per
 * char); Buffers are accepted for convenience and converted once.
 */
export function globMatch(pattern: string | Buffer, subject: string | Buffer, nocase = false): boolean {
  const pat = typeof pattern === 'string' ? pattern : pattern.toString('latin1');
  const str = typeof subject === 'string' ? subject : subject.toString('latin1');
  const plen = pat.length;
  const slen = str.length;
  // Redis quirk, kept for exactness: an empty subject matches only the empty pattern (even '*'
  // does not match it). KEYS and SCAN special-case the pattern '*' (see globMatchesAll).
  if (slen === 0) return plen === 0;
  let p = 0;
  let s = 0;
  let starP = -1; // pattern index just past the last `*` seen
  let starS = 0; // subject index that `*` is currently assumed to extend to
  while (s < slen) {
    if (p < plen) {
      const t = pat.charCodeAt(p);
      if (t === STAR) {
        while (p < plen && pat.charCodeAt(p) === STAR) p++;
        if (p === plen) return true; // a trailing star swallows the rest
        starP = p;
        starS = s;
        continue;
      }
      const next = matchToken(pat, p, str.charCodeAt(s), nocase);
      if (next >= 0) {
        p = next;
        s++;
        continue;
      }
    }
    if (starP < 0) return false;
    p = starP;
    s = ++starS;
  }
  while (p < plen && pat.charCodeAt(p) === STAR) p++;
  return p === plen;
}

/**
 * True for the pattern '*', which KEYS and SCAN treat as "no pattern" (so they skip matching and
 * also list the empty key), exactly as Redis' keysCommand/scanGenericCommand do.
 */
export function globMatchesAll(pattern: string): boolean {
  return pattern.length === 1 && pattern.charCodeAt(0) === STAR;
}

/**
 * The literal bytes every match must start with (escapes resolved), e.g. `user:\*x*` → `user:*x`.
 * SCAN/KEYS use it to seek the ordered keyspace to the first candidate instead of reading it all.
 * Returns '' when the pattern starts with a wildcard. Not valid for case-insensitive matching.
 */
export function globLiteralPrefix(pattern: string): string {
  let prefix = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === STAR || c === QUESTION || c === OPEN) break;
    if (c === BACKSLASH && i + 1 < pattern.length) {
      i++;
      prefix += pattern[i];
      continue;
    }
    prefix += pattern[i];
  }
  return prefix;
}

/** True when the pattern has no wildcard, i.e. it matches exactly one key (its literal prefix). */
export function globIsLiteral(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === STAR || c === QUESTION || c === OPEN) return false;
    if (c === BACKSLASH) i++;
  }
  return true;
}

/**
 * globMatch(pattern, subject) as a function of the subject, for a pattern matched again and again
 * (ACL key patterns, on every command): a literal, or a literal followed by stars (`app:*`, the
 * usual ACL pattern), compares bytes without converting the subject; anything else falls back to
 * globMatch.
 */
export function globMatcher(pattern: string): (subject: Buffer) => boolean {
  let literal = 0;
  while (literal < pattern.length) {
    const c = pattern.charCodeAt(literal);
    if (c === STAR || c === QUESTION || c === OPEN || c === BACKSLASH) break;
    literal++;
  }
  const head = Buffer.from(pattern.slice(0, literal), 'latin1');
  const n = head.length;
  if (literal === pattern.length) return (subject) => subject.length === n && subject.equals(head);
  let rest = literal;
  while (rest < pattern.length && pattern.charCodeAt(rest) === STAR) rest++;
  if (rest === pattern.length) {
    // Only stars after the literal: a prefix test (an empty subject matches no pattern with a star, as in Redis).
    return (subject) => {
      if (subject.length < n || subject.length === 0) return false;
      for (let i = 0; i < n; i++) if (subject[i] !== head[i]) return false;
      return true;
    };
  }
  return (subject) => globMatch(pattern, subject);
}
