/**
 * The HyperLogLog representation and estimator (src/types/hyperloglog.ts) on their own, against
 * references gathered now from a real redis-server 7.0 (nothing here is a recorded number):
 * - the bytes: a new HyperLogLog with one element of every length 0..40 (binary included) is the
 *   value redis-server's PFADD writes, which checks MurmurHash64A, the register and run length;
 * - sparse edits: seeded sequences of elements added one call at a time, the sparse value after
 *   each chunk equal to Redis', under several hll-sparse-max-bytes (conversion to dense included);
 * - round trips: sparse -> dense keeps every register (merged registers equal, counts equal), and
 *   a dense value converted back registers-for-registers;
 * - the estimate: PFCOUNT of values with crafted registers (every regime of Ertl's estimator: all
 *   zero, few set, many set, registers at 51 and beyond, the all-63 overflow) and of real sketches
 *   from 1 to 200 000 elements, our count of the same bytes equal to redis-server's.
 * Without redis-server these are skipped visibly (under CI=true they fail).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { RawClient, redisTest, startRedis, type TestServer } from '../e2e/helpers.js';
import { mulberry32 } from '../support/prng.js';
import {
  HLL_DENSE_SIZE, HLL_REGISTERS, Hll, HllEncoding, cacheValid, countPayload, countRegisters, decodeSparse, denseRegisters, isHllPayload, mergeInto,
} from '../../src/types/hyperloglog.js';

let redis: TestServer | null = null;
let client: Redis;

test.before(async () => {
  redis = await startRedis();
  if (redis !== null) client = new Redis({ port: redis.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
});

test.after(async () => {
  client?.disconnect();
  await redis?.stop();
});

/** Element `i` of a seeded stream: mostly short text, sometimes binary of any length up to 40. */
function elementStream(seed: number): (i: number) => Buffer {
  const random = mulberry32(seed);
  return (i) => {
    if (random() < 0.7) return Buffer.from(`e${i}:${Math.floor(random() * 1e9)}`);
    const out = Buffer.alloc(Math.floor(random() * 41));
    for (let j = 0; j < out.length; j++) out[j] = Math.floor(random() * 256);
    return out;
  };
}

async function redisGet(key: string): Promise<Buffer> {
  const value = await client.getBuffer(key);
  assert.ok(value !== null, `redis has ${key}`);
  return value;
}

/** Dense payload with the given registers (as Redis lays them out), cache invalid. */
function denseWith(registers: ArrayLike<number>): Buffer {
  const hll = Hll.create();
  assert.ok(hll.toDense());
  for (let i = 0; i < HLL_REGISTERS; i++) if (registers[i] !== 0) hll.set(i, registers[i], 3000);
  hll.invalidateCache();
  return Buffer.from(hll.bytes());
}

redisTest(test, 'one element of every length (0..40 bytes, binary) gives the bytes redis-server\'s PFADD writes', async () => {
  const random = mulberry32(7);
  const pipeline = client.pipeline();
  const elements: Buffer[] = [];
  for (let len = 0; len <= 40; len++) {
    for (let rep = 0; rep < 3; rep++) {
      const ele = Buffer.alloc(len);
      for (let j = 0; j < len; j++) ele[j] = rep === 0 ? 0x61 + (j % 26) : Math.floor(random() * 256);
      elements.push(ele);
      pipeline.del(`one:${elements.length}`).pfadd(`one:${elements.length}`, ele);
    }
  }
  await pipeline.exec();
  for (let i = 0; i < elements.length; i++) {
    const hll = Hll.create();
    assert.is(hll.add(elements[i], 3000), 1);
    hll.invalidateCache();
    assert.equal(hll.bytes(), await redisGet(`one:${i + 1}`), `element ${elements[i].toString('hex')}`);
  }
});

