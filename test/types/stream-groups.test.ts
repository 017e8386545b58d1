/**
 * Consumer group records (src/types/stream-groups.ts, docs/format.md "Consumer groups") over a
 * real engine: a PEL written through GroupEdit is read back by ID and by consumer with its counts;
 * XGROUP DESTROY leaves only garbage records, which the sweep turns into nothing; DEL of a stream
 * that has groups but no entries still records its groups as garbage; a group created again under
 * the same name sees nothing of the old one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Db } from '../../src/engine/db.js';
import type { BinaryKey } from '../../src/engine/types.js';
import { Keyspace, keyspaceDbOptions } from '../../src/keyspace/keyspace.js';
import { META_GARBAGE_PREFIX, ValueType, prefixEnd } from '../../src/keyspace/encoding.js';
import { MemberTag, encodeMeta } from '../../src/keyspace/collection-encoding.js';
import { Collection, openCollection, openOrCreate } from '../../src/types/collection.js';
import { STREAM_ID_MAX, STREAM_ID_ZERO, streamId } from '../../src/types/stream.js';
import { GroupEdit, createGroup, destroyGroup, readConsumers, readGroup, walkPel } from '../../src/types/stream-groups.js';
import { smallDbOptions, tempDirs } from '../support/engine-dirs.js';

const dirs = tempDirs('stratakv-stream-groups-');
test.after(() => dirs.removeAll());

async function open(): Promise<{ db: Db; ks: Keyspace }> {
  const db = await Db.open({ ...smallDbOptions(dirs.make()), ...keyspaceDbOptions() });
  return { db, ks: await Keyspace.open(db, { databases: 1 }) };
}

async function load(ks: Keyspace, key: BinaryKey): Promise<Collection> {
  for (;;) {
    const c = openCollection(ks, 0, key, ValueType.Stream, false);
    if (c instanceof Promise) {
      await c;
      continue;
    }
    if (c === null || typeof c === 'symbol') throw new Error('no stream');
    return c;
  }
}

async function count(db: Db, start: BinaryKey): Promise<number> {
  const it = db.iterator({ start, end: prefixEnd(start) });
  let n = 0;
  try {
    while ((await it.next()) !== undefined) n++;
  } finally {
    it.close();
  }
  return n;
}

/** A stream `s` with group `g` and `n` pending entries spread over three consumers (no entries: the PEL alone matters here). */
async function withPel(ks: Keyspace, n: number): Promise<Collection> {
  const created = openOrCreate(ks, 0, 's', ValueType.Stream);
  if (created instanceof Promise || typeof created === 'symbol') throw new Error('cannot create');
  const batch = ks.batch();
  createGroup(created, batch, 'g', STREAM_ID_ZERO, -1n);
  created.stage(batch);
  await batch.commit();
  const stream = await load(ks, 's');
  const group = await readGroup(stream, 'g');
  assert.ok(group !== undefined);
  for (let from = 0; from < n; from += 1000) {
    const b = ks.batch();
    const edit = new GroupEdit(stream, group, b);
    for (let i = from; i < Math.min(n, from + 1000); i++) {
      const { consumer } = await edit.lookupOrCreate(`c${i % 3}`, 1000 + i);
      await edit.assign(streamId(BigInt(i + 1), 0n), consumer, 5000 + i, () => 1n);
    }
    edit.finish();
    await b.commit();
  }
  return stream;
}

test('a PEL is read back by ID and by consumer, with the counts it was written with', async () => {
  const h = await open();
  const stream = await withPel(h.ks, 2500);
  const group = await readGroup(stream, 'g');
  assert.ok(group !== undefined);
  assert.is(group.pel, 2500);
  assert.is(group.consumers, 3);
  assert.equal((await readConsumers(stream, group)).map((c) => [c.name, c.pending]), [['c0', 834], ['c1', 833], ['c2', 833]]);
  const byId: string[] = [];
  await walkPel(stream, group, null, streamId(100n, 0n), streamId(103n, 0n), ({ id, entry }) => {
    byId.push(`${id === streamId(100n, 0n) ? 'first' : 'next'} ${entry.consumer} ${entry.deliveryTime} ${entry.deliveryCount}`);
  });
  assert.equal(byId, ['first c0 5099 1', 'next c1 5100 1', 'next c2 5101 1', 'next c0 5102 1']);
  let mine = 0;
  await walkPel(stream, group, 'c1', STREAM_ID_ZERO, STREAM_ID_MAX, ({ entry }) => {
    assert.is(entry.consumer, 'c1');
    mine++;
  });
  assert.is(mine, 833);
  await h.ks.close();
  await h.db.close();
});

test('XGROUP DESTROY is one small write; the sweep removes the group\'s consumers and PEL, and a new group of that name starts empty', async () => {
  const h = await open();
  const stream = await withPel(h.ks, 1500);
  const group = await readGroup(stream, 'g');
  assert.ok(group !== undefined);
  const batch = h.ks.batch();
  destroyGroup(stream, batch, group);
  batch.putUnwatched(0, 's', encodeMeta(stream.meta), stream.previous);
  await batch.commit();
  assert.is(await count(h.db, META_GARBAGE_PREFIX), 3, 'consumers, PEL by ID, PEL by consumer');
  assert.ok(await h.ks.sweeper.sweep(Infinity));
  assert.is(await count(h.db, META_GARBAGE_PREFIX), 0);
  for (const tag of [MemberTag.StreamConsumer, MemberTag.StreamPending, MemberTag.StreamConsumerPending]) {
    assert.is(await count(h.db, stream.prefix(tag)), 0, `no ${String.fromCharCode(tag)} records left`);
  }
  const again = await load(h.ks, 's');
  const b2 = h.ks.batch();
  createGroup(again, b2, 'g', STREAM_ID_ZERO, -1n);
  b2.putUnwatched(0, 's', encodeMeta(again.meta), again.previous);
  await b2.commit();
  const fresh = await readGroup(await load(h.ks, 's'), 'g');
  assert.ok(fresh !== undefined && fresh.id !== group.id);
  assert.is(fresh.pel, 0);
  await h.ks.close();
  await h.db.close();
});

test('DEL of a stream with groups and no entries records its groups for the sweep', async () => {
  const h = await open();
  const stream = await withPel(h.ks, 10);
  await h.ks.remove(0, 's', stream.previous as Buffer);
  assert.ok((await count(h.db, META_GARBAGE_PREFIX)) >= 4, 'g, c, p and q prefixes');
  assert.ok(await h.ks.sweeper.sweep(Infinity));
  for (const tag of [MemberTag.StreamGroup, MemberTag.StreamConsumer, MemberTag.StreamPending, MemberTag.StreamConsumerPending]) {
    assert.is(await count(h.db, stream.prefix(tag)), 0, `no ${String.fromCharCode(tag)} records left`);
  }
  await h.ks.close();
  await h.db.close();
});

test.run();
