/**
 * The engine over the fault-injecting Env: a failed fsync fails the writes that waited on it (and
 * never acknowledges them), power loss keeps exactly what was synced, and a clean close replays
 * nothing at the next open.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db } from '../../src/engine/db.js';
import { NodeEnv } from '../../src/engine/env/node-env.js';
import { FaultInjectingEnv } from '../../src/engine/env/fault-env.js';
import { EntryKind } from '../../src/engine/types.js';
import { restoreCheckpoint } from '../../src/engine/checkpoint.js';
import { smallDbOptions } from '../support/engine-dirs.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-faults-'));
}

const put = (key: string, value: string) => ({ kind: EntryKind.Put as const, key, value: Buffer.from(value) });

test('a failed fsync rejects the waiting writes; acknowledged ones survive power loss', async () => {
  const dir = tempDir();
  const env = new FaultInjectingEnv(new NodeEnv());
  const db = await Db.open({ dir, env, fsync: 'always' });
  await db.write([put('a', '1')]);
  await db.write([put('b', '2')]);
  env.failNextSync('.log');
  let rejected = false;
  await db.write([put('c', '3')]).catch(() => {
    rejected = true;
  });
  assert.ok(rejected, 'the write whose fsync failed is not acknowledged');
  assert.ok(db.writeFailure !== null, 'writes are refused after a failed fsync');
  await db.close();
  await env.dropUnsyncedData();
  env.reset();
  const reopened = await Db.open({ dir, env: new NodeEnv() });
  assert.is((await reopened.get('a'))?.toString(), '1');
  assert.is((await reopened.get('b'))?.toString(), '2');
  await reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a full disk refuses writes, keeps reads, and writes resume once space returns', async () => {
  const dir = tempDir();
  const env = new FaultInjectingEnv(new NodeEnv());
  const db = await Db.open({ dir, env, fsync: 'always', memtableSize: 8 * 1024 });
  for (let i = 0; i < 50; i++) await db.write([put(`before${i}`, 'x'.repeat(200))]);
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  env.failWrites(full);
  const failed = await db.write([put('during', '1')]).then(
    () => false,
    () => true,
  );
  assert.ok(failed, 'the write that hit the full disk is not acknowledged');
  assert.is((db.writeFailure as NodeJS.ErrnoException | null)?.code, 'ENOSPC');
  await db.write([put('refused', '1')]).then(
    () => assert.unreachable('writes are refused while the disk is full'),
    () => {},
  );
  assert.is((await db.get('before7'))?.toString(), 'x'.repeat(200), 'reads keep working');
  // Still full after a retry or two: still refused.
  await new Promise((resolve) => setTimeout(resolve, 1200));
  assert.ok(db.writeFailure !== null);
  env.failWrites(null);
  const deadline = Date.now() + 5000;
  while (db.writeFailure !== null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.is(db.writeFailure, null, 'writes resume once space returns');
  await db.write([put('after', '1')]);
  assert.is(db.stats().writeFailures, 1);
  await db.close();
  const reopened = await Db.open({ dir });
  for (let i = 0; i < 50; i++) assert.is((await reopened.get(`before${i}`))?.toString(), 'x'.repeat(200), 'acknowledged writes kept');
  assert.is((await reopened.get('after'))?.toString(), '1');
  await reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Tables (.sst files) in `dir`. */
function tables(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.endsWith('.sst')).sort();
}

/** Writes `count` keys of 200 bytes with a prefix, enough to flush small memtables many times. */
async function fill(db: Db, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 20) {
    const batch = [];
    for (let j = i; j < i + 20 && j < count; j++) batch.push(put(`${prefix}${String((j * 7919) % count).padStart(6, '0')}`, `${prefix}:${j}:` + 'x'.repeat(200)));
    await db.write(batch);
  }
}

