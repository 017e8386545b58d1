/**
 * Backups end to end: BGSAVE and SAVE write checkpoints to dir/checkpoints/<UTC time>, INFO
 * persistence and LASTSAVE report them, one runs at a time (Redis' errors), checkpoint-keep prunes,
 * and `bin/stratakv --restore CHECKPOINT --dir NEW` starts a second server holding exactly the
 * data at the checkpoint while the original runs on.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { BIN, RawClient, encodeCommand, runProcess, sleep, startServer } from './helpers.js';
import { mulberry32 } from '../support/prng.js';

const SEED = Number(process.env.TEST_SEED ?? 6006);
const DATABASES = 16;
const tmpDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-backup-'));
  tmpDirs.push(dir);
  return dir;
}

test.after(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

/** INFO persistence as a map. */
async function persistence(r: Redis): Promise<Map<string, string>> {
  const text = (await r.info('persistence')) as string;
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** Waits until no checkpoint is running (as a backup script polls rdb_bgsave_in_progress). */
async function saveFinished(r: Redis): Promise<Map<string, string>> {
  for (let i = 0; i < 600; i++) {
    const info = await persistence(r);
    if (info.get('rdb_bgsave_in_progress') === '0') return info;
    await sleep(50);
  }
  throw new Error('the checkpoint did not finish in 30 s');
}

/** Every key of every database with its value, as `db/key` -> value. */
async function everything(port: number): Promise<Map<string, string>> {
  const r = new Redis({ port, lazyConnect: true });
  await r.connect();
  const out = new Map<string, string>();
  try {
    for (let db = 0; db < DATABASES; db++) {
      await r.select(db);
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'COUNT', 1000);
        cursor = next;
        if (keys.length === 0) continue;
        const values = await r.mget(keys);
        keys.forEach((key, i) => out.set(`${db}/${key}`, values[i] as string));
      } while (cursor !== '0');
    }
  } finally {
    r.disconnect();
  }
  return out;
}

