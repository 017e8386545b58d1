/**
 * Model-based test: one seeded random sequence of puts, deletes, snapshots, reads at snapshots,
 * range iterations, flushes, compactions and close/reopen, applied both to the engine and to a
 * plain Map. Every read must agree. Set SEED=n to replay a failure.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db, type Snapshot } from '../../src/engine/db.js';
import type { EngineStats } from '../../src/engine/stats.js';
import { EntryKind, type BatchOp, type BinaryKey } from '../../src/engine/types.js';
import { Random, seedFromEnv } from './random.js';

type Model = Map<BinaryKey, Buffer>;

/** How tables' filters and indexes are held: resident, or charged to a block cache so small that they are evicted and read again all the time. */
interface MetaMode {
  readonly cacheIndexAndFilterBlocks: boolean;
  readonly blockCacheSize?: number;
}

const DEFAULT_META: MetaMode = { cacheIndexAndFilterBlocks: true };

function smallDb(dir: string, meta: MetaMode = DEFAULT_META): Promise<Db> {
  // Tiny sizes so a few thousand operations exercise flushes, L0 triggers, level compactions.
  return Db.open({
    ...meta,
    dir,
    fsync: 'no',
    memtableSize: 16 * 1024,
    blockSize: 512,
    targetFileSize: 8 * 1024,
    levelBaseBytes: 32 * 1024,
    l0CompactionTrigger: 3,
  });
}

async function readValue(db: Db, key: BinaryKey, snapshot?: Snapshot): Promise<Buffer | undefined> {
  return await db.get(key, snapshot);
}

async function scan(db: Db, start: BinaryKey | undefined, end: BinaryKey | undefined, snapshot?: Snapshot): Promise<[BinaryKey, string][]> {
  const it = db.iterator({ start, end, snapshot });
  const out: [BinaryKey, string][] = [];
  // next() and nextBatch() of varying sizes in turn: both must walk the same entries.
  for (let turn = 0; ; turn++) {
    const batch = turn % 2 === 0 ? [await it.next()].filter((e) => e !== undefined) : await it.nextBatch(1 + (turn % 7));
    for (const e of batch) out.push([e.key, e.value.toString('hex')]);
    if (batch.length === 0) break;
  }
  it.close();
  return out;
}

function modelScan(model: Model, start: BinaryKey | undefined, end: BinaryKey | undefined): [BinaryKey, string][] {
  return [...model.entries()]
    .filter(([k]) => (start === undefined || k >= start) && (end === undefined || k < end))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [k, v.toString('hex')]);
}

function randomKey(rnd: Random): BinaryKey {
  // A small key space so overwrites and deletes hit existing keys; bytes 0x00 and 0xff included.
  const n = rnd.int(400);
  const prefix = n % 7 === 0 ? '\x00' : n % 11 === 0 ? '\xff' : 'k';
  return prefix + String(n).padStart(4, '0');
}

async function runModel(seed: number, steps: number, meta: MetaMode = DEFAULT_META): Promise<EngineStats> {
  const rnd = new Random(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-model-'));
  let db = await smallDb(dir, meta);
  const model: Model = new Map();
  const snapshots: { snap: Snapshot; model: Model }[] = [];
  const where = (step: number, what: string) => `seed ${seed}, step ${step}: ${what}`;
  try {
    for (let step = 0; step < steps; step++) {
      const r = rnd.next();
      if (r < 0.45) {
        const ops: BatchOp[] = [];
        const n = 1 + rnd.int(4);
        for (let i = 0; i < n; i++) {
          const key = randomKey(rnd);
          if (rnd.next() < 0.75) {
            const value = rnd.bytes(rnd.int(120));
            ops.push({ kind: EntryKind.Put, key, value });
            model.set(key, value);
          } else {
            ops.push({ kind: EntryKind.Delete, key });
            model.delete(key);
          }
        }
        await db.write(ops);
      } else if (r < 0.7) {
        const key = randomKey(rnd);
        const got = await readValue(db, key);
        assert.equal(got?.toString('hex'), model.get(key)?.toString('hex'), where(step, `get ${JSON.stringify(key)}`));
      } else if (r < 0.75) {
        snapshots.push({ snap: db.snapshot(), model: new Map(model) });
      } else if (r < 0.82 && snapshots.length > 0) {
        const s = snapshots[rnd.int(snapshots.length)];
        const key = randomKey(rnd);
        const got = await readValue(db, key, s.snap);
        assert.equal(got?.toString('hex'), s.model.get(key)?.toString('hex'), where(step, `get at snapshot ${s.snap.seq}`));
        if (rnd.next() < 0.3) {
          assert.equal(await scan(db, undefined, undefined, s.snap), modelScan(s.model, undefined, undefined), where(step, 'scan at snapshot'));
        }
        if (rnd.next() < 0.3) {
          s.snap.release();
          snapshots.splice(snapshots.indexOf(s), 1);
        }
      } else if (r < 0.9) {
        const a = randomKey(rnd);
        const b = randomKey(rnd);
        const [start, end] = a < b ? [a, b] : [b, a];
        const useStart = rnd.next() < 0.7 ? start : undefined;
        const useEnd = rnd.next() < 0.7 ? end : undefined;
        assert.equal(await scan(db, useStart, useEnd), modelScan(model, useStart, useEnd), where(step, `scan [${useStart}, ${useEnd})`));
      } else if (r < 0.95) {
        await db.flush();
      } else if (r < 0.98) {
        await db.compactAll();
      } else {
        // Reopen: snapshots do not survive a close.
        for (const s of snapshots) s.snap.release();
        snapshots.length = 0;
        await db.close();
        db = await smallDb(dir, meta);
      }
    }
    assert.equal(await scan(db, undefined, undefined), modelScan(model, undefined, undefined), where(steps, 'final scan'));
    const stats = db.stats();
    await db.close();
    return stats;
  } catch (err) {
    console.error(`db-model failed with SEED=${seed}`);
    throw err;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('engine agrees with a Map model under random operations', async () => {
  const seed = seedFromEnv();
  await runModel(seed, 3000);
});

test('engine agrees with the model for fixed seeds', async () => {
  for (const seed of [1, 2, 3]) await runModel(seed, 1500);
});

test('filters and indexes resident outside the cache (cache-index-and-filter-blocks no)', async () => {
  for (const seed of [4, 5]) await runModel(seed, 1500, { cacheIndexAndFilterBlocks: false });
});

test('filters and indexes evicted from a tiny cache and read again', async () => {
  // 6 KiB: a few 512-byte blocks; every table's filter and index leave and come back constantly.
  let metaReads = 0;
  for (const seed of [6, 7, 8]) {
    const stats = await runModel(seed, 1500, { cacheIndexAndFilterBlocks: true, blockCacheSize: 6 * 1024 });
    metaReads += stats.tableMetaReads;
  }
  assert.ok(metaReads > 0, 'filters or indexes were read again after eviction');
});

test.run();
