/**
 * SCAN's promise (every key present for the whole scan is returned at least once) with keys
 * added and removed between pages, cursors that survive a reopen, MATCH/TYPE filters, the cursor
 * store's bound, KEYS and RANDOMKEY. Set SEED=n to replay.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db } from '../../src/engine/db.js';
import type { BatchOp, BinaryKey } from '../../src/engine/types.js';
import { Keyspace, keyspaceDbOptions } from '../../src/keyspace/keyspace.js';
import { NO_EXPIRE, StringEncodingHint, encodeString } from '../../src/keyspace/encoding.js';
import { ScanCursorStore } from '../../src/keyspace/scan-cursors.js';
import { matchingKeys, randomKey, scanPage } from '../../src/keyspace/scan.js';
import { Random, seedFromEnv } from '../engine/random.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-scan-'));
  dirs.push(dir);
  return dir;
}
test.after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function open(dir: string): Promise<{ db: Db; ks: Keyspace }> {
  const db = await Db.open({ dir, fsync: 'no', memtableSize: 32 * 1024, blockSize: 1024, ...keyspaceDbOptions() });
  return { db, ks: await Keyspace.open(db, { databases: 4 }) };
}

async function close(h: { db: Db; ks: Keyspace }): Promise<void> {
  await h.ks.close();
  await h.db.close();
}

async function set(ks: Keyspace, db: number, key: BinaryKey, expire = NO_EXPIRE): Promise<void> {
  let previous = ks.lookupWrite(db, key);
  while (previous instanceof Promise) {
    await previous;
    previous = ks.lookupWrite(db, key);
  }
  await ks.store(db, key, encodeString(Buffer.from('v'), expire, StringEncodingHint.ByContent), previous);
}

async function remove(ks: Keyspace, db: number, key: BinaryKey): Promise<void> {
  let previous = ks.lookupWrite(db, key);
  while (previous instanceof Promise) {
    await previous;
    previous = ks.lookupWrite(db, key);
  }
  if (previous !== null) await ks.remove(db, key, previous);
}

async function scanAll(ks: Keyspace, db: number, count: number, pattern: string | null = null, type: string | null = null): Promise<BinaryKey[]> {
  const out: BinaryKey[] = [];
  let cursor = '0';
  do {
    const page = await scanPage(ks, db, cursor, { count, pattern, type });
    if (page.durable) await page.durable;
    out.push(...page.keys);
    cursor = page.cursor;
  } while (cursor !== '0');
  return out;
}

test('every key present for the whole scan is returned, whatever happens between pages', async () => {
  const seed = seedFromEnv();
  const rnd = new Random(seed);
  const h = await open(tempDir());
  const stable = new Set<BinaryKey>();
  for (let i = 0; i < 300; i++) {
    const key = `stable:${rnd.int(1e6)}:${i}`;
    stable.add(key);
    await set(h.ks, 0, key);
  }
  let volatile = 0;
  const seen = new Set<BinaryKey>();
  let cursor = '0';
  let pages = 0;
  do {
    const page = await scanPage(h.ks, 0, cursor, { count: 1 + rnd.int(15), pattern: null, type: null });
    if (page.durable) await page.durable;
    for (const k of page.keys) seen.add(k);
    cursor = page.cursor;
    pages++;
    // Churn around the stable keys: new keys sorting everywhere, and deletions of earlier churn.
    for (let j = 0; j < 5; j++) await set(h.ks, 0, `${String.fromCharCode(0x20 + rnd.int(90))}churn${volatile++}`);
    if (volatile > 10) await remove(h.ks, 0, `${String.fromCharCode(0x20 + rnd.int(90))}churn${rnd.int(volatile)}`);
    if (pages % 7 === 0) await h.db.flush();
  } while (cursor !== '0');
  for (const key of stable) assert.ok(seen.has(key), `seed ${seed}: ${key} missing`);
  assert.ok(pages > 20);
  await close(h);
});

test('a cursor still works after the database is reopened', async () => {
  const dir = tempDir();
  let h = await open(dir);
  const all: BinaryKey[] = [];
  for (let i = 0; i < 100; i++) {
    all.push(`k${String(i).padStart(3, '0')}`);
    await set(h.ks, 1, all[i]);
  }
  const first = await scanPage(h.ks, 1, '0', { count: 40, pattern: null, type: null });
  await first.durable;
  assert.is(first.keys.length, 40);
  assert.is.not(first.cursor, '0');
  await close(h);
  h = await open(dir);
  const rest: BinaryKey[] = [...first.keys];
  let cursor = first.cursor;
  while (cursor !== '0') {
    const page = await scanPage(h.ks, 1, cursor, { count: 25, pattern: null, type: null });
    await page.durable;
    rest.push(...page.keys);
    cursor = page.cursor;
  }
  assert.equal(rest.sort(), all);
  await close(h);
});

test('MATCH, TYPE and expired keys', async () => {
  const h = await open(tempDir());
  for (let i = 0; i < 50; i++) await set(h.ks, 0, `user:${i}`);
  for (let i = 0; i < 50; i++) await set(h.ks, 0, `item:${i}`);
  await set(h.ks, 0, 'user:x', Date.now() + 20);
  await new Promise((r) => setTimeout(r, 40));
  const users = await scanAll(h.ks, 0, 7, 'user:*');
  assert.is(users.length, 50);
  assert.ok(users.every((k) => k.startsWith('user:')));
  assert.is((await scanAll(h.ks, 0, 7, '*:1?')).length, 20);
  assert.is((await scanAll(h.ks, 0, 1000, null, 'STRING')).length, 100);
  assert.is((await scanAll(h.ks, 0, 1000, null, 'hash')).length, 0);
  assert.is((await scanAll(h.ks, 0, 3)).length, 100);
  assert.is((await matchingKeys(h.ks, 0, 'item:[0-4]')).length, 5);
  assert.is((await matchingKeys(h.ks, 0, '*')).length, 100);
  assert.is((await matchingKeys(h.ks, 0, 'user:x')).length, 0, 'expired key is not listed');
  await close(h);
});

test('an unknown cursor restarts the scan instead of skipping keys', async () => {
  const h = await open(tempDir());
  for (let i = 0; i < 10; i++) await set(h.ks, 0, `k${i}`);
  const page = await scanPage(h.ks, 0, '12345', { count: 100, pattern: null, type: null });
  assert.is(page.keys.length, 10);
  assert.is(page.cursor, '0');
  await close(h);
});

test('the cursor store keeps only the newest cursors, on disk too', async () => {
  const dir = tempDir();
  const db = await Db.open({ dir, fsync: 'no' });
  const store = await ScanCursorStore.load(db, 3);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const ops: BatchOp[] = [];
    ids.push(store.create(`resume${i}`, ops));
    await db.write(ops);
  }
  assert.is(store.size, 3);
  assert.is(store.resumeKey(ids[0]), undefined);
  assert.is(store.resumeKey(ids[4]), 'resume4');
  const reloaded = await ScanCursorStore.load(db, 3);
  assert.is(reloaded.size, 3);
  assert.is(reloaded.resumeKey(ids[2]), 'resume2');
  const ops: BatchOp[] = [];
  assert.ok(Number(reloaded.create('next', ops)) > Number(ids[4]), 'ids keep growing after a reload');
  await db.close();
});

test('RANDOMKEY returns live keys, spread over small and large databases', async () => {
  const h = await open(tempDir());
  assert.is(await randomKey(h.ks, 0), null);
  for (let i = 0; i < 20; i++) await set(h.ks, 0, `s${i}`);
  const small = new Set<BinaryKey>();
  for (let i = 0; i < 200; i++) small.add((await randomKey(h.ks, 0)) as BinaryKey);
  assert.ok(small.size >= 15, `small db: ${small.size} distinct`);
  for (let i = 0; i < 2000; i++) await set(h.ks, 1, `key:${i}`);
  const large = new Set<BinaryKey>();
  for (let i = 0; i < 200; i++) {
    const k = await randomKey(h.ks, 1);
    assert.ok(k !== null && k.startsWith('key:'));
    large.add(k as BinaryKey);
  }
  assert.ok(large.size >= 100, `large db: ${large.size} distinct`);
  await close(h);
});

test.run();
