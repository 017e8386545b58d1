/**
 * FLUSHDB and FLUSHALL give the disk back within seconds: the tables holding only flushed keys are
 * deleted and the ones next to them rewritten (Db.dropRanges), not left for some later compaction.
 * Data written to other databases and after the flush stays intact, across a restart too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { sleep, startServer, type TestServer } from './helpers.js';

const MB = 1024 * 1024;
/** Small memtables so that the load lands in many tables, on several levels. */
const ARGS = ['--memtable-size', '4mb'];

function tableBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) if (name.endsWith('.sst')) total += statSync(path.join(dir, name)).size;
  return total;
}

/** Polls until the tables of `dir` add up to less than `bound` bytes; fails after `seconds`. */
async function tablesShrinkBelow(dir: string, bound: number, seconds: number, what: string): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const bytes = tableBytes(dir);
    if (bytes < bound) return bytes;
    if (Date.now() > deadline) assert.unreachable(`${what}: tables still hold ${bytes} bytes after ${seconds} s (bound ${bound})`);
    await sleep(100);
  }
}

/** `count` keys of `valueBytes` each, pipelined in batches. */
async function load(r: Redis, prefix: string, count: number, valueBytes: number): Promise<void> {
  const value = 'v'.repeat(valueBytes);
  for (let i = 0; i < count; i += 1000) {
    const pipeline = r.pipeline();
    for (let j = i; j < Math.min(count, i + 1000); j++) pipeline.set(`${prefix}:${j}`, `${j}:${value}`);
    await pipeline.exec();
  }
}

async function allKeys(r: Redis): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) {
      const values = await r.mget(keys);
      keys.forEach((k, i) => out.set(k, values[i] as string));
    }
  } while (cursor !== '0');
  return out;
}

test('FLUSHDB then FLUSHALL of ~50 MB: the tables go within seconds, other and later data stay, a restart keeps them', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-reclaim-'));
  let srv: TestServer | null = await startServer({ dir, args: ARGS });
  let r = new Redis({ port: srv.port, lazyConnect: true });
  try {
    await r.connect();
    await load(r, 'big', 50_000, 1000);
    await r.select(1);
    await load(r, 'kept', 2000, 100);
    const kept = await allKeys(r);
    await r.select(0);
    // Let the last full memtables reach tables, so that the flush has tables to reclaim.
    for (let i = 0; i < 100 && tableBytes(dir) < 40 * MB; i++) await sleep(100);
    assert.ok(tableBytes(dir) >= 40 * MB, `tables hold ${tableBytes(dir)} bytes after the load`);

    assert.is(await r.flushdb(), 'OK');
    assert.is(await r.dbsize(), 0);
    const afterFlushDb = await tablesShrinkBelow(dir, 4 * MB, 20, 'FLUSHDB');
    await r.select(1);
    assert.equal(await allKeys(r), kept, 'database 1 is untouched by FLUSHDB of database 0');
    console.log(`  FLUSHDB: ${(tableBytes(dir) / MB).toFixed(1)} MB of tables left (${(afterFlushDb / MB).toFixed(1)} when first seen below 4 MB)`);

    assert.is(await r.call('FLUSHALL', 'SYNC'), 'OK');
    await tablesShrinkBelow(dir, 1 * MB, 20, 'FLUSHALL');
    await r.select(2);
    await load(r, 'after', 3000, 200);
    const after = await allKeys(r);
    assert.is(after.size, 3000);
    r.disconnect();
    assert.is(await srv.stop({ keepDir: true }), 0);

    srv = await startServer({ dir, args: ARGS });
    r = new Redis({ port: srv.port, lazyConnect: true, db: 2 });
    await r.connect();
    assert.equal(await allKeys(r), after, 'written after FLUSHALL: intact after a restart');
    await r.select(0);
    assert.is(await r.dbsize(), 0);
    await r.select(1);
    assert.is(await r.dbsize(), 0);
    assert.ok(tableBytes(dir) < 4 * MB, `${tableBytes(dir)} bytes of tables after the restart`);
  } finally {
    r.disconnect();
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
