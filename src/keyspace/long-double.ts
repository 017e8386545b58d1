/**
 * INCRBYFLOAT arithmetic exactly as Redis on x86-64 does it: in C `long double` (x87 80-bit
 * extended precision: 64-bit significand, exponents down to 2^-16445 with subnormals), parsed by
 * glibc's strtold (correctly rounded, decimal and hex forms, inf/nan) and printed with "%.17Lf"
 * (exact binary value rounded to 17 decimals) before trailing zeros are trimmed.
 *
 * A JS double would print 10.5 + 0.1 as 10.59999999999999964 where Redis answers 10.6, so the
 * values are modelled with BigInt: sign × significand × 2^exponent. Only INCRBYFLOAT uses this.
 */

const SIG_MIN = 1n << 63n;
const SIG_LIMIT = 1n << 64n;
/** Exponent of the smallest subnormal's unit: 2^-16445. */
const MIN_EXP = -16445;
/** Largest exponent with a finite value: (2^64 - 1) × 2^16320 is LDBL_MAX. */
const MAX_EXP = 16320;
/** Redis' MAX_LONG_DOUBLE_CHARS: longer input is refused, longer output cannot happen. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

export interface LongDouble {
  /** 'finite', or an infinity (NaN is never produced: it is refused on input). */
  readonly infinite: boolean;
  readonly negative: boolean;
  /** 0n, or in [2^63, 2^64) for normal values, below 2^63 for subnormals (exponent = MIN_EXP). */
  readonly significand: bigint;
  readonly exponent: number;
}

const ZERO: LongDouble = { infinite: false, negative: false, significand: 0n, exponent: 0 };

/** Number of bits of a positive bigint. */
function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

/** num/den (num >= 0, den > 0) rounded to nearest-even long double; undefined on overflow. */
function fromRational(negative: boolean, num: bigint, den: bigint): LongDouble | undefined {
  if (num === 0n) return { infinite: false, negative, significand: 0n, exponent: 0 };
  let exp = bitLength(num) - bitLength(den) - 63;
  if (exp < MIN_EXP) exp = MIN_EXP;
  for (;;) {
    const n = exp < 0 ? num << BigInt(-exp) : num;
    const d = exp > 0 ? den << BigInt(exp) : den;
    let q = n / d;
    const r = n - q * d;
    if (q >= SIG_LIMIT) {
      exp++;
      continue;
    }
    if (q < SIG_MIN && exp > MIN_EXP) {
      exp--;
      continue;
    }
    const twice = r * 2n;
    if (twice > d || (twice === d && (q & 1n) === 1n)) q++;
    if (q === SIG_LIMIT) {
      q = SIG_MIN;
      exp++;
    }
    if (exp > MAX_EXP) return undefined;
    if (q === 0n) return { infinite: false, negative, significand: 0n, exponent: 0 };
    return { infinite: false, negative, significand: q, exponent: exp };
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** Reads [eEpP][+-]?digits at i; returns [exponent (clamped), next index] or undefined when absent/incomplete. */
function readExponent(s: string, i: number): [number, number] | undefined {
  let j = i + 1;
  let negative = false;
  const sign = s.charCodeAt(j);
  if (sign === 0x2b || sign === 0x2d) {
    negative = sign === 0x2d;
    j++;
  }
  if (j >= s.length || !isDigit(s.charCodeAt(j))) return undefined;
  let value = 0;
  while (j < s.length && isDigit(s.charCodeAt(j))) {
    if (value < 1e9) value = value * 10 + (s.charCodeAt(j) - 0x30);
    j++;
  }
  return [negative ? -value : value, j];
}

/**
 * Redis' string2ld: strtold over the whole text, refusing leading spaces, trailing garbage, NaN,
 * overflow, and underflow to zero. The text is latin1 (one char per byte).
 */
export function parseLongDouble(s: string): LongDouble | undefined {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return undefined;
  let i = 0;
  let negative = false;
  const sign = s.charCodeAt(0);
  if (sign === 0x2b || sign === 0x2d) {
    negative = sign === 0x2d;
    i++;
  }
  const rest = s.slice(i).toLowerCase();
  if (rest === 'inf' || rest === 'infinity') return { infinite: true, negative, significand: 0n, exponent: 0 };
  if (rest.startsWith('nan')) return undefined;
  if (rest.startsWith('0x')) return parseHex(s, i + 2, negative);
  // Decimal: digits [. digits] [e exp]
  let digits = '';
  let fractionDigits = 0;
  let any = false;
  while (i < s.length && isDigit(s.charCodeAt(i))) {
    digits += s[i++];
    any = true;
  }
  if (i < s.length && s.charCodeAt(i) === 0x2e) {
    i++;
    while (i < s.length && isDigit(s.charCodeAt(i))) {
      digits += s[i++];
      fractionDigits++;
      any = true;
    }
  }
  if (!any) return undefined;
  let exp10 = -fractionDigits;
  if (i < s.length && (s.charCodeAt(i) | 0x20) === 0x65) {
    const e = readExponent(s, i);
    if (e === undefined) return undefined;
    exp10 += e[0];
    i = e[1];
  }
  if (i !== s.length) return undefined;
  const trimmed = digits.replace(/^0+/, '');
  if (trimmed.length === 0) return { infinite: false, negative, significand: 0n, exponent: 0 };
  // 10^(magnitude-1) <= |value| < 10^magnitude; far outside the long double range, skip the bigints.
  const magnitude = trimmed.length + exp10;
  if (magnitude > 4940) return undefined;
  if (magnitude < -4960) return undefined;
  const mantissa = BigInt(trimmed);
  const result =
    exp10 >= 0 ? fromRational(negative, mantissa * 10n ** BigInt(exp10), 1n) : fromRational(negative, mantissa, 10n ** BigInt(-exp10));
  if (result === undefined || result.significand === 0n) return undefined; // ERANGE: overflow, or underflow to zero
  return result;
}

function parseHex(s: string, start: number, negative: boolean): LongDouble | undefined {
  let i = start;
  let mantissa = 0n;
  let exp2 = 0;
  let any = false;
  while (i < s.length && hexValue(s.charCodeAt(i)) >= 0) {
    mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(i++)));
    any = true;
  }
  if (i < s.length && s.charCodeAt(i) === 0x2e) {
    i++;
    while (i < s.length && hexValue(s.charCodeAt(i)) >= 0) {
      mantissa = mantissa * 16n + BigInt(hexValue(s.charCodeAt(i++)));
      exp2 -= 4;
      any = true;
    }
  }
  if (!any) return undefined;
  if (i < s.length && (s.charCodeAt(i) | 0x20) === 0x70) {
    const e = readExponent(s, i);
    if (e === undefined) return undefined;
    exp2 += e[0];
    i = e[1];
  }
  if (i !== s.length) return undefined;
  if (mantissa === 0n) return { infinite: false, negative, significand: 0n, exponent: 0 };
  const magnitude = bitLength(mantissa) + exp2;
  if (magnitude > 16400 || magnitude < -16500) return undefined;
  const result = exp2 >= 0 ? fromRational(negative, mantissa << BigInt(exp2), 1n) : fromRational(negative, mantissa, 1n << BigInt(-exp2));
  if (result === undefined || result.significand === 0n) return undefined;
  return result;
}

