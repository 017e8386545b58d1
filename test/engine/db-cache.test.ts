/** A flush puts the blocks it writes into the block cache, so fresh data is read without disk I/O. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db } from '../../src/engine/db.js';
import { EntryKind } from '../../src/engine/types.js';

test('flushed blocks are served from the cache, synchronously', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-cache-'));
  const db = await Db.open({ dir, autoCompaction: false });
  for (let i = 0; i < 5000; i++) await db.write([{ kind: EntryKind.Put, key: `key${String(i).padStart(5, '0')}`, value: Buffer.from(`value${i}`) }]);
  await db.flush();
  assert.is(db.stats().levels[0].files, 1);
  const missesBefore = db.stats().blockCacheMisses;
  for (let i = 0; i < 5000; i += 97) {
    const value = db.get(`key${String(i).padStart(5, '0')}`);
    assert.not.instance(value, Promise, 'answered without a disk read');
    assert.is((value as Buffer).toString(), `value${i}`);
  }
  assert.is(db.stats().blockCacheMisses, missesBefore);
  await db.close();
  // A fresh process has a cold cache: the same reads now go to the file (and still find the data),
  // through the thread pool when asked to...
  const reopened = await Db.open({ dir, blockReads: 'async' });
  const cold = reopened.get('key00097');
  assert.instance(cold, Promise);
  assert.is((await cold)?.toString(), 'value97');
  assert.is(reopened.stats().syncBlockReads, 0);
  await reopened.close();
  // ...and by default synchronously, since the page cache (just written) answers at once.
  const adaptive = await Db.open({ dir });
  const hot = adaptive.get('key00194');
  assert.not.instance(hot, Promise);
  assert.is((hot as Buffer).toString(), 'value194');
  assert.is(adaptive.stats().syncBlockReads, 1);
  await adaptive.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('filters and indexes: charged to the cache; L0 pinned, deeper levels pinned while they fit half the cache', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-cache-'));
  const key = (i: number): string => `key${String(i).padStart(5, '0')}`;
  // 8 KiB: half of it is less than the filter and index of the compacted table.
  const db = await Db.open({ dir, autoCompaction: false, blockCacheSize: 8 * 1024 });
  for (let round = 0; round < 2; round++) {
    for (let i = round; i < 4000; i += 2) await db.write([{ kind: EntryKind.Put, key: key(i), value: Buffer.from(`value${i}`) }]);
    await db.flush();
  }
  for (let i = 0; i < 4000; i += 101) assert.is((await db.get(key(i)))?.toString(), `value${i}`);
  let stats = db.stats();
  assert.is(stats.levels[0].files, 2);
  assert.ok(stats.tableMetaBytes > 4 * 1024);
  assert.is(stats.blockCachePinnedBytes, stats.tableMetaBytes, 'both L0 tables pinned, whatever their size');
  await db.compactAll();
  for (let i = 0; i < 4000; i += 101) assert.is((await db.get(key(i)))?.toString(), `value${i}`);
  stats = db.stats();
  assert.is(stats.levels[0].files, 0);
  assert.ok(stats.tableMetaBytes > 4 * 1024);
  assert.is(stats.blockCachePinnedBytes, 0, 'a deeper table that does not fit half the cache is not pinned');
  assert.ok(stats.tableMetaReads > 0, 'its filter and index partitions were read into the LRU on demand');
  assert.ok(stats.blockCacheBytes <= stats.blockCacheCapacity);
  // CONFIG SET block-cache-size: a cache grown to hold them pins them; shrunk again, it lets go.
  db.setBlockCacheSize(1024 * 1024);
  assert.is(db.stats().blockCachePinnedBytes, stats.tableMetaBytes);
  db.setBlockCacheSize(8 * 1024);
  assert.is(db.stats().blockCachePinnedBytes, 0);
  for (let i = 0; i < 4000; i += 101) assert.is((await db.get(key(i)))?.toString(), `value${i}`);
  await db.close();

  // A cache whose half holds them: the deeper table is pinned too, and lookups read no partitions.
  const big = await Db.open({ dir, blockCacheSize: 1024 * 1024 });
  for (let i = 0; i < 4000; i += 101) assert.is((await big.get(key(i)))?.toString(), `value${i}`);
  stats = big.stats();
  assert.is(stats.levels[0].files, 0);
  assert.is(stats.blockCachePinnedBytes, stats.tableMetaBytes);
  await big.close();

  // Off: the readers keep them, the cache holds data blocks only.
  const off = await Db.open({ dir, cacheIndexAndFilterBlocks: false });
  assert.is((await off.get(key(7)))?.toString(), 'value7');
  stats = off.stats();
  assert.is(stats.blockCachePinnedBytes, 0);
  assert.ok(stats.blockCacheBytes < stats.tableMetaBytes, 'only the data block read is charged');
  await off.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
