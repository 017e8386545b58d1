/**
 * The data both engines are fed: db_bench's shape (16-byte keys, 100-byte values), generated from
 * one seed so the two sides write and read exactly the same bytes in exactly the same order.
 *
 * Keys are db_bench's "%016d" of an index in [0, n). A missing key is "%015d." of an index: same
 * length, spread over the same key range (so range checks cannot reject it; bloom filters must),
 * and never equal to a present key because '.' is not a digit.
 *
 * Values are incompressible random bytes drawn from a fixed pool of 100-byte slices; the slice for
 * (key index, generation) differs between generations, so a read can tell which write it sees.
 * Generating them from a pool costs no allocation or copy in the timed loops.
 */
import { Rng, deriveSeed } from './rng.js';

export const KEY_BYTES = 16;
export const VALUE_BYTES = 100;
/** 2^16 slices: 6.5 MB, enough that neighbouring keys never share a value. */
const POOL_SIZE = 1 << 16;

export function formatKey(index: number): string {
  return index.toString().padStart(KEY_BYTES, '0');
}

export function formatMissingKey(index: number): string {
  return index.toString().padStart(KEY_BYTES - 1, '0') + '.';
}

export class ValuePool {
  private readonly slices: Buffer[] = [];

  constructor(seed: number) {
    const rng = new Rng(deriveSeed(seed, 'values'));
    const slab = Buffer.allocUnsafe(POOL_SIZE * VALUE_BYTES);
    for (let i = 0; i < slab.length; i += 4) slab.writeUInt32LE(rng.nextU32(), i);
    for (let i = 0; i < POOL_SIZE; i++) this.slices.push(slab.subarray(i * VALUE_BYTES, (i + 1) * VALUE_BYTES));
  }

  /** The value written for key `index` by the write pass numbered `generation` (0 = the fill). */
  valueFor(index: number, generation: number): Buffer {
    return this.slices[(index ^ Math.imul(generation, 0x9e37)) & (POOL_SIZE - 1)];
  }
}

/** 0, 1, ..., n-1. */
export function sequentialOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Every index exactly once, shuffled (Fisher-Yates), so a random fill leaves all n keys present. */
export function permutation(n: number, rng: Rng): Int32Array {
  const order = sequentialOrder(n);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** `count` indices drawn uniformly from [0, n), with repeats, as db_bench's overwrite and readrandom do. */
export function uniformOrder(n: number, count: number, rng: Rng): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = rng.below(n);
  return order;
}

/** Maps a key index to the key's string. */
export interface KeySet {
  key(index: number): string;
}

/** All n keys formatted once up front, so key formatting is not timed on either side. */
export class PreformattedKeys implements KeySet {
  private readonly keys: string[];

  constructor(n: number, format: (index: number) => string) {
    this.keys = new Array<string>(n);
    for (let i = 0; i < n; i++) this.keys[i] = format(i);
  }

  key(index: number): string {
    return this.keys[index];
  }
}

/** Keys formatted on demand: for runs too large to hold every key string in memory (beyond RAM). */
export class PresentKeysOnDemand implements KeySet {
  key(index: number): string {
    return formatKey(index);
  }
}

export class MissingKeysOnDemand implements KeySet {
  key(index: number): string {
    return formatMissingKey(index);
  }
}

/** What the engines are fed: n keys in [0, n), the absent keys between them, and the values. */
export class Workload {
  readonly values: ValuePool;

  constructor(
    readonly n: number,
    readonly seed: number,
    readonly present: KeySet,
    readonly missing: KeySet,
  ) {
    this.values = new ValuePool(seed);
  }

  /** A fresh Rng for one purpose (e.g. "fillrandom"), independent of every other purpose. */
  rng(purpose: string): Rng {
    return new Rng(deriveSeed(this.seed, purpose));
  }
}
