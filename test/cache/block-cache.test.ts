import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BlockCache } from '../../src/engine/cache/block-cache.js';
import { DataBlock } from '../../src/engine/sstable/block.js';

/** An empty but well-formed block of exactly `bytes` bytes (restart array at the end). */
function blockOf(bytes: number): DataBlock {
  const data = Buffer.alloc(bytes);
  data.writeUInt32LE(0, bytes - 8);
  data.writeUInt32LE(1, bytes - 4);
  return new DataBlock(data, 'f.sst', 0);
}

test('usage is the sum of block sizes and never exceeds capacity', () => {
  const cache = new BlockCache(10000);
  for (let i = 0; i < 3; i++) cache.set(1, i * 4096, blockOf(3000));
  assert.is(cache.usageBytes, 9000);
  assert.is(cache.blockCount, 3);
  cache.set(1, 3 * 4096, blockOf(3000));
  assert.is(cache.usageBytes, 9000, 'one block evicted to make room');
  assert.is(cache.get(1, 0), undefined, 'the oldest went first');
  cache.set(2, 0, blockOf(9999));
  assert.is(cache.usageBytes, 9999);
  assert.is(cache.blockCount, 1);
  assert.ok(cache.usageBytes <= cache.capacityBytes);
});

test('eviction follows recency of use, not of insertion', () => {
  const cache = new BlockCache(4000);
  const a = blockOf(1000);
  cache.set(7, 0, a);
  cache.set(7, 100, blockOf(1000));
  cache.set(7, 200, blockOf(1000));
  cache.set(7, 300, blockOf(1000));
  assert.is(cache.get(7, 0), a, 'touch the oldest');
  cache.set(7, 400, blockOf(1000));
  assert.is(cache.get(7, 0), a, 'recently used block survived');
  assert.is(cache.get(7, 100), undefined, 'least recently used block was evicted');
  assert.ok(cache.get(7, 200) !== undefined);
});

test('hit and miss counters', () => {
  const cache = new BlockCache(1 << 20);
  assert.is(cache.get(1, 0), undefined);
  cache.set(1, 0, blockOf(100));
  cache.get(1, 0);
  cache.get(1, 0);
  cache.get(1, 4096);
  cache.get(2, 0);
  assert.is(cache.hits, 2);
  assert.is(cache.misses, 3);
  cache.resetStats();
  assert.is(cache.hits + cache.misses, 0);
});

test('the same offset in different files are different blocks; evictFile drops only one file', () => {
  const cache = new BlockCache(1 << 20);
  const big = 2 ** 30; // beyond the packed key range: string keys
  for (const file of [1, 2, big]) {
    for (let i = 0; i < 5; i++) cache.set(file, i * 4096, blockOf(100 + file % 7));
  }
  assert.is(cache.blockCount, 15);
  assert.ok(cache.get(1, 4096) !== cache.get(2, 4096));
  cache.evictFile(2);
  assert.is(cache.blockCount, 10);
  assert.is(cache.get(2, 0), undefined);
  assert.ok(cache.get(1, 0) !== undefined);
  assert.ok(cache.get(big, 4 * 4096) !== undefined);
  cache.evictFile(big);
  assert.is(cache.blockCount, 5);
  assert.is(cache.usageBytes, 5 * 101);
  cache.evictFile(12345); // unknown file: nothing happens
  assert.is(cache.blockCount, 5);
});

test('evictFile after evictions and overwrites removes exactly what is left', () => {
  const cache = new BlockCache(5000);
  for (let i = 0; i < 10; i++) cache.set(i % 2, i * 10, blockOf(1000)); // evicts the first five
  cache.set(1, 90, blockOf(500)); // overwrite an entry in place
  assert.is(cache.usageBytes, 4500);
  cache.evictFile(1);
  assert.is(cache.blockCount, 2);
  assert.is(cache.usageBytes, 2000);
  cache.evictFile(0);
  assert.is(cache.usageBytes, 0);
});

test('setCapacity shrinks keeping the most recently used blocks, and grows', () => {
  const cache = new BlockCache(10000);
  for (let i = 0; i < 10; i++) cache.set(3, i, blockOf(1000));
  cache.get(3, 0); // now most recent
  cache.setCapacity(3000);
  assert.is(cache.capacityBytes, 3000);
  assert.is(cache.blockCount, 3);
  assert.ok(cache.get(3, 0) !== undefined);
  assert.ok(cache.get(3, 9) !== undefined);
  assert.ok(cache.get(3, 8) !== undefined);
  assert.is(cache.get(3, 7), undefined);
  cache.setCapacity(20000);
  for (let i = 10; i < 25; i++) cache.set(3, i, blockOf(1000));
  assert.is(cache.usageBytes, 18000);
  cache.evictFile(3);
  assert.is(cache.usageBytes, 0);
});

test('a block larger than the capacity is not kept; capacity 0 keeps nothing', () => {
  const cache = new BlockCache(1000);
  cache.set(1, 0, blockOf(500));
  cache.set(1, 1, blockOf(2000));
  assert.is(cache.get(1, 1), undefined);
  assert.ok(cache.get(1, 0) !== undefined);
  const off = new BlockCache(0);
  off.set(1, 0, blockOf(16));
  assert.is(off.get(1, 0), undefined);
  assert.is(off.usageBytes, 0);
  assert.throws(() => new BlockCache(-1));
});

test('a hit on a block cut from a shared slab gives it its own bytes, so the slab can be freed', () => {
  const slab = Buffer.alloc(64 * 1024, 0x5a);
  const view = slab.subarray(8192, 8192 + 4096);
  view.writeUInt32LE(0, 4096 - 8);
  view.writeUInt32LE(1, 4096 - 4);
  const shared = new DataBlock(view, 'f.sst', 8192, true);
  const own = blockOf(4096);
  const cache = new BlockCache(1 << 20);
  cache.set(1, 0, shared);
  cache.set(1, 4096, own);
  assert.ok(shared.sharesSlab);
  assert.is(shared.data.buffer, slab.buffer, 'not copied before it is read');
  const hit = cache.get(1, 0);
  assert.is(hit, shared);
  assert.not.ok(shared.sharesSlab);
  assert.is.not(shared.data.buffer, slab.buffer);
  assert.is(shared.data.buffer.byteLength, 4096, 'exactly its own bytes, not a pooled slab');
  assert.ok(shared.data.equals(view), 'same contents');
  const ownBefore = own.data;
  cache.get(1, 4096);
  assert.is(own.data, ownBefore, 'a block with its own buffer is left alone');
  assert.is(cache.usageBytes, 8192, 'the charge does not change');
});

test.run();
