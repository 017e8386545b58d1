/**
 * Reverse iteration through the Db, model-based like db-model.test.ts: one seeded random sequence
 * of puts, overwrites, deletes, snapshots, flushes, compactions and reopens, applied to the engine
 * and to a Map; every reverse scan over random [start, end) bounds, at a random snapshot, must
 * give the model's keys at that snapshot in descending order. The block cache is a few blocks and
 * misses go to the thread pool, so scans keep waiting on block reads (the asynchronous path).
 * Set SEED=n to replay a failure.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db, type DbOptions, type Snapshot } from '../../src/engine/db.js';
import { EntryKind, type BatchOp, type BinaryKey } from '../../src/engine/types.js';
import { Random, seedFromEnv } from './random.js';

type Model = Map<BinaryKey, Buffer>;
type Listing = [BinaryKey, string][];

interface Variant {
  readonly name: string;
  readonly options: Partial<DbOptions>;
}

/** A cache of four 512-byte blocks with thread-pool reads, and the default adaptive reads with room. */
const SMALL_CACHE: Variant = { name: 'small cache, async reads', options: { blockCacheSize: 2048, blockReads: 'async' } };
const ROOMY_CACHE: Variant = { name: 'roomy cache', options: {} };

function smallDb(dir: string, variant: Variant): Promise<Db> {
  // Tiny sizes so a few thousand operations exercise flushes, L0 triggers, level compactions.
  return Db.open({
    dir,
    fsync: 'no',
    memtableSize: 16 * 1024,
    blockSize: 512,
    targetFileSize: 8 * 1024,
    levelBaseBytes: 32 * 1024,
    l0CompactionTrigger: 3,
    ...variant.options,
  });
}

async function listing(db: Db, start: BinaryKey | undefined, end: BinaryKey | undefined, reverse: boolean, snapshot?: Snapshot, limit = Infinity): Promise<Listing> {
  const it = db.iterator({ start, end, snapshot, reverse });
  const out: Listing = [];
  // next() and nextBatch() of varying sizes in turn: both must walk the same entries.
  for (let turn = 0; out.length < limit; turn++) {
    const batch = turn % 2 === 0 ? [await it.next()].filter((e) => e !== undefined) : await it.nextBatch(Math.min(limit - out.length, 1 + (turn % 7)));
    for (const e of batch) out.push([e.key, e.value.toString('hex')]);
    if (batch.length === 0) break;
  }
  it.close();
  return out;
}

function modelListing(model: Model, start: BinaryKey | undefined, end: BinaryKey | undefined): Listing {
  return [...model.entries()]
    .filter(([k]) => (start === undefined || k >= start) && (end === undefined || k < end))
    .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
    .map(([k, v]) => [k, v.toString('hex')]);
}

/** ~400 keys sharing few prefixes, with binary bytes (0x00, 0xff, anything) inside. */
function randomKey(rnd: Random): BinaryKey {
  const n = rnd.int(400);
  const prefix = n % 7 === 0 ? '\x00' : n % 11 === 0 ? '\xff' : 'k';
  const middle = n % 3 === 0 ? String.fromCharCode((n * 37) & 0xff) : '';
  return prefix + middle + String(n).padStart(4, '0');
}

/** Bounds: mostly keys of the key space, sometimes empty ranges, absent bounds and odd keys. */
function randomBounds(rnd: Random): [BinaryKey | undefined, BinaryKey | undefined] {
  const a = randomKey(rnd);
  const b = randomKey(rnd);
  const roll = rnd.next();
  if (roll < 0.05) return [a, a]; // empty
  if (roll < 0.1) return [a > b ? a : b, a > b ? b : a]; // start after end: empty
  if (roll < 0.15) return ['', '\x00']; // only the empty key could match
  if (roll < 0.2) return [a.slice(0, 1), a.slice(0, 1) + '\xff\xff'];
  const [start, end] = a < b ? [a, b] : [b, a];
  return [rnd.next() < 0.75 ? start : undefined, rnd.next() < 0.75 ? end : undefined];
}

