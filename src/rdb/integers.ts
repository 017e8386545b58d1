/** Integers as Redis' string2ll reads them, for the encodings that store such strings as numbers. */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** "-9223372036854775808" is the longest canonical int64. */
const MAX_DIGITS = 20;

/**
 * The value of `bytes` when it is a 64-bit integer in canonical form (string2ll: optional '-', no
 * leading zeros or '+', not "-0"), else undefined: such strings are what listpacks, intsets and
 * RDB's integer strings hold as numbers.
 */
export function canonicalInteger(bytes: Uint8Array): bigint | undefined {
  const n = bytes.length;
  if (n === 0 || n > MAX_DIGITS) return undefined;
  let i = 0;
  if (bytes[0] === 0x2d) {
    i = 1;
    if (n === 1) return undefined;
  }
  if (bytes[i] === 0x30) return n === 1 ? 0n : undefined;
  for (let j = i; j < n; j++) if (bytes[j] < 0x30 || bytes[j] > 0x39) return undefined;
  const value = BigInt(Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1'));
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

export function decimal(value: bigint | number): Buffer {
  return Buffer.from(String(value), 'latin1');
}
