/**
 * Dead collection versions (docs/format.md, "Cleaning up dead versions"): deleting, overwriting
 * or expiring a collection writes garbage records in the same batch, the background sweep deletes
 * the members and then the records, a crash in between leaves the records for the next open, and
 * the compaction filter drops members of dead versions by itself.
 *
 * Collections are written here with the encoding directly (the data-type layer builds on it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Db } from '../../src/engine/db.js';
import { EntryKind, type BinaryKey } from '../../src/engine/types.js';
import { Keyspace, keyspaceDbOptions } from '../../src/keyspace/keyspace.js';
import { META_GARBAGE_PREFIX, META_RESERVED_PREFIX, NO_EXPIRE, StringEncodingHint, ValueType, encodeString, namespacePrefix, prefixEnd } from '../../src/keyspace/encoding.js';
import { MemberTag, encodeMeta, memberPrefix, newMeta, type CollectionVersion } from '../../src/keyspace/collection-encoding.js';
import { smallDbOptions, tempDirs } from '../support/engine-dirs.js';

const dirs = tempDirs('stratakv-dead-versions-');
test.after(() => dirs.removeAll());

async function open(dir: string, small = false): Promise<{ db: Db; ks: Keyspace }> {
  const db = await Db.open({ ...(small ? smallDbOptions(dir) : { dir }), fsync: 'always', ...keyspaceDbOptions() });
  const ks = await Keyspace.open(db, { databases: 16 });
  return { db, ks };
}

async function close(h: { db: Db; ks: Keyspace }): Promise<void> {
  await h.ks.close();
  await h.db.close();
}

async function current(ks: Keyspace, db: number, key: BinaryKey): Promise<Buffer | null> {
  for (;;) {
    const v = ks.lookupWrite(db, key);
    if (!(v instanceof Promise)) return v;
    await v;
  }
}

/** A hash of `fields` members written the way the hash type does: members and metadata in one batch. */
async function writeHash(h: { db: Db; ks: Keyspace }, key: BinaryKey, fields: number, expire = NO_EXPIRE): Promise<CollectionVersion> {
  const version = h.ks.versions.next();
  const meta = newMeta(ValueType.Hash, version, expire);
  meta.count = fields;
  const prefix = memberPrefix(namespacePrefix(h.ks.namespaceOf(0)), MemberTag.HashField, key, version);
  const batch = h.ks.batch();
  for (let i = 0; i < fields; i++) batch.putMember(`${prefix}f${i}`, Buffer.from([0, 0x76]));
  await batch.put(0, key, encodeMeta(meta), await current(h.ks, 0, key)).commit();
  return version;
}

async function countRange(db: Db, start: BinaryKey): Promise<number> {
  const it = db.iterator({ start, end: prefixEnd(start) });
  let n = 0;
  try {
    while ((await it.next()) !== undefined) n++;
  } finally {
    it.close();
  }
  return n;
}

/** The whole sweep, without the background cycle's time budget. */
async function sweepAll(h: { ks: Keyspace }): Promise<void> {
  assert.ok(await h.ks.sweeper.sweep(Infinity), 'the sweep finished');
}

const hashMembers = (h: { ks: Keyspace }, key: BinaryKey, version: CollectionVersion): BinaryKey =>
  memberPrefix(namespacePrefix(h.ks.namespaceOf(0)), MemberTag.HashField, key, version);

test('the background cycle sweeps within its time budget and resumes where it stopped', async () => {
  const h = await open(dirs.make());
  const version = await writeHash(h, 'big', 5000);
  await h.ks.remove(0, 'big', (await current(h.ks, 0, 'big')) as Buffer);
  for (let cycles = 1; (await countRange(h.db, META_GARBAGE_PREFIX)) > 0; cycles++) {
    assert.ok(cycles <= 200, 'swept within 200 cycles');
    await h.ks.runBackgroundCycle();
  }
  assert.is(await countRange(h.db, hashMembers(h, 'big', version)), 0);
  assert.is(h.ks.sweeper.stats.membersDeleted, 5000);
  await close(h);
});

