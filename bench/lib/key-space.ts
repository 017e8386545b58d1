/**
 * The beyond-RAM bench's key space: key i is `key:%012d`, its value names i too (so any reply can
 * be checked without keeping per-key state), and orders over [0, n) come from affine
 * permutations instead of n-entry arrays, so the benchmark's own memory stays small at 20 M keys.
 */

export const KEY_PREFIX = 'key:';
export const KEY_DIGITS = 12;
export const VALUE_PREFIX = 'val:';
/** Keys are 12 decimal digits; the permutation's products must stay exact doubles (n^2 < 2^53). */
export const MAX_KEYS = 90_000_000;

/** The key of index i, e.g. `key:000000000042`. */
export function keyOf(index: number): string {
  return KEY_PREFIX + String(index).padStart(KEY_DIGITS, '0');
}

/** Writes index as 12 ASCII digits at buf[offset..offset+12), the way `%012d` would. */
export function writeDigits(buf: Buffer, offset: number, index: number): void {
  let rest = index;
  for (let d = KEY_DIGITS - 1; d >= 0; d--) {
    buf[offset + d] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
}

/**
 * A value template of `size` bytes: `val:` + 12 digits (filled per key at VALUE_DIGITS_OFFSET) +
 * `:` + filler letters. Values shorter than that header are not supported.
 */
export const VALUE_DIGITS_OFFSET = VALUE_PREFIX.length;
export const MIN_VALUE_SIZE = VALUE_PREFIX.length + KEY_DIGITS + 1;

export function valueTemplate(size: number): Buffer {
  if (size < MIN_VALUE_SIZE) throw new Error(`values must be at least ${MIN_VALUE_SIZE} bytes`);
  const value = Buffer.alloc(size);
  value.write(VALUE_PREFIX, 0, 'latin1');
  value[VALUE_DIGITS_OFFSET + KEY_DIGITS] = 0x3a; // ':'
  // A fixed, not-too-regular filler: values are not compressed, so their content only has to be checkable.
  for (let i = MIN_VALUE_SIZE; i < size; i++) value[i] = 0x61 + ((i * 7) % 26);
  return value;
}

/** The exact value stored under key `index` (what a GET must return). */
export function valueOf(index: number, template: Buffer): Buffer {
  const value = Buffer.from(template);
  writeDigits(value, VALUE_DIGITS_OFFSET, index);
  return value;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * j -> (stride * j + offset) mod n, a bijection on [0, n) when gcd(stride, n) = 1. With a stride
 * near n times an irrational fraction, consecutive j land far apart and any prefix j < k is spread
 * evenly over the key space: the load order, the Zipfian ranks and the in-cache set all use one
 * (each with its own fraction, so they are unrelated to one another).
 */
export class ScatterPermutation {
  private readonly stride: number;
  private readonly offset: number;

  constructor(readonly n: number, fraction: number) {
    if (!Number.isSafeInteger(n) || n <= 0 || n > MAX_KEYS) throw new Error(`key count must be 1..${MAX_KEYS}, got ${n}`);
    let stride = Math.max(1, Math.floor(n * fraction));
    while (gcd(stride, n) !== 1) stride++;
    this.stride = stride % n;
    this.offset = Math.floor(n * fraction * fraction) % n;
  }

  at(j: number): number {
    return (this.stride * j + this.offset) % this.n;
  }
}

/** Fractional parts of irrational numbers: unrelated strides for unrelated purposes. */
export const LOAD_ORDER_FRACTION = 0.6180339887498949; // golden ratio - 1
export const ZIPF_SCRAMBLE_FRACTION = 0.4142135623730951; // sqrt(2) - 1
export const HOT_SET_FRACTION = 0.7320508075688772; // sqrt(3) - 1
