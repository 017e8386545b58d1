/**
 * Db.checkpoint and restoreCheckpoint: a checkpoint holds exactly the writes made before the call
 * (not one after, even while writes, flushes and compactions go on), its tables are hard links,
 * a transaction is in it whole, it is never left half-written, and a restore refuses to overwrite
 * data. Randomized with a seed (TEST_SEED=n replays).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { Db } from '../../src/engine/db.js';
import { EntryKind, type BatchOp, type BinaryKey } from '../../src/engine/types.js';
import { readCheckpoint, restoreCheckpoint, writeCheckpoint } from '../../src/engine/checkpoint.js';
import { NodeEnv } from '../../src/engine/env/node-env.js';
import type { FileMeta } from '../../src/engine/manifest/version-edit.js';
import { mulberry32 } from '../support/prng.js';
import { smallDbOptions, tempDirs } from '../support/engine-dirs.js';
import { waitFor } from '../support/wait.js';

const SEED = Number(process.env.TEST_SEED ?? 20261122);
const dirs = tempDirs('stratakv-checkpoint-');
const tempDir = (): string => dirs.make();

test.after(() => dirs.removeAll());

const smallDb = smallDbOptions;

/** Random writes in chunks of 200, each awaited (a full memtable rotates between chunks). */
async function randomWritesAwaited(db: Db, model: Map<BinaryKey, string>, random: () => number, count: number, tag: string): Promise<void> {
  for (let done = 0; done < count; done += 200) await Promise.all(randomWrites(db, model, random, Math.min(200, count - done), `${tag}${done}`));
}

/** Applies random puts and deletes to the Db and to the model, without awaiting durability. */
function randomWrites(db: Db, model: Map<BinaryKey, string>, random: () => number, count: number, tag: string): Promise<unknown>[] {
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const key = `key:${Math.floor(random() * 3000).toString().padStart(5, '0')}`;
    let op: BatchOp;
    if (random() < 0.15) {
      op = { kind: EntryKind.Delete, key };
      model.delete(key);
    } else {
      const value = `${tag}:${i}:${'v'.repeat(Math.floor(random() * 60))}`;
      op = { kind: EntryKind.Put, key, value: Buffer.from(value) };
      model.set(key, value);
    }
    pending.push(db.write([op]));
  }
  return pending;
}

async function contents(db: Db): Promise<Map<BinaryKey, string>> {
  const out = new Map<BinaryKey, string>();
  const it = db.iterator();
  try {
    for (let entry = await it.next(); entry !== undefined; entry = await it.next()) out.set(entry.key, entry.value.toString());
  } finally {
    it.close();
  }
  return out;
}

function assertSameMap(actual: Map<BinaryKey, string>, expected: Map<BinaryKey, string>, what: string): void {
  for (const [key, value] of expected) {
    if (actual.get(key) !== value) assert.unreachable(`${what}: ${key} is ${JSON.stringify(actual.get(key))}, expected ${JSON.stringify(value)} (TEST_SEED=${SEED})`);
  }
  for (const key of actual.keys()) {
    if (!expected.has(key)) assert.unreachable(`${what}: ${key} should not be there (TEST_SEED=${SEED})`);
  }
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}

async function restoredContents(checkpointDir: string): Promise<Map<BinaryKey, string>> {
  const dir = path.join(tempDir(), 'restored');
  await restoreCheckpoint(checkpointDir, dir);
  const db = await Db.open({ dir });
  try {
    return await contents(db);
  } finally {
    await db.close();
  }
}

