/**
 * Doubles as Redis reads and prints them for sorted sets: glibc's strtod (what Redis calls on
 * every score, weight and range bound), the two ways Redis checks its result, and the text a
 * listpack keeps for a score (what ZSCAN of a small sorted set shows).
 *
 * JS's Number() is not strtod: it accepts "0x10" only without a fraction or exponent, refuses
 * "0x1p3", "5." is fine but "inf" is not, and it ignores trailing spaces. So the grammar is
 * walked here and only the decimal digits are handed to Number(), which rounds them correctly,
 * as glibc does. Texts are latin1 strings (one char per byte), as arguments arrive.
 */

export interface StrtodResult {
  /** The parsed value (0 when nothing was parsed). */
  value: number;
  /** Index after the last char parsed; equal to `start` when nothing was. */
  end: number;
  /**
   * glibc sets ERANGE: a finite literal overflowed to ±inf, or a nonzero one came out as zero
   * (subnormal results also set it, but nobody here refuses those).
   */
  outOfRange: boolean;
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Case-insensitive: does `s` hold the lower-case `word` at `at`? */
function hasWord(s: string, at: number, word: string): boolean {
  if (at + word.length > s.length) return false;
  for (let i = 0; i < word.length; i++) {
    if ((s.charCodeAt(at + i) | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * An exponent at `at` ('e' or 'p' already seen there): [sign] digits. Returns [value, end], or
 * undefined when no digit follows (strtod then leaves the letter unparsed). Huge exponents are
 * capped: beyond ±100000 every double has long overflowed or underflowed.
 */
function exponentAt(s: string, at: number): [number, number] | undefined {
  let i = at + 1;
  let negative = false;
  const sign = s.charCodeAt(i);
  if (sign === 0x2b || sign === 0x2d) {
    negative = sign === 0x2d;
    i++;
  }
  if (i >= s.length || !isDigit(s.charCodeAt(i))) return undefined;
  let value = 0;
  while (i < s.length && isDigit(s.charCodeAt(i))) {
    if (value < 100_000) value = value * 10 + (s.charCodeAt(i) - 0x30);
    i++;
  }
  return [negative ? -value : value, i];
}

/** glibc strtod on `s` from `start`. */
export function strtod(s: string, start = 0): StrtodResult {
  let i = start;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let negative = false;
  const sign = s.charCodeAt(i);
  if (sign === 0x2b || sign === 0x2d) {
    negative = sign === 0x2d;
    i++;
  }
  const signed = (v: number): number => (negative ? -v : v);
  const nothing: StrtodResult = { value: 0, end: start, outOfRange: false };
  if (hasWord(s, i, 'inf')) {
    const end = hasWord(s, i + 3, 'inity') ? i + 8 : i + 3;
    return { value: signed(Infinity), end, outOfRange: false };
  }
  if (hasWord(s, i, 'nan')) {
    let end = i + 3;
    // nan(n-char-sequence): letters, digits and '_' between parentheses.
    if (s.charCodeAt(end) === 0x28) {
      let j = end + 1;
      while (j < s.length && /[0-9A-Za-z_]/.test(s[j])) j++;
      if (s.charCodeAt(j) === 0x29) end = j + 1;
    }
    return { value: NaN, end, outOfRange: false };
  }
  if (s.charCodeAt(i) === 0x30 && (s.charCodeAt(i + 1) | 0x20) === 0x78) {
    const hex = hexAt(s, i + 2, negative);
    // "0x" without hex digits is the number 0 followed by an 'x' strtod does not read.
    return hex ?? { value: signed(0), end: i + 1, outOfRange: false };
  }
  const digitsStart = i;
  let digits = 0;
  let nonzero = false;
  while (i < s.length && isDigit(s.charCodeAt(i))) {
    if (s.charCodeAt(i) !== 0x30) nonzero = true;
    digits++;
    i++;
  }
  if (s.charCodeAt(i) === 0x2e) {
    i++;
    while (i < s.length && isDigit(s.charCodeAt(i))) {
      if (s.charCodeAt(i) !== 0x30) nonzero = true;
      digits++;
      i++;
    }
  }
  if (digits === 0) return nothing;
  if ((s.charCodeAt(i) | 0x20) === 0x65) {
    const exponent = exponentAt(s, i);
    if (exponent !== undefined) i = exponent[1];
  }
  // The slice is a JS numeric literal too (digits, one '.', an exponent), so Number() rounds it
  // correctly to the nearest double, ties to even, as glibc does.
  const magnitude = Number(s.slice(digitsStart, i));
  const outOfRange = (magnitude === Infinity) || (nonzero && magnitude === 0);
  return { value: signed(magnitude), end: i, outOfRange };
}

/** A hex float after "0x": mantissa digits [. digits] [p exponent]; undefined without a digit. */
function hexAt(s: string, at: number, negative: boolean): StrtodResult | undefined {
  let i = at;
  let mantissa = 0n;
  let exp2 = 0;
  let any = false;
  while (i < s.length && hexValue(s.charCodeAt(i)) >= 0) {
    mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(i++)));
    any = true;
  }
  if (s.charCodeAt(i) === 0x2e && (any || hexValue(s.charCodeAt(i + 1)) >= 0)) {
    i++;
    while (i < s.length && hexValue(s.charCodeAt(i)) >= 0) {
      mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(i++)));
      exp2 -= 4;
      any = true;
    }
  }
  if (!any) return undefined;
  if ((s.charCodeAt(i) | 0x20) === 0x70) {
    const exponent = exponentAt(s, i);
    if (exponent !== undefined) {
      exp2 += exponent[0];
      i = exponent[1];
    }
  }
  const magnitude = scaleToDouble(mantissa, exp2);
  const outOfRange = magnitude === Infinity || (mantissa !== 0n && magnitude === 0);
  return { value: negative ? -magnitude : magnitude, end: i, outOfRange };
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** mantissa × 2^exp2 rounded to the nearest double (ties to even), subnormals and overflow included. */
function scaleToDouble(mantissa: bigint, exp2: number): number {
  if (mantissa === 0n) return 0;
  const top = bitLength(mantissa) - 1 + exp2; // exponent of the leading bit
  if (top > 1100) return Infinity;
  if (top < -1200) return 0;
  // The unit of the last place the result can keep: 53 bits below the leading one, never finer than 2^-1074.
  const lsb = Math.max(top - 52, -1074);
  let q = mantissa;
  if (lsb > exp2) {
    const shift = BigInt(lsb - exp2);
    q = mantissa >> shift;
    const rest = mantissa - (q << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q++;
    return Number(q) * 2 ** lsb;
  }
  return Number(q) * 2 ** exp2;
}

/**
 * Redis' string2d, behind getDoubleFromObject (ZADD and ZINCRBY scores, WEIGHTS): the whole text
 * must parse, with no leading space, no overflow or underflow to zero, and not NaN. Undefined when
 * Redis refuses it.
 */
export function parseStrictDouble(text: string): number | undefined {
  if (text.length === 0 || isSpace(text.charCodeAt(0))) return undefined;
  const r = strtod(text);
  if (r.end !== text.length || Number.isNaN(r.value)) return undefined;
  if (r.outOfRange && (r.value === 0 || !Number.isFinite(r.value))) return undefined;
  return r.value;
}

/**
 * A score range bound as zslParseRange reads it: plain strtod from `start` (leading spaces and
 * overflow to ±inf allowed, "" is 0), which must stop at the end of the text or at a NUL byte (C
 * sees the argument end there), and must not be NaN. Undefined when Redis refuses it.
 */
export function parseRangeDouble(text: string, start: number): number | undefined {
  const r = strtod(text, start);
  if (r.end < text.length && text.charCodeAt(r.end) !== 0) return undefined;
  if (Number.isNaN(r.value)) return undefined;
  return r.value;
}

const TWO_62 = 2 ** 62;

/**
 * A score as a listpack holds it (Redis' d2string): integral values within ±2^62 as integers,
 * everything else as %.17g. ZSCAN of a listpack-encoded sorted set answers with this text.
 * `formatG17` is the %.17g formatter (the reply writer's).
 */
export function listpackScoreText(score: number, formatG17: (d: number) => string): string {
  if (Number.isInteger(score) && score >= -TWO_62 && score <= TWO_62) {
    return score === 0 ? '0' : BigInt(score).toString();
  }
  return formatG17(score);
}
