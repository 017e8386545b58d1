/**
 * Zipfian ranks over [0, n): rank r is drawn with probability proportional to 1 / (r + 1)^theta.
 * This is the closed-form approximation of Gray et al., "Quickly Generating Billion-Record
 * Synthetic Databases" (SIGMOD 1994), the generator YCSB uses: O(n) once for the zeta constant,
 * then O(1) per draw with no table, so 20 M items cost no memory.
 */
import type { Rng } from './rng.js';

/** YCSB's default skew: about 1% of the keys take half of the requests at n = 20 M. */
export const DEFAULT_THETA = 0.99;

/** zeta(n, theta) = sum over i in 1..n of 1 / i^theta. */
function zeta(n: number, theta: number): number {
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += 1 / Math.pow(i, theta);
  return sum;
}

export class ZipfianGenerator {
  private readonly alpha: number;
  private readonly zetaN: number;
  private readonly eta: number;
  /** Draws below this (scaled by zetaN) are rank 1: 1 + 0.5^theta. */
  private readonly secondRankBound: number;

  constructor(readonly n: number, readonly theta: number, private readonly rng: Rng) {
    if (!Number.isSafeInteger(n) || n < 2) throw new Error(`a Zipfian generator needs at least 2 items, got ${n}`);
    if (!(theta > 0 && theta < 1)) throw new Error(`theta must be in (0, 1), got ${theta}`);
    this.zetaN = zeta(n, theta);
    this.alpha = 1 / (1 - theta);
    this.secondRankBound = 1 + Math.pow(0.5, theta);
    this.eta = (1 - Math.pow(2 / n, 1 - theta)) / (1 - zeta(2, theta) / this.zetaN);
  }

  /** The next rank: 0 is the most popular item. */
  next(): number {
    const u = this.rng.nextU32() / 4294967296;
    const uz = u * this.zetaN;
    if (uz < 1) return 0;
    if (uz < this.secondRankBound) return 1;
    const rank = Math.floor(this.n * Math.pow(this.eta * u - this.eta + 1, this.alpha));
    return Math.min(rank, this.n - 1);
  }

  /** The share of all draws that goes to the `top` most popular ranks (exact, from the distribution). */
  shareOfTop(top: number): number {
    return zeta(Math.min(top, this.n), this.theta) / this.zetaN;
  }
}