test('a big dead collection is dropped from the tables in ranges, not member by member; then its records', async () => {
  const h = await open(dirs.make(), true);
  h.ks.sweeper.dropRangeMinMembers = 1000;
  const version = await writeHash(h, 'big', 20_000);
  await writeHash(h, 'small', 3);
  await h.db.flush();
  const tableBytes = (): number => h.db.stats().levels.reduce((sum, l) => sum + l.bytes, 0);
  const before = tableBytes();
  await h.ks.remove(0, 'big', (await current(h.ks, 0, 'big')) as Buffer);
  // The drop runs in the background (a flush and compactions): a deadline, not a count of passes,
  // so a loaded machine only makes it slower (a 500-pass limit failed once under load).
  const deadline = Date.now() + 60_000;
  // A drop counts itself once its record's deletion is durable, which is after the deletion is
  // visible: wait for both (under load the count came a moment after the last record went).
  while ((await countRange(h.db, META_GARBAGE_PREFIX)) > 0 || h.ks.sweeper.stats.rangesFreed < 2) {
    assert.ok(Date.now() < deadline, 'the records went within 60 s');
    await h.ks.sweeper.sweep(Infinity);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.is(await countRange(h.db, hashMembers(h, 'big', version)), 0);
  const { membersDeleted, rangesFreed, rangesDropped } = h.ks.sweeper.stats;
  assert.equal({ membersDeleted, rangesFreed, rangesDropped }, { membersDeleted: 0, rangesFreed: 2, rangesDropped: 2 }, 'both member ranges (fields, field expiry index) dropped, none swept');
  // Tombstones would have added to the tables; the drop took the members' tables away.
  assert.ok(tableBytes() < before / 4, `tables ${tableBytes()} bytes after, ${before} before`);
  assert.is(await countRange(h.db, namespacePrefix(h.ks.namespaceOf(0)) + 'h'), 3, 'the other hash is untouched');
  await close(h);
});

test('DEL of a collection writes its garbage records; the sweep deletes the members, then the records', async () => {
  const h = await open(dirs.make());
  const version = await writeHash(h, 'big', 2500);
  await writeHash(h, 'small', 3);
  assert.is(h.ks.dbsize(0), 2);
  await h.ks.remove(0, 'big', (await current(h.ks, 0, 'big')) as Buffer);
  assert.is(h.ks.dbsize(0), 1);
  assert.is(await countRange(h.db, META_GARBAGE_PREFIX), 2, 'one record per kind of hash member (fields, field expiry index)');
  assert.is(await countRange(h.db, hashMembers(h, 'big', version)), 2500, 'members stay until swept');
  await sweepAll(h);
  assert.is(await countRange(h.db, hashMembers(h, 'big', version)), 0);
  assert.is(await countRange(h.db, META_GARBAGE_PREFIX), 0);
  assert.is(h.ks.sweeper.stats.membersDeleted, 2500);
  assert.equal([h.ks.sweeper.stats.pending, h.ks.sweeper.stats.rangesFreed], [0, 2], 'INFO lazyfree_pending_objects, lazyfreed_objects');
  assert.is(await countRange(h.db, namespacePrefix(h.ks.namespaceOf(0)) + 'h'), 3, 'the other hash is untouched');
  await close(h);
});

test('overwriting with a string kills the version; a new version of the same key does too; an unchanged version does not', async () => {
  const h = await open(dirs.make());
  const first = await writeHash(h, 'k', 10);
  await h.ks.store(0, 'k', encodeString(Buffer.from('now a string'), NO_EXPIRE, StringEncodingHint.ByContent), await current(h.ks, 0, 'k'));
  assert.is(await countRange(h.db, META_GARBAGE_PREFIX), 2);
  await sweepAll(h);
  assert.is(await countRange(h.db, hashMembers(h, 'k', first)), 0);
  const second = await writeHash(h, 'k', 5);
  assert.is.not(second, first);
  // Same version, new count: members stay alive.
  const meta = newMeta(ValueType.Hash, second);
  meta.count = 4;
  await h.ks.store(0, 'k', encodeMeta(meta), await current(h.ks, 0, 'k'));
  assert.is(await countRange(h.db, META_GARBAGE_PREFIX), 0);
  const third = await writeHash(h, 'k', 2);
  assert.is.not(third, second);
  assert.is(await countRange(h.db, META_GARBAGE_PREFIX), 2, 'the new version killed the second');
  await close(h);
});

test('an expired collection is recorded by the expiry cycle, and swept', async () => {
  const h = await open(dirs.make());
  const version = await writeHash(h, 'e', 20, Date.now() + 50);
  const expire = Date.now() + 60;
  while (Date.now() <= expire) await new Promise((resolve) => setTimeout(resolve, 10));
  await h.ks.runBackgroundCycle();
  assert.is(h.ks.dbsize(0), 0);
  await sweepAll(h);
  assert.is(await countRange(h.db, hashMembers(h, 'e', version)), 0);
  assert.is(await countRange(h.db, META_GARBAGE_PREFIX), 0);
  await close(h);
});

test('garbage records survive a reopen and the sweep finishes then', async () => {
  const dir = dirs.make();
  let h = await open(dir);
  const version = await writeHash(h, 'k', 1200);
  await h.ks.remove(0, 'k', (await current(h.ks, 0, 'k')) as Buffer);
  await close(h);
  h = await open(dir);
  assert.is(await countRange(h.db, META_GARBAGE_PREFIX), 2);
  await sweepAll(h);
  assert.is(await countRange(h.db, hashMembers(h, 'k', version)), 0);
  assert.is(await countRange(h.db, META_GARBAGE_PREFIX), 0);
  await close(h);
});

test('compaction drops the members of a dead version by itself', async () => {
  const h = await open(dirs.make(), true);
  const dead = await writeHash(h, 'gone', 600);
  const live = await writeHash(h, 'kept', 600);
  await h.ks.remove(0, 'gone', (await current(h.ks, 0, 'gone')) as Buffer);
  // No sweep: compaction alone must find the version dead.
  await h.db.compactAll();
  assert.is(await countRange(h.db, hashMembers(h, 'gone', dead)), 0);
  assert.is(await countRange(h.db, hashMembers(h, 'kept', live)), 600);
  assert.ok(h.db.stats().compactions > 0);
  await close(h);
});

test('a copy under way: reserved members survive compaction; a crash leaves reservations that the next open turns into garbage', async () => {
  const dir = dirs.make();
  let h = await open(dir, true);
  const version = h.ks.versions.next();
  const prefix = hashMembers(h, 'copy', version);
  // What copyCollection writes before its final batch: the reservation, then members no metadata names.
  await h.db.write([{ kind: EntryKind.Put, key: META_RESERVED_PREFIX + prefix, value: Buffer.alloc(0) }]);
  for (let i = 0; i < 600; i += 100) {
    await h.db.write(Array.from({ length: 100 }, (_, j) => ({ kind: EntryKind.Put, key: `${prefix}f${i + j}`, value: Buffer.from([0, 0x76]) })));
  }
  await h.db.compactAll();
  assert.is(await countRange(h.db, prefix), 600, 'the compaction filter keeps a reserved version');
  await close(h);
  h = await open(dir, true);
  assert.is(await countRange(h.db, META_RESERVED_PREFIX), 0);
  assert.is(await countRange(h.db, META_GARBAGE_PREFIX), 1);
  await sweepAll(h);
  assert.is(await countRange(h.db, prefix), 0);
  await close(h);
});

test.run();
