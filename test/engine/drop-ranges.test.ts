/**
 * Db.dropRanges: tables wholly inside a dropped range leave in one edit, tables with keys on both
 * sides are compacted without the dropped ones, the memtable is flushed without them, and every
 * key outside the ranges stays exactly as it was, across a reopen too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { Db } from '../../src/engine/db.js';
import { EntryKind, type BinaryKey } from '../../src/engine/types.js';
import { KeyRangeSet, RangeCursor } from '../../src/engine/key-ranges.js';
import { smallDbOptions, tempDirs } from '../support/engine-dirs.js';

const dirs = tempDirs('stratakv-drop-');
const tempDir = (): string => dirs.make();

test.after(() => dirs.removeAll());

const options = smallDbOptions;

/** Keys `<prefix>:00000` ... in batches of 100, each batch awaited (so full memtables rotate). */
async function fill(db: Db, prefix: string, count: number, model: Map<BinaryKey, string>): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    const pending: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(count, i + 100); j++) {
      const key = `${prefix}:${String(j).padStart(5, '0')}`;
      const value = `${prefix}-${j}-${'x'.repeat(80)}`;
      model.set(key, value);
      pending.push(db.write([{ kind: EntryKind.Put, key, value: Buffer.from(value) }]));
    }
    await Promise.all(pending);
  }
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

/** Bytes of the .sst files on disk (a file deleted between the listing and its stat counts 0). */
function tableBytes(dir: string): number {
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.sst'))
    .reduce((sum, n) => sum + (fs.statSync(path.join(dir, n), { throwIfNoEntry: false })?.size ?? 0), 0);
}

/** Bytes of the tables the current version holds. */
function liveTableBytes(db: Db): number {
  return db.stats().levels.reduce((sum, level) => sum + level.bytes, 0);
}

function withoutPrefix(model: Map<BinaryKey, string>, prefix: string): Map<BinaryKey, string> {
  return new Map([...model].filter(([key]) => !key.startsWith(prefix)));
}

test('KeyRangeSet merges touching ranges; RangeCursor answers for ascending keys', () => {
  const set = new KeyRangeSet();
  set.add({ start: 'c', end: 'd' });
  set.add({ start: 'a', end: 'b' });
  set.add({ start: 'd', end: 'e' });
  assert.equal(set.list(), [{ start: 'a', end: 'b' }, { start: 'c', end: 'e' }]);
  assert.throws(() => set.add({ start: 'x', end: 'x' }), /empty key range/);
  const cursor = new RangeCursor(set.list());
  assert.equal(['0', 'a', 'a\xff', 'b', 'c', 'dz', 'e', 'z'].map((k) => cursor.covers(k)), [false, true, true, false, true, true, false, false]);
});

test('tables inside the range go, tables across its edges are rewritten, the rest is untouched', async () => {
  const dir = tempDir();
  const db = await Db.open(options(dir));
  const model = new Map<BinaryKey, string>();
  await fill(db, 'a', 300, model);
  await fill(db, 'b', 4000, model);
  await fill(db, 'c', 300, model);
  await db.compactAll();
  const before = tableBytes(dir);
  assert.is(before, liveTableBytes(db), 'compactAll left only live tables on disk');
  // Some of the range's keys are in the memtable only.
  await db.write([{ kind: EntryKind.Put, key: 'b:memtable', value: Buffer.from('m') }]);
  const result = await db.dropRanges([{ start: 'b:', end: 'b;' }]);
  assert.ok(result.droppedTables >= 3, `${result.droppedTables} tables dropped whole`);
  assert.ok(result.compactedTables >= 1, `${result.compactedTables} tables compacted`);
  const expected = withoutPrefix(model, 'b:');
  assert.equal(await contents(db), expected);
  // Deletion of a dropped table's file waits for readers of older versions: none here, and
  // dropRanges resolves once the deletions are done.
  const after = tableBytes(dir);
  assert.is(after, liveTableBytes(db), 'only live tables are left on disk');
  assert.ok(after < before / 5, `table bytes ${before} -> ${after}`);
  await db.close();
  const reopened = await Db.open(options(dir));
  assert.equal(await contents(reopened), expected, 'nothing comes back after a reopen');
  await reopened.close();
});

test('an iterator opened before the drop keeps reading its version; new writes next to the range stay', async () => {
  const dir = tempDir();
  const db = await Db.open(options(dir));
  const model = new Map<BinaryKey, string>();
  await fill(db, 'b', 2000, model);
  await db.flush();
  const it = db.iterator({ start: 'b:', end: 'b;' });
  const first = await it.next();
  await db.dropRanges([{ start: 'b:', end: 'b;' }]);
  let seen = first === undefined ? 0 : 1;
  while ((await it.next()) !== undefined) seen++;
  it.close();
  assert.is(seen, 2000, 'the open iterator saw every key');
  await db.write([{ kind: EntryKind.Put, key: 'a', value: Buffer.from('1') }, { kind: EntryKind.Put, key: 'c', value: Buffer.from('2') }]);
  await db.flush();
  await db.compactAll();
  assert.equal(await contents(db), new Map([['a', '1'], ['c', '2']]));
  await db.close();
});

test.run();