test('a checkpoint holds exactly the writes made before the call, while writes and compactions go on', async () => {
  const random = mulberry32(SEED);
  const dir = tempDir();
  const db = await Db.open(smallDb(dir));
  const model = new Map<BinaryKey, string>();
  await randomWritesAwaited(db, model, random, 6000, 'before');
  const expected = new Map(model);
  const target = path.join(dir, 'checkpoints', 'first');
  const checkpoint = db.checkpoint(target);
  // Written in the same synchronous stretch as the call, and after it: not in the checkpoint.
  const after = randomWrites(db, model, random, 3000, 'after');
  const info = await checkpoint;
  await Promise.all(after);
  await db.compactAll();
  assert.ok(info.tables > 1, `${info.tables} tables`);
  assert.is(info.linked, info.tables, 'tables are hard links on one file system');
  assert.is(info.copied, 0);
  assert.is(info.dir, target);
  assert.equal(fs.readdirSync(target).filter((n) => !/^(\d{6}\.sst|MANIFEST-\d{6}|CURRENT)$/.test(n)), [], 'tables, a manifest and CURRENT only');
  assert.not.ok(fs.existsSync(`${target}.tmp`));
  assertSameMap(await restoredContents(target), expected, 'restored checkpoint');
  assertSameMap(await contents(db), model, 'the database itself');
  await db.close();
});

test('tables a checkpoint links survive a compaction that replaces them meanwhile', async () => {
  const random = mulberry32(SEED + 1);
  const dir = tempDir();
  const db = await Db.open({ ...smallDb(dir), autoCompaction: false });
  const model = new Map<BinaryKey, string>();
  for (let round = 0; round < 4; round++) {
    await randomWritesAwaited(db, model, random, 1500, `r${round}`);
    await db.flush();
  }
  const expected = new Map(model);
  // What Db.checkpoint holds while it links: the flushed version, pinned. The compaction in
  // between is what a slow link (a copy across file systems) lets happen.
  const internals = db as unknown as { pinFlushedVersion(): Promise<{ version: { levels: FileMeta[][]; unref(): void }; lastSequence: number; nextFileNumber: number }> };
  const pinned = await internals.pinFlushedVersion();
  const tables = pinned.version.levels.flat().map((f) => path.join(dir, `${String(f.fileNumber).padStart(6, '0')}.sst`));
  assert.ok(tables.length >= 4, `${tables.length} tables`);
  await db.compactAll();
  assert.is(db.stats().levels[0].files, 0, 'the compaction replaced the L0 tables');
  for (const table of tables) assert.ok(fs.existsSync(table), `${table} kept while pinned`);
  const info = await writeCheckpoint(new NodeEnv(), { dir, levels: pinned.version.levels, lastSequence: pinned.lastSequence, nextFileNumber: pinned.nextFileNumber }, path.join(dir, 'cp'));
  pinned.version.unref();
  assert.is(info.tables, tables.length);
  // Unlinks are asynchronous.
  await waitFor('the compacted tables to be deleted once released', () => tables.every((t) => !fs.existsSync(t)));
  assertSameMap(await restoredContents(info.dir), expected, 'restored checkpoint');
  assertSameMap(await contents(db), model, 'the database itself');
  await db.close();
});

test('a transaction is in a checkpoint whole', async () => {
  const dir = tempDir();
  const db = await Db.open({ dir });
  await db.write([{ kind: EntryKind.Put, key: 'a', value: Buffer.from('0') }]);
  let checkpoint: Promise<unknown> = Promise.resolve();
  db.atomic(() => {
    void db.write([{ kind: EntryKind.Put, key: 'a', value: Buffer.from('1') }]);
    checkpoint = db.checkpoint(path.join(dir, 'cp'));
    void db.write([{ kind: EntryKind.Put, key: 'b', value: Buffer.from('1') }]);
  });
  await checkpoint;
  assertSameMap(await restoredContents(path.join(dir, 'cp')), new Map([['a', '1'], ['b', '1']]), 'restored checkpoint');
  await db.close();
});