async function waitFor(what: string, condition: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a compaction whose table writes fail in the worker (a full disk) is retried, leaves no table behind, keeps every read right, and succeeds once the disk has room', async () => {
  const dir = tempDir();
  const env = new FaultInjectingEnv(new NodeEnv());
  const warnings: string[] = [];
  const db = await Db.open({ ...smallDbOptions(dir), env, logger: (level, message) => { if (level === 'warning') warnings.push(message); } });
  try {
    // The worker's writes fail from the start; flushes (on this thread) still succeed.
    env.failCompactions({ failWritesWith: 'ENOSPC' });
    await fill(db, 'a', 600);
    await waitFor('a failed compaction', () => warnings.some((w) => /compaction failed, retrying in 1 s: ENOSPC/.test(w)));
    assert.is(db.stats().compactions, 0, 'no compaction got through');
    assert.is(db.writeFailure, null, 'a failed compaction does not stop writes');
    for (let j = 0; j < 600; j += 37) assert.is((await db.get(`a${String((j * 7919) % 600).padStart(6, '0')}`))?.toString().startsWith(`a:${j}:`), true);

    env.failCompactions(undefined);
    await waitFor('a compaction once the disk has room', () => db.stats().compactions > 0);
    await db.compactAll();
    for (let j = 0; j < 600; j += 37) assert.is((await db.get(`a${String((j * 7919) % 600).padStart(6, '0')}`))?.toString().startsWith(`a:${j}:`), true);
    // Every table on disk is one the tree holds: the failed attempts' outputs were deleted.
    assert.is(tables(dir).length, db.stats().levels.reduce((sum, l) => sum + l.files, 0), tables(dir).join(' '));
  } finally {
    await db.close();
  }
  const reopened = await Db.open({ dir, env: new NodeEnv() });
  for (let j = 0; j < 600; j += 11) assert.ok((await reopened.get(`a${String((j * 7919) % 600).padStart(6, '0')}`))?.toString().startsWith(`a:${j}:`));
  await reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a compaction torn mid-table-write (the worker "crashes" after a few bytes) changes nothing: the tree stays as it was, a reopen finds every key and no stray table', async () => {
  const dir = tempDir();
  const env = new FaultInjectingEnv(new NodeEnv());
  const db = await Db.open({ ...smallDbOptions(dir), env });
  env.failCompactions({ tearFirstAppendAt: 100 });
  await fill(db, 'b', 600);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.is(db.stats().compactions, 0);
  for (let j = 0; j < 600; j += 23) assert.ok((await db.get(`b${String((j * 7919) % 600).padStart(6, '0')}`))?.toString().startsWith(`b:${j}:`));
  // As a crash would: the process goes away without a clean close (the WAL has every write).
  await db.close();
  env.reset();
  const reopened = await Db.open({ ...smallDbOptions(dir), env: new NodeEnv() });
  for (let j = 0; j < 600; j++) assert.ok((await reopened.get(`b${String((j * 7919) % 600).padStart(6, '0')}`))?.toString().startsWith(`b:${j}:`), `key ${j}`);
  await reopened.compactAll();
  assert.is(tables(dir).length, reopened.stats().levels.reduce((sum, l) => sum + l.files, 0), tables(dir).join(' '));
  await reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a checkpoint on a full disk (links impossible, copies fail) fails cleanly: no checkpoint and no .tmp left, the db goes on, and the next one works; a failing fsync fails it too', async () => {
  const dir = tempDir();
  const out = tempDir();
  const env = new FaultInjectingEnv(new NodeEnv());
  const db = await Db.open({ ...smallDbOptions(dir), env });
  try {
    await fill(db, 'c', 300);
    // Everything in tables first, so the checkpoint's own flush has nothing to write.
    await db.flush();
    // Another file system: links fail with EXDEV and the checkpoint copies; the disk is full.
    env.failLinks(Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' }));
    env.failWrites(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    const target = path.join(out, 'one');
    const error = await db.checkpoint(target).then(() => null, (e: NodeJS.ErrnoException) => e);
    assert.is(error?.code, 'ENOSPC');
    assert.equal(fs.readdirSync(out), [], 'neither the checkpoint nor its .tmp is left');
    // The copy failed, not the engine: writes were never refused.
    assert.is(db.writeFailure, null);
    env.failWrites(null);
    await db.write([put('after', '1')]);

    // Copies work again; a failing fsync of the copy still fails the checkpoint.
    env.failNextSync('one.tmp');
    const synced = await db.checkpoint(target).then(() => null, (e: Error) => e);
    assert.match(String(synced?.message), /EIO/);
    assert.equal(fs.readdirSync(out), []);

    const info = await db.checkpoint(target);
    assert.ok(info.copied > 0 && info.linked === 0, `copied ${info.copied}, linked ${info.linked}`);
  } finally {
    await db.close();
  }
  // The checkpoint restores through an Env too, and a full disk stops the restore before CURRENT.
  const restoreEnv = new FaultInjectingEnv(new NodeEnv());
  const into = path.join(out, 'restored');
  restoreEnv.failWrites(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
  await restoreCheckpoint(path.join(out, 'one'), into, undefined, restoreEnv).then(() => assert.unreachable('restore on a full disk'), (e: NodeJS.ErrnoException) => assert.is(e.code, 'ENOSPC'));
  assert.not.ok(fs.existsSync(path.join(into, 'CURRENT')), 'an interrupted restore never looks like a database');
  fs.rmSync(into, { recursive: true, force: true });
  await restoreCheckpoint(path.join(out, 'one'), into, undefined, new NodeEnv());
  const restored = await Db.open({ dir: into, env: new NodeEnv() });
  for (let j = 0; j < 300; j += 7) assert.ok((await restored.get(`c${String((j * 7919) % 300).padStart(6, '0')}`))?.toString().startsWith(`c:${j}:`));
  await restored.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

test('an atomic section is one WAL record: a torn write keeps all of it or none', async () => {
  for (const atomic of [true, false]) {
    const dir = tempDir();
    const env = new FaultInjectingEnv(new NodeEnv());
    const db = await Db.open({ dir, env, fsync: 'always' });
    await db.write([put('before', '1')]);
    // Tear the group's write 20 bytes short of its end: the last record is cut.
    env.tearNextAppend(2 * (8 + 8 + 4 + 1 + 1 + 1 + 1 + 400) - 20);
    const writes: Promise<unknown>[] = [];
    const run = () => {
      writes.push(db.write([put('a', 'x'.repeat(400))]).catch(() => 'failed'));
      writes.push(db.write([put('b', 'y'.repeat(400))]).catch(() => 'failed'));
    };
    if (atomic) {
      // Inside a section each write resolves once applied; the section's promise is the acknowledgement.
      assert.is(await db.atomic(run).then(() => 'ok', () => 'failed'), 'failed', 'the section is not acknowledged');
    } else {
      run();
      assert.equal(await Promise.all(writes), ['failed', 'failed'], 'neither write is acknowledged');
    }
    // The torn bytes stay in the file, as after a crash in the middle of the write.
    await db.close().catch(() => {});
    env.reset();
    const reopened = await Db.open({ dir });
    const a = (await reopened.get('a')) !== undefined;
    const b = (await reopened.get('b')) !== undefined;
    assert.is((await reopened.get('before'))?.toString(), '1');
    if (atomic) assert.equal([a, b], [false, false], 'the torn atomic record is dropped whole');
    else assert.equal([a, b], [true, false], 'without a section, the first record survives the tear alone');
    await reopened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an atomic section that waits in the middle is still one WAL record', async () => {
  const dir = tempDir();
  const env = new FaultInjectingEnv(new NodeEnv());
  const db = await Db.open({ dir, env, fsync: 'always' });
  await db.write([put('before', '1')]);
  env.tearNextAppend(2 * (8 + 8 + 4 + 1 + 1 + 1 + 1 + 400) - 20);
  const section = db.atomic(async () => {
    await db.write([put('a', 'x'.repeat(400))]); // resolves once applied: no deadlock on its own write
    assert.ok(db.atomicSectionEnded() !== undefined, 'the section is open while it waits');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await db.write([put('b', 'y'.repeat(400))]);
    return 'done';
  });
  assert.is(await section.then((v) => v, () => 'failed'), 'failed', 'the section is not acknowledged');
  assert.is(db.atomicSectionEnded(), undefined, 'and closed once its promise settled');
  await db.close().catch(() => {});
  env.reset();
  const reopened = await Db.open({ dir });
  assert.is((await reopened.get('before'))?.toString(), '1');
  assert.is(await reopened.get('a'), undefined, 'the torn record is dropped whole');
  assert.is(await reopened.get('b'), undefined);
  await reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a memtable that fills inside an open atomic section rotates when the section ends', async () => {
  const dir = tempDir();
  const db = await Db.open({ dir, memtableSize: 16 * 1024, fsync: 'always' });
  const flushesBefore = db.stats().flushes;
  assert.is(await db.atomic(async () => {
    for (let i = 0; i < 20; i++) {
      await db.write([put(`k${i}`, 'v'.repeat(2000))]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.is(db.stats().flushes, flushesBefore, 'no rotation while the section is open');
    return 20;
  }), 20);
  await db.flush();
  assert.ok(db.stats().flushes > flushesBefore, 'rotated after it');
  // A rotation forced inside a section (FLUSHALL SYNC inside a waiting EXEC) logs the part before it first.
  await db.atomic(async () => {
    await db.write([put('first', '1')]);
    await db.flush();
    await db.write([put('second', '2')]);
  });
  await db.close();
  const reopened = await Db.open({ dir });
  for (let i = 0; i < 20; i++) assert.is((await reopened.get(`k${i}`))?.length, 2000);
  assert.is((await reopened.get('first'))?.toString(), '1');
  assert.is((await reopened.get('second'))?.toString(), '2');
  await reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('with appendfsync no, power loss may lose unsynced writes but never corrupts', async () => {
  const dir = tempDir();
  const env = new FaultInjectingEnv(new NodeEnv());
  const db = await Db.open({ dir, env, fsync: 'no' });
  for (let i = 0; i < 100; i++) await db.write([put(`k${i}`, `v${i}`)]);
  await env.dropUnsyncedData();
  env.reset();
  const reopened = await Db.open({ dir, env: new NodeEnv() });
  const it = reopened.iterator();
  let count = 0;
  for (let e = await it.next(); e !== undefined; e = await it.next()) {
    assert.is(e.value.toString(), `v${e.key.slice(1)}`);
    count++;
  }
  assert.ok(count <= 100);
  await reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('clean close then open replays nothing and keeps everything', async () => {
  const dir = tempDir();
  const logs: string[] = [];
  const logger = (_level: string, message: string) => logs.push(message);
  const db = await Db.open({ dir, memtableSize: 64 * 1024, logger });
  for (let i = 0; i < 3000; i++) await db.write([put(`key${String(i).padStart(5, '0')}`, 'x'.repeat(50))]);
  await db.close();
  assert.ok(!fs.readdirSync(dir).some((n) => n.endsWith('.log') && fs.statSync(path.join(dir, n)).size > 0), 'no WAL data left after a clean close');
  logs.length = 0;
  const again = await Db.open({ dir, logger });
  assert.ok(logs.some((l) => /replayed 0 batches/.test(l)), logs.join('\n'));
  assert.is((await again.get('key02999'))?.toString(), 'x'.repeat(50));
  assert.is(await again.get('nokey'), undefined);
  await again.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('reads at a snapshot ignore later writes, including after flushes', async () => {
  const dir = tempDir();
  const db = await Db.open({ dir, memtableSize: 4096, autoCompaction: false });
  await db.write([put('k', 'old')]);
  const snap = db.snapshot();
  await db.write([put('k', 'new'), { kind: EntryKind.Delete, key: 'gone' }]);
  await db.flush();
  assert.is((await db.get('k', snap))?.toString(), 'old');
  assert.is((await db.get('k'))?.toString(), 'new');
  snap.release();
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