async function runModel(seed: number, steps: number, variant: Variant): Promise<void> {
  const rnd = new Random(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-reverse-'));
  let db = await smallDb(dir, variant);
  const model: Model = new Map();
  const snapshots: { snap: Snapshot; model: Model }[] = [];
  const where = (step: number, what: string): string => `seed ${seed} (${variant.name}), step ${step}: ${what}`;
  try {
    for (let step = 0; step < steps; step++) {
      const r = rnd.next();
      if (r < 0.45) {
        const ops: BatchOp[] = [];
        const n = 1 + rnd.int(6);
        for (let i = 0; i < n; i++) {
          const key = randomKey(rnd);
          if (rnd.next() < 0.7) {
            const value = rnd.bytes(rnd.int(120));
            ops.push({ kind: EntryKind.Put, key, value });
            model.set(key, value);
          } else {
            ops.push({ kind: EntryKind.Delete, key });
            model.delete(key);
          }
        }
        await db.write(ops);
      } else if (r < 0.52) {
        snapshots.push({ snap: db.snapshot(), model: new Map(model) });
      } else if (r < 0.7) {
        const [start, end] = randomBounds(rnd);
        const at = snapshots.length > 0 && rnd.next() < 0.5 ? snapshots[rnd.int(snapshots.length)] : undefined;
        const expected = modelListing(at?.model ?? model, start, end);
        const got = await listing(db, start, end, true, at?.snap);
        assert.equal(got, expected, where(step, `reverse [${JSON.stringify(start)}, ${JSON.stringify(end)}) at ${at === undefined ? 'now' : `snapshot ${at.snap.seq}`}`));
        if (rnd.next() < 0.2) {
          // The same view forwards, reversed: both directions agree with each other too.
          const forward = await listing(db, start, end, false, at?.snap);
          assert.equal(forward.reverse(), expected, where(step, 'forward scan reversed'));
        }
      } else if (r < 0.76) {
        // A reverse scan that stops early, and one that keeps its snapshot while writes and a
        // flush happen under it.
        const [start, end] = randomBounds(rnd);
        const limit = 1 + rnd.int(10);
        assert.equal(await listing(db, start, end, true, undefined, limit), modelListing(model, start, end).slice(0, limit), where(step, 'reverse prefix'));
        const it = db.iterator({ start, end, reverse: true });
        const expected = modelListing(model, start, end);
        const got: Listing = [];
        for (let e = await it.next(); e !== undefined; e = await it.next()) {
          got.push([e.key, e.value.toString('hex')]);
          if (got.length === 3) {
            const key = randomKey(rnd);
            const value = rnd.bytes(8);
            await db.write([{ kind: EntryKind.Put, key, value }, { kind: EntryKind.Delete, key: e.key }]);
            model.set(key, value);
            model.delete(e.key);
            if (rnd.next() < 0.5) await db.flush();
          }
        }
        assert.equal(got, expected, where(step, 'reverse scan across writes and a flush'));
      } else if (r < 0.8 && snapshots.length > 0) {
        const i = rnd.int(snapshots.length);
        snapshots[i].snap.release();
        snapshots.splice(i, 1);
      } else if (r < 0.9) {
        await db.flush();
      } else if (r < 0.97) {
        await db.compactAll();
      } else {
        for (const s of snapshots) s.snap.release();
        snapshots.length = 0;
        await db.close();
        db = await smallDb(dir, variant);
      }
    }
    assert.equal(await listing(db, undefined, undefined, true), modelListing(model, undefined, undefined), where(steps, 'final reverse scan'));
    for (const s of snapshots) s.snap.release();
    await db.close();
  } catch (err) {
    console.error(`db-reverse failed with SEED=${seed} (${variant.name})`);
    throw err;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('reverse scans agree with a Map model under random operations (small cache, async reads)', async () => {
  await runModel(seedFromEnv(), 1500, SMALL_CACHE);
});

test('reverse scans agree with the model for fixed seeds, both read paths', async () => {
  for (const seed of [1, 2]) {
    await runModel(seed, 700, SMALL_CACHE);
    await runModel(seed, 700, ROOMY_CACHE);
  }
});

test('a reverse scan streams: its first key costs a few block reads, not the range', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-reverse-'));
  try {
    let db = await smallDb(dir, SMALL_CACHE);
    const value = Buffer.alloc(50, 1);
    for (let i = 0; i < 20000; i += 100) {
      const ops: BatchOp[] = [];
      for (let j = i; j < i + 100; j++) ops.push({ kind: EntryKind.Put, key: `key${String(j).padStart(6, '0')}`, value });
      await db.write(ops);
    }
    await db.compactAll();
    await db.close();
    db = await smallDb(dir, SMALL_CACHE);
    const before = db.stats().blockCacheMisses;
    const it = db.iterator({ start: 'key000100', end: 'key019000', reverse: true });
    const first = await it.next();
    assert.is(first?.key, 'key018999');
    const misses = db.stats().blockCacheMisses - before;
    assert.ok(misses > 0 && misses <= 4, `${misses} block reads for the first key`);
    let count = 1;
    let last = first?.key ?? '';
    for (let e = await it.next(); e !== undefined; e = await it.next()) {
      assert.ok(e.key < last, 'descending');
      last = e.key;
      count++;
    }
    assert.is(count, 18900);
    assert.is(last, 'key000100');
    await db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('reverse iteration honours snapshots over memtable versions, tombstones and flushed tables', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-reverse-'));
  try {
    const db = await smallDb(dir, ROOMY_CACHE);
    const put = async (key: string, value: string): Promise<void> => {
      await db.write([{ kind: EntryKind.Put, key, value: Buffer.from(value) }]);
    };
    await put('a', 'a1');
    await put('b', 'b1');
    await put('c', 'c1');
    const s1 = db.snapshot();
    await db.flush();
    await put('b', 'b2');
    await db.write([{ kind: EntryKind.Delete, key: 'c' }]);
    await put('d', 'd1');
    const s2 = db.snapshot();
    await db.flush();
    await put('a', 'a3');
    await db.write([{ kind: EntryKind.Delete, key: 'd' }]);
    const read = async (snapshot?: Snapshot, start?: string, end?: string): Promise<string[]> =>
      (await listing(db, start, end, true, snapshot)).map(([k, v]) => `${k}=${Buffer.from(v, 'hex').toString()}`);
    assert.equal(await read(s1), ['c=c1', 'b=b1', 'a=a1']);
    assert.equal(await read(s2), ['d=d1', 'b=b2', 'a=a1']);
    assert.equal(await read(), ['b=b2', 'a=a3']);
    assert.equal(await read(s2, 'b', 'd'), ['b=b2']);
    assert.equal(await read(s1, 'b', 'b'), []);
    assert.equal(await read(undefined, 'c'), []);
    s1.release();
    s2.release();
    await db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
