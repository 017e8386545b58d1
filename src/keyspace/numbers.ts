/**
 * Numbers as Redis reads them from strings and arguments: string2ll (signed 64-bit, canonical
 * decimal only) and the range checks of getLongLongFromObject / getIntFromObject, with their
 * exact error texts. Values that fit a double exactly come back as numbers, the rest as bigints,
 * so the common case (small counters) never touches BigInt.
 */

export const INT64_MAX = 0x7fff_ffff_ffff_ffffn;
export const INT64_MIN = -0x8000_0000_0000_0000n;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

export const ERR_NOT_INTEGER = 'ERR value is not an integer or out of range';
export const ERR_INT_RANGE = `ERR value is out of range, value must between ${INT32_MIN} and ${INT32_MAX}`;
export const ERR_SYNTAX = 'ERR syntax error';
export const ERR_WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/** A 64-bit integer: a number when it is a safe integer, else a bigint. */
export type Int64 = number | bigint;

/**
 * Redis' string2ll over bytes[start, end): optional '-', no '+', no leading zeros, no spaces,
 * within the signed 64-bit range. Undefined when the text is not such a number.
 */
export function parseInt64(bytes: Uint8Array, start = 0, end = bytes.length): Int64 | undefined {
  const length = end - start;
  if (length === 0 || length >= 21) return undefined;
  if (length === 1 && bytes[start] === 0x30) return 0;
  let i = start;
  const negative = bytes[i] === 0x2d;
  if (negative && ++i === end) return undefined;
  const first = bytes[i];
  if (first < 0x31 || first > 0x39) return undefined;
  if (end - i <= 15) {
    let value = 0;
    for (; i < end; i++) {
      const d = bytes[i] - 0x30;
      if (d < 0 || d > 9) return undefined;
      value = value * 10 + d;
    }
    return negative ? -value : value;
  }
  let value = 0n;
  for (; i < end; i++) {
    const d = bytes[i] - 0x30;
    if (d < 0 || d > 9) return undefined;
    value = value * 10n + BigInt(d);
  }
  if (negative) value = -value;
  if (value > INT64_MAX || value < INT64_MIN) return undefined;
  return normalizeInt64(value);
}

/** A bigint as Int64: a number when that is exact. */
export function normalizeInt64(value: bigint): Int64 {
  return value >= -0x1f_ffff_ffff_ffffn && value <= 0x1f_ffff_ffff_ffffn ? Number(value) : value;
}

/** Int64 as a bigint. */
export function toBigInt(value: Int64): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}

/** Comparison of two Int64 values. */
export function compareInt64(a: Int64, b: Int64): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = toBigInt(a);
  const y = toBigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a + b, or undefined when the result leaves the signed 64-bit range. */
export function addInt64(a: Int64, b: Int64): Int64 | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  const sum = toBigInt(a) + toBigInt(b);
  if (sum > INT64_MAX || sum < INT64_MIN) return undefined;
  return normalizeInt64(sum);
}

/** getLongLongFromObject on an argument. */
export function parseIntegerArg(arg: Buffer): Int64 | undefined {
  return parseInt64(arg, 0, arg.length);
}

/** An argument that must be a safe integer (offsets, counts); undefined when it is not an integer or beyond 2^53. */
export function parseSafeIntegerArg(arg: Buffer): number | undefined {
  const value = parseInt64(arg, 0, arg.length);
  return typeof value === 'number' ? value : undefined;
}

/**
 * getIntFromObjectOrReply: the value, or the error text Redis answers (`notInteger` replaces the
 * generic message when the command passes its own, like SWAPDB's "invalid first DB index").
 */
export function parseInt32Arg(arg: Buffer, notInteger: string = ERR_NOT_INTEGER): number | string {
  const value = parseInt64(arg, 0, arg.length);
  if (value === undefined) return notInteger;
  if (typeof value !== 'number' || value < INT32_MIN || value > INT32_MAX) {
    return notInteger === ERR_NOT_INTEGER ? ERR_INT_RANGE : notInteger;
  }
  return value;
}

/**
 * An argument as Redis' `%s` (`%.<max>s`) prints it in an error: up to its first NUL byte, at
 * most `max` bytes, one char per byte (the reply writes such text back as the same bytes).
 */
export function cString(arg: Buffer, max = arg.length): string {
  const nul = arg.indexOf(0);
  return arg.toString('latin1', 0, Math.min(nul === -1 ? arg.length : nul, max));
}

/** ASCII case-insensitive comparison of an argument with a lower-case word. */
export function argIs(arg: Buffer, lowerWord: string): boolean {
  if (arg.length !== lowerWord.length) return false;
  for (let i = 0; i < arg.length; i++) {
    let c = arg[i];
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lowerWord.charCodeAt(i)) return false;
  }
  return true;
}

/** Decimal text of an Int64 as latin1 bytes' string. */
export function int64Text(value: Int64): string {
  return typeof value === 'number' ? String(value) : value.toString();
}
