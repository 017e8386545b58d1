/**
 * Damaged data files against the real server: flip a bit in each kind of file of a stopped
 * server's directory, start it, and check that it refuses with exit code 1 and a message naming
 * the file, the offset and the way out; that the way out (wal-truncate-corrupt, --repair) works;
 * and that the data from before the damage is there. A damaged SSTable data block is found at
 * read time instead: that read gets an error reply, everything else keeps working.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, TestClients, type TestServer } from './helpers.js';

const dirs: string[] = [];
const running: TestServer[] = [];
const clients = new TestClients();

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-e2e-corrupt-'));
  dirs.push(dir);
  return dir;
}

test.after.each(async () => {
  clients.disconnectAll();
  for (const s of running.splice(0)) await s.stop({ keepDir: true }).catch(() => {});
});
test.after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function start(dir: string, args: string[] = []): Promise<TestServer> {
  const srv = await startServer({ dir, args });
  running.push(srv);
  return srv;
}

function client(srv: TestServer): Redis {
  const r = clients.connect({ port: srv.port });
  r.on('error', () => {});
  return r;
}

/** Starts a server that must refuse to start: returns its output (startServer's error carries it). */
async function refusedStart(dir: string, args: string[] = []): Promise<string> {
  try {
    const srv = await startServer({ dir, args });
    running.push(srv);
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, 'exited with code 1 before answering PING');
    return message;
  }
  throw new Error('the server started on damaged data');
}

async function stopClean(srv: TestServer): Promise<void> {
  running.splice(running.indexOf(srv), 1);
  assert.is(await srv.stop({ keepDir: true }), 0);
}

async function kill(srv: TestServer): Promise<void> {
  running.splice(running.indexOf(srv), 1);
  await srv.kill();
}

const key = (i: number): string => `key:${String(i).padStart(5, '0')}`;
const val = (i: number): string => `value-${i}-${'x'.repeat(60)}`;

async function writeKeys(r: Redis, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 100) {
    const args: string[] = [];
    for (let j = i; j < Math.min(to, i + 100); j++) args.push(key(j), val(j));
    await r.mset(...args);
  }
}

async function assertKeys(r: Redis, from: number, to: number): Promise<void> {
  const keys = Array.from({ length: to - from }, (_, i) => key(from + i));
  const values = await r.mget(...keys);
  for (let i = 0; i < keys.length; i++) assert.is(values[i], val(from + i), keys[i]);
}

function flipBit(file: string, offset: number): void {
  const data = fs.readFileSync(file);
  data[offset] ^= 0x10;
  fs.writeFileSync(file, data);
}

function filesOf(dir: string, pattern: RegExp): string[] {
  return fs.readdirSync(dir).filter((n) => pattern.test(n)).sort().map((n) => path.join(dir, n));
}

/** Offsets of the records of a log file (WAL segment or MANIFEST): u32 checksum, u32 length, payload. */
function recordOffsets(file: string): number[] {
  const data = fs.readFileSync(file);
  const offsets: number[] = [];
  for (let at = 0; at + 8 <= data.length; at += 8 + data.readUInt32LE(at + 4)) offsets.push(at);
  return offsets;
}

/** A directory with keys 0..n-1 in tables (clean shutdown) and keys n..2n-1 only in the WAL (SIGKILL). */
async function tablesAndWal(n: number): Promise<string> {
  const dir = tempDir();
  let srv = await start(dir);
  await writeKeys(client(srv), 0, n);
  await stopClean(srv);
  srv = await start(dir, ['--appendfsync', 'always']);
  await writeKeys(client(srv), n, 2 * n);
  await kill(srv);
  return dir;
}

test('WAL: a torn tail is cut with a log line; a flipped bit in the middle is refused until wal-truncate-corrupt yes', async () => {
  const dir = tempDir();
  let srv = await start(dir, ['--appendfsync', 'always']);
  let r = client(srv);
  for (let i = 0; i < 40; i++) await r.set(key(i), val(i));
  await kill(srv);
  const segment = filesOf(dir, /\.log$/).filter((f) => fs.statSync(f).size > 0).pop() as string;
  fs.truncateSync(segment, fs.statSync(segment).size - 3);

  srv = await start(dir, ['--appendfsync', 'always']);
  assert.match(srv.output(), 'torn tail');
  assert.match(srv.output(), segment);
  r = client(srv);
  await assertKeys(r, 0, 39);
  assert.is(await r.get(key(39)), null, 'the torn write was never acknowledged');
  for (let i = 100; i < 140; i++) await r.set(key(i), val(i));
  await kill(srv);

  const newest = filesOf(dir, /\.log$/).filter((f) => fs.statSync(f).size > 0).pop() as string;
  const offsets = recordOffsets(newest);
  assert.ok(offsets.length >= 40, `records: ${offsets.length}`);
  const damaged = offsets[20];
  flipBit(newest, damaged + 12);
  const message = await refusedStart(dir);
  assert.match(message, `corruption in ${newest} at offset ${damaged}`);
  assert.match(message, 'wal-truncate-corrupt yes');

  srv = await start(dir, ['--wal-truncate-corrupt', 'yes']);
  assert.match(srv.output(), 'dropping');
  r = client(srv);
  await assertKeys(r, 0, 39);
  const after = await r.mget(...Array.from({ length: 40 }, (_, i) => key(100 + i)));
  const kept = after.findIndex((v) => v === null);
  assert.ok(kept > 0 && kept < 40, `kept ${kept} of the writes after the restart`);
  for (let i = 0; i < 40; i++) assert.is(after[i], i < kept ? val(100 + i) : null, key(100 + i));
});