test('checkpoints started together each hold their own moment', async () => {
  const dir = tempDir();
  const db = await Db.open({ dir });
  await db.write([{ kind: EntryKind.Put, key: 'a', value: Buffer.from('1') }]);
  // The second finds the memtable just rotated by the first: both wait for the same flush.
  const first = db.checkpoint(path.join(dir, 'first'));
  const second = db.checkpoint(path.join(dir, 'second'));
  void db.write([{ kind: EntryKind.Put, key: 'a', value: Buffer.from('2') }]);
  const third = db.checkpoint(path.join(dir, 'third'));
  const infos = await Promise.all([first, second, third]);
  assertSameMap(await restoredContents(infos[0].dir), new Map([['a', '1']]), 'first');
  assertSameMap(await restoredContents(infos[1].dir), new Map([['a', '1']]), 'second');
  assertSameMap(await restoredContents(infos[2].dir), new Map([['a', '2']]), 'third');
  await db.close();
});

test('an empty database, and a checkpoint of a database with nothing in its memtable', async () => {
  const dir = tempDir();
  const db = await Db.open({ dir });
  const empty = await db.checkpoint(path.join(dir, 'empty'));
  assert.is(empty.tables, 0);
  assertSameMap(await restoredContents(empty.dir), new Map(), 'restored empty checkpoint');
  await db.write([{ kind: EntryKind.Put, key: 'k', value: Buffer.from('v') }]);
  await db.flush();
  const flushedOnly = await db.checkpoint(path.join(dir, 'flushed'));
  assert.is(flushedOnly.tables, 1);
  assertSameMap(await restoredContents(flushedOnly.dir), new Map([['k', 'v']]), 'restored checkpoint');
  await db.close();
});

test('never half a checkpoint: leftovers are replaced, an existing target or an incomplete one is refused', async () => {
  const dir = tempDir();
  const db = await Db.open({ dir });
  await db.write([{ kind: EntryKind.Put, key: 'k', value: Buffer.from('v') }]);
  const target = path.join(dir, 'cp');
  // What a crash in the middle leaves: a temp directory, which never counts as a checkpoint.
  fs.mkdirSync(`${target}.tmp`);
  fs.writeFileSync(path.join(`${target}.tmp`, '000099.sst'), 'torn');
  assert.throws(() => readCheckpoint(`${target}.tmp`), /is not a checkpoint: it has no CURRENT file/);
  const info = await db.checkpoint(target);
  assert.not.ok(fs.existsSync(`${target}.tmp`));
  assert.equal(fs.readdirSync(target).filter((n) => n.endsWith('.sst')).length, 1);
  await rejects(db.checkpoint(target), /already exists/);
  await db.close();

  const table = fs.readdirSync(target).find((n) => n.endsWith('.sst')) as string;
  const damaged = path.join(tempDir(), 'damaged');
  fs.cpSync(target, damaged, { recursive: true });
  fs.truncateSync(path.join(damaged, table), 10);
  assert.throws(() => readCheckpoint(damaged), new RegExp(`is not a complete checkpoint: ${table} has 10 bytes`));
  fs.rmSync(path.join(damaged, table));
  assert.throws(() => readCheckpoint(damaged), new RegExp(`is not a complete checkpoint: ${table} is missing`));
  assert.is(readCheckpoint(info.dir).tables.length, 1);
});

test('restore copies into a new directory and refuses one that holds data', async () => {
  const dir = tempDir();
  const db = await Db.open({ dir });
  await db.write([{ kind: EntryKind.Put, key: 'k', value: Buffer.from('v') }]);
  const info = await db.checkpoint(path.join(dir, 'cp'));
  await db.close();
  await rejects(restoreCheckpoint(info.dir, dir), /already holds data \(000\d+\.(log|sst)/);
  const fresh = path.join(tempDir(), 'a', 'b');
  const restored = await restoreCheckpoint(info.dir, fresh);
  assert.is(restored.copied, 1);
  const table = fs.readdirSync(fresh).find((n) => n.endsWith('.sst')) as string;
  assert.is.not(fs.statSync(path.join(fresh, table)).ino, fs.statSync(path.join(info.dir, table)).ino, 'a copy, not a link');
  await rejects(restoreCheckpoint(info.dir, fresh), /already holds data/);
  await rejects(restoreCheckpoint(path.join(dir, 'nope'), path.join(tempDir(), 'x')), /does not exist/);
});

test.run();
