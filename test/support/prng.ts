/**
 * mulberry32: a small, fast, seedable PRNG, so every randomized test replays exactly from the
 * seed it prints on failure. Returns floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A uvu test fed with a PRNG seeded from TEST_SEED (or `defaultSeed`); on failure it prints the
 * seed to replay. Pass the suite's `test` function.
 */
export function seededTest(test: (name: string, body: () => void) => void, name: string, defaultSeed: number, body: (random: () => number) => void): void {
  const seed = Number(process.env.TEST_SEED ?? defaultSeed);
  test(name, () => {
    try {
      body(mulberry32(seed));
    } catch (error) {
      console.error(`${name} failed with TEST_SEED=${seed}`);
      throw error;
    }
  });
}