test('SSTable data block: reads of that block get an error reply, others keep working; --repair drops only that block', async () => {
  const dir = tempDir();
  let srv = await start(dir);
  await writeKeys(client(srv), 0, 3000);
  await stopClean(srv);
  const table = filesOf(dir, /\.sst$/).pop() as string;
  // Well inside the data blocks: block 0 holds the keyspace's metadata, the middle only user keys.
  flipBit(table, Math.floor(fs.statSync(table).size / 3));

  srv = await start(dir);
  const r = client(srv);
  const other = client(srv);
  const keys = Array.from({ length: 3000 }, (_, i) => key(i));
  const results = await keys.reduce((p, k) => p.get(k), r.pipeline()).exec();
  assert.ok(results !== null);
  const failed: number[] = [];
  results.forEach(([error, value], i) => {
    if (error !== null) {
      failed.push(i);
      assert.match(error.message, new RegExp(`^ERR corruption in ${table} at offset \\d+: block checksum mismatch`));
    } else assert.is(value, val(i), keys[i]);
  });
  assert.ok(failed.length > 0 && failed.length < 100, `failed reads: ${failed.length}`);
  assert.is(await r.ping(), 'PONG', 'the connection stays up');
  assert.is(await other.get(key(0)), val(0));
  await r.keys('*').then(
    () => assert.unreachable('KEYS read the damaged block'),
    (error: Error) => assert.match(error.message, 'corruption in'),
  );
  await r.scan('0', 'COUNT', 5000).then(
    () => assert.unreachable('SCAN read the damaged block'),
    (error: Error) => assert.match(error.message, 'corruption in'),
  );
  assert.is(await other.set('after', 'ok'), 'OK');
  await stopClean(srv);

  srv = await start(dir, ['--repair']);
  assert.match(srv.output(), 'damaged data block');
  const repaired = client(srv);
  const values = await repaired.mget(...keys);
  for (let i = 0; i < keys.length; i++) assert.is(values[i], failed.includes(i) ? null : val(i), keys[i]);
  assert.is(await repaired.get('after'), 'ok');
  assert.ok(fs.existsSync(path.join(dir, 'lost', path.basename(table))));
});

test('SSTable footer: the server refuses with the file and offset; --repair sets the table aside and starts', async () => {
  const dir = await tablesAndWal(500);
  const table = filesOf(dir, /\.sst$/).pop() as string;
  const size = fs.statSync(table).size;
  flipBit(table, size - 20);
  const message = await refusedStart(dir);
  assert.match(message, `corruption in ${table} at offset ${size - 64}`);
  assert.match(message, '--repair');

  const srv = await start(dir, ['--repair']);
  assert.match(srv.output(), 'cannot be opened');
  const r = client(srv);
  await assertKeys(r, 500, 1000); // the WAL is replayed in full
  assert.is(await r.get(key(0)), null, 'the lost table held the first keys');
  assert.ok(fs.existsSync(path.join(dir, 'lost', path.basename(table))));
});

test('MANIFEST: a flipped bit is refused with the file and offset; --repair rebuilds it and keeps all the data', async () => {
  const dir = await tablesAndWal(500);
  const manifest = filesOf(dir, /^MANIFEST-/)[0];
  flipBit(manifest, 10);
  const message = await refusedStart(dir);
  assert.match(message, `corruption in ${manifest} at offset 0`);
  assert.match(message, '--repair');

  const srv = await start(dir, ['--repair']);
  assert.match(srv.output(), 'repair');
  const r = client(srv);
  await assertKeys(r, 0, 1000);
  assert.is(await r.dbsize(), 1000);
  await stopClean(srv);
  const again = await start(dir);
  await assertKeys(client(again), 0, 1000);
});

test('CURRENT: a flipped bit is refused naming CURRENT; --repair keeps the manifest and all the data', async () => {
  const dir = await tablesAndWal(300);
  const current = path.join(dir, 'CURRENT');
  flipBit(current, 3);
  const message = await refusedStart(dir);
  assert.match(message, `corruption in ${current} at offset 0`);
  assert.match(message, '--repair');

  const srv = await start(dir, ['--repair']);
  assert.match(srv.output(), 'keeping the levels listed by MANIFEST-');
  const r = client(srv);
  await assertKeys(r, 0, 600);
  assert.is(await r.dbsize(), 600);
});

test.run();