/** a + b rounded to long double; undefined when the result is infinite or NaN. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | undefined {
  if (a.infinite || b.infinite) return undefined;
  if (a.significand === 0n && b.significand === 0n) {
    return { ...ZERO, negative: a.negative && b.negative };
  }
  const exp = Math.min(a.exponent, b.exponent);
  const x = (a.negative ? -a.significand : a.significand) << BigInt(a.exponent - exp);
  const y = (b.negative ? -b.significand : b.significand) << BigInt(b.exponent - exp);
  const sum = x + y;
  if (sum === 0n) return ZERO;
  const negative = sum < 0n;
  const magnitude = negative ? -sum : sum;
  return exp >= 0 ? fromRational(negative, magnitude << BigInt(exp), 1n) : fromRational(negative, magnitude, 1n << BigInt(-exp));
}

const FRACTION_DIGITS = 17;
const SCALE = 10n ** BigInt(FRACTION_DIGITS);

/** Redis' ld2string(..., LD_STR_HUMAN): "%.17Lf", trailing zeros and dot trimmed, "-0" as "0". */
export function formatLongDouble(value: LongDouble): string {
  if (value.infinite) return value.negative ? '-inf' : 'inf';
  let scaled: bigint;
  if (value.exponent >= 0) {
    scaled = (value.significand << BigInt(value.exponent)) * SCALE;
  } else {
    const shift = BigInt(-value.exponent);
    const num = value.significand * SCALE;
    scaled = num >> shift;
    const remainder = num - (scaled << shift);
    const half = 1n << (shift - 1n);
    if (remainder > half || (remainder === half && (scaled & 1n) === 1n)) scaled++;
  }
  const padded = scaled.toString().padStart(FRACTION_DIGITS + 1, '0');
  const intPart = padded.slice(0, padded.length - FRACTION_DIGITS);
  const fraction = padded.slice(padded.length - FRACTION_DIGITS).replace(/0+$/, '');
  const digits = fraction.length > 0 ? `${intPart}.${fraction}` : intPart;
  const text = value.negative ? `-${digits}` : digits;
  return text === '-0' ? '0' : text;
}