function assertSameData(actual: Map<string, string>, expected: Map<string, string>, what: string): void {
  for (const [key, value] of expected) {
    if (actual.get(key) !== value) assert.unreachable(`${what}: ${key} is ${JSON.stringify(actual.get(key))}, expected ${JSON.stringify(value)} (TEST_SEED=${SEED})`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) assert.unreachable(`${what}: ${key} should not be there (TEST_SEED=${SEED})`);
}

/** Random writes to databases 0 and 3 through one connection, mirrored in `model`. */
async function randomWrites(r: Redis, model: Map<string, string>, random: () => number, count: number, tag: string): Promise<void> {
  for (const db of [0, 3]) {
    await r.select(db);
    const pipeline = r.pipeline();
    for (let i = 0; i < count; i++) {
      const key = `k${Math.floor(random() * count * 2)}`;
      if (random() < 0.1) {
        pipeline.del(key);
        model.delete(`${db}/${key}`);
      } else {
        const value = `${tag}-${i}-${'v'.repeat(Math.floor(random() * 300))}`;
        if (random() < 0.1) pipeline.set(key, value, 'EX', 100_000);
        else pipeline.set(key, value);
        model.set(`${db}/${key}`, value);
      }
    }
    await pipeline.exec();
  }
}

test('BGSAVE, then --restore into a new dir: exactly the data at the checkpoint; the original runs on', async () => {
  const random = mulberry32(SEED);
  // Small memtables: the data sits in several tables and levels, plus a memtable.
  const srv = await startServer({ args: ['--memtable-size', '1mb'] });
  const restoredDir = path.join(tempDir(), 'restored');
  let copy: Awaited<ReturnType<typeof startServer>> | null = null;
  const r = new Redis({ port: srv.port, lazyConnect: true });
  try {
    await r.connect();
    const model = new Map<string, string>();
    await randomWrites(r, model, random, 8000, 'first');
    const lastSaveBefore = await r.lastsave();
    const idle = await persistence(r);
    assert.is(idle.get('rdb_bgsave_in_progress'), '0');
    assert.is(idle.get('rdb_saves'), '0');
    assert.is(idle.get('rdb_last_bgsave_time_sec'), '-1');

    // BGSAVE between two writes of one pipeline: the first is in the checkpoint, the second not.
    const raw = await RawClient.connect(srv.port);
    raw.write(Buffer.concat([encodeCommand(['SET', 'probe', 'before']), encodeCommand(['BGSAVE']), encodeCommand(['SET', 'probe', 'after'])]));
    assert.is((await raw.readReplies(3)).toString(), '+OK\r\n+Background saving started\r\n+OK\r\n');
    raw.close();
    const atCheckpoint = new Map(model).set('0/probe', 'before');
    model.set('0/probe', 'after');

    const info = await saveFinished(r);
    assert.is(info.get('rdb_last_bgsave_status'), 'ok');
    assert.is(info.get('rdb_saves'), '1');
    assert.ok(Number(info.get('rdb_last_bgsave_time_sec')) >= 0);
    assert.is(info.get('rdb_current_bgsave_time_sec'), '-1');
    const checkpoint = info.get('last_checkpoint_dir') as string;
    assert.is(path.dirname(checkpoint), path.join(srv.dir, 'checkpoints'));
    assert.match(path.basename(checkpoint), /^\d{8}T\d{6}\.\d{3}Z$/);
    assert.ok(Number(info.get('rdb_last_save_time')) >= lastSaveBefore);
    assert.is(await r.lastsave(), Number(info.get('rdb_last_save_time')));
    assert.match(srv.output(), /Background saving started: checkpoint /);
    assert.match(srv.output(), /Background saving terminated with success/);

    // Overwrites, deletes, new keys and a flushed database after the checkpoint.
    await randomWrites(r, model, random, 4000, 'second');
    await r.select(3);
    await r.flushdb();
    for (const key of [...model.keys()]) if (key.startsWith('3/')) model.delete(key);

    copy = await startServer({ dir: restoredDir, args: ['--restore', checkpoint] });
    assert.match(copy.output(), /Restored checkpoint .* into /);
    assert.match(copy.output(), /replayed 0 batches from/);
    assertSameData(await everything(copy.port), atCheckpoint, 'restored server');
    const c = new Redis({ port: copy.port, lazyConnect: true });
    await c.connect();
    let ttls = 0;
    for (const key of [...atCheckpoint.keys()].filter((k) => k.startsWith('0/')).slice(0, 300)) {
      const ttl = await c.ttl(key.slice(2));
      if (ttl > 0) {
        ttls++;
        assert.ok(ttl > 99_000 && ttl <= 100_000, `${key}: TTL ${ttl}`);
      }
    }
    assert.ok(ttls > 0, 'some keys carry their TTL over');
    c.disconnect();

    assertSameData(await everything(srv.port), model, 'original server');
    assert.is(await r.set('still', 'running'), 'OK');
  } finally {
    r.disconnect();
    await copy?.stop();
    await srv.stop();
  }
});

test('SAVE, one checkpoint at a time, BGSAVE SCHEDULE and syntax, checkpoint-keep', async () => {
  const srv = await startServer();
  const r = new Redis({ port: srv.port, lazyConnect: true });
  try {
    await r.connect();
    await r.set('k', 'v');
    // All in one write, so the later commands run while the first checkpoint is still writing.
    const raw = await RawClient.connect(srv.port);
    raw.write(Buffer.concat([['BGSAVE'], ['BGSAVE'], ['BGSAVE', 'SCHEDULE'], ['SAVE']].map((argv) => encodeCommand(argv))));
    const busy = '-ERR Background save already in progress\r\n';
    assert.is((await raw.readReplies(4)).toString(), `+Background saving started\r\n${busy}${busy}${busy}`);
    await saveFinished(r);
    assert.is((await raw.command('BGSAVE', 'NOW')).toString(), '-ERR syntax error\r\n');
    assert.is((await raw.command('BGSAVE', 'SCHEDULE')).toString(), '+Background saving started\r\n');
    await saveFinished(r);
    raw.close();

    assert.equal(await r.config('GET', 'checkpoint-keep'), ['checkpoint-keep', '2']);
    const root = path.join(srv.dir, 'checkpoints');
    assert.is(readdirSync(root).length, 2, 'the newest two kept');
    await r.config('SET', 'checkpoint-keep', '1');
    assert.is(await r.call('SAVE'), 'OK');
    const info = await persistence(r);
    assert.is(info.get('rdb_saves'), '3');
    assert.equal(readdirSync(root), [path.basename(info.get('last_checkpoint_dir') as string)], 'only the newest kept');
    assert.match(srv.output(), /DB saved on disk: checkpoint /);
    assert.is((await r.config('SET', 'checkpoint-keep', '0').catch((err: Error) => err.message)) as string,
      "ERR CONFIG SET failed (possibly related to argument 'checkpoint-keep') - argument must be between 1 and 2147483647 inclusive");
  } finally {
    r.disconnect();
    await srv.stop();
  }
});

test('--restore refuses a data dir that holds data, and a missing or incomplete checkpoint', async () => {
  const srv = await startServer();
  const r = new Redis({ port: srv.port, lazyConnect: true });
  let checkpoint = '';
  try {
    await r.connect();
    await r.set('k', 'v');
    assert.is(await r.call('SAVE'), 'OK');
    checkpoint = (await persistence(r)).get('last_checkpoint_dir') as string;
  } finally {
    r.disconnect();
    await srv.stop({ keepDir: true });
  }
  tmpDirs.push(srv.dir);
  // A copy taken elsewhere, as a backup would be.
  const kept = path.join(tempDir(), 'checkpoint');
  cpSync(checkpoint, kept, { recursive: true });

  const busy = await runProcess(process.execPath, [BIN, '--port', '0', '--dir', srv.dir, '--restore', kept]);
  assert.is(busy.code, 1);
  assert.match(busy.stdout + busy.stderr, new RegExp(`Can't restore ${kept} into ${srv.dir}: the data directory ${srv.dir} already holds data \\(`));

  const missing = await runProcess(process.execPath, [BIN, '--port', '0', '--dir', path.join(tempDir(), 'new'), '--restore', path.join(kept, 'nope')]);
  assert.is(missing.code, 1);
  assert.match(missing.stdout + missing.stderr, /checkpoint .*nope does not exist/, missing.stdout + missing.stderr);

  const table = readdirSync(kept).find((n) => n.endsWith('.sst')) as string;
  rmSync(path.join(kept, table));
  const fresh = path.join(tempDir(), 'fresh');
  const incomplete = await runProcess(process.execPath, [BIN, '--port', '0', '--dir', fresh, '--restore', kept]);
  assert.is(incomplete.code, 1);
  assert.match(incomplete.stdout + incomplete.stderr, new RegExp(`is not a complete checkpoint: ${table} is missing`));
  assert.not.ok(existsSync(path.join(fresh, 'CURRENT')), 'nothing restored');
});

test.run();