for (const maxBytes of [3000, 0, 40, 500, 20_000]) {
  redisTest(test, `elements added one PFADD at a time leave Redis' sparse (then dense) bytes, hll-sparse-max-bytes ${maxBytes}`, async () => {
    await client.config('SET', 'hll-sparse-max-bytes', String(maxBytes));
    try {
      const next = elementStream(maxBytes + 1);
      const key = `seq:${maxBytes}`;
      await client.del(key);
      const hll = Hll.create();
      let added = 0;
      let sawSparse = false;
      let sawDense = false;
      for (const chunk of [1, 2, 5, 20, 100, 400, 1500, 3000]) {
        const pipeline = client.pipeline();
        const results: number[] = [];
        for (let i = 0; i < chunk; i++, added++) {
          const ele = next(added);
          pipeline.pfadd(key, ele);
          results.push(hll.add(ele, maxBytes));
        }
        const replies = (await pipeline.exec()) ?? [];
        for (let i = 0; i < chunk; i++) {
          // PFADD's reply: 1 when a register changed (the first PFADD creates the key: always 1).
          const expected = added - chunk + i === 0 ? 1 : results[i];
          assert.is(replies[i][1], expected, `reply to element ${added - chunk + i}`);
        }
        hll.invalidateCache();
        const theirs = await redisGet(key);
        assert.equal(hll.bytes(), theirs, `after ${added} elements`);
        if (hll.encoding === HllEncoding.Sparse) sawSparse = true;
        else sawDense = true;
      }
      // 5 028 elements take about 7 000 sparse bytes.
      if (maxBytes <= 3000) assert.ok(sawDense, 'turned dense');
      if (maxBytes >= 40) assert.ok(sawSparse, 'was sparse');
    } finally {
      await client.config('SET', 'hll-sparse-max-bytes', '3000');
    }
  });
}

test('sparse -> dense keeps every register; the count does not change', () => {
  const next = elementStream(99);
  for (const n of [0, 1, 7, 300, 2000]) {
    const hll = Hll.create();
    for (let i = 0; i < n; i++) hll.add(next(i), 1 << 20);
    assert.is(hll.encoding, HllEncoding.Sparse);
    const sparse = Buffer.from(hll.bytes());
    const fromSparse = new Uint8Array(HLL_REGISTERS);
    assert.ok(mergeInto(fromSparse, sparse));
    assert.ok(hll.toDense());
    const dense = hll.bytes();
    assert.is(dense.length, HLL_DENSE_SIZE);
    assert.ok(isHllPayload(dense));
    assert.equal(dense.subarray(0, 4), sparse.subarray(0, 4), 'magic kept');
    assert.equal(dense.subarray(5, 16), sparse.subarray(5, 16), 'unused bytes and cache copied');
    assert.equal(denseRegisters(dense), [...fromSparse]);
    assert.is(countPayload(dense), countPayload(sparse));
    assert.is(countRegisters(fromSparse), countPayload(sparse));
    // And back: the same registers set into a new sparse value describe the same registers.
    const again = Hll.create();
    for (let i = 0; i < HLL_REGISTERS; i++) if (fromSparse[i] !== 0) again.set(i, fromSparse[i], 1 << 20);
    const back = new Uint8Array(HLL_REGISTERS);
    assert.ok(mergeInto(back, again.bytes()));
    assert.equal([...back], [...fromSparse]);
    if (n > 0) assert.ok(decodeSparse(again.bytes()).includes('v:'));
  }
});

