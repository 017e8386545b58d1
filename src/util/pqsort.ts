/**
 * The partial quicksort Redis' SORT uses when BY and LIMIT are both given (its pqsort.c, a BSD
 * quicksort that skips partitions outside the wanted range): the same pivots, comparisons and
 * swaps, so elements the comparator calls equal end in the same places as in Redis. A stable sort
 * would order the LIMIT window correctly but could put ties elsewhere than Redis does.
 *
 * Only the window [from, to] (element indexes, inclusive) is guaranteed sorted afterwards; the
 * rest is partitioned around it.
 */

export type Compare<T> = (a: T, b: T) => number;

export function partialQuicksort<T>(v: T[], cmp: Compare<T>, from: number, to: number): void {
  const swap = (i: number, j: number): void => {
    const t = v[i];
    v[i] = v[j];
    v[j] = t;
  };
  /** Swaps the `k` elements from i with the `k` from j, pairwise in order. */
  const swapRuns = (i: number, j: number, k: number): void => {
    for (let x = 0; x < k; x++) swap(i + x, j + x);
  };
  /** The index of the median of three, with BSD's comparisons in BSD's order. */
  const median = (i: number, j: number, k: number): number =>
    cmp(v[i], v[j]) < 0
      ? (cmp(v[j], v[k]) < 0 ? j : cmp(v[i], v[k]) < 0 ? k : i)
      : (cmp(v[j], v[k]) > 0 ? j : cmp(v[i], v[k]) < 0 ? i : k);
  /** Whether the partition [lo, hi] holds anything of the window (else it is left as it is). */
  const wanted = (lo: number, hi: number): boolean => !((from < lo && to < lo) || (from > hi && to > hi));

  const sort = (start: number, count: number): void => {
    let a = start;
    let n = count;
    for (;;) {
      if (n < 7) {
        for (let m = a + 1; m < a + n; m++) {
          for (let l = m; l > a && cmp(v[l - 1], v[l]) > 0; l--) swap(l, l - 1);
        }
        return;
      }
      let m = a + Math.floor(n / 2);
      if (n > 7) {
        let l = a;
        let last = a + n - 1;
        if (n > 40) {
          const d = Math.floor(n / 8);
          l = median(l, l + d, l + 2 * d);
          m = median(m - d, m, m + d);
          last = median(last - 2 * d, last - d, last);
        }
        m = median(l, m, last);
      }
      swap(a, m);
      // [a+1, pa) and (pd, end] collect elements equal to the pivot; [pa, pb) are smaller, (pc, pd] larger.
      let pa = a + 1;
      let pb = pa;
      let pc = a + n - 1;
      let pd = pc;
      for (;;) {
        let c = 0;
        while (pb <= pc && (c = cmp(v[pb], v[a])) <= 0) {
          if (c === 0) swap(pa++, pb);
          pb++;
        }
        while (pb <= pc && (c = cmp(v[pc], v[a])) >= 0) {
          if (c === 0) swap(pc, pd--);
          pc--;
        }
        if (pb > pc) break;
        swap(pb++, pc--);
      }
      const end = a + n;
      let r = Math.min(pa - a, pb - pa);
      swapRuns(a, pb - r, r);
      r = Math.min(pd - pc, end - pd - 1);
      swapRuns(pb, end - r, r);
      r = pb - pa;
      if (r > 1 && wanted(a, a + r - 1)) sort(a, r);
      r = pd - pc;
      if (r <= 1) return;
      // The larger-side partition by iteration, as BSD does.
      a = end - r;
      n = r;
      if (!wanted(a, a + r - 1)) return;
    }
  };
  sort(0, v.length);
}
