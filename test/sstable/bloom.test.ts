import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CorruptionError } from '../../src/engine/errors.js';
import { BloomFilter, BloomFilterBuilder, bloomHash, bloomProbes } from '../../src/engine/sstable/bloom.js';
import { mulberry32 as rng } from '../support/prng.js';


const SEED = Number(process.env.TEST_SEED ?? 0xb100);

function build(keys: string[], bitsPerKey: number): BloomFilter {
  const builder = new BloomFilterBuilder(bitsPerKey);
  for (const key of keys) builder.addKey(key);
  return new BloomFilter(builder.finish(), 'f.sst', 0);
}

function randomBinaryKey(random: () => number): string {
  let key = '';
  const length = 1 + Math.floor(random() * 24);
  for (let i = 0; i < length; i++) key += String.fromCharCode(Math.floor(random() * 256));
  return key;
}

test('hash is MurmurHash3 x86_32 (published test vectors)', () => {
  assert.is(bloomHash('', 0), 0);
  assert.is(bloomHash('', 1), 0x514e28b7);
  assert.is(bloomHash('', 0xffffffff), 0x81f16f39);
  assert.is(bloomHash('\0\0\0\0', 0), 0x2362f9de);
  assert.is(bloomHash('test', 0), 0xba6bd213);
  assert.is(bloomHash('Hello, world!', 0x9747b28c), 0x24884cba);
  assert.is(bloomHash('The quick brown fox jumps over the lazy dog', 0x9747b28c), 0x2fa826cd);
  assert.is(bloomHash('\xff\xfe\x80', 0), bloomHash(Buffer.from([0xff, 0xfe, 0x80]).toString('latin1'), 0));
});

test('filter bits are exactly those docs/format.md describes', () => {
  const fmix32 = (x: number): number => {
    x ^= x >>> 16;
    x = Math.imul(x, 0x85ebca6b);
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35);
    return (x ^ (x >>> 16)) >>> 0;
  };
  const keys = ['alpha', 'beta', '', '\0\xff', 'a much longer key than the others'];
  const builder = new BloomFilterBuilder(10);
  for (const key of keys) builder.addKey(key);
  const actual = builder.finish();
  const lines = Math.max(1, Math.ceil((keys.length * 10) / 512));
  const expected = Buffer.alloc(lines * 64 + 1);
  for (const key of keys) {
    const h = bloomHash(key);
    const line = Math.floor((h * lines) / 2 ** 32);
    let p = fmix32((h ^ 0x9e3779b9) >>> 0);
    for (let i = 0; i < 7; i++) {
      const bit = p >>> 23;
      expected[line * 64 + (bit >> 3)] |= 1 << (bit & 7);
      p = Math.imul(p, 0x9e3779b9) >>> 0;
    }
  }
  expected[lines * 64] = 7;
  assert.is(actual.toString('hex'), expected.toString('hex'));
});

test('no false negatives, for readable and binary keys', () => {
  const random = rng(SEED);
  const readable = Array.from({ length: 20000 }, (_, i) => `user:${i}`);
  const binary = Array.from({ length: 20000 }, () => randomBinaryKey(random));
  for (const keys of [readable, binary, ['']]) {
    const filter = build(keys, 10);
    for (const key of keys) assert.ok(filter.mayContain(key), `false negative for ${JSON.stringify(key)} (seed ${SEED})`);
  }
});

test('false-positive rate at 10 bits/key is within 2x of theory', () => {
  const random = rng(SEED + 1);
  const bitsPerKey = 10;
  const k = bloomProbes(bitsPerKey);
  assert.is(k, 7);
  const theory = Math.pow(1 - Math.exp(-k / bitsPerKey), k);
  const sequential = (i: number): string => `key${String(i).padStart(10, '0')}`;
  // The large filter guards against probe schemes whose quality drifts with size.
  const shapes: Array<[string, number, (i: number) => string]> = [
    ['sequential', 10000, sequential],
    ['binary', 10000, () => randomBinaryKey(random)],
    ['sequential', 300000, sequential],
  ];
  for (const [name, n, make] of shapes) {
    const present = new Set<string>();
    while (present.size < n) present.add(make(present.size));
    const filter = build([...present], bitsPerKey);
    let probes = 0;
    let positives = 0;
    for (let i = 0; probes < 100000; i++) {
      const key = name === 'sequential' ? `absent${i}` : randomBinaryKey(random);
      if (present.has(key)) continue;
      probes++;
      if (filter.mayContain(key)) positives++;
    }
    const rate = positives / probes;
    assert.ok(rate <= 2 * theory && rate >= theory / 2, `${name} x${n}: rate ${rate} vs theory ${theory} (seed ${SEED})`);
  }
});

test('filter size follows bits per key in whole 64-byte lines', () => {
  const builder = new BloomFilterBuilder(10);
  for (let i = 0; i < 1000; i++) builder.addKey(`k${i}`);
  const data = builder.finish();
  assert.is(data.length, 20 * 64 + 1); // ceil(10000 bits / 512)
  assert.is(data[data.length - 1], 7);
  assert.is(new BloomFilterBuilder(10).finish().length, 65);
  const empty = new BloomFilter(new BloomFilterBuilder(10).finish(), 'f.sst', 0);
  assert.is(empty.mayContain('anything'), false);
});

test('a filter with a bad probe count or too few bytes is corruption', () => {
  const raw = new BloomFilterBuilder(10).finish();
  raw[raw.length - 1] = 0;
  assert.throws(() => new BloomFilter(raw, 'f.sst', 77), (e: unknown) => e instanceof CorruptionError && e.offset === 77);
  raw[raw.length - 1] = 31;
  assert.throws(() => new BloomFilter(raw, 'f.sst', 77), (e: unknown) => e instanceof CorruptionError);
  assert.throws(() => new BloomFilter(Buffer.alloc(3), 'f.sst', 77), (e: unknown) => e instanceof CorruptionError);
  assert.throws(() => new BloomFilter(Buffer.alloc(100), 'f.sst', 77), (e: unknown) => e instanceof CorruptionError);
});

test.run();