test('a sparse value whose opcodes do not cover 16384 registers is corrupt everywhere', () => {
  const header = Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80', 'latin1');
  const cases = [
    Buffer.concat([header, Buffer.from([0x7f, 0xfe])]), // XZERO:16383
    Buffer.concat([header, Buffer.from([0x7f, 0xff, 0x00])]), // one register too many
    Buffer.concat([header, Buffer.from([0x7f])]), // truncated XZERO
    Buffer.concat([header, Buffer.from([0x7f, 0xfe, 0x83, 0x83])]), // a VAL past the end
    header,
  ];
  for (const bytes of cases) {
    assert.ok(isHllPayload(bytes));
    assert.is(countPayload(bytes), null, bytes.toString('hex'));
    assert.not.ok(mergeInto(new Uint8Array(HLL_REGISTERS), bytes));
    assert.not.ok(Hll.from(bytes).toDense());
  }
  assert.not.ok(isHllPayload(Buffer.from('HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff', 'latin1')), 'unknown encoding');
  assert.not.ok(isHllPayload(Buffer.from('HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff', 'latin1')), 'dense of the wrong size');
  assert.not.ok(isHllPayload(Buffer.from('HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff', 'latin1')), 'magic');
  assert.not.ok(isHllPayload(Buffer.from('HYLL\x01', 'latin1')), 'too short');
});

redisTest(test, 'the estimate of crafted registers is redis-server\'s in every regime of the estimator', async () => {
  const random = mulberry32(2024);
  const shapes: Array<[string, (i: number) => number]> = [
    ['all zero', () => 0],
    ['one register', (i) => (i === 5000 ? 3 : 0)],
    ['few set', () => (random() < 0.01 ? 1 + Math.floor(random() * 5) : 0)],
    ['half set', () => (random() < 0.5 ? 1 + Math.floor(random() * 8) : 0)],
    ['all set, geometric', () => 1 + Math.min(50, Math.floor(-Math.log2(random() || 1e-9)))],
    ['large', () => 10 + Math.floor(random() * 20)],
    ['some at 51', () => (random() < 0.3 ? 51 : 1 + Math.floor(random() * 30))],
    ['all at 51', () => 51],
    ['all at 51 but one', (i) => (i === 0 ? 0 : 51)],
    ['beyond 51 (ignored by the estimator)', () => 40 + Math.floor(random() * 24)],
    ['all 63 (an infinite estimate)', () => 63],
    ['all 52', () => 52],
    ['random 0..63', () => Math.floor(random() * 64)],
  ];
  // Raw replies: estimates beyond 2^53 (and INT64_MIN) must not pass through a JS number.
  const raw = await RawClient.connect((redis as TestServer).port);
  for (const [name, register] of shapes) {
    const registers = Uint8Array.from({ length: HLL_REGISTERS }, (_, i) => register(i));
    const dense = denseWith(registers);
    await client.set('crafted', dense);
    const theirs = (await raw.command('PFCOUNT', 'crafted')).toString('latin1');
    const ours = countPayload(dense);
    assert.is(`:${String(ours)}\r\n`, theirs, name);
    assert.is(`:${String(countRegisters(registers))}\r\n`, theirs, `${name} (merged registers)`);
    // PFCOUNT wrote its result into the cache: the same bytes as ours would hold.
    const cached = Hll.from(dense);
    assert.ok(ours !== null);
    cached.setCachedCardinality(ours);
    assert.equal(cached.bytes(), await redisGet('crafted'), `${name}: cached cardinality bytes`);
    // An infinite estimate is INT64_MIN, whose top bit marks the cache stale again.
    assert.is(cacheValid(cached.bytes()), ours >= 0, name);
  }
  raw.close();
});

redisTest(test, 'the estimate of real sketches from 1 to 200 000 elements is redis-server\'s', async () => {
  const next = elementStream(5);
  await client.del('card');
  let added = 0;
  for (const target of [1, 2, 10, 100, 1000, 3000, 10_000, 50_000, 200_000]) {
    while (added < target) {
      const pipeline = client.pipeline();
      const batch: Buffer[] = [];
      for (; added < target && batch.length < 1000; added++) batch.push(next(added));
      pipeline.pfadd('card', ...batch);
      await pipeline.exec();
    }
    const bytes = await redisGet('card');
    const ours = countPayload(bytes);
    const theirs = await client.pfcount('card');
    assert.is(ours, theirs, `${target} elements`);
    assert.ok(Math.abs(Number(ours) - target) <= Math.max(2, target * 0.05), `${target} elements: ${String(ours)} is a plausible estimate`);
  }
});

test.run();
