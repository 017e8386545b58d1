/**
 * MurmurHash3_x86_32 over a binary string (one byte per char). One implementation for the bloom
 * filters (seeded with a fixed seed: it is part of the file format) and the memtable's hash index
 * (seeded per process).
 */
export function murmur3(key: string, seed: number): number {
  const length = key.length;
  const wholeWords = length & ~3;
  let h = seed | 0;
  let i = 0;
  for (; i < wholeWords; i += 4) {
    let w =
      (key.charCodeAt(i) & 0xff) |
      ((key.charCodeAt(i + 1) & 0xff) << 8) |
      ((key.charCodeAt(i + 2) & 0xff) << 16) |
      ((key.charCodeAt(i + 3) & 0xff) << 24);
    w = Math.imul(w, 0xcc9e2d51);
    w = (w << 15) | (w >>> 17);
    h ^= Math.imul(w, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length - wholeWords;
  if (tail > 0) {
    let w = key.charCodeAt(i) & 0xff;
    if (tail > 1) w |= (key.charCodeAt(i + 1) & 0xff) << 8;
    if (tail > 2) w |= (key.charCodeAt(i + 2) & 0xff) << 16;
    w = Math.imul(w, 0xcc9e2d51);
    w = (w << 15) | (w >>> 17);
    h ^= Math.imul(w, 0x1b873593);
  }
  return fmix32(h ^ length);
}

/** Murmur3's finalizer: mixes every input bit into every output bit. Unsigned result. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
