import { mulberry32 } from '../support/prng.js';

/** Seeded randomness for the engine's randomized tests, with helpers for ints and bytes. */
export class Random {
  /** Uniform float in [0, 1). */
  readonly next: () => number;
  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

export function seedFromEnv(name = 'SEED'): number {
  const fromEnv = process.env[name];
  return fromEnv !== undefined ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
}
