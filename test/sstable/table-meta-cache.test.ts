/**
 * Filters and indexes charged to the block cache (TableReader's cacheMeta, the server's
 * cache-index-and-filter-blocks): read in partitions through the cache (table-meta.ts), evicted
 * ones read again from the file, pinned ones kept whole by their reader as a reservation; lookups
 * and scans give the same answers throughout.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlockCache } from '../../src/engine/cache/block-cache.js';
import { NodeEnv } from '../../src/engine/env/node-env.js';
import { CorruptionError } from '../../src/engine/errors.js';
import { EntryKind } from '../../src/engine/types.js';
import { DataBlock } from '../../src/engine/sstable/block.js';
import { decodeFooter, FOOTER_BYTES, tableFileName } from '../../src/engine/sstable/format.js';
import { TableBuilder } from '../../src/engine/sstable/table-builder.js';
import { newTableReadStats, TableReader } from '../../src/engine/sstable/table-reader.js';
import { FilterPartition } from '../../src/engine/sstable/filter-partition.js';

const env = new NodeEnv();
const KEYS = 20000;

function keyOf(i: number): string {
  // Binary bytes in every key, so the filter and index see more than ASCII.
  return `k\0${String(i).padStart(6, '0')}\xff`;
}

async function withTable(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-meta-'));
  try {
    const builder = await TableBuilder.create(env, dir, 1, { blockSize: 256 });
    for (let i = 0; i < KEYS; i++) {
      const wait = builder.add(keyOf(i), i + 1, EntryKind.Put, Buffer.from(`value-${i}`));
      if (wait) await wait;
    }
    await builder.finish();
    await run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function checkAll(reader: TableReader, context: string): void {
  for (let i = 0; i < KEYS; i += 7) {
    const found = reader.get(keyOf(i), Number.MAX_SAFE_INTEGER);
    assert.not.instance(found, Promise, context);
    assert.is((found as { value: Buffer } | undefined)?.value.toString(), `value-${i}`, `${context}: key ${i}`);
    assert.is(reader.get(`${keyOf(i)}x`, Number.MAX_SAFE_INTEGER), undefined, `${context}: absent key after ${i}`);
  }
}

test('charged: filter and index partitions are read on demand into the cache; evicted, read again once', async () => {
  await withTable(async (dir) => {
    const cache = new BlockCache(8 * 1024 * 1024);
    const stats = newTableReadStats();
    const reader = TableReader.open(env, dir, 1, cache, { syncReads: true, stats, cacheMeta: true });
    assert.ok(reader.metaBytes > 16 * 1024, `${reader.metaBytes} bytes of filter and index: several partitions`);
    assert.ok(reader.residentBytes > 0 && reader.residentBytes * 20 < reader.metaBytes, `the reader keeps only the top level (${reader.residentBytes} bytes)`);
    assert.is(cache.usageBytes, 0, 'nothing read until a lookup needs it');
    checkAll(reader, 'first pass');
    const firstReads = stats.metaReads;
    assert.ok(firstReads > 2, `${firstReads} partitions read`);
    checkAll(reader, 'second pass, all cached');
    assert.is(stats.metaReads, firstReads, 'cached partitions are not read again');
    cache.clear();
    checkAll(reader, 'after eviction');
    assert.is(stats.metaReads, 2 * firstReads, 'each partition read again once, then cached');
    reader.close();
  });
});

test('charged to a cache too small to keep them: every lookup reads them, answers stay right', async () => {
  await withTable(async (dir) => {
    const cache = new BlockCache(1024);
    const stats = newTableReadStats();
    const reader = TableReader.open(env, dir, 1, cache, { syncReads: true, stats, cacheMeta: true });
    assert.ok(reader.metaBytes > 1024, 'the filter and index do not fit');
    checkAll(reader, 'tiny cache');
    assert.ok(stats.metaReads >= (2 * KEYS) / 7, `${stats.metaReads} meta reads`);
    assert.ok(cache.usageBytes <= 1024);
    reader.close();
  });
});

test('pinned: kept by the reader, charged as a reservation; unpinned back into the LRU; close releases', async () => {
  await withTable(async (dir) => {
    const cache = new BlockCache(8 * 1024 * 1024);
    const stats = newTableReadStats();
    const reader = TableReader.open(env, dir, 1, cache, { syncReads: true, stats, cacheMeta: true, pinMeta: true });
    assert.ok(reader.isPinned);
    assert.ok(reader.residentBytes >= reader.metaBytes, 'the whole filter and index, and the partition top levels');
    assert.is(cache.reservedBytes, reader.metaBytes);
    assert.is(cache.usageBytes, reader.metaBytes);
    cache.clear();
    checkAll(reader, 'pinned, cache cleared');
    assert.is(stats.metaReads, 0, 'pinned filter and index never leave');

    reader.setPinned(false);
    assert.is(cache.reservedBytes, 0);
    assert.ok(reader.residentBytes * 20 < reader.metaBytes, 'the whole filter and index dropped');
    assert.is(stats.metaReads, 0);
    checkAll(reader, 'unpinned');
    const reads = stats.metaReads;
    assert.ok(reads > 0, 'partitions read into the cache');

    reader.setPinned(true);
    assert.is(cache.reservedBytes, reader.metaBytes);
    assert.is(stats.metaReads, reads + 2, 'pinning reads the whole filter and index');
    checkAll(reader, 'pinned again');
    assert.is(stats.metaReads, reads + 2);
    reader.close();
    assert.is(cache.reservedBytes, 0, 'close gives the reservation back');
  });
});

test('uncharged (no cacheMeta, or no cache): the reader keeps them and pinning does nothing', async () => {
  await withTable(async (dir) => {
    const cache = new BlockCache(8 * 1024 * 1024);
    const reader = TableReader.open(env, dir, 1, cache, { syncReads: true });
    assert.is(reader.residentBytes, reader.metaBytes);
    assert.is(cache.usageBytes, 0);
    reader.setPinned(true);
    assert.not.ok(reader.isPinned);
    assert.is(cache.reservedBytes, 0);
    reader.close();
    const bare = TableReader.open(env, dir, 1, null, { syncReads: true, cacheMeta: true });
    assert.is(bare.residentBytes, bare.metaBytes);
    checkAll(bare, 'no cache');
    bare.close();
  });
});

test('scans forward and backward survive the index being evicted between steps', async () => {
  await withTable(async (dir) => {
    const cache = new BlockCache(8 * 1024 * 1024);
    const stats = newTableReadStats();
    const reader = TableReader.open(env, dir, 1, cache, { syncReads: true, stats, cacheMeta: true });
    const it = reader.iterator();
    let n = 0;
    for (it.seekToFirst(); it.valid; it.next(), n++) {
      assert.is(it.key, keyOf(n));
      if (n % 50 === 0) cache.clear();
    }
    assert.is(n, KEYS);
    for (it.seekToLast(); it.valid; it.prev()) {
      n--;
      assert.is(it.key, keyOf(n));
      if (n % 50 === 0) cache.clear();
    }
    assert.is(n, 0);
    it.seek(keyOf(1234));
    assert.is(it.key, keyOf(1234));
    assert.ok(stats.metaReads > 0);
    reader.close();
  });
});

test('a filter or index partition damaged after the open is corruption, reported with its offset', async () => {
  for (const part of ['index', 'filter'] as const) {
    await withTable(async (dir) => {
      const file = path.join(dir, tableFileName(1));
      const cache = new BlockCache(8 * 1024 * 1024);
      const reader = TableReader.open(env, dir, 1, cache, { syncReads: true, cacheMeta: true });
      const bytes = fs.readFileSync(file);
      const footer = decodeFooter(bytes.subarray(bytes.length - FOOTER_BYTES), file, bytes.length);
      // Every byte of the first partition: whichever bits the lookup probes, they changed.
      const start = footer[part].offset;
      for (let i = 0; i < 4096 && i < footer[part].size - 1; i++) bytes[start + i] ^= 0x5a;
      fs.writeFileSync(file, bytes);
      let failures = 0;
      for (let i = 0; i < KEYS; i += 97) {
        try {
          reader.get(keyOf(i), Number.MAX_SAFE_INTEGER);
        } catch (e) {
          assert.instance(e, CorruptionError);
          const offset = Number(/at offset (\d+)/.exec((e as Error).message)?.[1]);
          assert.ok(offset >= start && offset < start + 4096, (e as Error).message);
          failures++;
        }
      }
      assert.ok(failures > 0, `${part}: a lookup through the damaged partition fails`);
      reader.close();
    });
  }
});

test('cache: reservations count in usage and push least recently used entries out', () => {
  const block = (bytes: number): DataBlock => {
    const data = Buffer.alloc(bytes);
    data.writeUInt32LE(1, bytes - 4);
    return new DataBlock(data, 'f.sst', 0);
  };
  const cache = new BlockCache(10000);
  for (let i = 0; i < 3; i++) cache.set(1, i * 4096, block(3000));
  cache.reserve(5000);
  assert.is(cache.reservedBytes, 5000);
  assert.is(cache.usageBytes, 8000, 'two least recently used blocks evicted');
  assert.is(cache.get(1, 0), undefined);
  assert.ok(cache.get(1, 2 * 4096) !== undefined);
  cache.set(1, 3 * 4096, block(3000));
  assert.is(cache.usageBytes, 8000, 'a new block evicts the older one while reserved');
  cache.release(5000);
  cache.set(1, 4 * 4096, block(3000));
  assert.is(cache.usageBytes, 6000);
  cache.reserve(20000);
  assert.is(cache.blockCount, 0, 'a reservation above the capacity empties the LRU');
  assert.is(cache.usageBytes, 20000);
  cache.release(20000);
  cache.setCapacity(4000);
  assert.is(cache.usageBytes, 0);
});

test('cache: data blocks go first while filter and index partitions hold at most 3/4 of the capacity', () => {
  const block = (bytes: number): DataBlock => {
    const data = Buffer.alloc(bytes);
    data.writeUInt32LE(1, bytes - 4);
    return new DataBlock(data, 'f.sst', 0);
  };
  const partition = (bytes: number): FilterPartition => new FilterPartition(Buffer.alloc(bytes));
  const cache = new BlockCache(10000);
  for (let i = 0; i < 5; i++) cache.set(2, 100_000 + i * 1000, partition(1000));
  for (let i = 0; i < 5; i++) cache.set(1, i * 1000, block(1000));
  assert.is(cache.usageBytes, 10000);
  // A stream of data blocks (a uniform read load) evicts data blocks, never the partitions.
  for (let i = 5; i < 50; i++) cache.set(1, i * 1000, block(1000));
  for (let i = 0; i < 5; i++) assert.ok(cache.getFilterPartition(2, 100_000 + i * 1000) !== undefined, `partition ${i} kept`);
  assert.is(cache.metaBytes, 5000);
  // Partitions beyond their share (7,500 bytes) evict partitions, least recently used first.
  for (let i = 5; i < 12; i++) cache.set(2, 100_000 + i * 1000, partition(1000));
  assert.ok(cache.metaBytes <= 7500, `${cache.metaBytes} bytes of partitions`);
  assert.ok(cache.usageBytes <= 10000);
  assert.is(cache.getFilterPartition(2, 100_000), undefined, 'the oldest partition went');
  assert.ok(cache.getFilterPartition(2, 111_000) !== undefined);
  assert.ok(cache.get(1, 49_000) !== undefined, 'data blocks keep the rest');
  // With no data blocks left to evict, partitions may use the whole capacity.
  const metaOnly = new BlockCache(10000);
  for (let i = 0; i < 10; i++) metaOnly.set(3, i * 1000, partition(1000));
  assert.is(metaOnly.metaBytes, 10000);
  cache.evictFile(2);
  assert.is(cache.metaBytes, 0, 'evictFile drops a table\'s partitions too');
});

test.run();
